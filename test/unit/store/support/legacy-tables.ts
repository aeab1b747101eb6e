/**
 * Tables exactly as record stores created them before authors were recorded (no author_id column), so the migration
 * is tested against the layout real deployments have, not against a hand-edited current one.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { NewRecord } from '../../../../gatekeeper/src/store';

/** A row of a pre-author table: a record without its author, registered when `registrationTxId` is given. */
export type LegacyRecord = Omit<NewRecord, 'authorId'> & { readonly registrationTxId?: string };

const STORED_AT = '2029-12-31T23:00:00.000Z';

export function createLegacySqliteTable(file: string, records: readonly LegacyRecord[]): void {
  const db = new Database(file);
  try {
    db.exec(`
      CREATE TABLE medrec_records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id TEXT NOT NULL UNIQUE,
        patient_id TEXT NOT NULL,
        category TEXT NOT NULL,
        resource_json TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        registration_tx_id TEXT,
        stored_at TEXT NOT NULL
      );
      CREATE INDEX medrec_records_by_patient ON medrec_records (patient_id, seq);
      CREATE INDEX medrec_records_unregistered ON medrec_records (seq) WHERE registration_tx_id IS NULL;
    `);
    const insert = db.prepare(
      `INSERT INTO medrec_records
         (record_id, patient_id, category, resource_json, content_hash, registration_tx_id, stored_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of records) {
      insert.run(
        r.recordId,
        r.patientId,
        r.category,
        r.resourceJson,
        r.contentHash,
        r.registrationTxId ?? null,
        STORED_AT,
      );
    }
  } finally {
    db.close();
  }
}

export async function createLegacyPostgresTable(
  client: pg.Client,
  schema: string,
  records: readonly LegacyRecord[],
): Promise<void> {
  const quoted = pg.escapeIdentifier(schema);
  await client.query(`CREATE SCHEMA ${quoted}`);
  await client.query(`CREATE TABLE ${quoted}.records (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    record_id TEXT NOT NULL UNIQUE,
    patient_id TEXT NOT NULL,
    category TEXT NOT NULL,
    resource_json TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    registration_tx_id TEXT,
    stored_at TIMESTAMPTZ NOT NULL
  )`);
  for (const r of records) {
    await client.query(
      `INSERT INTO ${quoted}.records
         (record_id, patient_id, category, resource_json, content_hash, registration_tx_id, stored_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [r.recordId, r.patientId, r.category, r.resourceJson, r.contentHash, r.registrationTxId ?? null, STORED_AT],
    );
  }
}
