/**
 * Validation shared by every store implementation, done before any SQL runs so both databases refuse the same inputs
 * with the same errors (the contract suite relies on that).
 */
import { CATEGORIES, categorySchema, ID_PATTERN, type Category } from '@medrec/contract';
import {
  DEFAULT_LIST_LIMIT,
  DEMOGRAPHIC_SEXES,
  MAX_LIST_LIMIT,
  type DemographicSex,
  type ListOptions,
  type PatientDemographics,
  type NewRecord,
  type StoredRecord,
} from './record-store';
import {
  InvalidStoreInputError,
  RecordAlreadyRegisteredError,
  RecordConflictError,
  RecordNotFoundError,
  type RecordConflictReason,
} from './store-errors';

// Ids and categories follow the ledger's own rules (the contract module): a record the ledger would refuse is
// never stored, and every stored record can be registered and retrieved.
const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;
// Cursors are row sequence numbers; 18 digits stays below 2^63 so both BIGINT and SQLite INTEGER hold them.
const CURSOR_PATTERN = /^[0-9]{1,18}$/;
/** Largest resource accepted; FHIR resources that carry attachments inline should be stored as references instead. */
export const MAX_RESOURCE_JSON_LENGTH = 4 * 1024 * 1024;

export function checkId(field: string, value: unknown): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new InvalidStoreInputError({
      field,
      message: `${field} must be 1-128 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit.`,
    });
  }
  return value;
}

/** A record category as the ledger accepts it; also re-validates a category read back from the database. */
export function checkCategory(value: unknown): Category {
  const parsed = categorySchema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidStoreInputError({
      field: 'category',
      message: `category must be one of the ledger's categories: ${CATEGORIES.join(', ')}.`,
    });
  }
  return parsed.data;
}

export function checkTxId(value: unknown): string {
  if (typeof value !== 'string' || !SHA256_HEX_PATTERN.test(value)) {
    throw new InvalidStoreInputError({
      field: 'txId',
      message: 'txId must be a Fabric transaction id: 64 lowercase hexadecimal characters.',
    });
  }
  return value;
}

export function checkNewRecord(record: Readonly<NewRecord>): NewRecord {
  const recordId = checkId('recordId', record.recordId);
  const patientId = checkId('patientId', record.patientId);
  const authorId = checkId('authorId', record.authorId);
  const category = checkCategory(record.category);
  if (typeof record.contentHash !== 'string' || !SHA256_HEX_PATTERN.test(record.contentHash)) {
    throw new InvalidStoreInputError({
      field: 'contentHash',
      message: 'contentHash must be a SHA-256 digest as 64 lowercase hexadecimal characters.',
    });
  }
  checkResourceJson(record.resourceJson);
  const supersedes = record.supersedes === undefined ? undefined : checkId('supersedes', record.supersedes);
  if (supersedes === recordId) {
    throw new InvalidStoreInputError({ field: 'supersedes', message: 'a record cannot amend itself.' });
  }
  return {
    recordId,
    patientId,
    category,
    resourceJson: record.resourceJson,
    contentHash: record.contentHash,
    authorId,
    ...(supersedes === undefined ? {} : { supersedes }),
  };
}

function checkResourceJson(value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RESOURCE_JSON_LENGTH) {
    throw new InvalidStoreInputError({
      field: 'resourceJson',
      message: `resourceJson must be a non-empty JSON string of at most ${MAX_RESOURCE_JSON_LENGTH} characters.`,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidStoreInputError({
      field: 'resourceJson',
      message: 'resourceJson must be the JSON text of one FHIR resource (a JSON object).',
    });
  }
}

export interface CheckedListOptions {
  readonly limit: number;
  /** Sequence number after which to continue, as decimal text (never converted through a float). */
  readonly after: string | undefined;
}

export function checkListOptions(options: Readonly<ListOptions> | undefined): CheckedListOptions {
  const limit = options?.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new InvalidStoreInputError({
      field: 'limit',
      message: `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}.`,
    });
  }
  const cursor = options?.cursor;
  if (cursor !== undefined && !CURSOR_PATTERN.test(cursor)) {
    throw new InvalidStoreInputError({
      field: 'cursor',
      message: 'cursor must be the nextCursor value returned by the previous page, unchanged.',
    });
  }
  return { limit, after: cursor };
}

/**
 * Whether `incoming` repeats `stored` (a retried put, registration state aside): undefined when it does, otherwise why
 * it conflicts. Content is compared first, so other content is reported as such whoever sends it. An unknown stored
 * author never matches: a record from before authors were recorded is claimed only through assignAuthor.
 */
export function conflictWith(
  stored: Readonly<StoredRecord>,
  incoming: Readonly<NewRecord>,
): RecordConflictReason | undefined {
  const sameContent =
    stored.patientId === incoming.patientId &&
    stored.category === incoming.category &&
    stored.contentHash === incoming.contentHash &&
    stored.resourceJson === incoming.resourceJson &&
    stored.supersedes === incoming.supersedes;
  if (!sameContent) return 'content';
  return stored.authorId === incoming.authorId ? undefined : 'author';
}

/**
 * After an assignAuthor that changed nothing: the record when it is already this author's (a repeated call), otherwise
 * the refusal that says why (no such record, already registered, or another author's).
 */
export function explainUnassigned(
  recordId: string,
  authorId: string,
  existing: Readonly<StoredRecord> | undefined,
): StoredRecord {
  if (existing === undefined) throw new RecordNotFoundError(recordId);
  if (existing.authorId === authorId) return existing;
  if (existing.registrationTxId !== undefined) {
    throw new RecordAlreadyRegisteredError({ recordId, registrationTxId: existing.registrationTxId });
  }
  throw new RecordConflictError(recordId, 'author');
}

/** The columns both stores keep, whatever their own types for the sequence and the time. */
export interface RecordColumns {
  readonly record_id: string;
  readonly patient_id: string;
  readonly category: string;
  readonly resource_json: string;
  readonly content_hash: string;
  readonly registration_tx_id: string | null;
  readonly author_id: string | null;
  readonly supersedes: string | null;
}

/** A row as a StoredRecord; the category is re-validated, since it was read back from a database. */
export function storedRecordOf(row: Readonly<RecordColumns>, storedAt: Date): StoredRecord {
  return {
    recordId: row.record_id,
    patientId: row.patient_id,
    category: checkCategory(row.category),
    resourceJson: row.resource_json,
    contentHash: row.content_hash,
    registered: row.registration_tx_id !== null,
    registrationTxId: row.registration_tx_id ?? undefined,
    storedAt,
    authorId: row.author_id ?? undefined,
    supersedes: row.supersedes ?? undefined,
  };
}

/** Demographics as the store accepts them: a valid patient id, a real calendar date, a known sex. */
export function checkDemographics(input: Readonly<PatientDemographics>): PatientDemographics {
  const patientId = checkId('patientId', input.patientId);
  const { birthDate, sex } = input;
  if (birthDate !== undefined && !isCalendarDate(birthDate)) {
    throw new InvalidStoreInputError({ field: 'birthDate', message: 'birthDate must be a calendar date YYYY-MM-DD.' });
  }
  if (sex !== undefined && !(DEMOGRAPHIC_SEXES as readonly string[]).includes(sex)) {
    throw new InvalidStoreInputError({ field: 'sex', message: `sex must be one of: ${DEMOGRAPHIC_SEXES.join(', ')}.` });
  }
  return { patientId, birthDate, sex };
}

/** Re-validates demographics read back from the database (a row edited outside MedRec is refused, not trusted). */
export function demographicsOf(row: {
  patient_id: string;
  birth_date: string | null;
  sex: string | null;
}): PatientDemographics {
  return checkDemographics({
    patientId: row.patient_id,
    birthDate: row.birth_date ?? undefined,
    sex: (row.sex ?? undefined) as DemographicSex | undefined,
  });
}

/** A demographics cursor: the last patient id of the previous page. */
export function checkDemographicsCursor(options: Readonly<ListOptions> | undefined): { limit: number; after: string } {
  const { limit } = checkListOptions({ ...(options?.limit === undefined ? {} : { limit: options.limit }) });
  const cursor = options?.cursor;
  if (cursor === undefined) return { limit, after: '' };
  return { limit, after: checkId('cursor', cursor) };
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}
