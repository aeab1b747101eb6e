import type { QuantileEstimate } from '@medrec/contract';
import { divide, formatThousandths } from './exact-decimal';

/**
 * Quantiles from a combined noisy histogram, in integer arithmetic only (every endorsing peer writes the same bytes).
 *
 * The histogram has `bins` equal bins over [lower, upper]; bin i holds the patients whose clamped value v has
 * floor((v − lower)·bins / (upper − lower)) = i (v = upper in the last bin), so bin i covers [e_i, e_{i+1}] with
 * e_i = lower + (upper − lower)·i / bins.
 *
 * Point estimate: negative noisy bins are read as 0 (post-processing), and the q-quantile is interpolated linearly
 * inside the first bin where the cumulative count reaches q·N: a noisy histogram read as a CDF, the flat (one-level)
 * case of the tree of noisy bin counts that Google's differential-privacy library reads quantiles from
 * (dpagg/quantiles.go). A flat histogram is what custodians can add up bin by bin.
 *
 * Interval: each bin's true count n_i lies in [max(0, h_i − w_i), h_i + w_i] for every bin at once with 95 %
 * (each custodian's per-bin half-width holds at 1 − 0.05 / (custodians × bins); union bound). The q-quantile is in
 * bin j or below exactly when (1 − q)·C_j ≥ q·R_j, with C_j the patients in bins 0..j and R_j those above. The
 * interval runs from the first bin where that is possible under the bounds ((1 − q)·max C_j ≥ q·min R_j) to the end
 * of the first bin where it is certain ((1 − q)·min C_j ≥ q·max R_j): the true quantile lies inside whenever every
 * bin's count is inside its bounds.
 */
export interface QuantileInputs {
  readonly lower: bigint;
  readonly upper: bigint;
  /** The combined noisy count of each bin. */
  readonly histogram: readonly bigint[];
  /** The combined half-width of each bin (the same for every bin). */
  readonly halfWidth: bigint;
}

export function quantileEstimates(inputs: QuantileInputs, quantilesMilli: readonly number[]): QuantileEstimate[] {
  return quantilesMilli.map((milli) => ({
    probability: formatThousandths(BigInt(milli)),
    value: pointEstimate(inputs, BigInt(milli)),
    interval: interval(inputs, BigInt(milli)),
  }));
}

/** lower + (upper − lower)·position / bins, in thousandths, for a position num/den in bin units. */
function valueAt(inputs: QuantileInputs, num: bigint, den: bigint, rounding: 'floor' | 'ceil' | 'half-away'): bigint {
  const bins = BigInt(inputs.histogram.length);
  const range = inputs.upper - inputs.lower;
  return inputs.lower * 1000n + divide(range * 1000n * num, den * bins, rounding);
}

function pointEstimate(inputs: QuantileInputs, milli: bigint): string | null {
  const bins = inputs.histogram.map((h) => (h > 0n ? h : 0n));
  const total = bins.reduce((sum, h) => sum + h, 0n);
  if (total === 0n) return null;
  // The first bin j whose cumulative count C_j reaches q·N, i.e. 1000·C_j ≥ milli·N.
  let before = 0n;
  for (const [j, h] of bins.entries()) {
    const through = before + h;
    if (1000n * through >= milli * total) {
      // Position j + (q·N − C_{j−1}) / h_j in bin units, as one fraction (h_j > 0 here: C_j > C_{j−1}).
      const num = 1000n * BigInt(j) * h + milli * total - 1000n * before;
      return formatThousandths(valueAt(inputs, num, 1000n * h, 'half-away'));
    }
    before = through;
  }
  // Unreachable: at the last bin C_j = N and 1000·N ≥ milli·N.
  return null;
}

function interval(inputs: QuantileInputs, milli: bigint): [string, string] | null {
  const { histogram, halfWidth } = inputs;
  const low = histogram.map((h) => (h - halfWidth > 0n ? h - halfWidth : 0n));
  const high = histogram.map((h) => (h + halfWidth > 0n ? h + halfWidth : 0n));
  // No patients at all is consistent with the bounds: the quantile is then undefined, so nothing can be stated.
  if (low.every((n) => n === 0n)) return null;
  const sum = (values: readonly bigint[]): bigint => values.reduce((total, n) => total + n, 0n);
  let lowBin: number | undefined;
  let highBin: number | undefined;
  for (let j = 0; j < histogram.length && highBin === undefined; j++) {
    const possible = (1000n - milli) * sum(high.slice(0, j + 1)) >= milli * sum(low.slice(j + 1));
    const certain = (1000n - milli) * sum(low.slice(0, j + 1)) >= milli * sum(high.slice(j + 1));
    if (possible && lowBin === undefined) lowBin = j;
    if (certain) highBin = j;
  }
  // The last bin is always certain (nothing above it), and certain implies possible.
  const from = BigInt(lowBin ?? 0);
  const to = BigInt(highBin ?? histogram.length - 1) + 1n;
  return [formatThousandths(valueAt(inputs, from, 1n, 'floor')), formatThousandths(valueAt(inputs, to, 1n, 'ceil'))];
}
