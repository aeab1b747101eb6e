import { cellId, queryGrid, type ResultCell, type TrendAnswer, type TrendQuery } from '@medrec/contract';
import { divide, formatThousandths } from './exact-decimal';
import { quantileEstimates } from './quantiles';

/**
 * Combining the custodians' answers: BigInt arithmetic only, so that every endorsing peer computes the same bytes.
 *
 * Per cell, over the custodians that answered it: the counts (and for a mean query the sums) of those that did not
 * suppress it are added, and so are their noise half-widths. Each custodian's half-width holds at confidence
 * 1 − 0.05 / (custodians × statistics), so by the union bound every interval of the result holds at 95 %.
 */
export function combineCells(query: TrendQuery, answers: readonly TrendAnswer[]): ResultCell[] {
  const byCustodian = answers.map((answer) => ({
    mspId: answer.custodianMsp,
    cells: new Map(answer.cells.map((cell) => [cellId(cell), cell])),
  }));
  const { statistic } = query.spec;
  return queryGrid(query.spec, query.custodians).map((key) => {
    const id = cellId(key);
    const answered = byCustodian.flatMap(({ mspId, cells }) => {
      const cell = cells.get(id);
      return cell === undefined ? [] : [{ mspId, cell }];
    });
    const suppressedBy = answered.filter(({ cell }) => cell.suppressed).map(({ mspId }) => mspId);
    const counted = answered.flatMap(({ cell }) => (cell.suppressed ? [] : [cell]));
    const cellKey = { period: key.period, strata: key.strata, suppressedBy };
    const noMean = statistic.kind === 'mean' ? { mean: null, meanInterval: null } : {};
    const noQuantiles =
      statistic.kind === 'quantiles'
        ? {
            histogram: null,
            quantiles: statistic.quantilesMilli.map((milli) => ({
              probability: formatThousandths(BigInt(milli)),
              value: null,
              interval: null,
            })),
          }
        : {};
    if (counted.length === 0) {
      return { ...cellKey, count: null, countInterval: null, ...noMean, ...noQuantiles };
    }
    const count = sum(counted, (cell) => BigInt(cell.count));
    const countHalfWidth = sum(counted, (cell) => BigInt(cell.countHalfWidth));
    const counts = {
      count: count.toString(),
      countInterval: [(count - countHalfWidth).toString(), (count + countHalfWidth).toString()] as [string, string],
    };
    if (statistic.kind === 'count') {
      return { ...cellKey, ...counts };
    }
    if (statistic.kind === 'quantiles') {
      const histogram = Array.from({ length: statistic.bins }, (_, bin) =>
        sum(counted, (cell) => BigInt(cell.histogram?.[bin] ?? '0')),
      );
      const quantiles = quantileEstimates(
        {
          lower: BigInt(statistic.lower),
          upper: BigInt(statistic.upper),
          histogram,
          halfWidth: sum(counted, (cell) => BigInt(cell.histogramHalfWidth ?? 0)),
        },
        statistic.quantilesMilli,
      );
      return { ...cellKey, ...counts, histogram: histogram.map(String), quantiles };
    }
    const mean = meanOf(
      { lower: BigInt(statistic.lower), upper: BigInt(statistic.upper) },
      {
        sum: sum(counted, (cell) => BigInt(cell.sum ?? '0')),
        sumHalfWidth: sum(counted, (cell) => BigInt(cell.sumHalfWidth ?? 0)),
        count,
        countHalfWidth,
      },
    );
    return { ...cellKey, ...counts, ...mean };
  });
}

function sum<T>(items: readonly T[], value: (item: T) => bigint): bigint {
  return items.reduce((total, item) => total + value(item), 0n);
}

export interface MeanInputs {
  /** S: Σ noisy sums of the values offset by the lower bound. */
  sum: bigint;
  sumHalfWidth: bigint;
  /** C: Σ noisy counts. */
  count: bigint;
  countHalfWidth: bigint;
}

/**
 * mean = lower + S/C (C > 0), three decimals rounded half away from zero; the interval
 * [lower + max(0, S − hS)/(C + hC), lower + (S + hS)/(C − hC)], the low end rounded down and the high end up,
 * clamped to [lower, upper]; no interval when C − hC <= 0 (the count's interval reaches zero).
 */
export function meanOf(
  bounds: { lower: bigint; upper: bigint },
  inputs: MeanInputs,
): { mean: string | null; meanInterval: [string, string] | null } {
  const lower = bounds.lower * 1000n;
  const upper = bounds.upper * 1000n;
  const { sum: s, sumHalfWidth: hs, count: c, countHalfWidth: hc } = inputs;
  const mean = c > 0n ? formatThousandths(lower + divide(s * 1000n, c, 'half-away')) : null;
  if (c - hc <= 0n) {
    return { mean, meanInterval: null };
  }
  const clamp = (value: bigint): bigint => (value < lower ? lower : value > upper ? upper : value);
  const low = clamp(lower + divide((s - hs > 0n ? s - hs : 0n) * 1000n, c + hc, 'floor'));
  const high = clamp(lower + divide((s + hs) * 1000n, c - hc, 'ceil'));
  return { mean, meanInterval: [formatThousandths(low), formatThousandths(high)] };
}

/**
 * The escrowed price, split: each custodian's equal integer share goes to those that answered; what is left (the
 * rounding, and the shares of custodians that did not answer) goes back to the researcher's organisation.
 */
export function payouts(
  query: Pick<TrendQuery, 'price' | 'custodians'>,
  answered: number,
): { share: bigint; refund: bigint } {
  const price = BigInt(query.price);
  const share = price / BigInt(query.custodians.length);
  return { share, refund: price - share * BigInt(answered) };
}
