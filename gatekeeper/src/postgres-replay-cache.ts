/**
 * Seen proofs in the custodian's PostgreSQL schema: durable across restarts and shared by every gatekeeper replica
 * using the database, which is what makes replicas behind a load balancer refuse each other's replays.
 */
import pg from 'pg';
import { createTablesOnce, messageOf, quotedSchemaName } from './store/postgres-schema';
import { StoreUnavailableError } from './store/store-errors';
import type { DurableReplayCache } from './durable-replay-cache-port';

class PostgresReplayCache implements DurableReplayCache {
  readonly #pool: pg.Pool;
  readonly #table: string;
  #nextSweepMs = 0;
  #closed = false;

  constructor(pool: pg.Pool, table: string) {
    this.#pool = pool;
    this.#table = table;
  }

  async remember(key: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    try {
      if (nowMs >= this.#nextSweepMs) {
        this.#nextSweepMs = nowMs + 1000;
        await this.#pool.query(`DELETE FROM ${this.#table} WHERE expires_at_ms < $1`, [nowMs]);
      }
      // One atomic statement: of two replicas racing on the same proof, exactly one inserts it.
      const result = await this.#pool.query(
        `INSERT INTO ${this.#table} (proof_key, expires_at_ms) VALUES ($1, $2)
         ON CONFLICT (proof_key) DO UPDATE SET expires_at_ms = EXCLUDED.expires_at_ms
         WHERE ${this.#table}.expires_at_ms < $3`,
        [key, expiresAtMs, nowMs],
      );
      return result.rowCount === 1;
    } catch (error) {
      throw new StoreUnavailableError(`Cannot record the proof as seen in PostgreSQL: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}

/** Connects, creates the seen-proofs table in `schema` if missing, and returns the cache. */
export async function createPostgresReplayCache(
  options: Readonly<{ connectionString: string; schema?: string }>,
): Promise<DurableReplayCache> {
  const schema = options.schema ?? 'medrec';
  const quoted = quotedSchemaName(schema);
  const table = `${quoted}.seen_proofs`;
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 4 });
  pool.on('error', () => {
    // An idle connection failed (e.g. a server restart); the next query reconnects.
  });
  try {
    await createTablesOnce(pool, `medrec-seen-proofs:${schema}`, [
      `CREATE SCHEMA IF NOT EXISTS ${quoted}`,
      `CREATE TABLE IF NOT EXISTS ${table} (proof_key TEXT PRIMARY KEY, expires_at_ms BIGINT NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS seen_proofs_by_expiry ON ${table} (expires_at_ms)`,
    ]);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new StoreUnavailableError(
      `Cannot prepare the seen-proofs table (schema ${schema}): ${messageOf(error)}. ` +
        'Check that the server is running, the connection string is right and the user may create schemas and tables.',
      { cause: error },
    );
  }
  return new PostgresReplayCache(pool, table);
}
