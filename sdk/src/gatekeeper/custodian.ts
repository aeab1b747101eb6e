import crypto from 'node:crypto';
import type { RecordPointer } from '../chaincode-types';
import { toRecordContent } from '../fhir';
import { ChaincodeError } from '../errors';
import type { MedrecClient } from '../medrec-client';
import type { RecordStore, StoredRecord } from '../store/record-store';

export interface CustodianOptions {
  readonly store: RecordStore;
  /** The custodian organisation's MSP id (records registered through it are held here). */
  readonly mspId: string;
}

export interface RegisteredRecord {
  readonly pointer: RecordPointer;
  readonly transactionId: string;
}

/**
 * The custodian's write path: store the record, then register pointer + hash on chain. The store remembers whether
 * the chain write completed, so a failure leaves a record that is visibly unregistered (never served, never listed
 * as registered) and a retry, with the same record id, completes it.
 */
export interface Custodian {
  /** Validates the FHIR resource, stores it, registers it on chain as `clinician` (a clinician of this org). */
  storeAndRegister(
    clinician: MedrecClient,
    resource: unknown,
    options?: Readonly<{ recordId?: string }>,
  ): Promise<RegisteredRecord>;
  /**
   * Retries the chain registration of every stored but unregistered record. A record the ledger refuses for good
   * (invalid, conflicting, forbidden) is reported and skipped, so one bad record cannot block the others.
   */
  completePending(clinician: MedrecClient): Promise<PendingCompletion>;
}

export interface PendingCompletion {
  readonly completed: number;
  readonly refused: readonly { readonly recordId: string; readonly code: string; readonly message: string }[];
}

export function createCustodian(options: Readonly<CustodianOptions>): Custodian {
  return new CustodianImpl(options);
}

/** The locator is opaque to everyone but this custodian: which organisation holds it, and under which id. */
export function locatorFor(mspId: string, recordId: string): string {
  return `medrec-gatekeeper:${mspId}/${recordId}`;
}

class CustodianImpl implements Custodian {
  readonly #store: RecordStore;
  readonly #mspId: string;

  constructor(options: Readonly<CustodianOptions>) {
    this.#store = options.store;
    this.#mspId = options.mspId;
  }

  async storeAndRegister(
    clinician: MedrecClient,
    resource: unknown,
    options: Readonly<{ recordId?: string }> = {},
  ): Promise<RegisteredRecord> {
    const content = toRecordContent(resource);
    const stored = await this.#store.put({
      recordId: options.recordId ?? `rec-${crypto.randomUUID()}`,
      patientId: content.patientId,
      category: content.category,
      resourceJson: content.canonicalJson,
      contentHash: content.contentHash,
    });
    return this.#register(clinician, stored);
  }

  async completePending(clinician: MedrecClient): Promise<PendingCompletion> {
    let completed = 0;
    const refused: { recordId: string; code: string; message: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#store.listUnregistered({ limit: 100, ...(cursor === undefined ? {} : { cursor }) });
      for (const record of page.records) {
        try {
          await this.#register(clinician, record);
          completed += 1;
        } catch (err) {
          // A chaincode refusal is definitive for this record; anything else (network) stops the run for a retry.
          if (!(err instanceof ChaincodeError)) throw err;
          refused.push({ recordId: record.recordId, code: err.code, message: err.message });
        }
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { completed, refused };
  }

  async #register(clinician: MedrecClient, record: StoredRecord): Promise<RegisteredRecord> {
    const input = {
      recordId: record.recordId,
      patientId: record.patientId,
      category: record.category,
      contentHash: record.contentHash,
      locator: locatorFor(this.#mspId, record.recordId),
    };
    // An identical re-registration (a retry after a crash between the chain write and markRegistered) returns the
    // original pointer, whose txId is the registration to record; a different body under this id is a CONFLICT that
    // propagates to the caller.
    const submitted = await clinician.registerRecord(input);
    await this.#store.markRegistered(record.recordId, submitted.value.txId);
    return { pointer: submitted.value, transactionId: submitted.transactionId };
  }
}
