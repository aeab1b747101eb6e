/** Errors raised by record stores. Each failure kind has its own class and a stable `code` callers can branch on. */

export abstract class RecordStoreError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
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

/** A record with this id already exists with different content; ids are never reused for other content. */
export class RecordConflictError extends RecordStoreError {
  readonly code = 'STORE_RECORD_CONFLICT';
  readonly recordId: string;

  constructor(recordId: string) {
    super(
      `Record ${recordId} already exists with a different patient, category or content. ` +
        'Record ids are immutable: store amended content under a new record id.',
    );
    this.recordId = recordId;
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
