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
  // Compliance officers see only the records their own organisation holds: one per custodian.
  const actors: Actor[] = [];
  const compliance = new Map<string, Actor>();

  before(async function () {
    for (const org of ['hospital1', 'hospital2'] as const) {
      const admin = await enrol(org, 'admin');
      const officer = await registerParticipant(admin, 'compliance');
      actors.push(admin, officer);
      compliance.set(org, officer);
    }
  });

  after(function () {
    closeAll(actors);
  });

  it('registers the seed’s patients, clinicians and records, with on-chain hashes of the stored FHIR content', async function () {
    // A random seed keeps this run's data apart from earlier runs on the same network.
    const seed = crypto.randomInt(0, 2 ** 31);
    // Two weeks of serum iron per patient besides the random records: 2 x 2 + 2 x 2 = 8 records.
    const options = { seed, patients: 2, clinicians: 2, recordsPerPatient: 2, ironWeeks: 2, ironEndDate: '2026-11-15' };
    const args = [
      'seed',
      '--seed',
      String(seed),
      '--patients',
      '2',
      '--clinicians',
      '2',
      '--records-per-patient',
      '2',
      '--iron-weeks',
      '2',
      '--iron-end',
      '2026-11-15',
    ];
    const out = execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'medrec.js'), ...args], {
      encoding: 'utf8',
    });
    expect(out).to.contain(
      `seeded 2 patients, 2 clinicians and 8 records (seed ${seed}, 2 weeks of serum iron to 2026-11-15)`,
    );
    const data = generateSyntheticData({ ...options, organisations: ['hospital1', 'hospital2'] });
    for (const record of data.records) {
      const officer = compliance.get(record.custodian);
      if (officer === undefined) throw new Error(`no compliance officer for ${record.custodian}`);
      const pointer = await createMedrecClient(officer.connection.gateway).getRecord(record.recordId);
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
