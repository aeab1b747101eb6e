/**
 * A wallet that keeps decrypted identities in memory, so the scrypt stretch that protects each entry at rest (about
 * 130 ms of CPU at N = 2^15, issue 15) is paid once per identity per TTL rather than on every request.
 *
 * - Memory only: nothing is ever written to disk; the private key is held as a node:crypto KeyObject (in OpenSSL's
 *   memory), not as a PEM string on the JavaScript heap, and exported to PEM only for the caller that asks.
 * - Bounded: at most `maxEntries` identities, least recently used evicted first.
 * - Short-lived: an entry expires `ttlMs` after it was decrypted, however often it is used (a fixed lifetime, so a
 *   key in constant use is still re-read from disk, where a re-enrolment by another process becomes visible).
 * - Coherent with this process's writes: put and remove drop the label first, and a decryption that was already
 *   running when they were called never fills the cache afterwards.
 * Concurrent gets of one label share one decryption. Absent labels and failures are never cached.
 */
import crypto from 'node:crypto';
import type { Wallet, WalletIdentity } from './wallet';

export interface CachingWalletOptions {
  /** Identities kept decrypted at once (default 1,000). */
  readonly maxEntries?: number;
  /** How long a decrypted identity is kept, in milliseconds (default 10 minutes). */
  readonly ttlMs?: number;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export const DEFAULT_CACHE_ENTRIES = 1_000;
export const DEFAULT_CACHE_TTL_MS = 10 * 60 * 1_000;

interface CachedIdentity {
  readonly label: string;
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: crypto.KeyObject;
  readonly expiresAt: number;
}

function checkPositiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

class CachingWallet implements Wallet {
  readonly #inner: Wallet;
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** Map order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, CachedIdentity>();
  readonly #pending = new Map<string, Promise<WalletIdentity | undefined>>();
  /**
   * Bumped by every put/remove, so a decryption that started before one does not cache what it may have replaced.
   * One counter for all labels keeps this state bounded; the cost is only that such a decryption goes uncached.
   */
  #generation = 0;

  constructor(inner: Wallet, options: Readonly<CachingWalletOptions>) {
    this.#inner = inner;
    this.#max = checkPositiveInteger('maxEntries', options.maxEntries ?? DEFAULT_CACHE_ENTRIES);
    this.#ttlMs = checkPositiveInteger('ttlMs', options.ttlMs ?? DEFAULT_CACHE_TTL_MS);
    this.#now = options.now ?? Date.now;
  }

  async put(identity: Readonly<WalletIdentity>): Promise<void> {
    this.#invalidate(identity.label);
    try {
      await this.#inner.put(identity);
    } finally {
      // Again after the write: a get that ran during it may have read either version.
      this.#invalidate(identity.label);
    }
  }

  get(label: string): Promise<WalletIdentity | undefined> {
    const cached = this.#entries.get(label);
    if (cached !== undefined) {
      this.#entries.delete(label);
      if (cached.expiresAt > this.#now()) {
        this.#entries.set(label, cached); // most recently used last
        return Promise.resolve(identityOf(cached));
      }
    }
    const pending = this.#pending.get(label);
    if (pending !== undefined) return pending;
    const loading = this.#load(label).finally(() => {
      if (this.#pending.get(label) === loading) this.#pending.delete(label);
    });
    this.#pending.set(label, loading);
    return loading;
  }

  list(): Promise<string[]> {
    return this.#inner.list();
  }

  async remove(label: string): Promise<boolean> {
    this.#invalidate(label);
    try {
      return await this.#inner.remove(label);
    } finally {
      this.#invalidate(label);
    }
  }

  async #load(label: string): Promise<WalletIdentity | undefined> {
    const generation = this.#generation;
    const identity = await this.#inner.get(label);
    // The first get answers like every later one (with the parsed key), whether or not it is kept.
    if (identity === undefined) return undefined;
    const entry = this.#entryOf(identity);
    if (this.#generation === generation) this.#remember(entry);
    return identityOf(entry);
  }

  #entryOf(identity: Readonly<WalletIdentity>): CachedIdentity {
    return {
      label: identity.label,
      mspId: identity.mspId,
      certificate: identity.certificate,
      privateKey: identity.signingKey ?? crypto.createPrivateKey(identity.privateKey),
      expiresAt: this.#now() + this.#ttlMs,
    };
  }

  #remember(entry: CachedIdentity): void {
    this.#entries.set(entry.label, entry);
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  #invalidate(label: string): void {
    this.#entries.delete(label);
    this.#pending.delete(label);
    this.#generation += 1;
  }
}

function identityOf(cached: CachedIdentity): WalletIdentity {
  return {
    label: cached.label,
    mspId: cached.mspId,
    certificate: cached.certificate,
    // Exported only for a caller that reads the PEM; signers take the KeyObject and skip an export and a re-parse.
    get privateKey(): string {
      return cached.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    },
    signingKey: cached.privateKey,
  };
}

/**
 * Wraps `inner` (normally the file wallet) with a bounded, expiring in-memory cache of decrypted identities. Writes
 * by another process to the same directory are seen once the cached entry expires (at most `ttlMs` later).
 */
export function createCachingWallet(inner: Wallet, options: Readonly<CachingWalletOptions> = {}): Wallet {
  return new CachingWallet(inner, options);
}
