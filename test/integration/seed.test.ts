import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../network/src/paths';
import { contentHash } from '../../sdk/src/fhir';
import { createMedrecClient } from '../../sdk/src/medrec-client';
import { generateSyntheticData } from '../../sdk/src/seed';
import { closeAll, enrol, registerParticipant, type Actor } from './support/medrec-client';

describe('medrec seed (real network)', function () {
  let admin: Actor;
  let compliance: Actor;

  before(async function () {
    admin = await enrol('hospital1', 'admin');
    compliance = await registerParticipant(admin, 'compliance');
  });

  after(function () {
    closeAll([admin, compliance]);
  });

  it('registers the seed’s patients, clinicians and records, with on-chain hashes of the stored FHIR content', async function () {
    // A random seed keeps this run's data apart from earlier runs on the same network.
    const seed = crypto.randomInt(0, 2 ** 31);
    const options = { seed, patients: 2, clinicians: 2, recordsPerPatient: 2 };
    const args = ['seed', '--seed', String(seed), '--patients', '2', '--clinicians', '2', '--records-per-patient', '2'];
    const out = execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'medrec.js'), ...args], {
      encoding: 'utf8',
    });
    expect(out).to.contain(`seeded 2 patients, 2 clinicians and 4 records (seed ${seed})`);
    const data = generateSyntheticData({ ...options, organisations: ['hospital1', 'hospital2'] });
    const ledger = createMedrecClient(compliance.connection.gateway);
    for (const record of data.records) {
      const pointer = await ledger.getRecord(record.recordId);
      expect(pointer.contentHash).to.equal(contentHash(record.resource));
      expect(pointer.patientId).to.equal(record.patientId);
    }
    // Running it again with the same seed changes nothing and succeeds.
    const again = execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'medrec.js'), ...args], {
      encoding: 'utf8',
    });
    expect(again).to.contain('seeded 2 patients');
  });

  it('rejects a malformed count with a message saying what is expected', function () {
    let message = '';
    try {
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'medrec.js'), 'seed', '--patients', '12abc'], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (err) {
      message = String((err as { stderr?: unknown }).stderr);
    }
    expect(message).to.contain('--patients must be a whole number from 1 to 10000');
  });
});
