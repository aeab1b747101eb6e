/** The embedded default record store: one SQLite file per custodian, through better-sqlite3. */
import Database from 'better-sqlite3';
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
  RecordAlreadyRegisteredError,
  RecordConflictError,
  RecordNotFoundError,
  StoreClosedError,
  StoreUnavailableError,
} from './store-errors';

export interface SqliteRecordStoreOptions {
  /** Database file path, or ':memory:' for a private in-memory database (tests). */
  readonly path: string;
  /** Source of storedAt timestamps; injectable so tests can pin them. */
  readonly clock?: () => Date;
}

interface RecordRow {
  seq: number | bigint;
  record_id: string;
  patient_id: string;
  category: string;
  resource_json: string;
  content_hash: string;
  registration_tx_id: string | null;
  stored_at: string;
  author_id: string | null;
  supersedes: string | null;
}

// registration_tx_id IS NULL is the single source of truth for "unregistered", so the flag and the id cannot disagree.
// author_id and supersedes are last because databases created before them gain them by ADD COLUMN (see migrate). A NULL
// author_id means "author unknown", which only an operator's assignAuthor resolves; a NULL supersedes, a first version.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS medrec_records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL UNIQUE,
    patient_id TEXT NOT NULL,
    category TEXT NOT NULL,
    resource_json TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    registration_tx_id TEXT,
    stored_at TEXT NOT NULL,
    author_id TEXT,
    supersedes TEXT
  );
  CREATE INDEX IF NOT EXISTS medrec_records_by_patient ON medrec_records (patient_id, seq);
  CREATE INDEX IF NOT EXISTS medrec_records_unregistered ON medrec_records (seq) WHERE registration_tx_id IS NULL;
  CREATE TABLE IF NOT EXISTS medrec_patient_demographics (
    patient_id TEXT PRIMARY KEY,
    birth_date TEXT,
    sex TEXT,
    updated_at TEXT NOT NULL
  );
`;

const COLUMNS =
  'seq, record_id, patient_id, category, resource_json, content_hash, registration_tx_id, stored_at, author_id, supersedes';

function toStoredRecord(row: RecordRow): StoredRecord {
  return storedRecordOf(row, new Date(row.stored_at));
}

function toPage(rows: RecordRow[], limit: number): RecordPage {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last !== undefined ? String(last.seq) : undefined;
  return { records: page.map(toStoredRecord), nextCursor };
}

function openDatabase(path: string): Database.Database {
  try {
    const db = new Database(path);
    // WAL lets a gatekeeper read while the writer commits; busy_timeout rides out short lock contention.
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    // A discarded record is clinical content: overwrite its pages rather than leave them readable in the free list.
    db.pragma('secure_delete = ON');
    migrate(db);
    return db;
  } catch (error) {
    throw new StoreUnavailableError(
      `Cannot open the SQLite record store at ${path}: ${error instanceof Error ? error.message : String(error)}. ` +
        'Check that the directory exists and is writable by this process.',
      { cause: error },
    );
  }
}

/**
 * Creates the table, or brings one created by an earlier version up to date in place. IMMEDIATE serialises processes
 * opening the same file (the API and the gatekeeper), so only one of them adds a missing column.
 */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec(SCHEMA);
    const columns = db.prepare(`SELECT name FROM pragma_table_info('medrec_records')`).all() as { name: string }[];
    // Existing rows get NULL: their author was never recorded, so no clinician may register them by default.
    if (!columns.some((column) => column.name === 'author_id')) {
      db.exec('ALTER TABLE medrec_records ADD COLUMN author_id TEXT');
    }
    // Rows stored before amendments existed were all first versions.
    if (!columns.some((column) => column.name === 'supersedes')) {
      db.exec('ALTER TABLE medrec_records ADD COLUMN supersedes TEXT');
    }
  }).immediate();
}

class SqliteRecordStore implements RecordStore {
  readonly #db: Database.Database;
  readonly #clock: () => Date;
  #closed = false;

  constructor(db: Database.Database, clock: () => Date) {
    this.#db = db;
    this.#clock = clock;
  }

  put(record: Readonly<NewRecord>): Promise<StoredRecord> {
    return this.#run(() => {
      const checked = checkNewRecord(record);
      const insert = this.#db.transaction((): StoredRecord => {
        const inserted = this.#db
          .prepare(
            `INSERT INTO medrec_records
               (record_id, patient_id, category, resource_json, content_hash, stored_at, author_id, supersedes)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id) DO NOTHING RETURNING ${COLUMNS}`,
          )
          .get(
            checked.recordId,
            checked.patientId,
            checked.category,
            checked.resourceJson,
            checked.contentHash,
            this.#clock().toISOString(),
            checked.authorId,
            checked.supersedes ?? null,
          ) as RecordRow | undefined;
        if (inserted !== undefined) return toStoredRecord(inserted);
        const existing = this.#getRow(checked.recordId);
        if (existing === undefined) throw new RecordConflictError(checked.recordId);
        const stored = toStoredRecord(existing);
        const conflict = conflictWith(stored, checked);
        if (conflict !== undefined) throw new RecordConflictError(checked.recordId, conflict);
        return stored;
      });
      return insert.immediate();
    });
  }

  get(recordId: string): Promise<StoredRecord | undefined> {
    return this.#run(() => {
      const row = this.#getRow(checkId('recordId', recordId));
      return row === undefined ? undefined : toStoredRecord(row);
    });
  }

  markRegistered(recordId: string, txId: string): Promise<StoredRecord> {
    return this.#run(() => {
      const id = checkId('recordId', recordId);
      const tx = checkTxId(txId);
      const mark = this.#db.transaction((): StoredRecord => {
        const updated = this.#db
          .prepare(
            `UPDATE medrec_records SET registration_tx_id = ?
             WHERE record_id = ? AND registration_tx_id IS NULL RETURNING ${COLUMNS}`,
          )
          .get(tx, id) as RecordRow | undefined;
        if (updated !== undefined) return toStoredRecord(updated);
        const existing = this.#getRow(id);
        if (existing === undefined) throw new RecordNotFoundError(id);
        if (existing.registration_tx_id !== tx) {
          throw new RecordAlreadyRegisteredError({ recordId: id, registrationTxId: existing.registration_tx_id ?? '' });
        }
        return toStoredRecord(existing);
      });
      return mark.immediate();
    });
  }

  discardUnregistered(recordId: string): Promise<boolean> {
    return this.#run(() => {
      const id = checkId('recordId', recordId);
      const discard = this.#db.transaction((): boolean => {
        const removed = this.#db
          .prepare('DELETE FROM medrec_records WHERE record_id = ? AND registration_tx_id IS NULL')
          .run(id);
        if (removed.changes > 0) return true;
        const existing = this.#getRow(id);
        if (existing !== undefined && existing.registration_tx_id !== null) {
          throw new RecordAlreadyRegisteredError({ recordId: id, registrationTxId: existing.registration_tx_id });
        }
        return false;
      });
      return discard.immediate();
    });
  }

  assignAuthor(recordId: string, authorId: string): Promise<StoredRecord> {
    return this.#run(() => {
      const id = checkId('recordId', recordId);
      const author = checkId('authorId', authorId);
      const assign = this.#db.transaction((): StoredRecord => {
        const updated = this.#db
          .prepare(
            `UPDATE medrec_records SET author_id = ?
             WHERE record_id = ? AND author_id IS NULL AND registration_tx_id IS NULL RETURNING ${COLUMNS}`,
          )
          .get(author, id) as RecordRow | undefined;
        if (updated !== undefined) return toStoredRecord(updated);
        const existing = this.#getRow(id);
        return explainUnassigned(id, author, existing === undefined ? undefined : toStoredRecord(existing));
      });
      return assign.immediate();
    });
  }

  listUnregistered(options?: Readonly<ListOptions>): Promise<RecordPage> {
    return this.#run(() => {
      const { limit, after } = checkListOptions(options);
      const rows = this.#db
        .prepare(
          `SELECT ${COLUMNS} FROM medrec_records WHERE registration_tx_id IS NULL AND seq > ? ORDER BY seq LIMIT ?`,
        )
        .all(BigInt(after ?? '0'), limit + 1) as RecordRow[];
      return toPage(rows, limit);
    });
  }

  listRegistered(options?: Readonly<ListOptions>): Promise<RecordPage> {
    return this.#run(() => {
      const { limit, after } = checkListOptions(options);
      const rows = this.#db
        .prepare(
          `SELECT ${COLUMNS} FROM medrec_records WHERE registration_tx_id IS NOT NULL AND seq > ? ORDER BY seq LIMIT ?`,
        )
        .all(BigInt(after ?? '0'), limit + 1) as RecordRow[];
      return toPage(rows, limit);
    });
  }

  putDemographics(demographics: Readonly<PatientDemographics>): Promise<void> {
    return this.#run(() => {
      const d = checkDemographics(demographics);
      this.#db
        .prepare(
          `INSERT INTO medrec_patient_demographics (patient_id, birth_date, sex, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (patient_id) DO UPDATE SET birth_date = excluded.birth_date, sex = excluded.sex,
             updated_at = excluded.updated_at`,
        )
        .run(d.patientId, d.birthDate ?? null, d.sex ?? null, this.#clock().toISOString());
    });
  }

  listDemographics(options?: Readonly<ListOptions>): Promise<DemographicsPage> {
    return this.#run(() => {
      const { limit, after } = checkDemographicsCursor(options);
      const rows = this.#db
        .prepare(
          `SELECT patient_id, birth_date, sex FROM medrec_patient_demographics WHERE patient_id > ?
           ORDER BY patient_id LIMIT ?`,
        )
        .all(after, limit + 1) as { patient_id: string; birth_date: string | null; sex: string | null }[];
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(demographicsOf),
        nextCursor: rows.length > limit && last !== undefined ? last.patient_id : undefined,
      };
    });
  }

  listByPatient(patientId: string, options?: Readonly<ListOptions>): Promise<RecordPage> {
    return this.#run(() => {
      const id = checkId('patientId', patientId);
      const { limit, after } = checkListOptions(options);
      const rows = this.#db
        .prepare(`SELECT ${COLUMNS} FROM medrec_records WHERE patient_id = ? AND seq > ? ORDER BY seq LIMIT ?`)
        .all(id, BigInt(after ?? '0'), limit + 1) as RecordRow[];
      return toPage(rows, limit);
    });
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#db.close();
    }
    return Promise.resolve();
  }

  #getRow(recordId: string): RecordRow | undefined {
    return this.#db.prepare(`SELECT ${COLUMNS} FROM medrec_records WHERE record_id = ?`).get(recordId) as
      RecordRow | undefined;
  }

  // better-sqlite3 is synchronous; running each call inside a promise keeps the interface identical to PostgreSQL and
  // turns thrown errors into rejections, so callers handle both stores the same way.
  #run<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** Opens (creating if needed) the SQLite record store at `options.path`. */
export function createSqliteRecordStore(options: Readonly<SqliteRecordStoreOptions>): Promise<RecordStore> {
  try {
    const db = openDatabase(options.path);
    return Promise.resolve(new SqliteRecordStore(db, options.clock ?? (() => new Date())));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
