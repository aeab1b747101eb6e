/**
 * Encryption of a private key at rest: AES-256-GCM under a key derived from the wallet secret. The label, MSP id,
 * certificate and KDF parameters are authenticated as GCM associated data, so swapping any of them in the file is
 * detected. The derivation yields 64 bytes: the first half is the encryption key; the second half keys a check value
 * stored beside the ciphertext, which tells "wrong secret" apart from "file altered" (both would otherwise be one GCM
 * failure).
 *
 * Two derivations:
 * - 'scrypt-hkdf-sha256' (written now): the secret is stretched ONCE per wallet salt with scrypt (RFC 7914) into a
 *   32-byte master key, which a process keeps for its lifetime like the secret itself; each entry's key is
 *   HKDF-SHA-256 (RFC 5869) of that master key with the entry's own random salt. Opening an entry costs microseconds
 *   instead of an scrypt run, and equal secrets still never give equal entry keys. The wallet salt and scrypt
 *   parameters are stored in every entry, so an entry never depends on anything outside its own file.
 * - 'scrypt' (read only, entries written before): scrypt per entry, with its own salt.
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

/** Per-entry scrypt (entries written before the two-level derivation); still read. */
export interface ScryptKdf {
  readonly name: 'scrypt';
  /** CPU/memory cost N (a power of two). */
  readonly cost: number;
  readonly blockSize: number;
  readonly parallelism: number;
  /** Base64, 16 random bytes. */
  readonly salt: string;
}

/** scrypt once per wallet salt to a master key, then HKDF-SHA-256 per entry. */
export interface TwoLevelKdf {
  readonly name: 'scrypt-hkdf-sha256';
  readonly cost: number;
  readonly blockSize: number;
  readonly parallelism: number;
  /** Base64, 16 random bytes: the scrypt salt of the master key, shared by the entries of one wallet. */
  readonly walletSalt: string;
  /** Base64, 16 random bytes: this entry's HKDF salt. */
  readonly salt: string;
}

export type KdfParameters = ScryptKdf | TwoLevelKdf;

const HKDF_INFO = 'medrec/wallet/entry-key/v2';

/**
 * Derives entry keys from the wallet secret. The master keys a process has derived, by wallet salt and scrypt
 * parameters, are stretched once and kept while the process runs (they protect nothing the wallet secret, also in
 * memory, does not). Bounded, since the salts come from files.
 */
export class WalletKeys {
  readonly #secret: Buffer;
  readonly #keys = new Map<string, Promise<Buffer>>();
  static readonly #MAX = 64;

  constructor(secret: Buffer) {
    this.#secret = secret;
  }

  /** 64 bytes for one entry: the encryption key, then the key of its check value. */
  async entryKey(kdf: KdfParameters): Promise<Buffer> {
    if (kdf.name === 'scrypt') return scryptKey(this.#secret, kdf.salt, 64, kdf);
    const master = await this.#master(kdf);
    return Buffer.from(crypto.hkdfSync('sha256', master, Buffer.from(kdf.salt, 'base64'), HKDF_INFO, 64));
  }

  #master(kdf: TwoLevelKdf): Promise<Buffer> {
    const id = `${kdf.walletSalt}/${String(kdf.cost)}/${String(kdf.blockSize)}/${String(kdf.parallelism)}`;
    let key = this.#keys.get(id);
    if (key === undefined) {
      if (this.#keys.size >= WalletKeys.#MAX) this.#keys.clear();
      key = scryptKey(this.#secret, kdf.walletSalt, 32, kdf);
      // A failed derivation is not kept: the next open tries again.
      key.catch(() => this.#keys.delete(id));
      this.#keys.set(id, key);
    }
    return key;
  }
}

function scryptKey(
  secret: Buffer,
  salt: string,
  length: number,
  kdf: Readonly<{ cost: number; blockSize: number; parallelism: number }>,
): Promise<Buffer> {
  return scrypt(secret, Buffer.from(salt, 'base64'), length, {
    N: kdf.cost,
    r: kdf.blockSize,
    p: kdf.parallelism,
    // scrypt needs about 128·N·r bytes; Node's default cap (32 MiB) is hit exactly at N = 2^15, so allow twice that.
    maxmem: 256 * kdf.cost * kdf.blockSize,
  });
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

async function deriveKeys(keys: WalletKeys, kdf: KdfParameters): Promise<{ encryption: Buffer; check: Buffer }> {
  const derived = await keys.entryKey(kdf);
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
  const kdf = value as Partial<Record<keyof TwoLevelKdf, unknown>>;
  const isSalt = (salt: unknown): boolean => typeof salt === 'string' && Buffer.from(salt, 'base64').length === 16;
  return (
    (kdf.name === 'scrypt' || (kdf.name === 'scrypt-hkdf-sha256' && isSalt(kdf.walletSalt))) &&
    typeof kdf.cost === 'number' &&
    Number.isSafeInteger(kdf.cost) &&
    kdf.cost >= MIN_SCRYPT_COST &&
    kdf.cost <= MAX_SCRYPT_COST &&
    (kdf.cost & (kdf.cost - 1)) === 0 &&
    kdf.blockSize === SCRYPT_BLOCK_SIZE &&
    kdf.parallelism === SCRYPT_PARALLELISM &&
    isSalt(kdf.salt)
  );
}

/** A fresh random wallet salt (base64, 16 bytes) for the master key of new entries. */
export function newWalletSalt(): string {
  return crypto.randomBytes(16).toString('base64');
}

export async function encryptPrivateKey(
  privateKey: string,
  binding: EntryBinding,
  walletKeys: WalletKeys,
  options: Readonly<{ cost: number; walletSalt: string }>,
): Promise<EncryptedKey> {
  const kdf: TwoLevelKdf = {
    name: 'scrypt-hkdf-sha256',
    cost: options.cost,
    blockSize: SCRYPT_BLOCK_SIZE,
    parallelism: SCRYPT_PARALLELISM,
    walletSalt: options.walletSalt,
    salt: crypto.randomBytes(16).toString('base64'),
  };
  const keys = await deriveKeys(walletKeys, kdf);
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
  walletKeys: WalletKeys,
): Promise<DecryptionOutcome> {
  const keys = await deriveKeys(walletKeys, encrypted.kdf);
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
