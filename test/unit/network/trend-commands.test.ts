import { expect } from 'chai';
import type { TrendQuery, TrendResult } from '../../../sdk/src/chaincode-types';
import { renderTrendResult } from '../../../network/src/trend-commands';

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
