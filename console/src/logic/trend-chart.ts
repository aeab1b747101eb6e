/**
 * A combined trend result as chart rows: one row per period, one series per combination of strata, each value with
 * its 95 % interval, and the cells a custodian suppressed (fewer than k patients there) marked rather than hidden.
 */
import type { ResultCell, TrendResult } from '@medrec/contract';

export interface ChartPoint {
  readonly value: number | null;
  /** [value - low, high - value], as a chart's error bar takes it; null without an interval. */
  readonly error: readonly [number, number] | null;
  readonly interval: readonly [number, number] | null;
  /** The custodians that suppressed this cell; every custodian when value is null. */
  readonly suppressedBy: readonly string[];
}

export interface TrendChart {
  readonly series: readonly string[];
  /** rows[period][series] */
  readonly rows: readonly { readonly period: number; readonly points: Readonly<Record<string, ChartPoint>> }[];
  readonly measure: 'count' | 'mean';
}

function seriesOf(cell: ResultCell): string {
  return cell.strata.length === 0 ? 'all' : cell.strata.join(' / ');
}

function pointOf(cell: ResultCell, measure: 'count' | 'mean'): ChartPoint {
  const text = measure === 'mean' ? (cell.mean ?? null) : cell.count;
  const bounds = measure === 'mean' ? (cell.meanInterval ?? null) : cell.countInterval;
  const value = text === null ? null : Number(text);
  const interval = bounds === null ? null : ([Number(bounds[0]), Number(bounds[1])] as const);
  return {
    value,
    interval,
    error: value === null || interval === null ? null : [value - interval[0], interval[1] - value],
    suppressedBy: cell.suppressedBy,
  };
}

export function trendChart(result: Pick<TrendResult, 'cells'>, measure: 'count' | 'mean'): TrendChart {
  const series = [...new Set(result.cells.map(seriesOf))];
  const periods = [...new Set(result.cells.map((c) => c.period))].sort((a, b) => a - b);
  const rows = periods.map((period) => ({
    period,
    points: Object.fromEntries(
      result.cells.filter((c) => c.period === period).map((c) => [seriesOf(c), pointOf(c, measure)]),
    ),
  }));
  return { series, rows, measure };
}
