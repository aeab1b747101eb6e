/** The gatekeeper's replay cache kept where its records are: the same SQLite file or PostgreSQL schema. */
import type { RecordStoreConfig } from '../store/open-record-store';
import { createPostgresReplayCache } from './postgres-replay-cache';
import type { ReplayCache } from './replay-cache';
import { createSqliteReplayCache } from './sqlite-replay-cache';

export interface DurableReplayCache extends ReplayCache {
  /** Releases the database handle or pool. */
  close(): Promise<void>;
}

/** PostgreSQL when the record store is there (shared by replicas), otherwise the record store's SQLite file. */
export function openDurableReplayCache(config: Readonly<RecordStoreConfig>): Promise<DurableReplayCache> {
  if (config.databaseUrl !== undefined && config.databaseUrl !== '') {
    return createPostgresReplayCache({
      connectionString: config.databaseUrl,
      ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
    });
  }
  return Promise.resolve(createSqliteReplayCache(config.sqliteFile));
}
