import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import {
  MAX_ANSWER_VALUES,
  MAX_CELLS,
  MAX_PERIODS,
  listTrendQueriesSchema,
  periodsOf,
  statisticsPerCell,
  trendAnswerInputSchema,
  trendQueryInputSchema,
  trendQuerySchema,
  trendSettingsSchema,
  txIdSchema,
  type TrendAnswer,
  type TrendQuery,
  type TrendResult,
} from '@medrec/contract';
import { recordAudit } from '../audit/audit-log';
import { parseArg, parseJsonArg } from '../common/args';
import { authorize, type Caller } from '../common/caller';
import { conflict, forbidden, incentiveError, invalidArgument, trendError } from '../common/errors';
import { KEY } from '../common/keys';
import { marshal, toJson } from '../common/marshal';
import { MedRecContract } from '../common/medrec-contract';
import { pageByPartialKey, writeState } from '../common/state';
import { txTime } from '../common/time';
import { balanceOf, setBalance } from '../incentive/balances';
import { cellCount, checkAnswerCells, checkAnswerScales, shrinkAdvice } from './query-cells';
import { approveSettings, settingsVote } from './settings-vote';
import {
  answerKey,
  budgetKey,
  combineQuery,
  currentBudget,
  custodiansFor,
  organisation,
  readAnswers,
  readResult,
  readSettings,
  requireQuery,
  writeQuery,
} from './trends-store';

/**
 * Trend analysis with differential privacy: a researcher's aggregate query is paid for from its organisation's
 * credits and its privacy budget, answered by every custodian with noisy integers over its own records, and combined
 * here. The rules are in chaincode/README.md, "Trends".
 */
@Info({ title: 'Trends', description: 'Differentially private trend queries, answers, combined results and budgets' })
export class TrendsContract extends MedRecContract {
  public constructor() {
    super('Trends');
  }

  @Transaction()
  @Param(
    'query',
    'string',
    'JSON {statistic: {kind: "count", concept} | {kind: "mean", concept, lower, upper} | {kind: "quantiles", concept, lower, upper, bins: 2-50, quantilesMilli: 1-999 ascending}, window: {from, to, interval}, strata?: ("ageBand"|"sex"|"custodian")[], epsilonMilli: 1-10000, answerSeconds?: 10 up to the setting}',
  )
  @Returns('string')
  public async SubmitQuery(ctx: Context, query: string): Promise<string> {
    const caller = await authorize(ctx, 'Trends:SubmitQuery');
    const spec = parseJsonArg(trendQueryInputSchema, query, 'query');
    const periods = periodsOf(spec.window).length;
    if (periods > MAX_PERIODS) {
      throw invalidArgument(`query.window: ${periods} periods, more than ${MAX_PERIODS}; use a coarser interval`);
    }
    const custodians = await custodiansFor(ctx, caller.mspId);
    if (custodians.length === 0) {
      throw conflict(`no custodian organisation is registered besides ${caller.mspId}: nobody could answer`);
    }
    const cells = cellCount(spec, periods, custodians);
    if (cells > MAX_CELLS || cells * statisticsPerCell(spec.statistic) > MAX_ANSWER_VALUES) {
      throw invalidArgument(shrinkAdvice(spec, periods, cells));
    }
    const settings = await readSettings(ctx);
    if (spec.answerSeconds !== undefined && spec.answerSeconds > settings.answerSeconds) {
      throw invalidArgument(
        `query.answerSeconds: ${String(spec.answerSeconds)} is longer than the consortium's ` +
          `${String(settings.answerSeconds)} seconds (Trends:GetSettings); ask for at most that, or leave it out`,
      );
    }
    const budget = await currentBudget(ctx, caller.participantId, settings);
    if (budget.spentMilli + spec.epsilonMilli > budget.budgetMilli) {
      throw trendError(
        'MEDREC_BUDGET_EXHAUSTED',
        `${caller.participantId} has ${budget.budgetMilli - budget.spentMilli} of ${budget.budgetMilli} ` +
          `milli-epsilon left until ${budget.periodEnd}, less than the ${spec.epsilonMilli} this query spends`,
      );
    }
    const price = BigInt(settings.basePrice) + BigInt(settings.pricePerCell) * BigInt(cells);
    const payer = organisation(caller.mspId);
    const balance = await balanceOf(ctx, payer);
    if (balance < price) {
      throw incentiveError(
        'MEDREC_INSUFFICIENT_FUNDS',
        `${caller.mspId} holds ${balance.toString()} credits; this query of ${cells} cells costs ${price.toString()}`,
      );
    }
    const { ms, iso } = txTime(ctx);
    const txId = ctx.stub.getTxID();
    const saved: TrendQuery = {
      queryId: txId,
      spec,
      researcherId: caller.participantId,
      researcherMsp: caller.mspId,
      custodians,
      price: price.toString(),
      k: settings.k,
      periods,
      submittedAt: iso,
      deadline: new Date(ms + (spec.answerSeconds ?? settings.answerSeconds) * 1000).toISOString(),
      status: 'open',
      txId,
    };
    await writeQuery(ctx, saved);
    await writeState(ctx, budgetKey(ctx, caller.participantId, budget.period), {
      ...budget,
      spentMilli: budget.spentMilli + spec.epsilonMilli,
    });
    // The price leaves the organisation's balance and is held by the query until it is combined.
    await setBalance(ctx, payer, balance - price, iso);
    await recordAudit(ctx, caller, { type: 'TrendQuerySubmitted', subject: { kind: 'trend-query', id: txId } });
    // Last, so that it is the transaction's chaincode event (Fabric keeps the last): what responders listen for.
    ctx.stub.setEvent('trend-query', marshal({ queryId: txId, custodians, deadline: saved.deadline }));
    return toJson(saved);
  }

  @Transaction()
  @Param(
    'answer',
    'string',
    'JSON {queryId, cells: [{period, strata, suppressed: true} | {period, strata, suppressed: false, count, countHalfWidth, sum?, sumHalfWidth?}], mechanism: "discrete-laplace", countScale: "num/den", sumScale?}',
  )
  @Returns('string')
  public async SubmitAnswer(ctx: Context, answer: string): Promise<string> {
    const caller = await authorize(ctx, 'Trends:SubmitAnswer');
    const input = parseJsonArg(trendAnswerInputSchema, answer, 'answer');
    const query = await requireQuery(ctx, input.queryId);
    if (!query.custodians.includes(caller.mspId)) {
      throw forbidden(`${caller.mspId} is not a custodian asked by trend query ${query.queryId}`);
    }
    const { iso } = txTime(ctx);
    assertOpen(query, iso);
    const answers = await readAnswers(ctx, query);
    if (answers.some((existing) => existing.custodianMsp === caller.mspId)) {
      throw trendError('MEDREC_ALREADY_ANSWERED', `${caller.mspId} already answered trend query ${query.queryId}`);
    }
    checkAnswerCells(query, caller.mspId, input.cells);
    checkAnswerScales(query, input);
    const saved: TrendAnswer = {
      ...input,
      custodianMsp: caller.mspId,
      answeredBy: caller.participantId,
      answeredAt: iso,
      txId: ctx.stub.getTxID(),
    };
    await writeState(ctx, answerKey(ctx, query.queryId, caller.mspId), saved);
    let result: TrendResult | undefined;
    if (answers.length + 1 === query.custodians.length) {
      const all = [...answers, saved];
      const ordered = query.custodians.flatMap((mspId) => all.filter((a) => a.custodianMsp === mspId));
      result = await combineQuery(ctx, query, ordered, 'all-answered');
    }
    await recordAudit(ctx, caller, {
      type: 'TrendAnswerSubmitted',
      subject: { kind: 'trend-query', id: query.queryId },
    });
    if (result !== undefined) {
      ctx.stub.setEvent('trend-result', marshal({ queryId: query.queryId }));
    }
    return toJson(saved);
  }

  /** After the deadline: combines whatever answers there are (the missing custodians' shares are refunded). */
  @Transaction()
  @Param('queryId', 'string', 'the trend query (the txId of its SubmitQuery)')
  @Returns('string')
  public async CloseQuery(ctx: Context, queryId: string): Promise<string> {
    const caller = await authorize(ctx, 'Trends:CloseQuery');
    const query = await requireQuery(ctx, parseArg(txIdSchema, queryId, 'queryId'));
    const allowed =
      caller.role === 'admin' ||
      (caller.role === 'researcher' && query.researcherId === caller.participantId) ||
      (caller.role === 'gatekeeper' && query.custodians.includes(caller.mspId));
    if (!allowed) {
      throw forbidden(`only the researcher, a custodian's gatekeeper or an admin may close trend query ${queryId}`);
    }
    if (query.status !== 'open') {
      throw trendError('MEDREC_QUERY_CLOSED', `trend query ${queryId} is already combined (Trends:GetResult)`);
    }
    const { iso } = txTime(ctx);
    if (iso < query.deadline) {
      throw trendError(
        'MEDREC_DEADLINE_NOT_REACHED',
        `custodians may answer trend query ${queryId} until ${query.deadline}; close it after that`,
      );
    }
    const result = await combineQuery(ctx, query, await readAnswers(ctx, query), 'deadline');
    await recordAudit(ctx, caller, { type: 'TrendQueryCombined', subject: { kind: 'trend-query', id: queryId } });
    ctx.stub.setEvent('trend-result', marshal({ queryId }));
    return toJson(result);
  }

  @Transaction(false)
  @Param('queryId', 'string', 'the trend query')
  @Returns('string')
  public async GetQuery(ctx: Context, queryId: string): Promise<string> {
    const caller = await authorize(ctx, 'Trends:GetQuery');
    const query = await requireQuery(ctx, parseArg(txIdSchema, queryId, 'queryId'));
    assertMaySee(caller, query);
    return toJson(query);
  }

  /** The combined result, or "" while the query is open. */
  @Transaction(false)
  @Param('queryId', 'string', 'the trend query')
  @Returns('string')
  public async GetResult(ctx: Context, queryId: string): Promise<string> {
    const caller = await authorize(ctx, 'Trends:GetResult');
    const query = await requireQuery(ctx, parseArg(txIdSchema, queryId, 'queryId'));
    assertMaySee(caller, query);
    const result = await readResult(ctx, query.queryId);
    return result === undefined ? '' : toJson(result);
  }

  /** A researcher's own queries in submission order; compliance and admins page all queries (by query id). */
  @Transaction(false)
  @Param('query', 'string', 'JSON {pageSize?: 1-200, bookmark?}')
  @Returns('string')
  public async ListQueries(ctx: Context, query: string): Promise<string> {
    const caller = await authorize(ctx, 'Trends:ListQueries');
    const page = parseJsonArg(listTrendQueriesSchema, query, 'query');
    return toJson(
      caller.role === 'researcher'
        ? await pageByPartialKey(
            ctx,
            KEY.trendQueryByResearcher,
            [caller.participantId],
            page,
            trendQuerySchema,
            'trend query',
          )
        : await pageByPartialKey(ctx, KEY.trendQuery, [], page, trendQuerySchema, 'trend query'),
    );
  }

  /** The caller's privacy budget in the current accounting period. */
  @Transaction(false)
  @Returns('string')
  public async GetBudget(ctx: Context): Promise<string> {
    const caller = await authorize(ctx, 'Trends:GetBudget');
    return toJson(await currentBudget(ctx, caller.participantId, await readSettings(ctx)));
  }

  @Transaction(false)
  @Returns('string')
  public async GetSettings(ctx: Context): Promise<string> {
    await authorize(ctx, 'Trends:GetSettings');
    return toJson(await readSettings(ctx));
  }

  /**
   * An organisation's admin approves a complete set of trend settings (replacing its earlier approval); identical
   * settings approved by a strict majority of the registered organisations take effect at once.
   */
  @Transaction()
  @Param(
    'settings',
    'string',
    'JSON {budgetMilliPerPeriod, periodDays, k, basePrice, pricePerCell, answerSeconds} (Trends:GetSettings shape)',
  )
  @Returns('string')
  public async ApproveSettings(ctx: Context, settings: string): Promise<string> {
    const caller = await authorize(ctx, 'Trends:ApproveSettings');
    return toJson(await approveSettings(ctx, caller, parseJsonArg(trendSettingsSchema, settings, 'settings')));
  }

  /** The settings in effect, every organisation's current approval and the majority it takes. */
  @Transaction(false)
  @Returns('string')
  public async GetSettingsVote(ctx: Context): Promise<string> {
    await authorize(ctx, 'Trends:GetSettingsVote');
    return toJson(await settingsVote(ctx));
  }
}

/** Open and before its deadline; otherwise MEDREC_QUERY_CLOSED. */
function assertOpen(query: TrendQuery, iso: string): void {
  if (query.status !== 'open') {
    throw trendError('MEDREC_QUERY_CLOSED', `trend query ${query.queryId} is already combined`);
  }
  if (iso >= query.deadline) {
    throw trendError(
      'MEDREC_QUERY_CLOSED',
      `trend query ${query.queryId} took answers until ${query.deadline}; it is combined without this one`,
    );
  }
}

/** The query's researcher, a gatekeeper of one of its custodians, compliance and admins. */
function assertMaySee(caller: Caller, query: TrendQuery): void {
  const allowed =
    caller.role === 'compliance' ||
    caller.role === 'admin' ||
    (caller.role === 'researcher' && query.researcherId === caller.participantId) ||
    (caller.role === 'gatekeeper' && query.custodians.includes(caller.mspId));
  if (!allowed) {
    throw forbidden(`trend query ${query.queryId} is another researcher's, and ${caller.mspId} is not asked by it`);
  }
}
