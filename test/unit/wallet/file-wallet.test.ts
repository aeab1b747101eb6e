import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  InsecureWalletPermissionsError,
  InvalidWalletInputError,
  TamperedWalletEntryError,
  WrongWalletKeyError,
  createFileWallet,
  type Wallet,
  type WalletIdentity,
} from '../../../sdk/src/wallet';
import {
  CLINICIAN_A_CERTIFICATE,
  CLINICIAN_A_PRIVATE_KEY,
  CLINICIAN_B_CERTIFICATE,
  CLINICIAN_B_PRIVATE_KEY,
} from '../gatekeeper/support/test-certificates';
import { canonicalJson } from '../../../sdk/src/fhir/content-hash';
import { rejectionOf } from '../store/support/rejection';

// The cheapest accepted scrypt cost keeps the suite quick; production uses the default.
const FAST = { scryptCost: 2 ** 14 } as const;

function freshSecret(): string {
  return crypto.randomBytes(24).toString('base64');
}

function identityA(label = `user-${crypto.randomUUID()}`): WalletIdentity {
  return { label, mspId: 'Hospital1MSP', certificate: CLINICIAN_A_CERTIFICATE, privateKey: CLINICIAN_A_PRIVATE_KEY };
}

function modeOf(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

describe('file wallet', function () {
  let root: string;
  let directory: string;
  let secret: string;
  let wallet: Wallet;

  beforeEach(async function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-wallet-'));
    directory = path.join(root, 'wallet');
    secret = freshSecret();
    wallet = await createFileWallet({ directory, secret, ...FAST });
  });

  afterEach(function () {
    fs.rmSync(root, { recursive: true, force: true });
  });

  function entryPath(label: string): string {
    return path.join(directory, `${label}.id.json`);
  }

  function editEntry(label: string, edit: (entry: Record<string, unknown>) => void): void {
    const file = entryPath(label);
    const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    edit(entry);
    fs.writeFileSync(file, JSON.stringify(entry));
  }

  it('round-trips an identity', async function () {
    const identity = identityA();
    await wallet.put(identity);
    expect(await wallet.get(identity.label)).to.deep.equal(identity);
  });

  it('creates the directory 0700 and entry files 0600, leaving no temporary files', async function () {
    const identity = identityA();
    await wallet.put(identity);
    expect(modeOf(directory)).to.equal(0o700);
    expect(modeOf(entryPath(identity.label))).to.equal(0o600);
    expect(modeOf(path.join(directory, 'wallet-salt.json'))).to.equal(0o600);
    expect(fs.readdirSync(directory).sort()).to.deep.equal([`${identity.label}.id.json`, 'wallet-salt.json'].sort());
  });

  describe('key derivation: the secret stretched once per wallet, a fast key per entry', function () {
    interface Kdf {
      name: string;
      walletSalt?: string;
      salt: string;
      cost: number;
    }
    const kdfOf = (label: string): Kdf =>
      (JSON.parse(fs.readFileSync(entryPath(label), 'utf8')) as { privateKey: { kdf: Kdf } }).privateKey.kdf;

    it('writes scrypt-hkdf-sha256 entries that share the wallet salt and have salts of their own', async function () {
      const [a, b] = [identityA(), identityA()];
      await wallet.put(a);
      await wallet.put(b);
      const [ka, kb] = [kdfOf(a.label), kdfOf(b.label)];
      expect(ka.name).to.equal('scrypt-hkdf-sha256');
      expect(ka.walletSalt).to.equal(kb.walletSalt);
      expect(ka.salt).to.not.equal(kb.salt);
      expect(ka.cost).to.equal(FAST.scryptCost);
      const stored = JSON.parse(fs.readFileSync(path.join(directory, 'wallet-salt.json'), 'utf8')) as { salt: string };
      expect(stored.salt).to.equal(ka.walletSalt);
    });

    it('shares the wallet salt with another process opening the same directory', async function () {
      const other = await createFileWallet({ directory, secret, ...FAST });
      const [a, b] = [identityA(), identityA()];
      await wallet.put(a);
      await other.put(b);
      expect(kdfOf(a.label).walletSalt).to.equal(kdfOf(b.label).walletSalt);
      expect((await other.get(a.label))?.privateKey).to.equal(a.privateKey);
    });

    it('still opens its entries when the salt file is lost (each entry carries its wallet salt)', async function () {
      const identity = identityA();
      await wallet.put(identity);
      fs.rmSync(path.join(directory, 'wallet-salt.json'));
      const reopened = await createFileWallet({ directory, secret, ...FAST });
      expect((await reopened.get(identity.label))?.privateKey).to.equal(identity.privateKey);
      const fresh = identityA();
      await reopened.put(fresh);
      expect(kdfOf(fresh.label).walletSalt).to.not.equal(kdfOf(identity.label).walletSalt);
    });

    it('refuses the wrong secret for a two-level entry as a wrong key, not as tampering', async function () {
      const identity = identityA();
      await wallet.put(identity);
      const other = await createFileWallet({ directory, secret: freshSecret(), ...FAST });
      await rejectionOf(other.get(identity.label), WrongWalletKeyError);
    });

    it('detects an edited wallet salt or entry salt in an entry', async function () {
      for (const field of ['walletSalt', 'salt'] as const) {
        const identity = identityA();
        await wallet.put(identity);
        editEntry(identity.label, (entry) => {
          (entry.privateKey as { kdf: Kdf }).kdf[field] = crypto.randomBytes(16).toString('base64');
        });
        // Another salt gives another key: the check value no longer matches.
        await rejectionOf(wallet.get(identity.label), WrongWalletKeyError);
      }
    });

    it('opens an entry written with per-entry scrypt (the format before the two-level derivation)', async function () {
      const identity = identityA();
      const kdf = {
        name: 'scrypt',
        cost: 2 ** 14,
        blockSize: 8,
        parallelism: 1,
        salt: crypto.randomBytes(16).toString('base64'),
      };
      // The legacy layout, built from its definition: scrypt(secret, salt) -> 64 bytes; AES-256-GCM under the first
      // half with the canonical {version, label, mspId, certificate, kdf} as associated data; HMAC check under the
      // second half.
      const derived = crypto.scryptSync(Buffer.from(secret, 'utf8'), Buffer.from(kdf.salt, 'base64'), 64, {
        N: kdf.cost,
        r: 8,
        p: 1,
        maxmem: 256 * kdf.cost * 8,
      });
      const binding = { label: identity.label, mspId: identity.mspId, certificate: identity.certificate };
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', derived.subarray(0, 32), iv);
      cipher.setAAD(Buffer.from(canonicalJson({ version: 1, ...binding, kdf }), 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(identity.privateKey, 'utf8'), cipher.final()]);
      const entry = {
        version: 1,
        ...binding,
        privateKey: {
          kdf,
          iv: iv.toString('base64'),
          ciphertext: ciphertext.toString('base64'),
          tag: cipher.getAuthTag().toString('base64'),
          keyCheck: crypto
            .createHmac('sha256', derived.subarray(32))
            .update('medrec/wallet/key-check/v1')
            .digest('hex'),
        },
      };
      fs.writeFileSync(entryPath(identity.label), JSON.stringify(entry), { mode: 0o600 });
      expect((await wallet.get(identity.label))?.privateKey).to.equal(identity.privateKey);
    });
  });

  it('tightens an existing directory that others could read', async function () {
    const loose = path.join(root, 'loose');
    fs.mkdirSync(loose, { mode: 0o755 });
    fs.chmodSync(loose, 0o755);
    await createFileWallet({ directory: loose, secret, ...FAST });
    expect(modeOf(loose)).to.equal(0o700);
  });

  it('never writes the private key in clear', async function () {
    const identity = identityA();
    await wallet.put(identity);
    const text = fs.readFileSync(entryPath(identity.label), 'utf8');
    const keyBody = identity.privateKey.split('\n')[1]!;
    expect(text).to.not.include('PRIVATE KEY');
    expect(text).to.not.include(keyBody);
    expect(text).to.include('BEGIN CERTIFICATE'); // the certificate is public and stays readable
  });

  it('uses a fresh salt and IV every time it writes', async function () {
    const identity = identityA();
    await wallet.put(identity);
    const first = fs.readFileSync(entryPath(identity.label), 'utf8');
    await wallet.put(identity);
    const second = fs.readFileSync(entryPath(identity.label), 'utf8');
    const parse = (text: string): { privateKey: { kdf: { salt: string }; iv: string; ciphertext: string } } =>
      JSON.parse(text) as { privateKey: { kdf: { salt: string }; iv: string; ciphertext: string } };
    expect(parse(first).privateKey.kdf.salt).to.not.equal(parse(second).privateKey.kdf.salt);
    expect(parse(first).privateKey.iv).to.not.equal(parse(second).privateKey.iv);
    expect(parse(first).privateKey.ciphertext).to.not.equal(parse(second).privateKey.ciphertext);
  });

  it('replaces an identity on re-enrolment', async function () {
    const label = `user-${crypto.randomUUID()}`;
    await wallet.put(identityA(label));
    const rotated = {
      label,
      mspId: 'Hospital1MSP',
      certificate: CLINICIAN_B_CERTIFICATE,
      privateKey: CLINICIAN_B_PRIVATE_KEY,
    };
    await wallet.put(rotated);
    expect(await wallet.get(label)).to.deep.equal(rotated);
  });

  it('lists, gets and removes by label', async function () {
    const labels = ['carol', 'alice', 'bob'].map((name) => `${name}-${crypto.randomUUID()}`);
    for (const label of labels) await wallet.put(identityA(label));
    expect(await wallet.list()).to.deep.equal([...labels].sort());
    expect(await wallet.get(`nobody-${crypto.randomUUID()}`)).to.be.undefined;
    expect(await wallet.remove(labels[0]!)).to.be.true;
    expect(await wallet.remove(labels[0]!)).to.be.false;
    expect(await wallet.get(labels[0]!)).to.be.undefined;
    expect(await wallet.list()).to.have.length(2);
  });

  it('fails with WrongWalletKeyError when opened with another secret', async function () {
    const identity = identityA();
    await wallet.put(identity);
    const other = await createFileWallet({ directory, secret: freshSecret(), ...FAST });
    const error = await rejectionOf(other.get(identity.label), WrongWalletKeyError);
    expect(error.code).to.equal('WALLET_WRONG_KEY');
    expect(error.message).to.include('wallet key is wrong');
    expect(error.label).to.equal(identity.label);
  });

  it('opens with the same secret given as a Buffer', async function () {
    const identity = identityA();
    await wallet.put(identity);
    const again = await createFileWallet({ directory, secret: Buffer.from(secret, 'utf8'), ...FAST });
    expect(await again.get(identity.label)).to.deep.equal(identity);
  });

  describe('tampering', function () {
    const edits: [string, (entry: Record<string, unknown>) => void][] = [
      [
        'a flipped ciphertext bit',
        (entry) => {
          const key = entry.privateKey as { ciphertext: string };
          const bytes = Buffer.from(key.ciphertext, 'base64');
          bytes[5] = bytes[5]! ^ 0x01;
          key.ciphertext = bytes.toString('base64');
        },
      ],
      ['a swapped certificate', (entry) => (entry.certificate = CLINICIAN_B_CERTIFICATE)],
      ['a changed MSP id', (entry) => (entry.mspId = 'Hospital2MSP')],
      [
        'a truncated tag',
        (entry) => {
          const key = entry.privateKey as { tag: string };
          key.tag = Buffer.from(key.tag, 'base64').subarray(0, 4).toString('base64');
        },
      ],
      ['a missing field', (entry) => delete (entry.privateKey as Record<string, unknown>).iv],
      ['an absurd scrypt cost', (entry) => ((entry.privateKey as { kdf: { cost: number } }).kdf.cost = 2 ** 30)],
    ];
    for (const [label, edit] of edits) {
      it(`detects ${label}`, async function () {
        const identity = identityA();
        await wallet.put(identity);
        editEntry(identity.label, edit);
        const error = await rejectionOf(wallet.get(identity.label), TamperedWalletEntryError);
        expect(error.code).to.equal('WALLET_ENTRY_TAMPERED');
        expect(error.message).to.include('re-enrol');
      });
    }

    it('detects an entry copied under another label', async function () {
      const identity = identityA();
      await wallet.put(identity);
      const stolen = `user-${crypto.randomUUID()}`;
      fs.copyFileSync(entryPath(identity.label), entryPath(stolen));
      await rejectionOf(wallet.get(stolen), TamperedWalletEntryError);
    });

    it('detects a file that is not JSON', async function () {
      const identity = identityA();
      await wallet.put(identity);
      fs.writeFileSync(entryPath(identity.label), '{ broken');
      await rejectionOf(wallet.get(identity.label), TamperedWalletEntryError);
    });
  });

  it('refuses to read an entry that other users can read', async function () {
    const identity = identityA();
    await wallet.put(identity);
    fs.chmodSync(entryPath(identity.label), 0o644);
    const error = await rejectionOf(wallet.get(identity.label), InsecureWalletPermissionsError);
    expect(error.code).to.equal('WALLET_INSECURE_PERMISSIONS');
    expect(error.message).to.include('chmod 600');
  });

  describe('input validation', function () {
    it('refuses a private key that does not belong to the certificate', async function () {
      const mismatched = { ...identityA(), privateKey: CLINICIAN_B_PRIVATE_KEY };
      const error = await rejectionOf(wallet.put(mismatched), InvalidWalletInputError);
      expect(error.field).to.equal('privateKey');
      expect(await wallet.list()).to.deep.equal([]);
    });

    for (const label of ['../escape', '', '.hidden', 'a/b', 'x'.repeat(129)]) {
      it(`refuses the label ${JSON.stringify(label.slice(0, 20))}`, async function () {
        const error = await rejectionOf(wallet.put(identityA(label)), InvalidWalletInputError);
        expect(error.field).to.equal('label');
        await rejectionOf(wallet.get(label), InvalidWalletInputError);
      });
    }

    it('refuses a certificate that is not PEM', async function () {
      const error = await rejectionOf(wallet.put({ ...identityA(), certificate: 'nope' }), InvalidWalletInputError);
      expect(error.field).to.equal('certificate');
    });

    it('refuses a short secret', async function () {
      const error = await rejectionOf(
        createFileWallet({ directory, secret: 'short', ...FAST }),
        InvalidWalletInputError,
      );
      expect(error.field).to.equal('secret');
    });

    for (const scryptCost of [1024, 3 * 2 ** 14, 2 ** 21]) {
      it(`refuses scryptCost ${scryptCost}`, async function () {
        const error = await rejectionOf(createFileWallet({ directory, secret, scryptCost }), InvalidWalletInputError);
        expect(error.field).to.equal('scryptCost');
      });
    }
  });
});
