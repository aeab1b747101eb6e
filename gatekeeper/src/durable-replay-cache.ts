/** The gatekeeper's replay cache kept where its records are: the same SQLite file or PostgreSQL schema. */
import type { RecordStoreConfig } from './store/open-record-store';
import type { DurableReplayCache } from './durable-replay-cache-port';
import { createPostgresReplayCache } from './postgres-replay-cache';
import { createSqliteReplayCache } from './sqlite-replay-cache';

// Re-exported so the SDK's gatekeeper entry point (which re-exports this file) keeps offering the type.
export type { DurableReplayCache } from './durable-replay-cache-port';

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
