/** Errors raised by the wallet. Each failure kind has its own class and a stable `code`. */
import { MedRecError } from '../medrec-error';

export const WALLET_ERROR_CODES = [
  'WALLET_INVALID_INPUT',
  'WALLET_WRONG_KEY',
  'WALLET_ENTRY_TAMPERED',
  'WALLET_INSECURE_PERMISSIONS',
] as const;
export type WalletErrorCode = (typeof WALLET_ERROR_CODES)[number];

export abstract class WalletError extends MedRecError<WalletErrorCode> {
  abstract override readonly code: WalletErrorCode;
}

export class InvalidWalletInputError extends WalletError {
  readonly code = 'WALLET_INVALID_INPUT';
  readonly field: string;

  constructor(properties: Readonly<{ field: string; message: string }>, options?: ErrorOptions) {
    super(properties.message, options);
    this.field = properties.field;
  }
}

/** The configured wallet secret is not the one the entry was encrypted with. */
export class WrongWalletKeyError extends WalletError {
  readonly code = 'WALLET_WRONG_KEY';
  readonly label: string;

  constructor(label: string) {
    super(
      `The wallet key is wrong: identity "${label}" was encrypted with a different wallet secret. ` +
        'Configure the secret the wallet was created with, or re-enrol the identity.',
    );
    this.label = label;
  }
}

/** The entry file was altered or damaged after it was written (authentication failed, or it no longer parses). */
export class TamperedWalletEntryError extends WalletError {
  readonly code = 'WALLET_ENTRY_TAMPERED';
  readonly label: string;

  constructor(label: string, detail: string, options?: ErrorOptions) {
    super(
      `The wallet entry for "${label}" failed its integrity check (${detail}). Do not use it: remove it and re-enrol ` +
        'the identity, and find out who could write to the wallet directory.',
      options,
    );
    this.label = label;
  }
}

/** The entry file can be read by users other than its owner. */
export class InsecureWalletPermissionsError extends WalletError {
  readonly code = 'WALLET_INSECURE_PERMISSIONS';
  readonly path: string;

  constructor(path: string, mode: number) {
    super(
      `The wallet file ${path} has mode ${(mode & 0o777).toString(8)}, which lets other users read it. ` +
        `Restrict it with "chmod 600 ${path}" (and the directory with "chmod 700").`,
    );
    this.path = path;
  }
}
