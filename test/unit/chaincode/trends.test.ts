import './support/quiet-logs';
import { expect } from 'chai';
import { KEY } from '../../../chaincode/src/common/keys';
import { meanOf, payouts } from '../../../chaincode/src/trends/combine';
import { divide, formatThousandths } from '../../../chaincode/src/trends/exact-decimal';
import { parseRatio, ratioAtLeast, requiredScales } from '../../../contract/src/trends';
import { DEFAULT_TREND_SETTINGS } from '../../../contract/src/trends';
import { call, callFails } from './support/client';
import { compositeKey, lastEvent, putCommitted } from './support/direct';
import { identity, type FakePeer } from './support/fake-peer';
import { orgPki } from './support/certs';
import {
  answer,
  balance,
  countQuery,
  counted,
  gkR,
  meanQuery,
  r2,
  suppressed,
  trendWorld,
  type Query,
  type Result,
} from './support/trends';
import { H1, H2, RES, orgBody, who } from './support/world';

async function submit(peer: FakePeer, query: Record<string, unknown> = countQuery(), at?: number): Promise<Query> {
  return call<Query>(peer, who.r1, 'Trends:SubmitQuery', [query], at);
}

/** Asserts a refusal with `code` that wrote nothing; returns its message. */
async function refused(
  peer: FakePeer,
  caller: Parameters<typeof callFails>[1],
  fcn: string,
  args: (string | object)[],
  code: string,
  at?: number,
): Promise<string> {
  const before = peer.ledger.snapshot();
  const error = await callFails(peer, caller, fcn, args, at);
  expect([error.code, error.detail]).to.have.property('0', code);
  expect(peer.ledger.snapshot(), `${fcn} refused but wrote`).to.equal(before);
  return error.detail;
}

const SEX_CELLS = (values: Record<string, Record<string, unknown>>): Record<string, unknown>[] =>
  ['female', 'male', 'other', 'unknown'].map((sex) => values[sex] ?? suppressed([sex]));

describe('Trends: submitting a query', () => {
  it('a researcher submits: custodians, escrowed price, deadline, the trend-query event; a clinician may not', async () => {
    const peer = await trendWorld(1000);
    await refused(peer, who.c1, 'Trends:SubmitQuery', [countQuery()], 'MEDREC_FORBIDDEN');
    const outcome = await peer.invoke(who.r1, 'Trends:SubmitQuery', [JSON.stringify(countQuery())]);
    expect(outcome.message).to.equal('');
    const query = JSON.parse(outcome.payload) as Query;
    expect(query).to.deep.include({
      queryId: outcome.txId,
      researcherId: 'r1',
      researcherMsp: RES,
      custodians: [H1, H2],
      price: '11',
      k: DEFAULT_TREND_SETTINGS.k,
      periods: 1,
      status: 'open',
    });
    expect(Date.parse(query.deadline) - Date.parse(query.submittedAt)).to.equal(300_000);
    expect(lastEvent(peer.ledger)).to.deep.equal({
      name: 'trend-query',
      txId: outcome.txId,
      payload: { queryId: outcome.txId, custodians: [H1, H2], deadline: query.deadline },
    });
    expect(await balance(peer, RES)).to.equal('989');
    const trail = await call<{ items: { type: string; subject: object; patientId?: string }[] }>(
      peer,
      who.r1,
      'Audit:QueryByActor',
      [{ actorId: 'r1' }],
    );
    expect(trail.items.at(-1)).to.deep.include({
      type: 'TrendQuerySubmitted',
      subject: { kind: 'trend-query', id: outcome.txId },
    });
    expect(trail.items.at(-1)).to.not.have.property('patientId');
  });

  it('prices and bounds the grid: periods × strata sizes × custodians, at most 600 cells', async () => {
    const peer = await trendWorld(1000);
    const byCustodian = await submit(peer, countQuery({ strata: ['custodian', 'sex'] }));
    expect(byCustodian.price).to.equal(String(10 + 2 * 4));
    // 30 weeks × 5 age bands × 4 sexes = 600 cells: accepted; a 31st (partial) week makes 620.
    const weeks = (to: string): Record<string, unknown> =>
      countQuery({ window: { from: '2029-01-01', to, interval: 'week' }, strata: ['ageBand', 'sex'] });
    const full = await submit(peer, weeks('2029-07-29'));
    expect(full).to.include({ periods: 30, price: '610' });
    const detail = await refused(peer, who.r1, 'Trends:SubmitQuery', [weeks('2029-07-30')], 'MEDREC_INVALID_ARGUMENT');
    expect(detail).to.contain('620 cells').and.contain('coarser interval');
    await refused(
      peer,
      who.r1,
      'Trends:SubmitQuery',
      [countQuery({ window: { from: '2029-01-01', to: '2030-01-10', interval: 'week' } })],
      'MEDREC_INVALID_ARGUMENT',
    );
  });

  it("asks every registered organisation but the researcher's own, and any of them can be a custodian stratum", async () => {
    const peer = await trendWorld(1000);
    const lab = 'Lab_MSP';
    await call(peer, identity(lab, 'admin', 'admL', orgPki(lab).admin.certPem), 'Registrar:RegisterOrganisation', [
      orgBody(lab),
    ]);
    expect((await submit(peer)).custodians).to.deep.equal([H1, H2, lab]);
    // Any MSP id is a cell value of the custodian stratum (cellKeySchema admits every mspIdSchema id).
    const stratified = await submit(peer, countQuery({ strata: ['custodian'] }));
    expect(stratified.custodians).to.deep.equal([H1, H2, lab]);
  });

  it('spends the privacy budget exactly: up to the limit is accepted, one more thousandth is not', async () => {
    const peer = await trendWorld(1000);
    await submit(peer, countQuery({ epsilonMilli: 4000 }));
    await submit(peer, countQuery({ epsilonMilli: 6000 }));
    const budget = await call<{ spentMilli: number; budgetMilli: number; periodStart: string; periodEnd: string }>(
      peer,
      who.r1,
      'Trends:GetBudget',
    );
    // 30-day periods from 1970-01-01: period 730 runs from 2029-12-17 to 2030-01-16.
    expect(budget).to.deep.include({
      researcherId: 'r1',
      period: 730,
      periodStart: '2029-12-17T00:00:00.000Z',
      periodEnd: '2030-01-16T00:00:00.000Z',
      spentMilli: 10_000,
      budgetMilli: 10_000,
    });
    const detail = await refused(
      peer,
      who.r1,
      'Trends:SubmitQuery',
      [countQuery({ epsilonMilli: 1 })],
      'MEDREC_BUDGET_EXHAUSTED',
    );
    expect(detail).to.contain('0 of 10000').and.contain('2030-01-16T00:00:00.000Z');
    // Another researcher has a budget of their own; the next period starts afresh.
    await call(peer, r2, 'Trends:SubmitQuery', [countQuery({ epsilonMilli: 1 })]);
    await submit(peer, countQuery({ epsilonMilli: 1 }), Date.parse(budget.periodEnd));
    await refused(peer, who.c1, 'Trends:GetBudget', [], 'MEDREC_FORBIDDEN');
  });

  it("refuses a query its organisation's credits do not cover, and debits nothing", async () => {
    const peer = await trendWorld(11);
    await submit(peer); // exactly the balance: accepted
    expect(await balance(peer, RES)).to.equal('0');
    const detail = await refused(peer, who.r1, 'Trends:SubmitQuery', [countQuery()], 'MEDREC_INSUFFICIENT_FUNDS');
    expect(detail).to.contain(`${RES} holds 0`).and.contain('costs 11');
    const unfunded = await trendWorld();
    await refused(unfunded, who.r1, 'Trends:SubmitQuery', [countQuery()], 'MEDREC_INSUFFICIENT_FUNDS');
    const budget = await call<{ spentMilli: number }>(unfunded, who.r1, 'Trends:GetBudget');
    expect(budget.spentMilli).to.equal(0);
  });

  it('uses the settings stored on the ledger, the defaults otherwise', async () => {
    const peer = await trendWorld(1000);
    expect(await call(peer, who.p1, 'Trends:GetSettings')).to.deep.equal(DEFAULT_TREND_SETTINGS);
    const settings = { ...DEFAULT_TREND_SETTINGS, basePrice: '3', pricePerCell: '2', answerSeconds: 60, k: 5 };
    putCommitted(peer.ledger, compositeKey(peer.ledger, who.r1, KEY.trendSettings), settings);
    expect(await call(peer, who.c1, 'Trends:GetSettings')).to.deep.equal(settings);
    const query = await submit(peer, countQuery({ strata: ['sex'] }));
    expect(query).to.include({ price: '11', k: 5 });
    expect(Date.parse(query.deadline) - Date.parse(query.submittedAt)).to.equal(60_000);
  });

  it("takes a shorter answer window from the query, never a longer one than the consortium's", async () => {
    const peer = await trendWorld(1000);
    const quick = await submit(peer, countQuery({ answerSeconds: 10 }));
    expect(Date.parse(quick.deadline) - Date.parse(quick.submittedAt)).to.equal(10_000);
    const most = await submit(peer, countQuery({ answerSeconds: DEFAULT_TREND_SETTINGS.answerSeconds }));
    expect(Date.parse(most.deadline) - Date.parse(most.submittedAt)).to.equal(300_000);
    const longer = countQuery({ answerSeconds: DEFAULT_TREND_SETTINGS.answerSeconds + 1 });
    const detail = await refused(peer, who.r1, 'Trends:SubmitQuery', [longer], 'MEDREC_INVALID_ARGUMENT');
    expect(detail).to.contain('answerSeconds').and.contain('300 seconds');
    await refused(peer, who.r1, 'Trends:SubmitQuery', [countQuery({ answerSeconds: 9 })], 'MEDREC_INVALID_ARGUMENT');
    await refused(peer, who.r1, 'Trends:SubmitQuery', [countQuery({ answerSeconds: 30.5 })], 'MEDREC_INVALID_ARGUMENT');
  });
});

describe('Trends: answers', () => {
  it("takes one answer per custodian's gatekeeper; refuses a non-custodian and a second answer", async () => {
    const peer = await trendWorld(1000);
    const { queryId } = await submit(peer);
    const body = answer(queryId, [suppressed([])]);
    await refused(peer, gkR, 'Trends:SubmitAnswer', [body], 'MEDREC_FORBIDDEN');
    await refused(peer, who.c1, 'Trends:SubmitAnswer', [body], 'MEDREC_FORBIDDEN');
    const saved = await call(peer, who.gk1, 'Trends:SubmitAnswer', [body]);
    expect(saved).to.deep.include({ queryId, custodianMsp: H1, answeredBy: 'gk1' });
    expect(lastEvent(peer.ledger).name).to.equal('TrendAnswerSubmitted');
    await refused(peer, who.gk1, 'Trends:SubmitAnswer', [body], 'MEDREC_ALREADY_ANSWERED');
    await refused(peer, who.gk1, 'Trends:SubmitAnswer', [answer('0'.repeat(64), [suppressed([])])], 'MEDREC_NOT_FOUND');
  });

  it('refuses a grid that is not exactly the query’s: missing, extra, duplicate cells, a wrong value', async () => {
    const peer = await trendWorld(1000);
    const { queryId } = await submit(peer, countQuery({ strata: ['sex'] }));
    const grid = SEX_CELLS({});
    const cases: [Record<string, unknown>[], string][] = [
      [grid.slice(1), 'missing'],
      [[...grid, suppressed(['female'], 1)], 'not a cell'],
      [[...grid.slice(0, 3), grid[0]!], 'appears twice'],
      [[...grid.slice(0, 3), suppressed(['nonbinary'])], 'not a cell'],
      [[...grid.slice(0, 3), suppressed(['unknown', 'extra'])], 'not a cell'],
      [[...grid.slice(0, 3), counted(['unknown'], 5, 2, [10, 3])], 'mean queries only'],
    ];
    for (const [cells, text] of cases) {
      const detail = await refused(
        peer,
        who.gk1,
        'Trends:SubmitAnswer',
        [answer(queryId, cells)],
        'MEDREC_INVALID_ARGUMENT',
      );
      expect(detail).to.contain(text);
    }
    // The same cells in another order are the same grid.
    await call(peer, who.gk1, 'Trends:SubmitAnswer', [answer(queryId, [...grid].reverse())]);
  });

  it('with the custodian stratum, a custodian answers only its own cells', async () => {
    const peer = await trendWorld(1000);
    const { queryId } = await submit(peer, countQuery({ strata: ['custodian'] }));
    for (const cells of [[suppressed([H2])], [suppressed([H1]), suppressed([H2])]]) {
      const detail = await refused(
        peer,
        who.gk1,
        'Trends:SubmitAnswer',
        [answer(queryId, cells)],
        'MEDREC_INVALID_ARGUMENT',
      );
      expect(detail).to.contain(`custodian value must be ${H1}`);
    }
    await call(peer, who.gk1, 'Trends:SubmitAnswer', [answer(queryId, [counted([H1], 12, 4)])]);
    await call(peer, who.gk2, 'Trends:SubmitAnswer', [answer(queryId, [suppressed([H2])])]);
    const result = await call<Result>(peer, who.r1, 'Trends:GetResult', [queryId]);
    expect(result.cells).to.deep.equal([
      { period: 0, strata: [H1], suppressedBy: [], count: '12', countInterval: ['8', '16'] },
      { period: 0, strata: [H2], suppressedBy: [H2], count: null, countInterval: null },
    ]);
  });

  it('refuses an under-noised answer and accepts the exact required scale (count: 1/ε)', async () => {
    const peer = await trendWorld(1000);
    const { queryId } = await submit(peer, countQuery({ epsilonMilli: 1500 }));
    const cells = [counted([], 7, 3)];
    for (const countScale of ['666/1000', '1/2']) {
      const detail = await refused(
        peer,
        who.gk1,
        'Trends:SubmitAnswer',
        [answer(queryId, cells, { countScale })],
        'MEDREC_INVALID_ARGUMENT',
      );
      expect(detail).to.contain('under-noised').and.contain('2/3'); // 1000/1500 in lowest terms
    }
    await refused(
      peer,
      who.gk1,
      'Trends:SubmitAnswer',
      [answer(queryId, cells, { countScale: '2/3', sumScale: '1/1' })],
      'MEDREC_INVALID_ARGUMENT',
    );
    await call(peer, who.gk1, 'Trends:SubmitAnswer', [answer(queryId, cells, { countScale: '2/3' })]);
    await call(peer, who.gk2, 'Trends:SubmitAnswer', [answer(queryId, cells, { countScale: '4000/6000' })]);
  });

  it('mean queries: count scale 2P/ε and sum scale 2P(upper − lower)/ε, sums in every counted cell', async () => {
    const peer = await trendWorld(1000);
    // Three monthly periods, ε = 1: count scale ≥ 6, sum scale ≥ 6 · 190 = 1140.
    const window = { from: '2029-01-01', to: '2029-03-31', interval: 'month' };
    const { queryId } = await submit(peer, meanQuery({ window }));
    const cells = [0, 1, 2].map((period) => counted([], 20, 5, [900, 80], period));
    const scales = (countScale: string, sumScale?: string): object =>
      answer(queryId, cells, sumScale === undefined ? { countScale } : { countScale, sumScale });
    for (const [body, text] of [
      [scales('599/100', '1140/1'), 'answer.countScale: under-noised'],
      [scales('6/1', '1139/1'), 'answer.sumScale: under-noised'],
      [scales('6/1'), 'answer.sumScale: a mean query needs it'],
    ] as const) {
      expect(await refused(peer, who.gk1, 'Trends:SubmitAnswer', [body], 'MEDREC_INVALID_ARGUMENT')).to.contain(text);
    }
    const withoutSum = answer(queryId, [counted([], 20, 5, undefined, 0), cells[1]!, cells[2]!], {
      countScale: '6/1',
      sumScale: '1140/1',
    });
    const detail = await refused(peer, who.gk1, 'Trends:SubmitAnswer', [withoutSum], 'MEDREC_INVALID_ARGUMENT');
    expect(detail).to.contain('needs sum and sumHalfWidth');
    await call(peer, who.gk1, 'Trends:SubmitAnswer', [scales('6/1', '1140/1')]);
  });

  it('refuses an answer at or after the deadline', async () => {
    const peer = await trendWorld(1000);
    const { queryId, deadline } = await submit(peer);
    const body = answer(queryId, [suppressed([])]);
    const detail = await refused(
      peer,
      who.gk1,
      'Trends:SubmitAnswer',
      [body],
      'MEDREC_QUERY_CLOSED',
      Date.parse(deadline),
    );
    expect(detail).to.contain(deadline);
    await call(peer, who.gk1, 'Trends:SubmitAnswer', [body], Date.parse(deadline) - 1);
  });
});

describe('Trends: closing, combining and paying', () => {
  it('CloseQuery waits for the deadline, then combines what was answered and marks the missing', async () => {
    const peer = await trendWorld(1000);
    const { queryId, deadline } = await submit(peer);
    await call(peer, who.gk1, 'Trends:SubmitAnswer', [answer(queryId, [counted([], 30, 6)])]);
    const early = await refused(
      peer,
      who.r1,
      'Trends:CloseQuery',
      [queryId],
      'MEDREC_DEADLINE_NOT_REACHED',
      Date.parse(deadline) - 1,
    );
    expect(early).to.contain(deadline);
    expect((await peer.invoke(who.r1, 'Trends:GetResult', [queryId])).payload, 'not combined yet').to.equal('');
    await refused(peer, r2, 'Trends:CloseQuery', [queryId], 'MEDREC_FORBIDDEN', Date.parse(deadline));
    await refused(peer, gkR, 'Trends:CloseQuery', [queryId], 'MEDREC_FORBIDDEN', Date.parse(deadline));
    const result = await call<Result>(peer, who.r1, 'Trends:CloseQuery', [queryId], Date.parse(deadline));
    expect(result).to.deep.include({
      queryId,
      answeredBy: [H1],
      missing: [H2],
      confidence: '0.95',
      reason: 'deadline',
      combinedAt: deadline,
    });
    expect(result.cells).to.deep.equal([
      { period: 0, strata: [], suppressedBy: [], count: '30', countInterval: ['24', '36'] },
    ]);
    expect(lastEvent(peer.ledger)).to.deep.include({ name: 'trend-result', payload: { queryId } });
    expect(await call(peer, who.co1, 'Trends:GetResult', [queryId])).to.deep.equal(result);
    expect(await call(peer, who.gk2, 'Trends:GetQuery', [queryId])).to.include({ status: 'combined' });
    await refused(peer, who.adm2, 'Trends:CloseQuery', [queryId], 'MEDREC_QUERY_CLOSED');
    await refused(
      peer,
      who.gk2,
      'Trends:SubmitAnswer',
      [answer(queryId, [suppressed([])])],
      'MEDREC_QUERY_CLOSED',
      Date.parse(deadline) - 1,
    );
  });

  it('pays the escrow in equal shares to those who answered and refunds the rest', async () => {
    const peer = await trendWorld(1000);
    const grid = ['0-17', '18-39', '40-64', '65+', 'unknown'].map((band) => suppressed([band]));
    const one = await submit(peer, countQuery({ strata: ['ageBand'] }));
    expect(one.price).to.equal('15');
    expect(await balance(peer, RES)).to.equal('985');
    await call(peer, who.gk1, 'Trends:SubmitAnswer', [answer(one.queryId, grid)]);
    await call(peer, who.gk1, 'Trends:CloseQuery', [one.queryId], Date.parse(one.deadline));
    // 15 / 2 custodians = 7 each; H2 did not answer, so its 7 and the rounding 1 go back.
    expect([await balance(peer, H1), await balance(peer, H2), await balance(peer, RES)]).to.deep.equal([
      '7',
      '0',
      '993',
    ]);
    const two = await submit(peer, countQuery({ strata: ['ageBand'] }), Date.parse(one.deadline) + 1000);
    await call(peer, who.gk2, 'Trends:SubmitAnswer', [answer(two.queryId, grid)]);
    const last = await peer.invoke(who.gk1, 'Trends:SubmitAnswer', [JSON.stringify(answer(two.queryId, grid))]);
    expect(last.message).to.equal('');
    expect(last.eventCalls.map((event) => event.name)).to.deep.equal(['TrendAnswerSubmitted', 'trend-result']);
    const result = await call<Result>(peer, who.r1, 'Trends:GetResult', [two.queryId]);
    expect(result).to.deep.include({ answeredBy: [H1, H2], missing: [], reason: 'all-answered' });
    // Both answered: 7 each, only the rounding 1 back.
    expect([await balance(peer, H1), await balance(peer, H2), await balance(peer, RES)]).to.deep.equal([
      '14',
      '7',
      '979',
    ]);
    // Every credit is where it was minted to or moved: 14 + 7 + 979 = 1000.
    expect(await call(peer, who.p1, 'Incentive:GetSchedule')).to.include({ minted: '1000' });
  });

  it('combines counts on hand-computed numbers: suppressed, all-suppressed and negative cells', async () => {
    const peer = await trendWorld(1000);
    const { queryId } = await submit(peer, countQuery({ strata: ['sex'] }));
    const h1 = SEX_CELLS({ female: counted(['female'], 40, 5), unknown: counted(['unknown'], 3, 4) });
    const h2 = SEX_CELLS({
      female: counted(['female'], 60, 5),
      male: counted(['male'], -2, 3),
      unknown: counted(['unknown'], 2, 4),
    });
    await call(peer, who.gk1, 'Trends:SubmitAnswer', [answer(queryId, h1)]);
    await call(peer, who.gk2, 'Trends:SubmitAnswer', [answer(queryId, h2)]);
    const result = await call<Result>(peer, who.adm1, 'Trends:GetResult', [queryId]);
    expect(result.cells).to.deep.equal([
      { period: 0, strata: ['female'], suppressedBy: [], count: '100', countInterval: ['90', '110'] },
      { period: 0, strata: ['male'], suppressedBy: [H1], count: '-2', countInterval: ['-5', '1'] },
      { period: 0, strata: ['other'], suppressedBy: [H1, H2], count: null, countInterval: null },
      { period: 0, strata: ['unknown'], suppressedBy: [], count: '5', countInterval: ['-3', '13'] },
    ]);
  });

  it('combines means: lower + S/C, the interval clamped to the bounds, none when C − hC <= 0', async () => {
    const peer = await trendWorld(1000);
    const { queryId } = await submit(peer, meanQuery({ strata: ['sex'] }));
    const scales = { countScale: '2/1', sumScale: '380/1' };
    const h1 = SEX_CELLS({
      female: counted(['female'], 40, 5, [2000, 100]),
      unknown: counted(['unknown'], 30, 4, [5000, 1500]),
    });
    const h2 = SEX_CELLS({
      female: counted(['female'], 60, 5, [3000, 100]),
      male: counted(['male'], -2, 3, [10, 10]),
      unknown: counted(['unknown'], 20, 4, [1000, 1500]),
    });
    await call(peer, who.gk1, 'Trends:SubmitAnswer', [answer(queryId, h1, scales)]);
    await call(peer, who.gk2, 'Trends:SubmitAnswer', [answer(queryId, h2, scales)]);
    const result = await call<Result>(peer, who.r1, 'Trends:GetResult', [queryId]);
    expect(result.cells).to.deep.equal([
      // S = 5000, C = 100, hS = 200, hC = 10: 10 + 50; [10 + 4800/110, 10 + 5200/90] = [53.636.., 67.777..].
      {
        period: 0,
        strata: ['female'],
        suppressedBy: [],
        count: '100',
        countInterval: ['90', '110'],
        mean: '60.000',
        meanInterval: ['53.636', '67.778'],
      },
      // C = -2: no mean; C − hC = -5: no interval.
      {
        period: 0,
        strata: ['male'],
        suppressedBy: [H1],
        count: '-2',
        countInterval: ['-5', '1'],
        mean: null,
        meanInterval: null,
      },
      {
        period: 0,
        strata: ['other'],
        suppressedBy: [H1, H2],
        count: null,
        countInterval: null,
        mean: null,
        meanInterval: null,
      },
      // S = 6000, C = 50, hS = 3000, hC = 8: 10 + 120; [10 + 3000/58, 10 + 9000/42 = 224.28..] → high clamped to 200.
      {
        period: 0,
        strata: ['unknown'],
        suppressedBy: [],
        count: '50',
        countInterval: ['42', '58'],
        mean: '130.000',
        meanInterval: ['61.724', '200.000'],
      },
    ]);
  });

  it('exact decimal arithmetic: rounding modes, formatting, the mean interval edges, the split', () => {
    expect([divide(7n, 2n, 'floor'), divide(-7n, 2n, 'floor'), divide(-8n, 2n, 'floor')]).to.deep.equal([3n, -4n, -4n]);
    expect([divide(7n, 2n, 'ceil'), divide(-7n, 2n, 'ceil'), divide(8n, 2n, 'ceil')]).to.deep.equal([4n, -3n, 4n]);
    expect([divide(5n, 2n, 'half-away'), divide(-5n, 2n, 'half-away'), divide(4n, 3n, 'half-away')]).to.deep.equal([
      3n,
      -3n,
      1n,
    ]);
    expect([
      formatThousandths(-1500n),
      formatThousandths(-5n),
      formatThousandths(0n),
      formatThousandths(12n),
    ]).to.deep.equal(['-1.500', '-0.005', '0.000', '0.012']);
    const bounds = { lower: -10n, upper: 10n };
    // S/C = 1/2000 → 0.0005 rounds away from zero to 0.001; negative likewise.
    expect(meanOf(bounds, { sum: 1n, count: 2000n, sumHalfWidth: 0n, countHalfWidth: 0n }).mean).to.equal('-9.999');
    expect(
      meanOf({ lower: 0n, upper: 10n }, { sum: -1n, count: 2000n, sumHalfWidth: 0n, countHalfWidth: 0n }),
    ).to.deep.equal({ mean: '-0.001', meanInterval: ['0.000', '0.000'] });
    // C − hC = 0: a mean but no interval.
    expect(meanOf(bounds, { sum: 30n, count: 3n, sumHalfWidth: 1n, countHalfWidth: 3n })).to.deep.equal({
      mean: '0.000',
      meanInterval: null,
    });
    // C − hC = 3: -10 + 29/7 = -5.857.. floors to -5.858, -10 + 31/3 = 0.333.. ceils to 0.334.
    expect(meanOf(bounds, { sum: 30n, count: 5n, sumHalfWidth: 1n, countHalfWidth: 2n })).to.deep.equal({
      mean: '-4.000',
      meanInterval: ['-5.858', '0.334'],
    });
    expect(payouts({ price: '15', custodians: [H1, H2] }, 1)).to.deep.equal({ share: 7n, refund: 8n });
    expect(payouts({ price: '15', custodians: [H1, H2] }, 2)).to.deep.equal({ share: 7n, refund: 1n });
    expect(payouts({ price: '1', custodians: [H1, H2] }, 2)).to.deep.equal({ share: 0n, refund: 1n });
  });

  it('required scales (the contract rule) compare exactly as rationals', () => {
    const twoWeeks = { from: '2029-01-01', to: '2029-01-14', interval: 'week' } as const;
    const count = requiredScales({
      statistic: { kind: 'count', concept: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11' } },
      window: twoWeeks,
      epsilonMilli: 3,
    });
    expect(count.count).to.deep.equal({ num: 1000n, den: 3n });
    expect(count.sum).to.equal(undefined);
    const above = parseRatio('333334/1000');
    const below = parseRatio('333333/1000');
    if (above === undefined || below === undefined) throw new Error('ratios do not parse');
    expect(ratioAtLeast(above, count.count)).to.equal(true);
    expect(ratioAtLeast(below, count.count)).to.equal(false);
    expect(parseRatio('1/0')).to.equal(undefined);
    const mean = requiredScales({
      statistic: { kind: 'mean', concept: { system: 'http://loinc.org', code: '2498-4' }, lower: -5, upper: 5 },
      window: twoWeeks,
      epsilonMilli: 4000,
    });
    // 2 periods, range 10, epsilon 4 split in halves: count 2/2 = 1, sum 20/2 = 10 (lowest terms).
    expect(mean).to.deep.equal({ count: { num: 1n, den: 1n }, sum: { num: 10n, den: 1n } });
  });
});

describe('Trends: who sees what', () => {
  it('GetQuery and GetResult: own researcher, asked gatekeepers, compliance, admins', async () => {
    const peer = await trendWorld(1000);
    const { queryId, deadline } = await submit(peer);
    for (const reader of [who.r1, who.gk1, who.gk2, who.co2, who.admR]) {
      expect(await call(peer, reader, 'Trends:GetQuery', [queryId]), reader.attrs['medrec.id']).to.include({
        queryId,
      });
    }
    await refused(peer, r2, 'Trends:GetQuery', [queryId], 'MEDREC_FORBIDDEN');
    await refused(peer, gkR, 'Trends:GetQuery', [queryId], 'MEDREC_FORBIDDEN');
    await refused(peer, who.p1, 'Trends:GetQuery', [queryId], 'MEDREC_FORBIDDEN');
    const open = await peer.invoke(who.r1, 'Trends:GetResult', [queryId]);
    expect([open.ok, open.payload]).to.deep.equal([true, '']);
    await call(peer, who.adm1, 'Trends:CloseQuery', [queryId], Date.parse(deadline));
    expect(await call(peer, who.r1, 'Trends:GetResult', [queryId])).to.include({ queryId, reason: 'deadline' });
    await refused(peer, r2, 'Trends:GetResult', [queryId], 'MEDREC_FORBIDDEN');
    await refused(peer, who.gk1, 'Trends:GetResult', [queryId], 'MEDREC_FORBIDDEN');
  });

  it("ListQueries: a researcher's own queries in order, all of them for compliance and admins", async () => {
    const peer = await trendWorld(1000);
    const first = await submit(peer);
    const other = await call<Query>(peer, r2, 'Trends:SubmitQuery', [countQuery()]);
    const second = await submit(peer, countQuery({ strata: ['sex'] }));
    const ids = async (caller: Parameters<typeof call>[1], pageSize = 50): Promise<string[]> =>
      (await call<{ items: Query[] }>(peer, caller, 'Trends:ListQueries', [{ pageSize }])).items.map((q) => q.queryId);
    expect(await ids(who.r1)).to.deep.equal([first.queryId, second.queryId]);
    expect(await ids(r2)).to.deep.equal([other.queryId]);
    expect((await ids(who.co1)).sort()).to.deep.equal([first.queryId, other.queryId, second.queryId].sort());
    const page = await call<{ items: Query[]; bookmark: string }>(peer, who.r1, 'Trends:ListQueries', [
      { pageSize: 1 },
    ]);
    expect(page.items.map((q) => q.queryId)).to.deep.equal([first.queryId]);
    // A researcher's bookmark does not open another researcher's index.
    await refused(peer, r2, 'Trends:ListQueries', [{ bookmark: page.bookmark }], 'MEDREC_INVALID_ARGUMENT');
    await refused(peer, who.gk1, 'Trends:ListQueries', [{}], 'MEDREC_FORBIDDEN');
    // The index follows the query's status.
    await call(peer, who.r1, 'Trends:CloseQuery', [first.queryId], Date.parse(first.deadline));
    const listed = await call<{ items: Query[] }>(peer, who.r1, 'Trends:ListQueries', [{}]);
    expect(listed.items.map((q) => q.status)).to.deep.equal(['combined', 'open']);
  });
});

describe('Trends: the consortium votes its settings', () => {
  interface Vote {
    settings: typeof DEFAULT_TREND_SETTINGS;
    adopted: boolean;
    organisations: number;
    required: number;
    approvals: { mspId: string; settings: typeof DEFAULT_TREND_SETTINGS }[];
  }
  const stricter = { ...DEFAULT_TREND_SETTINGS, k: 20, budgetMilliPerPeriod: 2000 };
  const cheaper = { ...DEFAULT_TREND_SETTINGS, basePrice: '2' };

  it('takes effect when a strict majority of organisations approve identical settings, not before', async () => {
    const peer = await trendWorld(1000);
    const first = await call<Vote>(peer, who.adm1, 'Trends:ApproveSettings', [stricter]);
    expect(first).to.deep.include({ adopted: false, organisations: 3, required: 2, settings: DEFAULT_TREND_SETTINGS });
    expect(first.approvals.map((a) => a.mspId)).to.deep.equal([H1]);
    expect(lastEvent(peer.ledger).name).to.equal('TrendSettingsApproved');
    expect(await call(peer, who.r1, 'Trends:GetSettings')).to.deep.equal(DEFAULT_TREND_SETTINGS);
    // Another organisation approving other settings is no majority for either.
    const split = await call<Vote>(peer, who.adm2, 'Trends:ApproveSettings', [cheaper]);
    expect(split.adopted).to.equal(false);
    expect(split.approvals.map((a) => a.mspId)).to.deep.equal([H1, H2]);
    // H2 moves its approval to the stricter settings: two of three, in effect at once, and the approvals cleared.
    const done = await call<Vote>(peer, who.adm2, 'Trends:ApproveSettings', [stricter]);
    expect(done).to.deep.include({ adopted: true, settings: stricter, approvals: [] });
    expect(lastEvent(peer.ledger).name).to.equal('TrendSettingsChanged');
    expect(await call(peer, who.c1, 'Trends:GetSettings')).to.deep.equal(stricter);
    expect((await call<Vote>(peer, who.admR, 'Trends:GetSettingsVote')).approvals).to.deep.equal([]);
    // The next query uses them: k 20, and 2000 thousandths of budget.
    expect(await submit(peer, countQuery({ epsilonMilli: 2000 }))).to.include({ k: 20 });
    await refused(peer, who.r1, 'Trends:SubmitQuery', [countQuery({ epsilonMilli: 1 })], 'MEDREC_BUDGET_EXHAUSTED');
  });

  it('refuses the settings in effect, a second approval of the same, invalid settings, and non-admins', async () => {
    const peer = await trendWorld(1000);
    const same = await refused(peer, who.adm1, 'Trends:ApproveSettings', [DEFAULT_TREND_SETTINGS], 'MEDREC_CONFLICT');
    expect(same).to.contain('already in effect');
    await call(peer, who.adm1, 'Trends:ApproveSettings', [stricter]);
    const twice = await refused(peer, who.adm1, 'Trends:ApproveSettings', [stricter], 'MEDREC_CONFLICT');
    expect(twice).to.contain('already approves');
    for (const bad of [
      { ...stricter, k: 1 },
      { ...stricter, answerSeconds: 5 },
      { ...stricter, basePrice: '0' },
      { ...stricter, extra: true },
    ]) {
      await refused(peer, who.adm2, 'Trends:ApproveSettings', [bad], 'MEDREC_INVALID_ARGUMENT');
    }
    for (const caller of [who.r1, who.c1, who.p1]) {
      await refused(peer, caller, 'Trends:ApproveSettings', [stricter], 'MEDREC_FORBIDDEN');
    }
    expect(await call(peer, who.r1, 'Trends:GetSettings')).to.deep.equal(DEFAULT_TREND_SETTINGS);
  });
});
