import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFileWallet, type EnrolledIdentity, type IdentityService, type Wallet } from '@medrec/sdk';
import { renewWalletIdentities } from '../../../network/src/wallet-renewal';
import { issueLeaf, makeCa } from '../chaincode/support/certs';

const ca = makeCa('/C=US/O=Hospital2MSP/CN=ca.hospital2.medrec');
const pem = (cn: string): { certificate: string; privateKey: string } => {
  const leaf = issueLeaf(ca, `/C=US/O=Hospital2MSP/OU=client/CN=${cn}`, 365);
  return { certificate: leaf.certPem, privateKey: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
};

/** A CA that re-enrolls every identity but the refused ones, and records whom it was asked for with which certificate. */
function fakeCa(refused: ReadonlySet<string>): IdentityService & { asked: EnrolledIdentity[] } {
  const asked: EnrolledIdentity[] = [];
  const unused = (): Promise<never> => Promise.reject(new Error('not used by the renewal'));
  return {
    asked,
    register: unused,
    enroll: unused,
    revoke: unused,
    reenroll(identity) {
      asked.push(identity);
      if (refused.has(identity.enrollmentId)) {
        return Promise.reject(new Error(`re-enrollment of ${identity.enrollmentId}: the certificate has been revoked`));
      }
      return Promise.resolve({ ...identity, ...pem(identity.enrollmentId) });
    },
  };
}

describe('renewing the users of an API wallet (medrec org renew-enrollment)', function () {
  let dir: string;
  let wallet: Wallet;

  beforeEach(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-wallet-renewal-'));
    wallet = await createFileWallet({ directory: dir, secret: 'a wallet secret of enough length for the test' });
    for (const label of ['alice', 'bob', 'carol']) await wallet.put({ label, mspId: 'Hospital2MSP', ...pem(label) });
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('re-enrolls each user with its own current certificate and stores the new one in its place', async function () {
    const before = await Promise.all(['alice', 'bob', 'carol'].map((label) => wallet.get(label)));
    const authority = fakeCa(new Set());
    const lines: string[] = [];
    const result = await renewWalletIdentities(wallet, authority, (line) => lines.push(line));
    expect(result).to.deep.equal({ renewed: ['alice', 'bob', 'carol'], failed: [] });
    expect(authority.asked.map((a) => a.enrollmentId).sort()).to.deep.equal(['alice', 'bob', 'carol']);
    for (const [i, label] of ['alice', 'bob', 'carol'].entries()) {
      const asked = authority.asked.find((a) => a.enrollmentId === label);
      expect(asked?.certificate, 'authenticated with the certificate it held').to.equal(before[i]?.certificate);
      const after = await wallet.get(label);
      expect(after?.certificate).not.to.equal(before[i]?.certificate);
      expect(after?.privateKey).not.to.equal(before[i]?.privateKey);
      expect(after?.mspId).to.equal('Hospital2MSP');
    }
    expect(lines.at(-1)).to.equal('3 of 3 wallet users re-enrolled (0 refused)');
  });

  it('goes on past a user the CA refuses, keeps that user as it was, and names it with the reason', async function () {
    const bobBefore = await wallet.get('bob');
    const result = await renewWalletIdentities(wallet, fakeCa(new Set(['bob'])), () => undefined);
    expect(result.renewed).to.deep.equal(['alice', 'carol']);
    expect(result.failed).to.have.length(1);
    expect(result.failed[0]?.label).to.equal('bob');
    expect(result.failed[0]?.reason).to.contain('revoked');
    expect((await wallet.get('bob'))?.certificate).to.equal(bobBefore?.certificate);
  });

  it('renews nothing in an empty wallet', async function () {
    const empty = await createFileWallet({
      directory: path.join(dir, 'empty'),
      secret: 'a wallet secret of enough length for the test',
    });
    const authority = fakeCa(new Set());
    expect(await renewWalletIdentities(empty, authority, () => undefined)).to.deep.equal({ renewed: [], failed: [] });
    expect(authority.asked).to.deep.equal([]);
  });
});
