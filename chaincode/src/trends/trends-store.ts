import type { Context } from 'fabric-contract-api';
import {
  DEFAULT_TREND_SETTINGS,
  MAX_VOTING_ORGANISATIONS,
  budgetSchema,
  trendAnswerSchema,
  trendQuerySchema,
  trendResultSchema,
  trendSettingsSchema,
  type Budget,
  type Holder,
  type TrendAnswer,
  type TrendQuery,
  type TrendResult,
  type TrendSettings,
} from '@medrec/contract';
import { conflict } from '../common/errors';
import { KEY, key } from '../common/keys';
import { readState, requireState, writeState } from '../common/state';
import { txTime } from '../common/time';
import { memberOrganisations } from '../registrar/membership';
import { credit } from '../incentive/balances';
import { combineCells, payouts } from './combine';

/** At most this many custodians per query: the same bound as the consortium's schedule vote. */
export const MAX_CUSTODIANS = MAX_VOTING_ORGANISATIONS;

const DAY_MS = 86_400_000;

/** The consortium's settings, or the defaults until it stores its own. */
export async function readSettings(ctx: Context): Promise<TrendSettings> {
  const stored = await readState(ctx, key(ctx, KEY.trendSettings), trendSettingsSchema, 'trend settings');
  return stored ?? DEFAULT_TREND_SETTINGS;
}

/**
 * The custodians a query asks: every member organisation (registered and not retired) except the researcher's own.
 *
 * Organisations carry no "holds records" flag, and the ledger has no bounded way to tell whether one holds any
 * (records are indexed by patient, not by custodian), while every registered organisation runs a gatekeeper. The
 * researcher's own organisation is left out: in this consortium researchers belong to the research institute, which
 * holds no records, so asking it would only add empty cells and delay the result until the deadline; and a
 * researcher at a hospital reaches their own organisation's records under its own governance, not through a
 * consortium query it would be paid for from its own escrow. In MSP id order; registrar/membership.ts bounds the
 * scan, and the peer re-checks its range at commit, so an organisation registered or retired concurrently
 * invalidates the query rather than being missed.
 */
export async function custodiansFor(ctx: Context, researcherMsp: string): Promise<string[]> {
  const custodians = (await memberOrganisations(ctx))
    .map((organisation) => organisation.mspId)
    .filter((mspId) => mspId !== researcherMsp);
  if (custodians.length > MAX_CUSTODIANS) {
    throw conflict(`more than ${MAX_CUSTODIANS} custodian organisations: a trend query asks at most that many`);
  }
  return custodians;
}

/** The accounting period containing `ms`: periods of periodDays days counted from 1970-01-01T00:00Z. */
export function accountingPeriod(ms: number, settings: TrendSettings): { period: number; start: number; end: number } {
  const length = settings.periodDays * DAY_MS;
  const period = Math.floor(ms / length);
  return { period, start: period * length, end: (period + 1) * length };
}

/** The researcher's budget in the period containing the transaction time (nothing spent when never stored). */
export async function currentBudget(ctx: Context, researcherId: string, settings: TrendSettings): Promise<Budget> {
  const { period, start, end } = accountingPeriod(txTime(ctx).ms, settings);
  const stored = await readState(ctx, budgetKey(ctx, researcherId, period), budgetSchema, 'trend budget');
  return {
    researcherId,
    period,
    periodStart: new Date(start).toISOString(),
    periodEnd: new Date(end).toISOString(),
    spentMilli: stored?.spentMilli ?? 0,
    budgetMilli: settings.budgetMilliPerPeriod,
  };
}

export function budgetKey(ctx: Context, researcherId: string, period: number): string {
  return key(ctx, KEY.trendBudget, researcherId, String(period));
}

export async function requireQuery(ctx: Context, queryId: string): Promise<TrendQuery> {
  return requireState(ctx, key(ctx, KEY.trendQuery, queryId), trendQuerySchema, `trend query ${queryId}`);
}

/** The query and its copy in the researcher's index, always written together. */
export async function writeQuery(ctx: Context, query: TrendQuery): Promise<void> {
  await writeState(ctx, key(ctx, KEY.trendQuery, query.queryId), query);
  await writeState(
    ctx,
    key(ctx, KEY.trendQueryByResearcher, query.researcherId, query.submittedAt, query.queryId),
    query,
  );
}

export function answerKey(ctx: Context, queryId: string, mspId: string): string {
  return key(ctx, KEY.trendAnswer, queryId, mspId);
}

/** The committed answers of the query, in the order of its custodians (one point read per custodian). */
export async function readAnswers(ctx: Context, query: TrendQuery): Promise<TrendAnswer[]> {
  const answers: TrendAnswer[] = [];
  for (const mspId of query.custodians) {
    const answer = await readState(ctx, answerKey(ctx, query.queryId, mspId), trendAnswerSchema, 'trend answer');
    if (answer !== undefined) {
      answers.push(answer);
    }
  }
  return answers;
}

export async function readResult(ctx: Context, queryId: string): Promise<TrendResult | undefined> {
  return readState(ctx, key(ctx, KEY.trendResult, queryId), trendResultSchema, 'trend result');
}

/**
 * Combines the answers, stores the result, marks the query combined and releases the escrow: each answering
 * custodian's organisation gets its share, the rest goes back to the researcher's organisation.
 */
export async function combineQuery(
  ctx: Context,
  query: TrendQuery,
  answers: readonly TrendAnswer[],
  reason: TrendResult['reason'],
): Promise<TrendResult> {
  const { iso } = txTime(ctx);
  const answeredBy = new Set(answers.map((answer) => answer.custodianMsp));
  const missing = query.custodians.filter((mspId) => !answeredBy.has(mspId));
  const result: TrendResult = {
    queryId: query.queryId,
    answeredBy: query.custodians.filter((mspId) => answeredBy.has(mspId)),
    missing,
    confidence: '0.95',
    cells: combineCells(query, answers),
    combinedAt: iso,
    reason,
    txId: ctx.stub.getTxID(),
  };
  await writeState(ctx, key(ctx, KEY.trendResult, query.queryId), result);
  await writeQuery(ctx, { ...query, status: 'combined' });
  const { share, refund } = payouts(query, result.answeredBy.length);
  if (share > 0n) {
    for (const mspId of result.answeredBy) {
      await credit(ctx, organisation(mspId), share, iso);
    }
  }
  if (refund > 0n) {
    await credit(ctx, organisation(query.researcherMsp), refund, iso);
  }
  return result;
}

export function organisation(mspId: string): Holder {
  return { kind: 'organisation', mspId };
}
