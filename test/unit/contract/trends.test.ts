import { expect } from 'chai';
import {
  answerConfidence,
  cellId,
  epsilonMilliOf,
  periodsOf,
  queryGrid,
  trendQueryInputSchema,
} from '../../../contract/src/trends';

describe('contract: trend query rules shared by chaincode, responder, API and CLI', function () {
  it('cuts a window into weeks from its first day, calendar months, or one total period; the last one is cut short', function () {
    expect(periodsOf({ from: '2026-03-02', to: '2026-03-17', interval: 'week' })).to.deep.equal([
      { start: '2026-03-02', end: '2026-03-09' },
      { start: '2026-03-09', end: '2026-03-16' },
      { start: '2026-03-16', end: '2026-03-18' },
    ]);
    expect(periodsOf({ from: '2026-01-15', to: '2026-03-01', interval: 'month' })).to.deep.equal([
      { start: '2026-01-15', end: '2026-02-01' },
      { start: '2026-02-01', end: '2026-03-01' },
      { start: '2026-03-01', end: '2026-03-02' },
    ]);
    expect(periodsOf({ from: '2026-01-15', to: '2026-01-15', interval: 'total' })).to.deep.equal([
      { start: '2026-01-15', end: '2026-01-16' },
    ]);
  });

  it('enumerates the grid, and one custodian answers only its own column of the custodian stratum', function () {
    const spec = {
      window: { from: '2026-03-02', to: '2026-03-15', interval: 'week' as const },
      strata: ['custodian' as const],
    };
    expect(queryGrid(spec, ['H1', 'H2']).map(cellId)).to.deep.equal(['0|H1', '0|H2', '1|H1', '1|H2']);
    expect(queryGrid(spec, ['H1', 'H2'], 'H2').map(cellId)).to.deep.equal(['0|H2', '1|H2']);
    expect(queryGrid({ ...spec, strata: ['sex'] }, ['H1'], 'H1')).to.have.length(2 * 4);
  });

  it('divides the 5 % miss probability over custodians and statistics', function () {
    expect(answerConfidence(2, 1)).to.deep.equal({ num: 39n, den: 40n });
    expect(answerConfidence(2, 2)).to.deep.equal({ num: 79n, den: 80n });
    expect(answerConfidence(0, 1)).to.deep.equal({ num: 19n, den: 20n });
  });

  it('reads epsilon as people write it, in thousandths, and nothing else', function () {
    expect(epsilonMilliOf('0.5')).to.equal(500);
    expect(epsilonMilliOf('2')).to.equal(2000);
    expect(epsilonMilliOf('0.125')).to.equal(125);
    expect(epsilonMilliOf('10')).to.equal(10_000);
    for (const bad of ['0', '0.0001', '10.001', '11', '-1', '1e-3', 'abc', '']) {
      expect(epsilonMilliOf(bad), bad).to.equal(undefined);
    }
  });

  it('refuses a window that ends before it starts or spans more than a year', function () {
    const base = {
      statistic: { kind: 'count', concept: { system: 'http://loinc.org', code: '2498-4' } },
      epsilonMilli: 100,
    };
    expect(
      trendQueryInputSchema.safeParse({ ...base, window: { from: '2026-03-02', to: '2026-03-01', interval: 'week' } })
        .success,
    ).to.equal(false);
    expect(
      trendQueryInputSchema.safeParse({ ...base, window: { from: '2025-01-01', to: '2026-01-07', interval: 'week' } })
        .success,
    ).to.equal(false);
    const ok = trendQueryInputSchema.safeParse({
      ...base,
      window: { from: '2025-01-01', to: '2025-12-31', interval: 'week' },
    });
    expect(ok.success && ok.data.strata).to.deep.equal([]);
    expect(
      trendQueryInputSchema.safeParse({
        ...base,
        window: { from: '2025-01-01', to: '2025-01-31', interval: 'week' },
        strata: ['sex', 'sex'],
      }).success,
    ).to.equal(false);
  });
});
