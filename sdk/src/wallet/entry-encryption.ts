/**
 * Encryption of a private key at rest: AES-256-GCM under a key derived from the wallet secret with scrypt and a random
 * salt per entry (so equal secrets never give equal keys across entries or wallets). The label, MSP id, certificate
 * and KDF parameters are authenticated as GCM associated data, so swapping any of them in the file is detected.
 *
 * scrypt yields 64 bytes: the first half is the encryption key; the second half keys a check value stored beside the
 * ciphertext, which tells "wrong secret" apart from "file altered" (both would otherwise be one GCM failure).
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { canonicalJson } from '../fhir/content-hash';

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

export const MIN_SCRYPT_COST = 2 ** 14;
export const MAX_SCRYPT_COST = 2 ** 20;
export const DEFAULT_SCRYPT_COST = 2 ** 15;
const SCRYPT_BLOCK_SIZE = 8;
const SCRYPT_PARALLELISM = 1;
const KEY_CHECK_LABEL = 'medrec/wallet/key-check/v1';

export interface KdfParameters {
  readonly name: 'scrypt';
  /** CPU/memory cost N (a power of two). */
  readonly cost: number;
  readonly blockSize: number;
  readonly parallelism: number;
  /** Base64, 16 random bytes. */
  readonly salt: string;
}

export interface EncryptedKey {
  readonly kdf: KdfParameters;
  /** Base64, 12 random bytes. */
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
  /** Hex HMAC-SHA-256 under the second half of the derived key: equal only when the secret is right. */
  readonly keyCheck: string;
}

/** The parts of an entry bound to the ciphertext. */
export interface EntryBinding {
  readonly label: string;
  readonly mspId: string;
  readonly certificate: string;
}

export type DecryptionOutcome =
  | { readonly ok: true; readonly privateKey: string }
  | { readonly ok: false; readonly reason: 'wrong-key' | 'tampered' };

async function deriveKeys(secret: Buffer, kdf: KdfParameters): Promise<{ encryption: Buffer; check: Buffer }> {
  const derived = await scrypt(secret, Buffer.from(kdf.salt, 'base64'), 64, {
    N: kdf.cost,
    r: kdf.blockSize,
    p: kdf.parallelism,
    // scrypt needs about 128·N·r bytes; Node's default cap (32 MiB) is hit exactly at N = 2^15, so allow twice that.
    maxmem: 256 * kdf.cost * kdf.blockSize,
  });
  return { encryption: derived.subarray(0, 32), check: derived.subarray(32) };
}

function associatedData(binding: EntryBinding, kdf: KdfParameters): Buffer {
  return Buffer.from(canonicalJson({ version: 1, ...binding, kdf }), 'utf8');
}

function keyCheckOf(checkKey: Buffer): Buffer {
  return crypto.createHmac('sha256', checkKey).update(KEY_CHECK_LABEL).digest();
}

/** True when the stored KDF parameters are ones this code would have written (a tampered file cannot ask for 2^30). */
export function isAcceptableKdf(value: unknown): value is KdfParameters {
  if (typeof value !== 'object' || value === null) return false;
  const kdf = value as Partial<Record<keyof KdfParameters, unknown>>;
  return (
    kdf.name === 'scrypt' &&
    typeof kdf.cost === 'number' &&
    Number.isSafeInteger(kdf.cost) &&
    kdf.cost >= MIN_SCRYPT_COST &&
    kdf.cost <= MAX_SCRYPT_COST &&
    (kdf.cost & (kdf.cost - 1)) === 0 &&
    kdf.blockSize === SCRYPT_BLOCK_SIZE &&
    kdf.parallelism === SCRYPT_PARALLELISM &&
    typeof kdf.salt === 'string' &&
    Buffer.from(kdf.salt, 'base64').length === 16
  );
}

export async function encryptPrivateKey(
  privateKey: string,
  binding: EntryBinding,
  secret: Buffer,
  cost: number,
): Promise<EncryptedKey> {
  const kdf: KdfParameters = {
    name: 'scrypt',
    cost,
    blockSize: SCRYPT_BLOCK_SIZE,
    parallelism: SCRYPT_PARALLELISM,
    salt: crypto.randomBytes(16).toString('base64'),
  };
  const keys = await deriveKeys(secret, kdf);
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keys.encryption, iv);
  cipher.setAAD(associatedData(binding, kdf));
  const ciphertext = Buffer.concat([cipher.update(privateKey, 'utf8'), cipher.final()]);
  return {
    kdf,
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    keyCheck: keyCheckOf(keys.check).toString('hex'),
  };
}

export async function decryptPrivateKey(
  encrypted: EncryptedKey,
  binding: EntryBinding,
  secret: Buffer,
): Promise<DecryptionOutcome> {
  const keys = await deriveKeys(secret, encrypted.kdf);
  const expectedCheck = keyCheckOf(keys.check);
  const storedCheck = Buffer.from(encrypted.keyCheck, 'hex');
  if (storedCheck.length !== expectedCheck.length || !crypto.timingSafeEqual(storedCheck, expectedCheck)) {
    return { ok: false, reason: 'wrong-key' };
  }
  const iv = Buffer.from(encrypted.iv, 'base64');
  const tag = Buffer.from(encrypted.tag, 'base64');
  // GCM accepts truncated tags; insist on the full 16 bytes so an edited file cannot weaken the check.
  if (iv.length !== 12 || tag.length !== 16) return { ok: false, reason: 'tampered' };
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', keys.encryption, iv, { authTagLength: 16 });
    decipher.setAAD(associatedData(binding, encrypted.kdf));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(Buffer.from(encrypted.ciphertext, 'base64')), decipher.final()]);
    return { ok: true, privateKey: plaintext.toString('utf8') };
  } catch {
    // GCM authentication failure (or a malformed tag/iv): the content no longer matches what was written.
    return { ok: false, reason: 'tampered' };
  }
}
