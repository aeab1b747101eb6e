import { expect } from 'chai';
import { answerConfidence, cellId, formatRatio, requiredScales, type TrendQuerySpec } from '../../../contract/src';
import { discreteLaplaceHalfWidth } from '../../../gatekeeper/src/trends/discrete-noise';
import { noisyAnswer } from '../../../gatekeeper/src/trends/trend-answer';
import { binOf, trendTotals, type TrendRecord } from '../../../gatekeeper/src/trends/trend-statistics';
import { seededRandomSource } from './support/seeded-random-source';

const LOINC = 'http://loinc.org' as const;
const ICD = 'http://hl7.org/fhir/sid/icd-10' as const;
const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';

let seq = 0;
function observation(patientId: string, day: string, value: number, code = '2498-4'): TrendRecord {
  seq += 1;
  return {
    recordId: `rec-${String(seq)}`,
    patientId,
    storedAt: new Date('2026-01-01T00:00:00Z'),
    supersedes: undefined,
    resourceJson: JSON.stringify({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: LOINC, code }] },
      subject: { reference: `Patient/${patientId}` },
      effectiveDateTime: `${day}T09:00:00Z`,
      valueQuantity: { value, unit: 'ug/dL' },
    }),
  };
}

function condition(patientId: string, day: string, code = 'E11'): TrendRecord {
  seq += 1;
  return {
    recordId: `rec-${String(seq)}`,
    patientId,
    storedAt: new Date('2026-01-01T00:00:00Z'),
    supersedes: undefined,
    resourceJson: JSON.stringify({
      resourceType: 'Condition',
      code: { coding: [{ system: ICD, code }] },
      subject: { reference: `Patient/${patientId}` },
      onsetDateTime: day,
    }),
  };
}

const weekly = { from: '2026-03-02', to: '2026-03-15', interval: 'week' } as const;

function countSpec(strata: TrendQuerySpec['strata'] = []): TrendQuerySpec {
  return {
    statistic: { kind: 'count', concept: { system: ICD, code: 'E11' } },
    window: weekly,
    strata,
    epsilonMilli: 1000,
  };
}

const meanSpec: TrendQuerySpec = {
  statistic: { kind: 'mean', concept: { system: LOINC, code: '2498-4' }, lower: 0, upper: 300 },
  window: weekly,
  strata: [],
  epsilonMilli: 2000,
};

const byCell = (totals: ReturnType<typeof trendTotals>): Record<string, [string, string]> =>
  Object.fromEntries(totals.map((t) => [cellId(t.cell), [t.count.toString(), t.sum.toString()]]));

describe('trend statistics at the custodian (true values, never sent)', function () {
  it('counts new cases once, in the period of the earliest finding, and zeros for empty cells', function () {
    const records = [
      condition('p1', '2026-03-03'),
      condition('p1', '2026-03-10'), // the same patient again: not a new case
      condition('p2', '2026-03-09'),
      condition('p3', '2026-02-20'), // first found before the window: not new in it
      condition('p3', '2026-03-04'),
      condition('p4', '2026-03-05', 'I10'), // another code
    ];
    const totals = trendTotals({ spec: countSpec(), custodians: [H1], custodianMsp: H1, records, optedOut: new Set() });
    expect(byCell(totals)).to.deep.equal({ '0': ['1', '0'], '1': ['1', '0'] });
  });

  it('leaves out opted-out patients and replaced versions, and a superseding version counts', function () {
    const old = condition('p5', '2026-03-03');
    const replacement = { ...condition('p5', '2026-03-03', 'I10'), supersedes: old.recordId };
    const records = [condition('p1', '2026-03-03'), condition('p2', '2026-03-03'), old, replacement];
    const totals = trendTotals({
      spec: countSpec(),
      custodians: [H1],
      custodianMsp: H1,
      records,
      optedOut: new Set(['p2']),
    });
    expect(byCell(totals)['0']).to.deep.equal(['1', '0']);
  });

  it('averages each patient per period, clamps to the bounds, and offsets the sum by the lower bound', function () {
    const spec: TrendQuerySpec = {
      ...meanSpec,
      statistic: { kind: 'mean', concept: { system: LOINC, code: '2498-4' }, lower: 50, upper: 200 },
    };
    const records = [
      observation('p1', '2026-03-02', 100),
      observation('p1', '2026-03-03', 120), // p1 week 0: mean 110
      observation('p2', '2026-03-04', 400), // clamped to 200
      observation('p3', '2026-03-10', 10), // week 1: clamped to 50 -> 0 after the offset
      observation('p3', '2026-03-11', 60, '2345-7'), // another code
    ];
    const totals = trendTotals({ spec, custodians: [H1], custodianMsp: H1, records, optedOut: new Set() });
    expect(byCell(totals)).to.deep.equal({ '0': ['2', String(110 - 50 + (200 - 50))], '1': ['1', '0'] });
  });

  it('answers only its own custodian column, and strata it cannot know are unknown', function () {
    const records = [condition('p1', '2026-03-03')];
    const totals = trendTotals({
      spec: { ...countSpec(['custodian', 'sex']), window: { ...weekly, interval: 'total' } },
      custodians: [H1, H2],
      custodianMsp: H2,
      records,
      optedOut: new Set(),
    });
    expect(totals.map((t) => cellId(t.cell))).to.deep.equal([
      `0|${H2}|female`,
      `0|${H2}|male`,
      `0|${H2}|other`,
      `0|${H2}|unknown`,
    ]);
    expect(byCell(totals)[`0|${H2}|unknown`]).to.deep.equal(['1', '0']);
  });

  it('puts a patient in the age band of the period start and the sex the custodian knows', function () {
    const records = [condition('p1', '2026-03-03'), condition('p2', '2026-03-03')];
    const totals = trendTotals({
      spec: { ...countSpec(['ageBand', 'sex']), window: { ...weekly, interval: 'total' } },
      custodians: [H1],
      custodianMsp: H1,
      records,
      optedOut: new Set(),
      demographicsOf: (id) =>
        id === 'p1' ? { birthDate: '2008-03-03', sex: 'female' } : { birthDate: '1950-01-01', sex: 'male' },
    });
    const counts = byCell(totals);
    // p1 turns 18 on 2026-03-03, after the period's start (03-02): still 0-17.
    expect(counts['0|0-17|female']).to.deep.equal(['1', '0']);
    expect(counts['0|65+|male']).to.deep.equal(['1', '0']);
    expect(Object.values(counts).filter(([count]) => count !== '0')).to.have.length(2);
  });
});

describe('trend answers: exact discrete Laplace noise, suppression on the noisy count', function () {
  const totalsOf = (count: number, sum = 0): ReturnType<typeof trendTotals> => [
    { cell: { period: 0, strata: [] }, count: BigInt(count), sum: BigInt(sum), histogram: [] },
    { cell: { period: 1, strata: [] }, count: BigInt(count), sum: BigInt(sum), histogram: [] },
  ];

  it('declares the scales the query requires and draws noise (seeded here only)', function () {
    const answer = noisyAnswer({
      queryId: 'a'.repeat(64),
      spec: meanSpec,
      custodianCount: 2,
      k: 10,
      totals: totalsOf(1000, 150_000),
      rng: seededRandomSource('answer-1'),
    });
    const scales = requiredScales(meanSpec);
    expect(answer.countScale).to.equal(formatRatio(scales.count));
    expect(answer.sumScale).to.equal(formatRatio(scales.sum ?? { num: 0n, den: 1n }));
    expect(answer.mechanism).to.equal('discrete-laplace');
    const cells = answer.cells.flatMap((c) => (c.suppressed ? [] : [c]));
    expect(cells).to.have.length(2);
    // Two weeks at epsilon 2: count t = 2, sum t = 600; noise is there (not both zero) and within the stated width.
    for (const cell of cells) {
      expect(Math.abs(Number(cell.count) - 1000)).to.be.at.most(cell.countHalfWidth);
      expect(Math.abs(Number(cell.sum) - 150_000)).to.be.at.most(cell.sumHalfWidth ?? 0);
    }
    expect(cells.some((c) => c.count !== '1000' || c.sum !== '150000')).to.equal(true);
  });

  it('suppresses cells whose noisy count is under k, and keeps the ones far above it', function () {
    const few = noisyAnswer({
      queryId: 'b'.repeat(64),
      spec: countSpec(),
      custodianCount: 1,
      k: 10,
      totals: totalsOf(0),
      rng: seededRandomSource('answer-2'),
    });
    expect(few.cells.every((c) => c.suppressed)).to.equal(true);
    const many = noisyAnswer({
      queryId: 'b'.repeat(64),
      spec: countSpec(),
      custodianCount: 1,
      k: 10,
      totals: totalsOf(500),
      rng: seededRandomSource('answer-2'),
    });
    expect(many.cells.every((c) => !c.suppressed)).to.equal(true);
    expect(many.sumScale).to.equal(undefined);
    expect(many.cells.every((c) => !c.suppressed && c.sum === undefined)).to.equal(true);
  });

  it('widens each custodian interval with the number of custodians (union bound)', function () {
    const width = (custodianCount: number): number => {
      const [cell] = noisyAnswer({
        queryId: 'c'.repeat(64),
        spec: countSpec(),
        custodianCount,
        k: 2,
        totals: totalsOf(1000),
        rng: seededRandomSource('answer-3'),
      }).cells;
      return cell !== undefined && !cell.suppressed ? cell.countHalfWidth : -1;
    };
    expect(width(3)).to.be.above(width(1));
  });
});

describe('quantile queries at the custodian: a histogram of clamped per-patient values', function () {
  const quantileSpec: TrendQuerySpec = {
    statistic: {
      kind: 'quantiles',
      concept: { system: LOINC, code: '2498-4' },
      lower: 0,
      upper: 300,
      bins: 3,
      quantilesMilli: [500],
    },
    window: weekly,
    strata: [],
    epsilonMilli: 1000,
  };

  it('bins [lower, upper] in equal parts, the upper bound in the last bin, values outside clamped', function () {
    const bounds = { lower: -7, upper: 3, bins: 3 };
    expect([-100, -7, -3.67, -3.66, -0.34, -0.33, 2.99, 3, 50].map((v) => binOf(v, bounds))).to.deep.equal([
      0, 0, 0, 1, 1, 2, 2, 2, 2,
    ]);
  });

  it('puts each patient once per period, at the mean of their values there, into one bin', function () {
    const records = [
      observation('p1', '2026-03-02', 90),
      observation('p1', '2026-03-03', 110), // week 0: 100 -> bin 1 ([100, 200))
      observation('p2', '2026-03-04', 99.5), // bin 0
      observation('p3', '2026-03-05', 999), // clamped to 300 -> bin 2
      observation('p3', '2026-03-10', -5), // week 1: clamped to 0 -> bin 0
      observation('p4', '2026-03-10', 250, '2345-7'), // another code
    ];
    const totals = trendTotals({
      spec: quantileSpec,
      custodians: [H1],
      custodianMsp: H1,
      records,
      optedOut: new Set(),
    });
    expect(totals.map((t) => [t.count, t.histogram])).to.deep.equal([
      [3n, [1n, 1n, 1n]],
      [1n, [1n, 0n, 0n]],
    ]);
  });

  it('noises every bin at the required scale; the count is their sum, suppressed under k', function () {
    const totals = [
      { cell: { period: 0, strata: [] }, count: 60n, sum: 0n, histogram: [10n, 20n, 30n] },
      { cell: { period: 1, strata: [] }, count: 3n, sum: 0n, histogram: [1n, 1n, 1n] },
    ];
    const answer = noisyAnswer({
      queryId: 'd'.repeat(64),
      spec: quantileSpec,
      custodianCount: 2,
      k: 10,
      totals,
      rng: seededRandomSource('answer-4'),
    });
    const scale = requiredScales(quantileSpec).count;
    // Two weeks at epsilon 1: each bin's t = 2; the union bound covers 2 custodians × 3 bins.
    expect(answer.countScale).to.equal('2/1');
    expect(answer.sumScale).to.equal(undefined);
    const halfWidth = Number(discreteLaplaceHalfWidth(scale, answerConfidence(2, 3)));
    const [kept, few] = answer.cells;
    if (kept === undefined || kept.suppressed || kept.histogram === undefined) throw new Error('week 0 not answered');
    expect(kept.histogramHalfWidth).to.equal(halfWidth);
    expect(kept.countHalfWidth).to.equal(3 * halfWidth);
    expect(kept.histogram.reduce((sum, bin) => sum + BigInt(bin), 0n).toString()).to.equal(kept.count);
    kept.histogram.forEach((bin, i) => {
      expect(Math.abs(Number(bin) - [10, 20, 30][i]!)).to.be.at.most(halfWidth);
    });
    expect(kept.histogram).to.not.deep.equal(['10', '20', '30']);
    expect(few).to.deep.equal({ period: 1, strata: [], suppressed: true });
  });
});
