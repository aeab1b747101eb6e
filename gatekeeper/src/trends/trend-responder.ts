/**
 * The custodian's trend responder, beside its gatekeeper: it follows `trend-query` chaincode events from filtered
 * blocks (checkpointed in a file, so no query is missed across restarts), computes the query over its own record
 * store, leaving out the patients who opted out of research use, and submits the noisy answer signed as its
 * gatekeeper. Raw values never leave the process. A query seen again after a restart (answer committed, checkpoint
 * not yet written) is refused by the ledger as MEDREC_ALREADY_ANSWERED, which counts as done. Each query it is asked is
 * also handed to the deadline closer, which combines it at its deadline if some custodian never answers.
 */
import { trendQueryInputSchema, txIdSchema } from '@medrec/contract';
import { ChaincodeError, type MedrecClient, type MedrecEvent, type TrendQuery } from '@medrec/sdk';
import type { RecordStore } from '../store';
import type { DeadlineCloser } from './deadline-closer';
import { cryptoRandomSource, type RandomSource } from './random-source';
import { noisyAnswer } from './trend-answer';
import { trendTotals, type Demographics, type TrendRecord } from './trend-statistics';

export type TrendLedger = Pick<MedrecClient, 'getTrendQuery' | 'submitTrendAnswer' | 'listResearchOptOuts'>;

/** What happened to one query event. */
export type TrendOutcome =
  | { readonly queryId: string; readonly outcome: 'answered'; readonly transactionId: string; readonly cells: number }
  | { readonly queryId: string; readonly outcome: 'skipped'; readonly reason: string };

export interface TrendResponderOptions {
  readonly mspId: string;
  readonly ledger: TrendLedger;
  /** The custodian's records and its own demographics of its patients (for the age band and sex strata). */
  readonly store: Pick<RecordStore, 'listRegistered' | 'listDemographics'>;
  /** Subscribes to chaincode events from the checkpoint, delivering each to `handler` in order (processChaincodeEvents). */
  readonly subscribe: (
    handler: (event: MedrecEvent) => Promise<void>,
  ) => Promise<{ readonly done: Promise<void>; close(): void }>;
  /** Closes each query it is asked at the query's deadline (deadline-closer.ts). */
  readonly closer?: Pick<DeadlineCloser, 'watch'>;
  /** A CSPRNG unless a test injects a seeded source. */
  readonly rng?: RandomSource;
  readonly now?: () => number;
  readonly onOutcome?: (outcome: TrendOutcome) => void;
  /** The event stream failed (peer restart, network); the responder resubscribes from its checkpoint. */
  readonly onStreamFailure?: (error: unknown) => void;
  readonly retryDelayMs?: number;
}

export interface TrendResponder {
  /** Answers one query now (also what each event does). */
  answer(queryId: string): Promise<TrendOutcome>;
  /** Stops following events. */
  close(): void;
  /** Settles when the responder has stopped. */
  readonly stopped: Promise<void>;
}

/**
 * A refusal by the ledger is final for that query (answered already, closed, not ours, or an answer it will not
 * take): it is reported and the responder moves on. Retrying it would hold the event stream at that block forever
 * and keep every later query waiting. Only failures to reach the ledger are retried (from the checkpoint).
 */
function refusedFor(err: unknown): string | undefined {
  return err instanceof ChaincodeError ? `${err.code}: ${err.message}` : undefined;
}

export function startTrendResponder(options: Readonly<TrendResponderOptions>): TrendResponder {
  const rng = options.rng ?? cryptoRandomSource();
  const now = options.now ?? Date.now;
  let closed = false;
  let current: { close(): void } | undefined;
  // A function, not the variable: close() changes it while the loop below awaits.
  const isClosed = (): boolean => closed;

  const answer = async (queryId: string): Promise<TrendOutcome> => {
    const skip = (reason: string): TrendOutcome => ({ queryId, outcome: 'skipped', reason });
    let query: TrendQuery;
    try {
      query = await options.ledger.getTrendQuery(queryId);
    } catch (err) {
      const refused = refusedFor(err);
      if (refused !== undefined) return skip(refused);
      throw err;
    }
    if (!query.custodians.includes(options.mspId)) return skip(`${options.mspId} is not asked`);
    if (query.status !== 'open') return skip('the query is closed');
    // Watched also when the deadline has just passed: a custodian that was down at the deadline closes it late.
    options.closer?.watch(query.queryId, query.deadline);
    if (Date.parse(query.deadline) <= now()) return skip('the query is closed');
    // Re-validated as the contract defines a query: what the ledger returned is checked before it drives any work.
    const spec = trendQueryInputSchema.parse(query.spec);
    const stratified = spec.strata.some((stratum) => stratum !== 'custodian');
    const demographics = stratified ? await patientDemographics(options.store) : new Map<string, Demographics>();
    const totals = trendTotals({
      spec,
      custodians: query.custodians,
      custodianMsp: options.mspId,
      records: await registeredRecords(options.store),
      optedOut: await optedOutPatients(options.ledger),
      demographicsOf: (patientId) => demographics.get(patientId),
    });
    const input = noisyAnswer({
      queryId,
      spec,
      custodianCount: query.custodians.length,
      k: query.k,
      totals,
      rng,
    });
    try {
      const { transactionId } = await options.ledger.submitTrendAnswer(input);
      return { queryId, outcome: 'answered', transactionId, cells: input.cells.length };
    } catch (err) {
      const refused = refusedFor(err);
      if (refused !== undefined) return skip(refused);
      throw err;
    }
  };

  const onEvent = async (event: MedrecEvent): Promise<void> => {
    if (event.name !== 'trend-query') return;
    // A query's id is the id of the transaction that submitted it (the event stream need not carry payloads).
    const queryId = txIdSchema.safeParse(event.transactionId);
    if (!queryId.success) return;
    options.onOutcome?.(await answer(queryId.data));
  };

  const stopped = (async (): Promise<void> => {
    while (!isClosed()) {
      try {
        const stream = await options.subscribe(onEvent);
        current = stream;
        if (isClosed()) stream.close();
        await stream.done;
      } catch (err) {
        if (isClosed()) break;
        options.onStreamFailure?.(err);
      }
      if (!isClosed()) await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 2000));
    }
  })();

  return {
    answer,
    close: () => {
      closed = true;
      current?.close();
    },
    stopped,
  };
}

async function registeredRecords(store: Pick<RecordStore, 'listRegistered'>): Promise<TrendRecord[]> {
  const records: TrendRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRegistered({ limit: 500, ...(cursor === undefined ? {} : { cursor }) });
    records.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return records;
}

async function patientDemographics(store: Pick<RecordStore, 'listDemographics'>): Promise<Map<string, Demographics>> {
  const known = new Map<string, Demographics>();
  let cursor: string | undefined;
  do {
    const page = await store.listDemographics({ limit: 500, ...(cursor === undefined ? {} : { cursor }) });
    for (const d of page.items) {
      known.set(d.patientId, {
        ...(d.birthDate === undefined ? {} : { birthDate: d.birthDate }),
        ...(d.sex === undefined ? {} : { sex: d.sex }),
      });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return known;
}

async function optedOutPatients(ledger: TrendLedger): Promise<Set<string>> {
  const patients = new Set<string>();
  let bookmark = '';
  do {
    const page = await ledger.listResearchOptOuts({ pageSize: 200, ...(bookmark === '' ? {} : { bookmark }) });
    for (const entry of page.items) if (entry.optedOut) patients.add(entry.patientId);
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return patients;
}
