import {
  MAX_ANSWER_VALUES,
  MAX_CELLS,
  cellId,
  statisticsPerCell,
  formatRatio,
  parseRatio,
  queryGrid,
  ratioAtLeast,
  requiredScales,
  stratumValues,
  type AnswerCell,
  type CellKey,
  type TrendAnswerInput,
  type TrendQuery,
  type TrendQuerySpec,
} from '@medrec/contract';
import { invalidArgument } from '../common/errors';

/** periods × the product of the strata's sizes, without building the grid (for the MAX_CELLS check). */
export function cellCount(spec: TrendQuerySpec, periods: number, custodians: readonly string[]): number {
  return spec.strata.reduce((count, stratum) => count * stratumValues(stratum, custodians).length, periods);
}

/** The cells one custodian answers: all of them, or with the 'custodian' stratum only those naming it. */
function custodianGrid(query: TrendQuery, mspId: string): CellKey[] {
  return queryGrid(query.spec, query.custodians, mspId);
}

function describeCell(cell: Pick<CellKey, 'period' | 'strata'>): string {
  return `{period: ${cell.period}, strata: [${cell.strata.join(', ')}]}`;
}

/**
 * Checks that an answer covers exactly the custodian's grid, each cell once, with the fields its statistic needs.
 * Cells may come in any order.
 */
export function checkAnswerCells(query: TrendQuery, mspId: string, cells: readonly AnswerCell[]): void {
  const expected = new Map(custodianGrid(query, mspId).map((cell) => [cellId(cell), cell]));
  const custodianIndex = query.spec.strata.indexOf('custodian');
  const { statistic } = query.spec;
  const seen = new Set<string>();
  for (const [index, cell] of cells.entries()) {
    const at = `answer.cells[${index}]`;
    const id = cellId(cell);
    if (!expected.has(id)) {
      const named = custodianIndex < 0 ? undefined : cell.strata[custodianIndex];
      if (named !== undefined && named !== mspId && query.custodians.includes(named)) {
        throw invalidArgument(`${at}: a custodian answers only its own cells; its custodian value must be ${mspId}`);
      }
      throw invalidArgument(
        `${at}: ${describeCell(cell)} is not a cell of this query (periods 0-${query.periods - 1}, strata ` +
          `[${query.spec.strata.join(', ')}])`,
      );
    }
    if (seen.has(id)) {
      throw invalidArgument(`${at}: ${describeCell(cell)} appears twice`);
    }
    seen.add(id);
    if (!cell.suppressed) checkCellFields(statistic, cell, at);
  }
  const missing = [...expected].filter(([id]) => !seen.has(id)).map(([, cell]) => describeCell(cell));
  if (missing.length > 0) {
    throw invalidArgument(
      `answer.cells: ${missing.length} cell(s) of the query are missing, e.g. ${missing.slice(0, 3).join(', ')}`,
    );
  }
}

/** The fields an answered cell carries are exactly those its statistic needs, and a histogram adds up. */
function checkCellFields(
  statistic: TrendQuery['spec']['statistic'],
  cell: Extract<AnswerCell, { suppressed: false }>,
  at: string,
): void {
  const sums = [cell.sum, cell.sumHalfWidth].filter((field) => field !== undefined).length;
  const histograms = [cell.histogram, cell.histogramHalfWidth].filter((field) => field !== undefined).length;
  if (statistic.kind === 'mean' && sums < 2) {
    throw invalidArgument(`${at}: a mean query needs sum and sumHalfWidth in every cell that is not suppressed`);
  }
  if (statistic.kind !== 'mean' && sums > 0) {
    throw invalidArgument(`${at}: sum and sumHalfWidth belong to mean queries only`);
  }
  if (statistic.kind !== 'quantiles') {
    if (histograms > 0)
      throw invalidArgument(`${at}: histogram and histogramHalfWidth belong to quantile queries only`);
    return;
  }
  const { histogram, histogramHalfWidth } = cell;
  if (histogram === undefined || histogramHalfWidth === undefined) {
    throw invalidArgument(
      `${at}: a quantile query needs histogram and histogramHalfWidth in every cell that is not suppressed`,
    );
  }
  if (histogram.length !== statistic.bins) {
    throw invalidArgument(`${at}: histogram has ${histogram.length} bins; the query asks for ${statistic.bins}`);
  }
  // count and its half-width are derived from the histogram; a custodian may not state others.
  const total = histogram.reduce((sum, bin) => sum + BigInt(bin), 0n);
  if (BigInt(cell.count) !== total) {
    throw invalidArgument(`${at}: count ${cell.count} is not the sum of the histogram's bins (${total.toString()})`);
  }
  if (cell.countHalfWidth !== statistic.bins * histogramHalfWidth) {
    throw invalidArgument(
      `${at}: countHalfWidth must be bins × histogramHalfWidth = ${String(statistic.bins * histogramHalfWidth)}`,
    );
  }
}

/** The declared scales must be at least the required ones; sumScale is present exactly for mean queries. */
export function checkAnswerScales(query: TrendQuery, answer: Pick<TrendAnswerInput, 'countScale' | 'sumScale'>): void {
  // The contract's own rule (the responder computes its noise with the same function).
  const required = requiredScales(query.spec);
  const countScale = parseRatio(answer.countScale);
  if (countScale === undefined || !ratioAtLeast(countScale, required.count)) {
    throw invalidArgument(
      `answer.countScale: under-noised; ${answer.countScale} is below the required ${formatRatio(required.count)}`,
    );
  }
  if (required.sum === undefined) {
    if (answer.sumScale !== undefined) {
      throw invalidArgument('answer.sumScale: belongs to mean queries only');
    }
    return;
  }
  if (answer.sumScale === undefined) {
    throw invalidArgument(`answer.sumScale: a mean query needs it, at least ${formatRatio(required.sum)}`);
  }
  const sumScale = parseRatio(answer.sumScale);
  if (sumScale === undefined || !ratioAtLeast(sumScale, required.sum)) {
    throw invalidArgument(
      `answer.sumScale: under-noised; ${answer.sumScale} is below the required ${formatRatio(required.sum)}`,
    );
  }
}

/** How to shrink a query over MAX_CELLS, for the refusal message. */
export function shrinkAdvice(spec: TrendQuerySpec, periods: number, cells: number): string {
  const strata = spec.strata.length === 0 ? 'no strata' : `strata [${spec.strata.join(', ')}]`;
  const perCell = statisticsPerCell(spec.statistic);
  if (cells <= MAX_CELLS && spec.statistic.kind === 'quantiles') {
    return (
      `query: ${cells} cells × ${perCell} bins make ${cells * perCell} noisy numbers per answer, more than ` +
      `${MAX_ANSWER_VALUES}; use fewer bins, a coarser interval (month or total), a shorter window, or fewer strata`
    );
  }
  return (
    `query: ${periods} period(s) × ${strata} make ${cells} cells, more than ${MAX_CELLS}; use a coarser interval ` +
    `(month or total), a shorter window, or fewer strata`
  );
}
