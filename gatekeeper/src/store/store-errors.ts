/** Errors raised by record stores. Each failure kind has its own class and a stable `code` callers can branch on. */
import { MedRecError } from '@medrec/sdk';

export const STORE_ERROR_CODES = [
  'STORE_INVALID_INPUT',
  'STORE_RECORD_CONFLICT',
  'STORE_RECORD_NOT_FOUND',
  'STORE_ALREADY_REGISTERED',
  'STORE_CLOSED',
  'STORE_UNAVAILABLE',
] as const;
export type RecordStoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export abstract class RecordStoreError extends MedRecError<RecordStoreErrorCode> {
  abstract override readonly code: RecordStoreErrorCode;
}

/** An argument failed validation before any database work was done. */
export class InvalidStoreInputError extends RecordStoreError {
  readonly code = 'STORE_INVALID_INPUT';
  readonly field: string;

  constructor(properties: Readonly<{ field: string; message: string }>) {
    super(properties.message);
    this.field = properties.field;
  }
}

/** Why a write was refused as a conflict: other content under the id, or the same id claimed by another author. */
export type RecordConflictReason = 'content' | 'author';

/**
 * A record with this id already exists with different content, or was stored for another (or an unknown) author; ids
 * are never reused for other content, and only a record's author may retry its registration.
 */
export class RecordConflictError extends RecordStoreError {
  readonly code = 'STORE_RECORD_CONFLICT';
  readonly recordId: string;
  readonly reason: RecordConflictReason;

  constructor(recordId: string, reason: RecordConflictReason = 'content') {
    super(
      reason === 'author'
        ? `Record ${recordId} was stored for another author (or one that is unknown). Only the clinician who stored ` +
            'it may retry its registration: store your content under a new record id.'
        : `Record ${recordId} already exists with a different patient, category or content. ` +
            'Record ids are immutable: store amended content under a new record id.',
    );
    this.recordId = recordId;
    this.reason = reason;
  }
}

export class RecordNotFoundError extends RecordStoreError {
  readonly code = 'STORE_RECORD_NOT_FOUND';
  readonly recordId: string;

  constructor(recordId: string) {
    super(`Record ${recordId} is not in this store. Store it with put() before registering it.`);
    this.recordId = recordId;
  }
}

/** The record is already registered under another transaction id. */
export class RecordAlreadyRegisteredError extends RecordStoreError {
  readonly code = 'STORE_ALREADY_REGISTERED';
  readonly recordId: string;
  readonly registrationTxId: string;

  constructor(properties: Readonly<{ recordId: string; registrationTxId: string }>) {
    super(
      `Record ${properties.recordId} is already registered in transaction ${properties.registrationTxId}. ` +
        'A record has one registration: use the existing transaction id, or register amended content as a new record.',
    );
    this.recordId = properties.recordId;
    this.registrationTxId = properties.registrationTxId;
  }
}

export class StoreClosedError extends RecordStoreError {
  readonly code = 'STORE_CLOSED';

  constructor() {
    super('The record store has been closed. Open a new store with its factory function.');
  }
}

/** The database could not be reached or prepared. */
export class StoreUnavailableError extends RecordStoreError {
  readonly code = 'STORE_UNAVAILABLE';
}
