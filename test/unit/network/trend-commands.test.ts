import { expect } from 'chai';
import type { TrendQuery, TrendResult } from '../../../sdk/src/chaincode-types';
import { quantilesOption, renderTrendResult } from '../../../network/src/trend-commands';

const query = {
  queryId: 'a'.repeat(64),
  spec: {
    statistic: { kind: 'mean', concept: { system: 'http://loinc.org', code: '2498-4' }, lower: 0, upper: 300 },
    window: { from: '2026-03-02', to: '2026-03-15', interval: 'week' },
    strata: [],
    epsilonMilli: 2000,
  },
} as unknown as TrendQuery;

describe('medrec trends result: the table a researcher reads', function () {
  it('shows each period with its estimates and intervals, marks suppressed cells and missing custodians', function () {
    const result = {
      queryId: query.queryId,
      answeredBy: ['Hospital1MSP'],
      missing: ['Hospital2MSP'],
      confidence: '0.95',
      reason: 'deadline',
      cells: [
        {
          period: 0,
          strata: [],
          suppressedBy: [],
          count: '120',
          countInterval: ['110', '130'],
          mean: '101.250',
          meanInterval: ['90.000', '112.500'],
        },
        {
          period: 1,
          strata: [],
          suppressedBy: ['Hospital1MSP'],
          count: null,
          countInterval: null,
          mean: null,
          meanInterval: null,
        },
      ],
    } as unknown as TrendResult;
    const text = renderTrendResult(query, result);
    expect(text).to.contain('combined at the deadline');
    expect(text).to.contain('missing Hospital2MSP');
    expect(text).to.contain('intervals: 95 %');
    expect(text).to.contain('2026-03-02..2026-03-09\t120\t[110, 130]\t101.250\t[90.000, 112.500]');
    expect(text).to.contain('2026-03-09..2026-03-16\t-\t-\t-\t-\tsuppressed by Hospital1MSP (fewer than k)');
  });
});

describe('medrec trends query --kind quantiles', function () {
  it('reads probabilities as fractions or percentages, ascending, each once', function () {
    expect(quantilesOption('0.25,0.5,.75')).to.deep.equal([250, 500, 750]);
    expect(quantilesOption('50%, 90%,99.9%')).to.deep.equal([500, 900, 999]);
    for (const bad of ['0.5,0.25', '0.5,0.5', '0', '1', '0.0001', '100%', 'median', '']) {
      expect(() => quantilesOption(bad), bad).to.throw(/--quantiles/);
    }
  });

  it('shows each quantile with its interval beside the count', function () {
    const quantileQuery = {
      ...query,
      spec: {
        ...query.spec,
        statistic: {
          kind: 'quantiles',
          concept: { system: 'http://loinc.org', code: '2498-4' },
          lower: 0,
          upper: 300,
          bins: 20,
          quantilesMilli: [500, 900],
        },
        window: { from: '2026-03-02', to: '2026-03-08', interval: 'total' },
      },
    } as unknown as TrendQuery;
    const result = {
      queryId: query.queryId,
      answeredBy: ['Hospital1MSP', 'Hospital2MSP'],
      missing: [],
      confidence: '0.95',
      reason: 'all-answered',
      cells: [
        {
          period: 0,
          strata: [],
          suppressedBy: [],
          count: '240',
          countInterval: ['200', '280'],
          histogram: [],
          quantiles: [
            { probability: '0.500', value: '110.125', interval: ['90.000', '135.000'] },
            { probability: '0.900', value: null, interval: null },
          ],
        },
      ],
    } as unknown as TrendResult;
    const text = renderTrendResult(quantileQuery, result);
    expect(text).to.contain('period\tcount\tcount interval\tq0.5\tq0.5 interval\tq0.9\tq0.9 interval\tnote');
    expect(text).to.contain('2026-03-02..2026-03-09\t240\t[200, 280]\t110.125\t[90.000, 135.000]\t-\t-\t');
  });
});
