/** The PostgreSQL record store, for custodians that already run PostgreSQL. Every value goes in as a query parameter. */
import pg from 'pg';
import { createTablesOnce, messageOf, quotedSchemaName } from './postgres-schema';
import {
  checkDemographics,
  checkDemographicsCursor,
  checkId,
  checkListOptions,
  demographicsOf,
  checkNewRecord,
  checkTxId,
  conflictWith,
  explainUnassigned,
  storedRecordOf,
} from './record-input';
import type {
  DemographicsPage,
  ListOptions,
  NewRecord,
  PatientDemographics,
  RecordPage,
  RecordStore,
  StoredRecord,
} from './record-store';
import {
  InvalidStoreInputError,
  RecordAlreadyRegisteredError,
  RecordConflictError,
  RecordNotFoundError,
  RecordStoreError,
  StoreClosedError,
  StoreUnavailableError,
} from './store-errors';

export interface PostgresRecordStoreOptions {
  /** libpq-style URL, e.g. postgresql://user@127.0.0.1:5432/db. Never echoed in errors (it may hold a password). */
  readonly connectionString: string;
  /** Schema holding the tables; created if missing. Defaults to 'medrec'. */
  readonly schema?: string;
  /** Largest number of pooled connections; defaults to 10. */
  readonly maxConnections?: number;
  /** Source of storedAt timestamps; injectable so tests can pin them. */
  readonly clock?: () => Date;
  /**
   * Called when an idle pooled connection fails (e.g. the server restarted). Library code does not log; without this
   * the error is dropped and the next query reconnects.
   */
  readonly onIdleConnectionError?: (error: Error) => void;
}

interface RecordRow {
  seq: string;
  record_id: string;
  patient_id: string;
  category: string;
  resource_json: string;
  content_hash: string;
  registration_tx_id: string | null;
  stored_at: Date;
  author_id: string | null;
  supersedes: string | null;
}

const COLUMNS =
  'seq, record_id, patient_id, category, resource_json, content_hash, registration_tx_id, stored_at, author_id, supersedes';

function schemaStatements(schema: string): string[] {
  const table = `${schema}.records`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `CREATE TABLE IF NOT EXISTS ${table} (
       seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       record_id TEXT NOT NULL UNIQUE,
       patient_id TEXT NOT NULL,
       category TEXT NOT NULL,
       resource_json TEXT NOT NULL,
       content_hash TEXT NOT NULL,
       registration_tx_id TEXT,
       stored_at TIMESTAMPTZ NOT NULL,
       author_id TEXT,
       supersedes TEXT
     )`,
    // In-place migration of a table created before authors were recorded: existing rows get NULL ("author unknown"),
    // which no clinician may register until an operator names the author (assignAuthor). Runs under the creation
    // lock, so concurrent starters add it once.
    `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS author_id TEXT`,
    // Likewise for amendments: rows stored before them were all first versions (NULL).
    `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS supersedes TEXT`,
    `CREATE INDEX IF NOT EXISTS records_by_patient ON ${table} (patient_id, seq)`,
    `CREATE INDEX IF NOT EXISTS records_unregistered ON ${table} (seq) WHERE registration_tx_id IS NULL`,
    `CREATE TABLE IF NOT EXISTS ${schema}.patient_demographics (
       patient_id TEXT PRIMARY KEY,
       birth_date TEXT,
       sex TEXT,
       updated_at TIMESTAMPTZ NOT NULL
     )`,
  ];
}

function toStoredRecord(row: RecordRow): StoredRecord {
  return storedRecordOf(row, row.stored_at);
}

function toPage(rows: RecordRow[], limit: number): RecordPage {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    records: page.map(toStoredRecord),
    nextCursor: rows.length > limit && last !== undefined ? last.seq : undefined,
  };
}

class PostgresRecordStore implements RecordStore {
  readonly #pool: pg.Pool;
  readonly #table: string;
  readonly #demographics: string;
  readonly #clock: () => Date;
  #closed = false;

  constructor(pool: pg.Pool, schema: string, clock: () => Date) {
    this.#pool = pool;
    this.#table = `${schema}.records`;
    this.#demographics = `${schema}.patient_demographics`;
    this.#clock = clock;
  }

  async put(record: Readonly<NewRecord>): Promise<StoredRecord> {
    this.#checkOpen();
    const checked = checkNewRecord(record);
    // ON CONFLICT DO NOTHING waits for a concurrent insert of the same id, so the follow-up read sees the winner.
    const inserted = await this.#query(
      `INSERT INTO ${this.#table} (record_id, patient_id, category, resource_json, content_hash, stored_at, author_id,
         supersedes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (record_id) DO NOTHING RETURNING ${COLUMNS}`,
      [
        checked.recordId,
        checked.patientId,
        checked.category,
        checked.resourceJson,
        checked.contentHash,
        this.#clock(),
        checked.authorId,
        checked.supersedes ?? null,
      ],
    );
    const row = inserted[0];
    if (row !== undefined) return toStoredRecord(row);
    const existing = await this.#getRow(checked.recordId);
    // Gone again: discarded between the insert and this read. Still not this caller's row to claim.
    if (existing === undefined) throw new RecordConflictError(checked.recordId);
    const stored = toStoredRecord(existing);
    const conflict = conflictWith(stored, checked);
    if (conflict !== undefined) throw new RecordConflictError(checked.recordId, conflict);
    return stored;
  }

  async get(recordId: string): Promise<StoredRecord | undefined> {
    this.#checkOpen();
    const row = await this.#getRow(checkId('recordId', recordId));
    return row === undefined ? undefined : toStoredRecord(row);
  }

  async markRegistered(recordId: string, txId: string): Promise<StoredRecord> {
    this.#checkOpen();
    const id = checkId('recordId', recordId);
    const tx = checkTxId(txId);
    const updated = await this.#query(
      `UPDATE ${this.#table} SET registration_tx_id = $1
       WHERE record_id = $2 AND registration_tx_id IS NULL RETURNING ${COLUMNS}`,
      [tx, id],
    );
    const row = updated[0];
    if (row !== undefined) return toStoredRecord(row);
    const existing = await this.#getRow(id);
    if (existing === undefined) throw new RecordNotFoundError(id);
    if (existing.registration_tx_id !== tx) {
      throw new RecordAlreadyRegisteredError({ recordId: id, registrationTxId: existing.registration_tx_id ?? '' });
    }
    return toStoredRecord(existing);
  }

  async discardUnregistered(recordId: string): Promise<boolean> {
    this.#checkOpen();
    const id = checkId('recordId', recordId);
    // The registration test is in the DELETE itself, so a concurrent markRegistered either wins (nothing deleted) or
    // finds the row gone (RecordNotFoundError): a registered record is never removed.
    const removed = await this.#query(
      `DELETE FROM ${this.#table} WHERE record_id = $1 AND registration_tx_id IS NULL RETURNING ${COLUMNS}`,
      [id],
    );
    if (removed.length > 0) return true;
    const existing = await this.#getRow(id);
    if (existing !== undefined && existing.registration_tx_id !== null) {
      throw new RecordAlreadyRegisteredError({ recordId: id, registrationTxId: existing.registration_tx_id });
    }
    return false;
  }

  async assignAuthor(recordId: string, authorId: string): Promise<StoredRecord> {
    this.#checkOpen();
    const id = checkId('recordId', recordId);
    const author = checkId('authorId', authorId);
    const updated = await this.#query(
      `UPDATE ${this.#table} SET author_id = $1
       WHERE record_id = $2 AND author_id IS NULL AND registration_tx_id IS NULL RETURNING ${COLUMNS}`,
      [author, id],
    );
    const row = updated[0];
    if (row !== undefined) return toStoredRecord(row);
    const existing = await this.#getRow(id);
    return explainUnassigned(id, author, existing === undefined ? undefined : toStoredRecord(existing));
  }

  async listUnregistered(options?: Readonly<ListOptions>): Promise<RecordPage> {
    this.#checkOpen();
    const { limit, after } = checkListOptions(options);
    const rows = await this.#query(
      `SELECT ${COLUMNS} FROM ${this.#table} WHERE registration_tx_id IS NULL AND seq > $1 ORDER BY seq LIMIT $2`,
      [after ?? '0', limit + 1],
    );
    return toPage(rows, limit);
  }

  async listRegistered(options?: Readonly<ListOptions>): Promise<RecordPage> {
    this.#checkOpen();
    const { limit, after } = checkListOptions(options);
    const rows = await this.#query(
      `SELECT ${COLUMNS} FROM ${this.#table} WHERE registration_tx_id IS NOT NULL AND seq > $1 ORDER BY seq LIMIT $2`,
      [after ?? '0', limit + 1],
    );
    return toPage(rows, limit);
  }

  async putDemographics(demographics: Readonly<PatientDemographics>): Promise<void> {
    this.#checkOpen();
    const d = checkDemographics(demographics);
    await this.#query(
      `INSERT INTO ${this.#demographics} (patient_id, birth_date, sex, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (patient_id) DO UPDATE SET birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex,
         updated_at = EXCLUDED.updated_at`,
      [d.patientId, d.birthDate ?? null, d.sex ?? null, this.#clock()],
    );
  }

  async listDemographics(options?: Readonly<ListOptions>): Promise<DemographicsPage> {
    this.#checkOpen();
    const { limit, after } = checkDemographicsCursor(options);
    // Byte order (COLLATE "C") in both the comparison and the sort, as SQLite's: the cursor means the same in both.
    const rows = await this.#query<{ patient_id: string; birth_date: string | null; sex: string | null }>(
      `SELECT patient_id, birth_date, sex FROM ${this.#demographics} WHERE patient_id COLLATE "C" > $1
       ORDER BY patient_id COLLATE "C" LIMIT $2`,
      [after, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(demographicsOf),
      nextCursor: rows.length > limit && last !== undefined ? last.patient_id : undefined,
    };
  }

  async listByPatient(patientId: string, options?: Readonly<ListOptions>): Promise<RecordPage> {
    this.#checkOpen();
    const id = checkId('patientId', patientId);
    const { limit, after } = checkListOptions(options);
    const rows = await this.#query(
      `SELECT ${COLUMNS} FROM ${this.#table} WHERE patient_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [id, after ?? '0', limit + 1],
    );
    return toPage(rows, limit);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  async #getRow(recordId: string): Promise<RecordRow | undefined> {
    const rows = await this.#query(`SELECT ${COLUMNS} FROM ${this.#table} WHERE record_id = $1`, [recordId]);
    return rows[0];
  }

  async #query<Row extends pg.QueryResultRow = RecordRow>(text: string, values: unknown[]): Promise<Row[]> {
    try {
      const result = await this.#pool.query<Row>(text, values);
      return result.rows;
    } catch (error) {
      if (error instanceof RecordStoreError) throw error;
      throw new StoreUnavailableError(
        `The PostgreSQL record store query failed: ${messageOf(error)}. ` +
          'Check that the server is running and reachable with the configured connection string.',
        { cause: error },
      );
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}

function checkOptions(options: Readonly<PostgresRecordStoreOptions>): {
  schema: string;
  quotedSchema: string;
  maxConnections: number;
} {
  const schema = options.schema ?? 'medrec';
  const quotedSchema = quotedSchemaName(schema);
  const maxConnections = options.maxConnections ?? 10;
  if (!Number.isSafeInteger(maxConnections) || maxConnections < 1 || maxConnections > 100) {
    throw new InvalidStoreInputError({
      field: 'maxConnections',
      message: 'maxConnections must be a whole number from 1 to 100.',
    });
  }
  return { schema, quotedSchema, maxConnections };
}

/** Connects to PostgreSQL, creates the schema and table if missing, and returns the store. */
export async function createPostgresRecordStore(options: Readonly<PostgresRecordStoreOptions>): Promise<RecordStore> {
  const { schema, quotedSchema, maxConnections } = checkOptions(options);
  const pool = new pg.Pool({ connectionString: options.connectionString, max: maxConnections });
  const onIdleError = options.onIdleConnectionError;
  pool.on('error', (error) => {
    onIdleError?.(error);
  });
  try {
    await createTablesOnce(pool, `medrec-record-store:${quotedSchema}`, schemaStatements(quotedSchema));
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new StoreUnavailableError(
      `Cannot prepare the PostgreSQL record store (schema ${schema}): ${messageOf(error)}. ` +
        'Check that the server is running, the connection string is right and the user may create schemas and tables.',
      { cause: error },
    );
  }
  return new PostgresRecordStore(pool, quotedSchema, options.clock ?? (() => new Date()));
}
