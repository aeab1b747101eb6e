import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  createCachingWallet,
  createFileWallet,
  DEFAULT_CACHE_ENTRIES,
  DEFAULT_CACHE_TTL_MS,
  type Wallet,
  type WalletIdentity,
} from '../../../sdk/src/wallet';
import {
  CLINICIAN_A_CERTIFICATE,
  CLINICIAN_A_PRIVATE_KEY,
  CLINICIAN_B_CERTIFICATE,
  CLINICIAN_B_PRIVATE_KEY,
} from '../gatekeeper/support/test-certificates';

function identityA(label: string): WalletIdentity {
  return { label, mspId: 'Hospital1MSP', certificate: CLINICIAN_A_CERTIFICATE, privateKey: CLINICIAN_A_PRIVATE_KEY };
}

function identityB(label: string): WalletIdentity {
  return { label, mspId: 'Hospital1MSP', certificate: CLINICIAN_B_CERTIFICATE, privateKey: CLINICIAN_B_PRIVATE_KEY };
}

/** The inner wallet with a count of decryptions: every get of a file wallet runs scrypt and AES-GCM. */
function counting(inner: Wallet): Wallet & { decryptions: Map<string, number> } {
  const decryptions = new Map<string, number>();
  return {
    decryptions,
    put: (identity) => inner.put(identity),
    get: (label) => {
      decryptions.set(label, (decryptions.get(label) ?? 0) + 1);
      return inner.get(label);
    },
    list: () => inner.list(),
    remove: (label) => inner.remove(label),
  };
}

/** Same key material, whatever its PEM form. */
function sameKey(a: string, b: string): boolean {
  const der = (pem: string): Buffer => crypto.createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return der(a).equals(der(b));
}

describe('caching wallet (decrypted identities in memory)', function () {
  let root: string;
  let directory: string;
  let inner: ReturnType<typeof counting>;
  let now: number;

  beforeEach(async function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-wallet-cache-'));
    directory = path.join(root, 'wallet');
    const file = await createFileWallet({
      directory,
      secret: crypto.randomBytes(24).toString('base64'),
      scryptCost: 2 ** 14,
    });
    inner = counting(file);
    now = 1_000_000;
  });

  afterEach(function () {
    fs.rmSync(root, { recursive: true, force: true });
  });

  const cached = (options: { maxEntries?: number; ttlMs?: number } = {}): Wallet =>
    createCachingWallet(inner, { ...options, now: () => now });

  it('defaults to 1,000 entries for 10 minutes', function () {
    expect([DEFAULT_CACHE_ENTRIES, DEFAULT_CACHE_TTL_MS]).to.deep.equal([1_000, 600_000]);
  });

  it('decrypts once for two gets of one label, returning the same identity', async function () {
    const wallet = cached();
    await wallet.put(identityA('alice'));
    const first = await wallet.get('alice');
    const second = await wallet.get('alice');
    expect(inner.decryptions.get('alice')).to.equal(1);
    expect(second).to.deep.equal(first);
    expect(second).to.include({ label: 'alice', mspId: 'Hospital1MSP', certificate: CLINICIAN_A_CERTIFICATE });
    expect(sameKey(second!.privateKey, CLINICIAN_A_PRIVATE_KEY)).to.be.true;
    // The parsed key goes with it, the same object each time: signers need not parse the PEM per request.
    expect(second?.signingKey).to.equal(first?.signingKey);
    const pem = second?.signingKey?.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(sameKey(pem, CLINICIAN_A_PRIVATE_KEY)).to.be.true;
  });

  it('shares one decryption between concurrent gets', async function () {
    const wallet = cached();
    await wallet.put(identityA('alice'));
    const results = await Promise.all([wallet.get('alice'), wallet.get('alice'), wallet.get('alice')]);
    expect(inner.decryptions.get('alice')).to.equal(1);
    expect(results.every((identity) => identity?.label === 'alice')).to.be.true;
  });

  it('drops the entry on put (re-enrolment): the next get decrypts the new identity', async function () {
    const wallet = cached();
    await wallet.put(identityA('alice'));
    await wallet.get('alice');
    await wallet.put(identityB('alice'));
    const after = await wallet.get('alice');
    expect(inner.decryptions.get('alice')).to.equal(2);
    expect(after?.certificate).to.equal(CLINICIAN_B_CERTIFICATE);
    expect(sameKey(after!.privateKey, CLINICIAN_B_PRIVATE_KEY)).to.be.true;
  });

  it('does not cache what a decryption still running during a put had read', async function () {
    const wallet = cached();
    await wallet.put(identityA('alice'));
    const during = wallet.get('alice');
    await wallet.put(identityB('alice'));
    await during;
    expect((await wallet.get('alice'))?.certificate).to.equal(CLINICIAN_B_CERTIFICATE);
  });

  it('drops the entry on remove', async function () {
    const wallet = cached();
    await wallet.put(identityA('alice'));
    await wallet.get('alice');
    expect(await wallet.remove('alice')).to.be.true;
    expect(await wallet.get('alice')).to.equal(undefined);
    expect(await wallet.remove('alice')).to.be.false;
  });

  it('never caches an absent label', async function () {
    const wallet = cached();
    expect(await wallet.get('nobody')).to.equal(undefined);
    await inner.put(identityA('nobody')); // e.g. provisioned by another process
    expect((await wallet.get('nobody'))?.label).to.equal('nobody');
  });

  it('evicts the least recently used identity beyond its bound', async function () {
    const wallet = cached({ maxEntries: 2 });
    for (const label of ['a', 'b', 'c']) await wallet.put(identityA(label));
    await wallet.get('a');
    await wallet.get('b');
    await wallet.get('a'); // a is now more recent than b
    await wallet.get('c'); // evicts b
    await wallet.get('a');
    await wallet.get('c');
    expect(Object.fromEntries(inner.decryptions)).to.deep.equal({ a: 1, b: 1, c: 1 });
    await wallet.get('b');
    expect(inner.decryptions.get('b')).to.equal(2);
  });

  it('decrypts again once the TTL has passed since decryption, however often it was used (injected clock)', async function () {
    const wallet = cached({ ttlMs: 1_000 });
    await wallet.put(identityA('alice'));
    await wallet.get('alice');
    now += 600;
    await wallet.get('alice');
    now += 399;
    await wallet.get('alice');
    expect(inner.decryptions.get('alice')).to.equal(1);
    now += 1;
    await wallet.get('alice');
    expect(inner.decryptions.get('alice')).to.equal(2);
  });

  it('writes nothing to disk beyond the encrypted entries', async function () {
    const wallet = cached();
    await wallet.put(identityA('alice'));
    const before = fs.readdirSync(directory).sort();
    await wallet.get('alice');
    await wallet.get('alice');
    expect(fs.readdirSync(directory).sort()).to.deep.equal(before);
    expect(await wallet.list()).to.deep.equal(['alice']);
    const file = fs.readFileSync(path.join(directory, 'alice.id.json'), 'utf8');
    expect(file).to.not.include('PRIVATE KEY');
  });

  it('refuses a bound or TTL that is not a positive integer', function () {
    expect(() => createCachingWallet(inner, { maxEntries: 0 })).to.throw(RangeError);
    expect(() => createCachingWallet(inner, { ttlMs: 1.5 })).to.throw(RangeError);
  });
});
