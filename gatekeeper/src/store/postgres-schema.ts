/** What the PostgreSQL-backed stores share: the schema-name rule and race-free creation of their tables. */
import pg from 'pg';
import { InvalidStoreInputError } from './store-errors';

// Identifiers cannot be bound as parameters, so a schema name is restricted to plain lowercase identifiers and then
// quoted with pg's escapeIdentifier as well.
const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema name, quoted for use in SQL; refuses anything but a plain lowercase identifier. */
export function quotedSchemaName(schema: string): string {
  if (!SCHEMA_NAME_PATTERN.test(schema)) {
    throw new InvalidStoreInputError({
      field: 'schema',
      message:
        'schema must be a lowercase PostgreSQL identifier: a letter or "_", then letters, digits or "_" (max 63).',
    });
  }
  return pg.escapeIdentifier(schema);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs CREATE ... IF NOT EXISTS statements in one transaction. Those are not race-free in PostgreSQL, so concurrent
 * starters (replicas, the API and the gatekeeper of one organisation) serialise on an advisory lock named `lockName`.
 */
export async function createTablesOnce(pool: pg.Pool, lockName: string, statements: readonly string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockName]);
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
