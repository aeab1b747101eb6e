import crypto from 'node:crypto';
import {
  ChaincodeError,
  type ChaincodeErrorCode,
  type Endorsed,
  InvalidFhirResourceError,
  type MedrecClient,
  type RecordAmendment,
  type RecordInput,
  type RecordPointer,
  type Submitted,
  toRecordContent,
} from '@medrec/sdk';
import { checkId, conflictWith } from './store/record-input';
import type { NewRecord, RecordStore, StoredRecord } from './store/record-store';
import { RecordConflictError } from './store/store-errors';
import { RecordAuthorMismatchError } from './registration-errors';

export interface CustodianOptions {
  readonly store: RecordStore;
  /** The custodian organisation's MSP id (records registered through it are held here). */
  readonly mspId: string;
}

export interface RegisteredRecord {
  readonly pointer: RecordPointer;
  readonly transactionId: string;
}

export interface StoreAndRegisterOptions {
  /**
   * The pseudonymous participant id of the clinician `clinician` signs as: the record's author. Stored with the
   * content, so that only this clinician may retry the registration, and checked against the ledger's own view of the
   * signer before anything is stored.
   */
  readonly authorId: string;
  /** The record id to use (a retry passes the same one); a fresh `rec-<uuid>` when absent. */
  readonly recordId?: string;
  /**
   * This very registration (or amendment), already endorsed by the clinician's client, when the caller asked the
   * ledger first (the REST API does, before it validates the body). Submitted as it is only when its result is
   * exactly the registration the custodian would submit (same record, patient, category, hash, locator) credited to
   * the author; anything else is dropped unsubmitted and the registration endorsed again.
   */
  readonly endorsed?: Endorsed<RecordPointer>;
}

export interface StoreAndAmendOptions extends StoreAndRegisterOptions {
  /** The record id of the current version, which the new content replaces (held by this custodian). */
  readonly supersedes: string;
}

export interface CompletePendingOptions {
  /**
   * Record ids of unregistered records whose author is unknown (stored before authors were recorded) that the operator
   * names the runner as author of. This is the only way such a record is ever registered: nobody adopts content by
   * default, or a clinician could register someone else's content under their own name.
   */
  readonly adopt?: readonly string[];
}

/** Why completePending left a record unregistered. */
export type PendingRefusalCode =
  | ChaincodeErrorCode
  /** The record was stored for another clinician; only they may complete it. */
  | 'NOT_AUTHOR'
  /** The record predates recorded authors; an operator must name its author (CompletePendingOptions.adopt). */
  | 'AUTHOR_UNKNOWN'
  /** The ledger says this registration would be (or was) credited to someone other than the record's author. */
  | 'AUTHOR_MISMATCH';

export interface PendingRefusal {
  readonly recordId: string;
  readonly code: PendingRefusalCode;
  readonly message: string;
  /** True when the ledger refused the author for good and the content was removed from the store. */
  readonly discarded: boolean;
}

export interface PendingCompletion {
  readonly completed: number;
  readonly refused: readonly PendingRefusal[];
}

// Declared with its family (registration-errors.ts); still importable from here, where it is thrown.
export { RecordAuthorMismatchError };

/**
 * The custodian's write path, authority first: the ledger evaluates the very registration before any content is
 * stored; the content is stored with its author; the registration is then submitted. A definitive refusal of the
 * submit removes the content again, so no orphan remains. A transient failure (network, timeout, commit conflict)
 * leaves the content visibly unregistered (never served, never listed as registered) for a retry by its author with
 * the same record id.
 */
export interface Custodian {
  /**
   * Validates the FHIR resource, asks the ledger whether `clinician` may register it, stores it under
   * `options.authorId`, registers it on chain as `clinician` (a clinician of this org). A record id already stored for
   * another author, or with other content, is refused with RecordConflictError before the ledger is asked.
   */
  storeAndRegister(
    clinician: MedrecClient,
    resource: unknown,
    options: Readonly<StoreAndRegisterOptions>,
  ): Promise<RegisteredRecord>;
  /**
   * The same path for a new version of a record this custodian holds: the ledger evaluates Records:AmendRecord for
   * `options.supersedes` first; the new content must be about the same patient (InvalidFhirResourceError otherwise);
   * it is stored remembering the version it replaces, and the amendment is then submitted.
   */
  storeAndAmend(
    clinician: MedrecClient,
    resource: unknown,
    options: Readonly<StoreAndAmendOptions>,
  ): Promise<RegisteredRecord>;
  /**
   * Retries the chain registration (or amendment) of the stored but unregistered records whose author is `authorId` (the participant
   * `clinician` signs as). Other clinicians' records are reported as NOT_AUTHOR, and records of unknown author as
   * AUTHOR_UNKNOWN, and left alone. A record the ledger refuses for good is discarded and reported, so one bad record
   * cannot block the others; a network failure stops the run for a later retry.
   */
  completePending(
    clinician: MedrecClient,
    authorId: string,
    options?: Readonly<CompletePendingOptions>,
  ): Promise<PendingCompletion>;
}

export function createCustodian(options: Readonly<CustodianOptions>): Custodian {
  return new CustodianImpl(options);
}

/** The locator is opaque to everyone but this custodian: which organisation holds it, and under which id. */
export function locatorFor(mspId: string, recordId: string): string {
  return `medrec-gatekeeper:${mspId}/${recordId}`;
}

/**
 * Refusals that no retry by the same clinician changes (role, patient, relationship, argument, a different record under
 * the id). Anything else (MEDREC_INTERNAL, network, timeout, MVCC) may succeed later, so the content is kept.
 */
const DEFINITIVE_REFUSALS: ReadonlySet<ChaincodeErrorCode> = new Set<ChaincodeErrorCode>([
  'MEDREC_FORBIDDEN',
  'MEDREC_INVALID_ARGUMENT',
  'MEDREC_NOT_FOUND',
  'MEDREC_CONFLICT',
]);

/** The ledger write behind a stored record: Records:RegisterRecord for a first version, AmendRecord for a new one. */
type Registration =
  | { readonly kind: 'register'; readonly recordId: string; readonly input: RecordInput }
  | { readonly kind: 'amend'; readonly recordId: string; readonly input: RecordAmendment };

/**
 * Whether `endorsed` (the caller's endorsement) is the ledger's answer to exactly `registration`: the pointer it
 * would register is this record (id, hash, locator, category, custodian, version it replaces) credited to its author.
 */
function endorsedFor(
  endorsed: Endorsed<RecordPointer> | undefined,
  expected: Readonly<{ registration: Registration; record: NewRecord; authorId: string; mspId: string }>,
): endorsed is Endorsed<RecordPointer> {
  const { registration, record } = expected;
  if (endorsed === undefined) return false;
  const decided = endorsed.result;
  return (
    decided.recordId === record.recordId &&
    decided.contentHash === record.contentHash &&
    decided.category === record.category &&
    decided.locator === registration.input.locator &&
    decided.custodianMsp === expected.mspId &&
    decided.registeredBy === expected.authorId &&
    (registration.kind === 'amend'
      ? decided.supersedes === registration.input.recordId
      : decided.supersedes === null && decided.patientId === record.patientId)
  );
}

function isDefinitiveRefusal(err: unknown): err is ChaincodeError {
  return err instanceof ChaincodeError && DEFINITIVE_REFUSALS.has(err.code);
}

class CustodianImpl implements Custodian {
  readonly #store: RecordStore;
  readonly #mspId: string;

  constructor(options: Readonly<CustodianOptions>) {
    this.#store = options.store;
    this.#mspId = options.mspId;
  }

  storeAndRegister(
    clinician: MedrecClient,
    resource: unknown,
    options: Readonly<StoreAndRegisterOptions>,
  ): Promise<RegisteredRecord> {
    return this.#storeAndSubmit(clinician, resource, options, undefined);
  }

  storeAndAmend(
    clinician: MedrecClient,
    resource: unknown,
    options: Readonly<StoreAndAmendOptions>,
  ): Promise<RegisteredRecord> {
    return this.#storeAndSubmit(clinician, resource, options, checkId('supersedes', options.supersedes));
  }

  async #storeAndSubmit(
    clinician: MedrecClient,
    resource: unknown,
    options: Readonly<StoreAndRegisterOptions>,
    supersedes: string | undefined,
  ): Promise<RegisteredRecord> {
    const authorId = checkId('authorId', options.authorId);
    const content = toRecordContent(resource);
    const record: NewRecord = {
      recordId: options.recordId ?? `rec-${crypto.randomUUID()}`,
      patientId: content.patientId,
      category: content.category,
      resourceJson: content.canonicalJson,
      contentHash: content.contentHash,
      authorId,
      ...(supersedes === undefined ? {} : { supersedes }),
    };
    // A retry under an id that holds another author's (or other) content is refused here, before the ledger is asked:
    // registering it would credit someone else's content to this clinician. put() repeats the check atomically.
    const existing = await this.#store.get(record.recordId);
    const conflict = existing === undefined ? undefined : conflictWith(existing, record);
    if (conflict !== undefined) throw new RecordConflictError(record.recordId, conflict);

    const registration = this.#registrationFor(record);
    // Authority before content: the ledger decides on this exact registration (endorsed, nothing written yet) before
    // the store sees it. A refusal leaves nothing behind; an earlier identical attempt's content is removed with it.
    // The endorsement is the write's own, so deciding first costs no extra transaction.
    const endorsed =
      existing === undefined && endorsedFor(options.endorsed, { registration, record, authorId, mspId: this.#mspId })
        ? options.endorsed
        : await this.#endorse(clinician, registration, authorId, existing !== undefined);
    const decided = endorsed.result;
    if (decided.patientId !== record.patientId) {
      // Only an amendment can get here: its pointer keeps the amended record's patient, whatever the content says.
      throw new InvalidFhirResourceError(content.resource.resourceType, [
        {
          path: `${content.resource.resourceType}.subject`,
          message: `must reference Patient/${decided.patientId}, the patient of record ${supersedes ?? record.recordId}`,
        },
      ]);
    }
    if (existing?.registrationTxId !== undefined && decided.txId === existing.registrationTxId) {
      // Already registered and recorded: a repeated call, answered without a second transaction.
      return { pointer: decided, transactionId: existing.registrationTxId };
    }
    const stored = await this.#store.put(record);
    return this.#order(endorsed, stored.recordId);
  }

  async completePending(
    clinician: MedrecClient,
    authorId: string,
    options: Readonly<CompletePendingOptions> = {},
  ): Promise<PendingCompletion> {
    const runner = checkId('authorId', authorId);
    const adopt = new Set(options.adopt ?? []);
    let completed = 0;
    const refused: PendingRefusal[] = [];
    let cursor: string | undefined;
    do {
      // Discarding rows while paging is safe: the cursor is a sequence number, not an offset.
      const page = await this.#store.listUnregistered({ limit: 100, ...(cursor === undefined ? {} : { cursor }) });
      for (const listed of page.records) {
        const outcome = await this.#completeOne(clinician, runner, listed, adopt.has(listed.recordId));
        if (outcome === 'completed') completed += 1;
        else refused.push(outcome);
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { completed, refused };
  }

  async #completeOne(
    clinician: MedrecClient,
    runner: string,
    listed: StoredRecord,
    adopted: boolean,
  ): Promise<'completed' | PendingRefusal> {
    const { recordId } = listed;
    let record = listed;
    if (record.authorId === undefined) {
      if (!adopted) {
        return {
          recordId,
          code: 'AUTHOR_UNKNOWN',
          message:
            `Record ${recordId} was stored before authors were recorded. An operator who knows its author must name ` +
            'it: run completePending as that clinician with the record id in options.adopt, or discard the record.',
          discarded: false,
        };
      }
      record = await this.#store.assignAuthor(recordId, runner);
    }
    if (record.authorId !== runner) {
      return {
        recordId,
        code: 'NOT_AUTHOR',
        message: `Record ${recordId} was stored by another clinician; only its author may complete its registration.`,
        discarded: false,
      };
    }
    try {
      const endorsed = await this.#endorse(clinician, this.#registrationFor(record), runner, true);
      await this.#order(endorsed, record.recordId);
      return 'completed';
    } catch (err) {
      if (err instanceof RecordAuthorMismatchError) {
        return { recordId, code: err.code, message: err.message, discarded: false };
      }
      // A chaincode refusal is definitive for this record (#endorse / #order discarded it when it was final);
      // anything else (network) stops the run for a retry.
      if (!(err instanceof ChaincodeError)) throw err;
      return { recordId, code: err.code, message: err.message, discarded: isDefinitiveRefusal(err) };
    }
  }

  /** The transaction that puts `record`'s pointer on chain: a registration, or for a new version an amendment. */
  #registrationFor(
    record: Readonly<Omit<NewRecord, 'authorId' | 'supersedes'>> & { readonly supersedes?: string | undefined },
  ): Registration {
    const locator = locatorFor(this.#mspId, record.recordId);
    if (record.supersedes !== undefined) {
      return {
        kind: 'amend',
        recordId: record.recordId,
        input: {
          recordId: record.supersedes,
          newRecordId: record.recordId,
          category: record.category,
          contentHash: record.contentHash,
          locator,
        },
      };
    }
    return {
      kind: 'register',
      recordId: record.recordId,
      input: {
        recordId: record.recordId,
        patientId: record.patientId,
        category: record.category,
        contentHash: record.contentHash,
        locator,
      },
    };
  }

  /**
   * The ledger's decision on `registration`: endorsed, nothing written until #order. The pointer it would register
   * names the signer as registeredBy (or, for a record already on chain, its original registrant): anything but
   * `authorId` means the registration would not be credited to the record's author, so it is refused. A definitive
   * refusal discards the stored content when there is some (`stored`).
   */
  async #endorse(
    clinician: MedrecClient,
    registration: Registration,
    authorId: string,
    stored: boolean,
  ): Promise<Endorsed<RecordPointer>> {
    const { recordId } = registration;
    let endorsed: Endorsed<RecordPointer>;
    try {
      endorsed =
        registration.kind === 'amend'
          ? await clinician.endorseAmendRecord(registration.input)
          : await clinician.endorseRegisterRecord(registration.input);
    } catch (err) {
      if (stored && isDefinitiveRefusal(err)) await this.#discard(recordId);
      throw err;
    }
    if (endorsed.result.registeredBy !== authorId) {
      throw new RecordAuthorMismatchError({ recordId, authorId, registeredBy: endorsed.result.registeredBy });
    }
    return endorsed;
  }

  /** Orders the endorsed registration of the stored record `recordId` and records its transaction in the store. */
  async #order(endorsed: Endorsed<RecordPointer>, recordId: string): Promise<RegisteredRecord> {
    let submitted: Submitted<RecordPointer>;
    try {
      // An identical re-registration or re-amendment (a retry after a crash between the chain write and
      // markRegistered) returns the original pointer, whose txId is the registration to record.
      submitted = await endorsed.submit();
    } catch (err) {
      if (isDefinitiveRefusal(err)) await this.#discard(recordId);
      throw err;
    }
    await this.#store.markRegistered(recordId, submitted.value.txId);
    return { pointer: submitted.value, transactionId: submitted.transactionId };
  }

  /**
   * Removes content the ledger refused for good. Best effort: the refusal is what the caller must see, so a failing
   * store does not replace it; the content then stays listed as unregistered and the next completePending by its
   * author, refused in turn, discards it. A record registered meanwhile is never removed (the store refuses).
   */
  async #discard(recordId: string): Promise<void> {
    await this.#store.discardUnregistered(recordId).catch(() => false);
  }
}
