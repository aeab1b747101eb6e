/** Seen proofs in the custodian's SQLite file, so a restarted gatekeeper still refuses a replay of a live proof. */
import Database from 'better-sqlite3';
import { StoreUnavailableError } from './store/store-errors';
import type { DurableReplayCache } from './durable-replay-cache-port';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS medrec_seen_proofs (
    proof_key TEXT PRIMARY KEY,
    expires_at_ms INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS medrec_seen_proofs_by_expiry ON medrec_seen_proofs (expires_at_ms);
`;

// Inserts the key, or takes over an expired entry; a live entry is left alone and no row changes (a replay).
const REMEMBER = `
  INSERT INTO medrec_seen_proofs (proof_key, expires_at_ms) VALUES (?, ?)
  ON CONFLICT (proof_key) DO UPDATE SET expires_at_ms = excluded.expires_at_ms
  WHERE medrec_seen_proofs.expires_at_ms < ?
`;

class SqliteReplayCache implements DurableReplayCache {
  readonly #db: Database.Database;
  readonly #remember: Database.Statement<[string, number, number]>;
  readonly #sweep: Database.Statement<[number]>;
  #nextSweepMs = 0;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#remember = db.prepare(REMEMBER);
    this.#sweep = db.prepare('DELETE FROM medrec_seen_proofs WHERE expires_at_ms < ?');
  }

  remember(key: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    try {
      // Expired entries are stale proofs anyway; removing them at most once a second keeps the table small.
      if (nowMs >= this.#nextSweepMs) {
        this.#sweep.run(nowMs);
        this.#nextSweepMs = nowMs + 1000;
      }
      return Promise.resolve(this.#remember.run(key, expiresAtMs, nowMs).changes === 1);
    } catch (error) {
      return Promise.reject(
        new StoreUnavailableError(`Cannot record the proof as seen in SQLite: ${String(error)}`, { cause: error }),
      );
    }
  }

  close(): Promise<void> {
    if (this.#db.open) this.#db.close();
    return Promise.resolve();
  }
}

/** Opens (creating if missing) the seen-proofs table in the SQLite file at `path` (':memory:' for tests). */
export function createSqliteReplayCache(path: string): DurableReplayCache {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    // The record store shares this file; wait for its writers instead of failing at once.
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return new SqliteReplayCache(db);
  } catch (error) {
    db.close();
    throw new StoreUnavailableError(`Cannot prepare the seen-proofs table in ${path}: ${String(error)}`, {
      cause: error,
    });
  }
}
