/**
 * Remembers proofs seen within the freshness window. A proof older than the window is refused as stale anyway, so an
 * entry can be forgotten once its proof's window has passed: memory is bounded by the request rate times the window.
 * This in-memory cache is per process and forgets on restart; a gatekeeper uses the durable one in its record store's
 * database (durable-replay-cache.ts), which replicas sharing a PostgreSQL database also share.
 */
import { InvalidProofOptionError, ReplayCacheFullError } from '@medrec/sdk';

export interface ReplayCache {
  /**
   * Records `key` until `expiresAtMs`. Returns false if the key is already recorded and not yet expired (a replay).
   * Throws ReplayCacheFullError rather than forgetting a live entry.
   */
  remember(key: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
}

export interface MemoryReplayCache extends ReplayCache {
  /** Number of entries currently held (expired ones may linger until the next sweep). */
  readonly size: number;
}

export interface MemoryReplayCacheOptions {
  /** Most live entries held at once; defaults to 100 000. */
  readonly capacity?: number;
}

class MemoryReplayCacheImpl implements MemoryReplayCache {
  readonly #entries = new Map<string, number>();
  readonly #capacity: number;
  #nextSweepMs = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  remember(key: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    // Sweeping on a schedule (at most once per second of clock time) keeps each call O(1) amortised.
    if (nowMs >= this.#nextSweepMs || this.#entries.size >= this.#capacity) this.#sweep(nowMs);
    const existing = this.#entries.get(key);
    if (existing !== undefined && existing >= nowMs) return Promise.resolve(false);
    if (existing === undefined && this.#entries.size >= this.#capacity) {
      return Promise.reject(new ReplayCacheFullError(this.#capacity));
    }
    this.#entries.set(key, expiresAtMs);
    return Promise.resolve(true);
  }

  #sweep(nowMs: number): void {
    for (const [key, expiresAtMs] of this.#entries) {
      if (expiresAtMs < nowMs) this.#entries.delete(key);
    }
    this.#nextSweepMs = nowMs + 1000;
  }
}

export function createMemoryReplayCache(options: Readonly<MemoryReplayCacheOptions> = {}): MemoryReplayCache {
  const capacity = options.capacity ?? 100_000;
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new InvalidProofOptionError({
      option: 'capacity',
      message: 'capacity must be a whole number of at least 1.',
    });
  }
  return new MemoryReplayCacheImpl(capacity);
}
