/**
 * /healthz's readiness checks: the peer (answering for the channel), the organisation's gatekeeper (over HTTPS with
 * its pinned CA root) and the record store. Results are cached for a few seconds, so /healthz, which is public,
 * cannot be used to hammer the peer, the gatekeeper or the database.
 */
import type { RecordStore } from '@medrec/gatekeeper';
import { callGatekeeper, HEALTH_PATH } from '@medrec/sdk';
import type { ReadinessCheck, ReadinessProbe, UserContext } from '../ports';

/** One dependency to check. */
export interface DependencyCheck {
  readonly name: string;
  /** Resolves (with an optional detail to show) when the dependency answers; rejects when it does not. */
  run(): Promise<string | undefined>;
  /**
   * What /healthz says when the check fails: what failed and where to look. The error itself is logged, never shown,
   * because /healthz is public and errors can name internal hosts.
   */
  readonly failure: string;
}

export interface ReadinessProbeOptions {
  /** How long one round of results is reused (default 5 s). */
  readonly cacheMs?: number;
  /** How long a check may take before it counts as failed (default 3 s). */
  readonly timeoutMs?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
  /** Told about each failed check, with the error (for the log). */
  readonly onFailure?: (name: string, error: unknown) => void;
}

class CheckTimeoutError extends Error {
  constructor(name: string, timeoutMs: number) {
    super(`the ${name} check did not finish within ${timeoutMs} ms`);
    this.name = 'CheckTimeoutError';
  }
}

async function withTimeout<T>(work: () => Promise<T>, name: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new CheckTimeoutError(name, timeoutMs));
    }, timeoutMs);
    // A pending check must not keep the process alive at shutdown.
    timer.unref();
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every check in parallel, each bounded by the timeout. One round of results (and a round still running) is
 * shared by every /healthz request within cacheMs; it never throws.
 */
export function createReadinessProbe(
  checks: readonly DependencyCheck[],
  options: Readonly<ReadinessProbeOptions> = {},
): ReadinessProbe {
  const cacheMs = options.cacheMs ?? 5000;
  const timeoutMs = options.timeoutMs ?? 3000;
  const now = options.now ?? Date.now;
  let cached: { at: number; result: Promise<readonly ReadinessCheck[]> } | undefined;

  const runOne = async (check: DependencyCheck): Promise<ReadinessCheck> => {
    try {
      const detail = await withTimeout(() => check.run(), check.name, timeoutMs);
      return detail === undefined ? { name: check.name, ok: true } : { name: check.name, ok: true, detail };
    } catch (err) {
      options.onFailure?.(check.name, err);
      return { name: check.name, ok: false, detail: check.failure };
    }
  };

  return () => {
    const at = now();
    if (cached === undefined || at - cached.at >= cacheMs) {
      cached = { at, result: Promise.all(checks.map(runOne)) };
    }
    return cached.result;
  };
}

/**
 * The peer answers for the channel: qscc GetChainInfo, asked as the API's own admin identity (no user's). Shows the
 * channel height, so an operator polling /healthz sees it advance.
 */
export function peerCheck(
  ledger: Readonly<{ channelHeight(user: UserContext): Promise<bigint> }>,
  identity: UserContext,
): DependencyCheck {
  return {
    name: 'peer',
    run: async () => `channel height ${(await ledger.channelHeight(identity)).toString()}`,
    failure:
      "the peer did not answer qscc GetChainInfo for the channel; check the peer (medrec network status) and the API's admin identity in the wallet",
  };
}

/** The organisation's gatekeeper answers its /healthz over HTTPS, its certificate chaining to the pinned CA root. */
export function gatekeeperCheck(
  gatekeeper: Readonly<{ url: string; trustedCaPem: readonly string[] }>,
): DependencyCheck {
  return {
    name: 'gatekeeper',
    run: async () => {
      const answer = await callGatekeeper({
        baseUrl: gatekeeper.url,
        path: HEALTH_PATH,
        method: 'GET',
        trustedCaPem: gatekeeper.trustedCaPem,
        timeoutMs: 2000,
      });
      if (answer.status !== 200) throw new Error(`the gatekeeper answered ${answer.status.toString()} to /healthz`);
      return undefined;
    },
    failure:
      "the organisation's gatekeeper did not answer /healthz over HTTPS; check the gatekeeper process and its log",
  };
}

/** The record store answers a read (of a record id that is never stored: nothing is returned, nothing is changed). */
export function recordStoreCheck(store: Pick<RecordStore, 'get'>): DependencyCheck {
  return {
    name: 'record-store',
    run: async () => {
      await store.get('medrec-readiness-probe');
      return undefined;
    },
    failure: "the organisation's record store did not answer a read; check its database",
  };
}
