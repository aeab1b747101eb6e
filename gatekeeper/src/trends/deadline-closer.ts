/**
 * Closes trend queries at their deadline, so that a custodian that never answers (down, slow, gone) delays a result
 * by at most the query's answer window and nobody has to remember to call CloseQuery. Every custodian's responder
 * watches the queries it was asked; whichever closes first combines the query, the others find it combined.
 * The watch list is kept in a file beside the responder's checkpoint: a query whose event was checkpointed before
 * a restart is still closed after it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { txIdSchema, isoTimeSchema } from '@medrec/contract';
import { ChaincodeError, type MedrecClient } from '@medrec/sdk';

export type DeadlineLedger = Pick<MedrecClient, 'getTrendQuery' | 'closeTrendQuery'>;

export type CloseOutcome =
  | { readonly queryId: string; readonly outcome: 'closed'; readonly transactionId: string }
  | { readonly queryId: string; readonly outcome: 'already-combined' }
  | { readonly queryId: string; readonly outcome: 'refused'; readonly reason: string }
  | { readonly queryId: string; readonly outcome: 'retrying'; readonly reason: string };

export interface DeadlineCloserOptions {
  readonly ledger: DeadlineLedger;
  /** The watch list across restarts; none: in memory only. */
  readonly file?: string;
  /** Wait this long after the deadline (the peers' clocks may be a little behind this one's). */
  readonly graceMs?: number;
  /** Up to this much more, at random, so that the custodians do not all close at the same instant. */
  readonly jitterMs?: number;
  /** Delay before trying again when the ledger cannot be reached. */
  readonly retryMs?: number;
  readonly now?: () => number;
  readonly onOutcome?: (outcome: CloseOutcome) => void;
}

export interface DeadlineCloser {
  /** Closes `queryId` after `deadline` unless it is combined by then (watching a query twice is harmless). */
  watch(queryId: string, deadline: string): void;
  /** Queries being watched, with their deadlines. */
  watched(): ReadonlyMap<string, string>;
  /** Stops every timer (the watch list stays in the file). */
  stop(): void;
}

export function startDeadlineCloser(options: Readonly<DeadlineCloserOptions>): DeadlineCloser {
  const now = options.now ?? Date.now;
  const graceMs = options.graceMs ?? 2000;
  const jitterMs = options.jitterMs ?? 3000;
  const retryMs = options.retryMs ?? 10_000;
  const deadlines = new Map<string, string>(Object.entries(readWatchList(options.file)));
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;

  const persist = (): void => {
    if (options.file === undefined) return;
    // Written whole and renamed into place: a crash leaves the old list or the new one, never half of one.
    const temporary = `${options.file}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(Object.fromEntries(deadlines)), { mode: 0o600 });
    fs.renameSync(temporary, options.file);
  };

  const forget = (queryId: string, outcome: CloseOutcome): void => {
    deadlines.delete(queryId);
    timers.delete(queryId);
    persist();
    options.onOutcome?.(outcome);
  };

  const schedule = (queryId: string, delayMs: number): void => {
    if (stopped) return;
    clearTimeout(timers.get(queryId));
    const timer = setTimeout(
      () => {
        void attempt(queryId);
      },
      Math.max(0, delayMs),
    );
    // The gatekeeper's server keeps the process alive; a pending close must not keep a test or a shutdown waiting.
    timer.unref();
    timers.set(queryId, timer);
  };

  const attempt = async (queryId: string): Promise<void> => {
    try {
      const query = await options.ledger.getTrendQuery(queryId);
      if (query.status !== 'open') {
        forget(queryId, { queryId, outcome: 'already-combined' });
        return;
      }
      const { transactionId } = await options.ledger.closeTrendQuery(queryId);
      forget(queryId, { queryId, outcome: 'closed', transactionId });
    } catch (err) {
      if (err instanceof ChaincodeError) {
        if (err.code === 'MEDREC_QUERY_CLOSED') {
          forget(queryId, { queryId, outcome: 'already-combined' });
        } else if (err.code === 'MEDREC_DEADLINE_NOT_REACHED') {
          // The endorsing peers' clocks are behind this one's: try again shortly.
          options.onOutcome?.({ queryId, outcome: 'retrying', reason: err.message });
          schedule(queryId, graceMs);
        } else {
          forget(queryId, { queryId, outcome: 'refused', reason: `${err.code}: ${err.message}` });
        }
        return;
      }
      // The ledger is unreachable or the transaction conflicted: the query still needs closing.
      options.onOutcome?.({ queryId, outcome: 'retrying', reason: err instanceof Error ? err.message : String(err) });
      schedule(queryId, retryMs);
    }
  };

  const delayFor = (deadline: string): number =>
    Date.parse(deadline) - now() + graceMs + Math.floor(Math.random() * jitterMs);

  for (const [queryId, deadline] of deadlines) schedule(queryId, delayFor(deadline));

  return {
    watch(queryId, deadline) {
      if (stopped || deadlines.get(queryId) === deadline) return;
      deadlines.set(queryId, deadline);
      persist();
      schedule(queryId, delayFor(deadline));
    },
    watched: () => new Map(deadlines),
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

function readWatchList(file: string | undefined): Record<string, string> {
  if (file === undefined || !fs.existsSync(file)) return {};
  const invalid = (): Error =>
    new Error(
      `the trend deadline watch list ${path.resolve(file)} is not a map of query ids to deadlines; move it aside ` +
        '(open queries are then closed by their researcher or another custodian)',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const list: Record<string, string> = {};
  for (const [queryId, deadline] of Object.entries(parsed)) {
    if (!txIdSchema.safeParse(queryId).success || !isoTimeSchema.safeParse(deadline).success) throw invalid();
    list[queryId] = deadline as string;
  }
  return list;
}
