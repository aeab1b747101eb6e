/**
 * A wallet kept as one JSON file per identity in a directory only the owner can open (0700), each file readable and
 * writable by the owner only (0600). Files are written to a temporary name and renamed, so a crash never leaves half an
 * identity behind. The private key is encrypted (see entry-encryption.ts); certificate and MSP id are public anyway
 * but are authenticated with it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  DEFAULT_SCRYPT_COST,
  MAX_SCRYPT_COST,
  MIN_SCRYPT_COST,
  decryptPrivateKey,
  encryptPrivateKey,
  isAcceptableKdf,
  newWalletSalt,
  WalletKeys,
  type EncryptedKey,
} from './entry-encryption';
import type { Wallet, WalletIdentity } from './wallet';
import {
  InsecureWalletPermissionsError,
  InvalidWalletInputError,
  TamperedWalletEntryError,
  WrongWalletKeyError,
} from './wallet-errors';

export interface FileWalletOptions {
  /** Directory holding the entries; created (0700) if missing, tightened to 0700 if looser. */
  readonly directory: string;
  /** The wallet secret from configuration (at least 16 bytes); never stored. */
  readonly secret: string | Buffer;
  /** scrypt cost N for new entries, a power of two from 2^14 to 2^20; defaults to 2^15. */
  readonly scryptCost?: number;
}

interface EntryFile {
  readonly version: 1;
  readonly label: string;
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: EncryptedKey;
}

const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const MSP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENTRY_SUFFIX = '.id.json';
const MIN_SECRET_BYTES = 16;

function checkLabel(label: unknown): string {
  if (typeof label !== 'string' || !LABEL_PATTERN.test(label)) {
    throw new InvalidWalletInputError({
      field: 'label',
      message: 'label must be 1-128 letters, digits, ".", "_", "@" or "-", starting with a letter or digit.',
    });
  }
  return label;
}

function checkIdentity(identity: Readonly<WalletIdentity>): void {
  checkLabel(identity.label);
  if (typeof identity.mspId !== 'string' || !MSP_ID_PATTERN.test(identity.mspId)) {
    throw new InvalidWalletInputError({ field: 'mspId', message: 'mspId must be an MSP id such as "Hospital1MSP".' });
  }
  let certificate: crypto.X509Certificate;
  let privateKey: crypto.KeyObject;
  try {
    certificate = new crypto.X509Certificate(identity.certificate);
  } catch (error) {
    throw new InvalidWalletInputError(
      { field: 'certificate', message: 'certificate must be an X.509 certificate in PEM form.' },
      { cause: error },
    );
  }
  try {
    privateKey = crypto.createPrivateKey(identity.privateKey);
  } catch (error) {
    throw new InvalidWalletInputError(
      { field: 'privateKey', message: 'privateKey must be an unencrypted PKCS#8 (or SEC1) private key in PEM form.' },
      { cause: error },
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new InvalidWalletInputError({
      field: 'privateKey',
      message: 'privateKey does not belong to the certificate: store the key that was generated for this certificate.',
    });
  }
}

function isEntryFile(value: unknown): value is EntryFile {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<Record<keyof EntryFile, unknown>>;
  const key = entry.privateKey as Partial<Record<keyof EncryptedKey, unknown>> | null | undefined;
  return (
    entry.version === 1 &&
    typeof entry.label === 'string' &&
    typeof entry.mspId === 'string' &&
    typeof entry.certificate === 'string' &&
    typeof key === 'object' &&
    key !== null &&
    typeof key.iv === 'string' &&
    typeof key.ciphertext === 'string' &&
    typeof key.tag === 'string' &&
    typeof key.keyCheck === 'string' &&
    typeof key.kdf === 'object' &&
    key.kdf !== null
  );
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * The wallet's own salt for the master key of new entries, kept beside them so that every process writing to the
 * wallet uses the same one (and a reader stretches the secret once, not once per writer). Entries carry it too, so a
 * lost or replaced salt file never makes an existing entry unreadable.
 */
const WALLET_SALT_FILE = 'wallet-salt.json';

async function walletSalt(directory: string): Promise<string> {
  const file = path.join(directory, WALLET_SALT_FILE);
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { salt?: unknown };
    if (typeof parsed.salt === 'string' && Buffer.from(parsed.salt, 'base64').length === 16) return parsed.salt;
  } catch (error) {
    if (errorCode(error) !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  const salt = newWalletSalt();
  try {
    // 'wx': of two processes creating it at once, one wins and the other reads the winner's salt.
    await fs.writeFile(file, `${JSON.stringify({ salt })}\n`, { flag: 'wx', mode: 0o600 });
    return salt;
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    return walletSalt(directory);
  }
}

class FileWallet implements Wallet {
  readonly #directory: string;
  readonly #keys: WalletKeys;
  readonly #scryptCost: number;
  readonly #walletSalt: string;

  constructor(directory: string, secret: Buffer, scryptCost: number, salt: string) {
    this.#directory = directory;
    this.#keys = new WalletKeys(secret);
    this.#scryptCost = scryptCost;
    this.#walletSalt = salt;
  }

  async put(identity: Readonly<WalletIdentity>): Promise<void> {
    checkIdentity(identity);
    const binding = { label: identity.label, mspId: identity.mspId, certificate: identity.certificate };
    const entry: EntryFile = {
      version: 1,
      ...binding,
      privateKey: await encryptPrivateKey(identity.privateKey, binding, this.#keys, {
        cost: this.#scryptCost,
        walletSalt: this.#walletSalt,
      }),
    };
    const target = this.#pathOf(identity.label);
    const temporary = `${target}.${crypto.randomBytes(6).toString('hex')}.tmp`;
    // 'wx' never follows or reuses an existing file; the mode applies from creation, so the key is never world-readable.
    const handle = await fs.open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(entry, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(temporary, target);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }

  async get(label: string): Promise<WalletIdentity | undefined> {
    const file = this.#pathOf(checkLabel(label));
    let text: string;
    try {
      const handle = await fs.open(file, 'r');
      try {
        const stat = await handle.stat();
        if ((stat.mode & 0o077) !== 0) throw new InsecureWalletPermissionsError(file, stat.mode);
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw error;
    }
    return this.#open(label, text);
  }

  async list(): Promise<string[]> {
    const names = await fs.readdir(this.#directory);
    return names
      .filter((name) => name.endsWith(ENTRY_SUFFIX))
      .map((name) => name.slice(0, -ENTRY_SUFFIX.length))
      .filter((label) => LABEL_PATTERN.test(label))
      .sort();
  }

  async remove(label: string): Promise<boolean> {
    try {
      await fs.unlink(this.#pathOf(checkLabel(label)));
      return true;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
  }

  async #open(label: string, text: string): Promise<WalletIdentity> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new TamperedWalletEntryError(label, 'the file is not valid JSON', { cause: error });
    }
    if (!isEntryFile(parsed) || !isAcceptableKdf(parsed.privateKey.kdf)) {
      throw new TamperedWalletEntryError(label, 'the file does not have the wallet entry layout');
    }
    // The label is part of the authenticated data, so a file renamed to another label fails below as well.
    const binding = { label, mspId: parsed.mspId, certificate: parsed.certificate };
    const outcome = await decryptPrivateKey(parsed.privateKey, binding, this.#keys);
    if (!outcome.ok) {
      if (outcome.reason === 'wrong-key') throw new WrongWalletKeyError(label);
      throw new TamperedWalletEntryError(label, 'authentication of the encrypted key and its certificate failed');
    }
    return { ...binding, privateKey: outcome.privateKey };
  }

  #pathOf(label: string): string {
    return path.join(this.#directory, `${label}${ENTRY_SUFFIX}`);
  }
}

function checkOptions(options: Readonly<FileWalletOptions>): { secret: Buffer; scryptCost: number } {
  const secret = typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : Buffer.from(options.secret);
  if (secret.length < MIN_SECRET_BYTES) {
    throw new InvalidWalletInputError({
      field: 'secret',
      message: `The wallet secret must be at least ${MIN_SECRET_BYTES} bytes; configure a long random value.`,
    });
  }
  const scryptCost = options.scryptCost ?? DEFAULT_SCRYPT_COST;
  if (
    !Number.isSafeInteger(scryptCost) ||
    scryptCost < MIN_SCRYPT_COST ||
    scryptCost > MAX_SCRYPT_COST ||
    (scryptCost & (scryptCost - 1)) !== 0
  ) {
    throw new InvalidWalletInputError({
      field: 'scryptCost',
      message: `scryptCost must be a power of two from ${MIN_SCRYPT_COST} to ${MAX_SCRYPT_COST}.`,
    });
  }
  return { secret, scryptCost };
}

/** Opens (creating if needed) the wallet in `options.directory`. */
export async function createFileWallet(options: Readonly<FileWalletOptions>): Promise<Wallet> {
  const { secret, scryptCost } = checkOptions(options);
  const directory = path.resolve(options.directory);
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  const stat = await fs.stat(directory);
  // mkdir leaves an existing directory's mode alone; tighten it so other users cannot list or open entries.
  if ((stat.mode & 0o077) !== 0) await fs.chmod(directory, 0o700);
  return new FileWallet(directory, secret, scryptCost, await walletSalt(directory));
}
