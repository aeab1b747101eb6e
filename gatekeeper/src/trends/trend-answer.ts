/**
 * A custodian's answer to a trend query: its true totals with exact discrete Laplace noise at (at least) the scales
 * the query requires, each cell suppressed when its noisy count is under k. Suppression is decided on the noisy
 * count, never the true one, so that it is post-processing of a DP output and leaks nothing more.
 */
import {
  answerConfidence,
  formatRatio,
  requiredScales,
  statisticsPerCell,
  type AnswerCell,
  type CellKey,
  type Ratio,
  type TrendAnswerInput,
} from '@medrec/contract';
import { discreteLaplaceHalfWidth, sampleDiscreteLaplace } from './discrete-noise';
import type { RandomSource } from './random-source';
import type { CellTotals, QuerySpec } from './trend-statistics';

export interface AnswerOptions {
  readonly queryId: string;
  readonly spec: QuerySpec;
  /** How many custodians the query asks (the union bound of the combined interval divides by it). */
  readonly custodianCount: number;
  readonly k: number;
  readonly totals: readonly CellTotals[];
  readonly rng: RandomSource;
}

export function noisyAnswer(options: Readonly<AnswerOptions>): TrendAnswerInput {
  const { spec, rng } = options;
  const scales = requiredScales(spec);
  const confidence = answerConfidence(options.custodianCount, statisticsPerCell(spec.statistic));
  const countHalfWidth = Number(discreteLaplaceHalfWidth(scales.count, confidence));
  const sumHalfWidth = scales.sum === undefined ? undefined : Number(discreteLaplaceHalfWidth(scales.sum, confidence));
  const cells: AnswerCell[] = options.totals.map(({ cell, count, sum, histogram }) => {
    if (spec.statistic.kind === 'quantiles') {
      return histogramCell(cell, histogram, { scale: scales.count, halfWidth: countHalfWidth, k: options.k, rng });
    }
    const noisyCount = count + sampleDiscreteLaplace(scales.count, rng);
    // The sum's noise is drawn whatever the count says, so that the number of draws reveals nothing either.
    const noisySum = scales.sum === undefined ? undefined : sum + sampleDiscreteLaplace(scales.sum, rng);
    if (noisyCount < BigInt(options.k)) return { ...cell, suppressed: true };
    return {
      ...cell,
      suppressed: false,
      count: noisyCount.toString(),
      countHalfWidth,
      ...(noisySum === undefined || sumHalfWidth === undefined ? {} : { sum: noisySum.toString(), sumHalfWidth }),
    };
  });
  return {
    queryId: options.queryId,
    cells,
    mechanism: 'discrete-laplace',
    countScale: formatRatio(scales.count),
    ...(scales.sum === undefined ? {} : { sumScale: formatRatio(scales.sum) }),
  };
}

/**
 * A quantile query's cell: every bin gets its own noise (the histogram is the released statistic); the count is the
 * sum of the noisy bins, so that suppression, decided on it, stays post-processing.
 */
function histogramCell(
  cell: CellKey,
  histogram: readonly bigint[],
  noise: Readonly<{ scale: Ratio; halfWidth: number; k: number; rng: RandomSource }>,
): AnswerCell {
  const noisy = histogram.map((bin) => bin + sampleDiscreteLaplace(noise.scale, noise.rng));
  const count = noisy.reduce((total, bin) => total + bin, 0n);
  if (count < BigInt(noise.k)) return { ...cell, suppressed: true };
  return {
    ...cell,
    suppressed: false,
    count: count.toString(),
    countHalfWidth: noise.halfWidth * histogram.length,
    histogram: noisy.map(String),
    histogramHalfWidth: noise.halfWidth,
  };
}
