/**
 * The node:crypto transaction signer: its signatures must be exactly what a Fabric peer accepts, an ECDSA P-256
 * signature over SHA-256(message) in DER with a low S (Fabric refuses high-S, as BIP-62 does). Checked with noble's
 * p256 (what @hyperledger/fabric-gateway itself signs with) over the digest, prehash off, low-S required.
 */
import crypto from 'node:crypto';
import { hash } from '@hyperledger/fabric-gateway';
import { p256 } from '@noble/curves/nist';
import { expect } from 'chai';
import { lowSDerSignature, nodeCryptoSigning } from '../../../sdk/src/node-crypto-signer';
import { P384_USER_PRIVATE_KEY } from '../gatekeeper/support/test-certificates';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function rawPublicKey(key: crypto.KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x ?? '', 'base64url'),
    Buffer.from(jwk.y ?? '', 'base64url'),
  ]);
}

/** r and s of a DER ECDSA signature, read strictly (SEQUENCE of two INTEGERs, nothing after). */
function derScalars(der: Uint8Array): { r: bigint; s: bigint } {
  const bytes = Buffer.from(der);
  expect(bytes[0]).to.equal(0x30);
  expect(bytes[1]).to.equal(bytes.length - 2);
  const scalars: bigint[] = [];
  let at = 2;
  for (let i = 0; i < 2; i += 1) {
    expect(bytes[at]).to.equal(0x02);
    const length = bytes[at + 1]!;
    const value = bytes.subarray(at + 2, at + 2 + length);
    // Minimal encoding: no needless leading zero, never negative.
    expect(value[0]! & 0x80).to.equal(0);
    if (value.length > 1) expect(value[0] === 0 && (value[1]! & 0x80) === 0).to.be.false;
    scalars.push(BigInt(`0x${value.toString('hex')}`));
    at += 2 + length;
  }
  expect(at).to.equal(bytes.length);
  return { r: scalars[0]!, s: scalars[1]! };
}

describe('sdk: node:crypto transaction signer', function () {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

  it('takes the whole message (hash.none) and signs SHA-256 of it, verifiable over the digest, low-S', async function () {
    const signing = nodeCryptoSigning(pem);
    expect(signing.hash).to.equal(hash.none);
    // Enough signatures that OpenSSL produces high-S ones (about half) which must come out normalised.
    for (let i = 0; i < 64; i += 1) {
      const message = crypto.randomBytes(100 + i);
      const signature = await signing.signer(signing.hash(message));
      const digest = hash.sha256(message);
      expect(p256.verify(signature, digest, rawPublicKey(publicKey), { prehash: false, lowS: true, format: 'der' })).to
        .be.true;
      expect(crypto.verify('sha256', message, publicKey, signature)).to.be.true;
      const { r, s } = derScalars(signature);
      expect(r > 0n && r < N).to.be.true;
      expect(s > 0n && s <= N >> 1n).to.be.true;
    }
  });

  it('accepts a parsed KeyObject as well as PEM', async function () {
    const message = Buffer.from('proposal bytes');
    const signature = await nodeCryptoSigning(privateKey).signer(message);
    expect(p256.verify(signature, hash.sha256(message), rawPublicKey(publicKey), { prehash: false, format: 'der' })).to
      .be.true;
  });

  it('turns a high S into n - S, which still verifies', function () {
    const message = Buffer.from('high S');
    const digest = hash.sha256(message);
    const raw = crypto.sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
    // (r, s) and (r, n - s) both verify; take whichever of the two is high.
    const highS = s > N >> 1n ? s : N - s;
    const high = Buffer.concat([raw.subarray(0, 32), Buffer.from(highS.toString(16).padStart(64, '0'), 'hex')]);
    const normalised = lowSDerSignature(high);
    expect(derScalars(normalised).s).to.equal(N - highS);
    const publicRaw = rawPublicKey(publicKey);
    expect(p256.verify(normalised, digest, publicRaw, { prehash: false, lowS: true, format: 'der' })).to.be.true;
    // The high-S form verifies too, except where low S is required: the malleability Fabric closes.
    const highDer = p256.Signature.fromBytes(high, 'compact').toBytes('der');
    expect(p256.verify(highDer, digest, publicRaw, { prehash: false, lowS: false, format: 'der' })).to.be.true;
    expect(p256.verify(highDer, digest, publicRaw, { prehash: false, lowS: true, format: 'der' })).to.be.false;
  });

  it('refuses an r||s of the wrong length', function () {
    expect(() => lowSDerSignature(new Uint8Array(63))).to.throw(/64-byte/);
  });

  it("keeps fabric-gateway's own signer and SHA-256 for a key that is not P-256", async function () {
    const signing = nodeCryptoSigning(P384_USER_PRIVATE_KEY);
    expect(signing.hash).to.equal(hash.sha256);
    const signature = await signing.signer(signing.hash(Buffer.from('x')));
    expect(signature.length).to.be.greaterThan(0);
  });
});
