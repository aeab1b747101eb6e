import type { Category } from '@medrec/sdk';

/**
 * The custodian's record store: the only place clinical content lives; the ledger never holds PHI
 * (docs/architecture.md, "No PHI on the ledger").
 * The ledger holds the pointer and hash; this store holds the FHIR resource and remembers whether the pointer has been
 * registered on chain, so that a failed chain write is retried instead of leaving a record that looks registered.
 */

/** Largest page any list call returns: keeps every read bounded whatever the caller asks for. */
export const MAX_LIST_LIMIT = 500;

/** Page size used when the caller gives none. */
export const DEFAULT_LIST_LIMIT = 100;

/** A record as the custodian hands it to the store, before its pointer is on chain. */
export interface NewRecord {
  /** Opaque record id, also used as the ledger key. */
  readonly recordId: string;
  /** Pseudonymous patient id (the ledger's participant id), never a name or MRN. */
  readonly patientId: string;
  /** Coarse category recorded on the ledger (e.g. 'condition'). */
  readonly category: Category;
  /** The FHIR R4 resource as JSON text, stored byte for byte so a re-hash gives the same result. */
  readonly resourceJson: string;
  /** SHA-256 (lowercase hex) of the RFC 8785 canonical form of the resource. */
  readonly contentHash: string;
  /**
   * Pseudonymous participant id of the clinician registering the record. Only this clinician may retry its
   * registration: otherwise a second clinician could register someone else's content under their own name.
   */
  readonly authorId: string;
  /**
   * For an amendment: the record id of the version this content replaces (registered on chain by Records:AmendRecord,
   * not Records:RegisterRecord). Kept with the content so that a retried registration amends the same version.
   */
  readonly supersedes?: string;
}

export interface StoredRecord extends Omit<NewRecord, 'authorId' | 'supersedes'> {
  /**
   * The registering clinician; undefined for records stored before authors were recorded. Such a record is registered
   * only after an operator names its author explicitly ({@link RecordStore.assignAuthor}).
   */
  readonly authorId: string | undefined;
  /** True once the pointer has been committed on chain and {@link RecordStore.markRegistered} recorded it. */
  readonly registered: boolean;
  /** Transaction id of the committed registration; undefined while unregistered. */
  readonly registrationTxId: string | undefined;
  /** The version this record amends; undefined for a first version. */
  readonly supersedes: string | undefined;
  readonly storedAt: Date;
}

export interface ListOptions {
  /** 1..{@link MAX_LIST_LIMIT}; defaults to {@link DEFAULT_LIST_LIMIT}. */
  readonly limit?: number;
  /** The nextCursor of the previous page. */
  readonly cursor?: string;
}

export interface RecordPage {
  readonly records: readonly StoredRecord[];
  /** Present when more records may follow; pass it back as {@link ListOptions.cursor}. */
  readonly nextCursor: string | undefined;
}

/** The sexes a custodian may record for coarse trend strata (FHIR administrative gender, 'unknown' left out). */
export const DEMOGRAPHIC_SEXES = ['female', 'male', 'other'] as const;
export type DemographicSex = (typeof DEMOGRAPHIC_SEXES)[number];

/**
 * What the custodian knows about a patient from its own registration desk, for the coarse strata of trend queries
 * (age band, sex). It stays in this store: it never goes on the ledger and is never served to another organisation.
 */
export interface PatientDemographics {
  readonly patientId: string;
  /** YYYY-MM-DD; undefined when unknown. */
  readonly birthDate: string | undefined;
  readonly sex: DemographicSex | undefined;
}

export interface DemographicsPage {
  readonly items: readonly PatientDemographics[];
  /** Present when more may follow; pass it back as {@link ListOptions.cursor}. */
  readonly nextCursor: string | undefined;
}

export interface RecordStore {
  /**
   * Stores a new, unregistered record. Idempotent: putting the same record id again with the same patient, category,
   * hash, author and superseded version returns the stored record unchanged (a retried write); different content, or the same content by
   * another author (or for a record whose author is unknown), is a RecordConflictError.
   */
  put(record: Readonly<NewRecord>): Promise<StoredRecord>;
  /** The record, or undefined if this store has none with that id. */
  get(recordId: string): Promise<StoredRecord | undefined>;
  /**
   * Records that the pointer was committed on chain in transaction `txId`. Idempotent for the same txId; a different
   * txId for an already registered record is refused, because one record has exactly one registration.
   */
  markRegistered(recordId: string, txId: string): Promise<StoredRecord>;
  /**
   * Removes an unregistered record, content and all: used when the ledger refused its registration for good, so no
   * orphaned clinical content stays behind. Resolves true when a record was removed, false when there was none.
   * A registered record is never removed (RecordAlreadyRegisteredError): the ledger points at it.
   */
  discardUnregistered(recordId: string): Promise<boolean>;
  /**
   * The explicit operator action for a record whose author is unknown (stored before authors were recorded): names
   * `authorId` as its author so that clinician may complete its registration. Idempotent for the same author; a record
   * that already has another author is a RecordConflictError, a registered one RecordAlreadyRegisteredError.
   */
  assignAuthor(recordId: string, authorId: string): Promise<StoredRecord>;
  /** Records whose chain registration has not completed, oldest first, for the retry loop. */
  listUnregistered(options?: Readonly<ListOptions>): Promise<RecordPage>;
  /** A patient's records, oldest first. */
  listByPatient(patientId: string, options?: Readonly<ListOptions>): Promise<RecordPage>;
  /** Every registered record, in storage order, a page at a time (the trend responder reads them all). */
  listRegistered(options?: Readonly<ListOptions>): Promise<RecordPage>;
  /** Records (or replaces) what the custodian knows of a patient's birth date and sex. */
  putDemographics(demographics: Readonly<PatientDemographics>): Promise<void>;
  /** Every patient's demographics, in patient id order, a page at a time (the trend responder reads them all). */
  listDemographics(options?: Readonly<ListOptions>): Promise<DemographicsPage>;
  /** Releases the database handle or pool; every later call fails with StoreClosedError. */
  close(): Promise<void>;
}
