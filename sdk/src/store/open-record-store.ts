import { createPostgresRecordStore } from './postgres-record-store';
import type { RecordStore } from './record-store';
import { createSqliteRecordStore } from './sqlite-record-store';

export interface RecordStoreConfig {
  /** postgres://… to use PostgreSQL; otherwise the embedded SQLite file below is used. */
  readonly databaseUrl?: string;
  readonly sqliteFile: string;
}

/** SQLite (embedded) is the default; PostgreSQL when a connection URL is configured. */
export function openRecordStore(config: Readonly<RecordStoreConfig>): Promise<RecordStore> {
  if (config.databaseUrl !== undefined && config.databaseUrl !== '') {
    return createPostgresRecordStore({ connectionString: config.databaseUrl });
  }
  return createSqliteRecordStore({ path: config.sqliteFile });
}
