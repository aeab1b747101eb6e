/**
 * ECDSA P-256 signing for Fabric transactions with node:crypto (OpenSSL) instead of fabric-gateway's default noble
 * signer, which measured 10-14x slower per signature (issue 15).
 *
 * Node 20 cannot sign an already-hashed digest with ECDSA: crypto.sign(null, digest, ecKey) hashes the digest again
 * with SHA-256 (OpenSSL's default digest for EC keys), and WebCrypto always hashes too. So the Gateway is connected
 * with `hash.none`: the signer receives the whole message and node:crypto hashes it with SHA-256 while signing. The
 * signature is then an ECDSA signature over SHA-256(message), exactly what fabric-gateway's `hash.sha256` plus a
 * digest signer would have produced and what the peers verify. Signer and hash function must therefore always be used
 * together; nodeCryptoSigning() returns them as a pair so they cannot be mismatched.
 */
import crypto from 'node:crypto';
import { hash, signers, type Hash, type Signer } from '@hyperledger/fabric-gateway';

/** Order n of the P-256 group (SEC 2 / FIPS 186-4 D.1.2.3). */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_ORDER = P256_ORDER >> 1n;
const SCALAR_BYTES = 32;

/** The signer and the matching Gateway hash option; pass both to connect(). */
export interface GatewaySigning {
  readonly signer: Signer;
  readonly hash: Hash;
}

function toKeyObject(privateKey: string | crypto.KeyObject): crypto.KeyObject {
  return typeof privateKey === 'string' ? crypto.createPrivateKey(privateKey) : privateKey;
}

function bigIntOf(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** A DER INTEGER holding a non-negative value: minimal big-endian bytes, a 0x00 prefix when the top bit is set. */
function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/**
 * DER SEQUENCE { r INTEGER, s INTEGER } with s replaced by n - s when s > n/2. Both (r, s) and (r, n - s) verify, so
 * a third party could otherwise change a transaction's signature (and so its bytes) without the key. Fabric refuses
 * high-S signatures for that reason (bccsp's verifyECDSA: "Invalid S. Must be smaller than half the order"), the same
 * malleability rule as Bitcoin's BIP-62 / BIP-146 LOW_S. OpenSSL does not normalise, so it is done here.
 */
export function lowSDerSignature(ieeeP1363: Uint8Array): Uint8Array {
  if (ieeeP1363.length !== 2 * SCALAR_BYTES) {
    throw new Error(`expected a ${2 * SCALAR_BYTES}-byte r||s P-256 signature, got ${ieeeP1363.length} bytes`);
  }
  const r = bigIntOf(ieeeP1363.subarray(0, SCALAR_BYTES));
  let s = bigIntOf(ieeeP1363.subarray(SCALAR_BYTES));
  if (s > P256_HALF_ORDER) s = P256_ORDER - s;
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  // At most 2 * (2 + 33) = 70 bytes, so the short length form always applies.
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/**
 * node:crypto signing for one identity's P-256 key, parsed once here (a Gateway keeps its signer, so a cached Gateway
 * never re-parses the key). Any other key (Fabric CAs issue P-256 by default) keeps exactly what this project used
 * before: fabric-gateway's own signer over a SHA-256 digest.
 */
export function nodeCryptoSigning(privateKey: string | crypto.KeyObject): GatewaySigning {
  const key = toKeyObject(privateKey);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    return { signer: signers.newPrivateKeySigner(key), hash: hash.sha256 };
  }
  const signer: Signer = (message: Uint8Array) =>
    // Synchronous and fast (tens of microseconds); the Signer contract is a Promise.
    Promise.resolve(lowSDerSignature(crypto.sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' })));
  // hash.none: the message reaches the signer unhashed, and crypto.sign applies SHA-256 (see the file comment).
  return { signer, hash: hash.none };
}
