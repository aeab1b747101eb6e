import { createPostgresRecordStore } from './postgres-record-store';
import type { RecordStore } from './record-store';
import { createSqliteRecordStore } from './sqlite-record-store';

export interface RecordStoreConfig {
  /** postgres://… to use PostgreSQL; otherwise the embedded SQLite file below is used. */
  readonly databaseUrl?: string;
  /**
   * The PostgreSQL schema of this custodian's tables (default 'medrec'). Custodians sharing one database (a
   * single-machine network) must each have their own, or their records would share one table.
   */
  readonly databaseSchema?: string;
  readonly sqliteFile: string;
}

/** SQLite (embedded) is the default; PostgreSQL when a connection URL is configured. */
export function openRecordStore(config: Readonly<RecordStoreConfig>): Promise<RecordStore> {
  if (config.databaseUrl !== undefined && config.databaseUrl !== '') {
    return createPostgresRecordStore({
      connectionString: config.databaseUrl,
      ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
    });
  }
  return createSqliteRecordStore({ path: config.sqliteFile });
}
