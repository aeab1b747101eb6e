/**
 * Remembers proofs seen within the freshness window. A proof older than the window is refused as stale anyway, so an
 * entry can be forgotten once its proof's window has passed: memory is bounded by the request rate times the window.
 * In-memory and per process: gatekeeper replicas behind a load balancer would need a shared implementation.
 */
import { InvalidProofOptionError, ReplayCacheFullError } from './proof-errors';

export interface ReplayCache {
  /**
   * Records `key` until `expiresAtMs`. Returns false if the key is already recorded and not yet expired (a replay).
   * Throws ReplayCacheFullError rather than forgetting a live entry.
   */
  remember(key: string, expiresAtMs: number, nowMs: number): boolean;
  /** Number of entries currently held (expired ones may linger until the next sweep). */
  readonly size: number;
}

export interface MemoryReplayCacheOptions {
  /** Most live entries held at once; defaults to 100 000. */
  readonly capacity?: number;
}

class MemoryReplayCache implements ReplayCache {
  readonly #entries = new Map<string, number>();
  readonly #capacity: number;
  #nextSweepMs = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  remember(key: string, expiresAtMs: number, nowMs: number): boolean {
    // Sweeping on a schedule (at most once per second of clock time) keeps each call O(1) amortised.
    if (nowMs >= this.#nextSweepMs || this.#entries.size >= this.#capacity) this.#sweep(nowMs);
    const existing = this.#entries.get(key);
    if (existing !== undefined && existing >= nowMs) return false;
    if (existing === undefined && this.#entries.size >= this.#capacity) throw new ReplayCacheFullError(this.#capacity);
    this.#entries.set(key, expiresAtMs);
    return true;
  }

  #sweep(nowMs: number): void {
    for (const [key, expiresAtMs] of this.#entries) {
      if (expiresAtMs < nowMs) this.#entries.delete(key);
    }
    this.#nextSweepMs = nowMs + 1000;
  }
}

export function createMemoryReplayCache(options: Readonly<MemoryReplayCacheOptions> = {}): ReplayCache {
  const capacity = options.capacity ?? 100_000;
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new InvalidProofOptionError({
      option: 'capacity',
      message: 'capacity must be a whole number of at least 1.',
    });
  }
  return new MemoryReplayCache(capacity);
}
