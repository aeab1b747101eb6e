/**
 * Seen proofs in the custodian's PostgreSQL schema: durable across restarts and shared by every gatekeeper replica
 * using the database, which is what makes replicas behind a load balancer refuse each other's replays.
 */
import pg from 'pg';
import { InvalidStoreInputError, StoreUnavailableError } from '../store/store-errors';
import type { DurableReplayCache } from './durable-replay-cache';

const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

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
  if (!SCHEMA_NAME_PATTERN.test(schema)) {
    throw new InvalidStoreInputError({
      field: 'schema',
      message: 'schema must be a lowercase PostgreSQL identifier: a letter or "_", then letters, digits or "_".',
    });
  }
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 4 });
  pool.on('error', () => {
    // An idle connection failed (e.g. a server restart); the next query reconnects.
  });
  const quoted = pg.escapeIdentifier(schema);
  const table = `${quoted}.seen_proofs`;
  const client = await pool.connect().catch(async (error: unknown) => {
    await pool.end().catch(() => undefined);
    throw new StoreUnavailableError(
      `Cannot connect to PostgreSQL for the seen-proofs table (schema ${schema}): ${messageOf(error)}. ` +
        'Check that the server is running and the connection string is right.',
      { cause: error },
    );
  });
  try {
    await client.query('BEGIN');
    // CREATE ... IF NOT EXISTS is not race-free in PostgreSQL: serialise concurrent starters on an advisory lock.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`medrec-seen-proofs:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table} (proof_key TEXT PRIMARY KEY, expires_at_ms BIGINT NOT NULL)`,
    );
    await client.query(`CREATE INDEX IF NOT EXISTS seen_proofs_by_expiry ON ${table} (expires_at_ms)`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    await pool.end().catch(() => undefined);
    throw new StoreUnavailableError(
      `Cannot prepare the seen-proofs table (schema ${schema}): ${messageOf(error)}. ` +
        'Check that the user may create schemas and tables.',
      { cause: error },
    );
  }
  client.release();
  return new PostgresReplayCache(pool, table);
}
