/** The organisation's own identifiers (MRNs, staff numbers) for its participants, in its own SQLite database. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ExternalIdDirectory } from '../ports';

export interface SqliteExternalIdsOptions {
  /** Database file path (its directory is created), or ':memory:' for a private in-memory database (tests). */
  readonly path: string;
}

export interface SqliteExternalIds extends ExternalIdDirectory {
  close(): void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS participant_external_ids (
    msp_id TEXT NOT NULL,
    external_id TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    PRIMARY KEY (msp_id, external_id)
  );
`;

export function createSqliteExternalIds(options: Readonly<SqliteExternalIdsOptions>): SqliteExternalIds {
  if (options.path !== ':memory:') fs.mkdirSync(path.dirname(options.path), { recursive: true, mode: 0o700 });
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const insert = db.prepare(
    'INSERT OR IGNORE INTO participant_external_ids (msp_id, external_id, participant_id) VALUES (?, ?, ?)',
  );
  const remove = db.prepare(
    'DELETE FROM participant_external_ids WHERE msp_id = ? AND external_id = ? AND participant_id = ?',
  );
  const select = db.prepare<[string, string], { participant_id: string }>(
    'SELECT participant_id FROM participant_external_ids WHERE msp_id = ? AND external_id = ?',
  );
  return {
    link({ mspId, externalId, participantId }) {
      return Promise.resolve(insert.run(mspId, externalId, participantId).changes === 1);
    },
    find(mspId, externalId) {
      return Promise.resolve(select.get(mspId, externalId)?.participant_id);
    },
    unlink({ mspId, externalId, participantId }) {
      remove.run(mspId, externalId, participantId);
      return Promise.resolve();
    },
    close() {
      db.close();
    },
  };
}
