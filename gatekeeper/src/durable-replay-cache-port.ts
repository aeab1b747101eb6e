/**
 * What a durable replay cache offers, in a file of its own: the SQLite and PostgreSQL caches implement it and the
 * factory in durable-replay-cache.ts picks one, so neither implementation depends on the file that chooses between them.
 */
import type { ReplayCache } from './replay-cache';

export interface DurableReplayCache extends ReplayCache {
  /** Releases the database handle or pool. */
  close(): Promise<void>;
}
