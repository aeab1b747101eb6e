import './support/quiet-logs';
import { expect } from 'chai';
import { quantileEstimates } from '../../../chaincode/src/trends/quantiles';
import { trendQueryInputSchema } from '../../../contract/src/trends';
import { call, callFails } from './support/client';
import type { FakePeer } from './support/fake-peer';
import { OBSERVATION, answer, countQuery, counted, suppressed, trendWorld, type Query } from './support/trends';
import { H1, H2, who } from './support/world';

/** A quantile query over 2029 as one period: [0, 100] in 4 bins (edges 0, 25, 50, 75, 100). */
function quantileQuery(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const statistic = {
    kind: 'quantiles',
    concept: OBSERVATION,
    lower: 0,
    upper: 100,
    bins: 4,
    quantilesMilli: [250, 500],
  };
  return countQuery({ statistic, ...overrides });
}

/** A custodian's answered cell of a quantile query: count and countHalfWidth derived as the chaincode requires. */
function binned(strata: string[], histogram: number[], halfWidth: number): Record<string, unknown> {
  return {
    period: 0,
    strata,
    suppressed: false,
    count: String(histogram.reduce((a, b) => a + b, 0)),
    countHalfWidth: halfWidth * histogram.length,
    histogram: histogram.map(String),
    histogramHalfWidth: halfWidth,
  };
}

async function submit(peer: FakePeer, query: Record<string, unknown>): Promise<Query> {
  return call<Query>(peer, who.r1, 'Trends:SubmitQuery', [query]);
}

async function refusedDetail(peer: FakePeer, body: object, caller = who.gk1): Promise<string> {
  const before = peer.ledger.snapshot();
  const error = await callFails(peer, caller, 'Trends:SubmitAnswer', [body]);
  expect(error.code).to.equal('MEDREC_INVALID_ARGUMENT');
  expect(peer.ledger.snapshot()).to.equal(before);
  return error.detail;
}

describe('Trends: quantile queries', () => {
  it('the contract takes ascending quantiles over 2-50 bins within bounds, and nothing else', () => {
    const parse = (statistic: Record<string, unknown>): boolean =>
      trendQueryInputSchema.safeParse(quantileQuery({ statistic: { ...statistic } })).success;
    const base = { kind: 'quantiles', concept: OBSERVATION, lower: 0, upper: 100, bins: 4, quantilesMilli: [500] };
    expect(parse(base)).to.equal(true);
    expect(parse({ ...base, bins: 2, quantilesMilli: [1, 999] })).to.equal(true);
    expect(parse({ ...base, bins: 50 })).to.equal(true);
    for (const bad of [
      { bins: 1 },
      { bins: 51 },
      { quantilesMilli: [] },
      { quantilesMilli: [0] },
      { quantilesMilli: [1000] },
      { quantilesMilli: [500, 250] },
      { quantilesMilli: [500, 500] },
      { quantilesMilli: [100, 200, 300, 400, 500, 600, 700, 800, 900, 950] },
      { upper: 0 },
      { lower: 100, upper: 0 },
    ]) {
      expect(parse({ ...base, ...bad }), JSON.stringify(bad)).to.equal(false);
    }
  });

  it('refuses a query whose answers would carry more than 6,000 noisy numbers, and accepts one just under', async () => {
    const peer = await trendWorld(100_000);
    const weekly = { from: '2029-01-01', to: '2029-12-31', interval: 'week' };
    // 53 weeks × 4 sexes = 212 cells: 28 bins make 5,936 numbers, 29 bins 6,148.
    const statistic = (bins: number): object => ({
      kind: 'quantiles',
      concept: OBSERVATION,
      lower: 0,
      upper: 100,
      bins,
      quantilesMilli: [500],
    });
    const error = await callFails(peer, who.r1, 'Trends:SubmitQuery', [
      quantileQuery({ window: weekly, strata: ['sex'], statistic: statistic(29) }),
    ]);
    expect([error.code, error.detail]).to.deep.equal([
      'MEDREC_INVALID_ARGUMENT',
      'query: 212 cells × 29 bins make 6148 noisy numbers per answer, more than 6000; use fewer bins, a coarser ' +
        'interval (month or total), a shorter window, or fewer strata',
    ]);
    const query = await submit(peer, quantileQuery({ window: weekly, strata: ['sex'], statistic: statistic(28) }));
    expect(query.periods).to.equal(53);
  });

  it('takes a histogram in every counted cell: the asked bins, count its sum, countHalfWidth bins × its half-width', async () => {
    const peer = await trendWorld(1000);
    // ε = 1, one period: each bin's noise scale at least 1/1.
    const { queryId } = await submit(peer, quantileQuery());
    const cell = binned([], [4, 10, 15, 20], 2);
    const cases: [Record<string, unknown>, string][] = [
      [counted([], 49, 8), 'needs histogram and histogramHalfWidth'],
      [{ ...cell, histogramHalfWidth: undefined }, 'needs histogram and histogramHalfWidth'],
      [{ ...cell, histogram: ['4', '10', '15'], count: '29' }, 'histogram has 3 bins; the query asks for 4'],
      [{ ...cell, count: '50' }, 'count 50 is not the sum of the histogram'],
      [{ ...cell, countHalfWidth: 2 }, 'countHalfWidth must be bins × histogramHalfWidth = 8'],
      [{ ...cell, sum: '10', sumHalfWidth: 1 }, 'sum and sumHalfWidth belong to mean queries only'],
    ];
    for (const [bad, text] of cases) {
      expect(await refusedDetail(peer, answer(queryId, [bad]))).to.contain(text);
    }
    expect(await refusedDetail(peer, answer(queryId, [cell], { countScale: '99/100' }))).to.contain(
      'answer.countScale: under-noised',
    );
    await call(peer, who.gk1, 'Trends:SubmitAnswer', [answer(queryId, [cell])]);
    // A count query takes no histogram.
    const count = await submit(peer, countQuery());
    const withHistogram = { ...counted([], 49, 8), histogram: ['49'], histogramHalfWidth: 8 };
    expect(await refusedDetail(peer, answer(count.queryId, [withHistogram]))).to.contain(
      'histogram and histogramHalfWidth belong to quantile queries only',
    );
  });

  it('the scale of every bin grows with the periods: P/ε (a patient is in one bin per period)', async () => {
    const peer = await trendWorld(1000);
    const window = { from: '2029-01-01', to: '2029-03-31', interval: 'month' };
    const { queryId } = await submit(peer, quantileQuery({ window, epsilonMilli: 2000 }));
    const cells = [0, 1, 2].map((period) => ({ ...binned([], [5, 5, 5, 5], 3), period }));
    expect(await refusedDetail(peer, answer(queryId, cells, { countScale: '149/100' }))).to.contain(
      'is below the required 3/2',
    );
    await call(peer, who.gk1, 'Trends:SubmitAnswer', [answer(queryId, cells, { countScale: '3/2' })]);
  });

  it('combines bin by bin and reads the quantiles with intervals from hand-computed numbers', async () => {
    const peer = await trendWorld(1000);
    const { queryId } = await submit(peer, quantileQuery({ strata: ['sex'] }));
    const others = (sex: string[]): Record<string, unknown>[] => sex.map((s) => suppressed([s]));
    await call(peer, who.gk1, 'Trends:SubmitAnswer', [
      answer(queryId, [binned(['female'], [4, 10, 15, 20], 2), suppressed(['male']), ...others(['other', 'unknown'])]),
    ]);
    await call(peer, who.gk2, 'Trends:SubmitAnswer', [
      answer(queryId, [binned(['female'], [6, 10, 15, 20], 3), suppressed(['male']), ...others(['other', 'unknown'])]),
    ]);
    const result = await call<{ cells: Record<string, unknown>[] }>(peer, who.r1, 'Trends:GetResult', [queryId]);
    // Combined: [10, 20, 30, 40], half-width 5 per bin; N = 100.
    // q = 0.25: C reaches 25 in bin 1, 1 + 15/20 = 1.75 bins = 43.75; possible from bin 1 (3·40 ≥ 60), certain at
    //   bin 2 (3·45 ≥ 45): [25, 75].  q = 0.5: bin 2, 2 + 20/30 bins = 66.667; possible and certain at bin 2: [50, 75].
    expect(result.cells[0]).to.deep.equal({
      period: 0,
      strata: ['female'],
      suppressedBy: [],
      count: '100',
      countInterval: ['80', '120'],
      histogram: ['10', '20', '30', '40'],
      quantiles: [
        { probability: '0.250', value: '43.750', interval: ['25.000', '75.000'] },
        { probability: '0.500', value: '66.667', interval: ['50.000', '75.000'] },
      ],
    });
    expect(result.cells[1]).to.deep.equal({
      period: 0,
      strata: ['male'],
      suppressedBy: [H1, H2],
      count: null,
      countInterval: null,
      histogram: null,
      quantiles: [
        { probability: '0.250', value: null, interval: null },
        { probability: '0.500', value: null, interval: null },
      ],
    });
  });
});

describe('Trends: quantiles from a noisy histogram', () => {
  const bounds = { lower: 0n, upper: 100n };

  it('reads negative noisy bins as empty, and states nothing when no patient may be left', () => {
    const [median] = quantileEstimates({ ...bounds, histogram: [-3n, 10n, -2n, 10n], halfWidth: 0n }, [500]);
    // [0, 10, 0, 10]: the median is the end of bin 1 (C = 10 of 20) = 50.
    expect(median).to.deep.equal({ probability: '0.500', value: '50.000', interval: ['25.000', '50.000'] });
    const [empty] = quantileEstimates({ ...bounds, histogram: [-3n, 0n, -1n, 0n], halfWidth: 0n }, [500]);
    expect(empty).to.deep.equal({ probability: '0.500', value: null, interval: null });
    // Bins of 2 ± 2: every bin may be empty, so no interval, though the noisy bins give a value.
    const [vague] = quantileEstimates({ ...bounds, histogram: [2n, 2n, 2n, 2n], halfWidth: 2n }, [500]);
    expect(vague).to.deep.equal({ probability: '0.500', value: '50.000', interval: null });
  });

  it('uneven bin edges round outwards: [-7, 3] in 3 bins', () => {
    const [q] = quantileEstimates({ lower: -7n, upper: 3n, histogram: [0n, 30n, 0n], halfWidth: 0n }, [100]);
    // Bin 1 is [-3.666.., -0.333..], rounded outwards; the value is 1 + 3/30 bins = -7 + 11/3 = -3.333...
    expect(q).to.deep.equal({ probability: '0.100', value: '-3.333', interval: ['-3.667', '-0.333'] });
  });

  it('the interval holds the true quantile whenever every bin is within its half-width (10,000 random cases)', () => {
    // A fixed-seed PRNG (mulberry32) only picks test cases; nothing here is noise for a real answer.
    let seed = 20261201;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const int = (n: number): number => Math.floor(random() * n);
    let checked = 0;
    for (let round = 0; round < 10_000; round++) {
      const bins = 2 + int(12);
      const truth = Array.from({ length: bins }, () => BigInt(int(4) === 0 ? 0 : int(60)));
      const total = truth.reduce((a, b) => a + b, 0n);
      if (total === 0n) continue;
      const halfWidth = BigInt(int(15));
      // Any noise within the half-width, including the worst case at either edge.
      const noisy = truth.map((n) => n + BigInt(int(2 * Number(halfWidth) + 1)) - halfWidth);
      const milli = 1 + int(999);
      const [estimate] = quantileEstimates({ lower: -50n, upper: 250n, histogram: noisy, halfWidth }, [milli]);
      if (estimate?.interval === null || estimate === undefined) continue;
      // The true quantile's bin: the first whose cumulative count reaches q·N.
      let cumulative = 0n;
      const bin = truth.findIndex((n) => {
        cumulative += n;
        return 1000n * cumulative >= BigInt(milli) * total;
      });
      const from = -50 + (300 * bin) / bins;
      const to = -50 + (300 * (bin + 1)) / bins;
      const [low, high] = estimate.interval.map(Number) as [number, number];
      expect(low, `round ${round}`).to.be.at.most(from + 1e-9);
      expect(high, `round ${round}`).to.be.at.least(to - 1e-9);
      // The point estimate reads a histogram within the bounds too, so it lies inside.
      expect(Number(estimate.value)).to.be.within(low, high);
      checked++;
    }
    expect(checked).to.be.above(8000);
  });
});
