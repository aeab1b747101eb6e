/**
 * What a trend query will cost before it is submitted, computed with the contract's own cell grid (as the chaincode
 * prices it: base price plus a price per cell), and what it leaves of the researcher's privacy budget and credits.
 */
import { queryGrid, type Stratum, type TrendSettings, type TrendWindow } from '@medrec/contract';

export interface TrendEstimate {
  readonly cells: number;
  readonly price: bigint;
  readonly balanceAfter: bigint;
  readonly budgetLeftMilli: number;
  readonly budgetAfterMilli: number;
  /** Why the ledger would refuse it, in words; empty when it can be submitted. */
  readonly blockers: readonly string[];
}

export function estimateTrendQuery(input: {
  readonly window: TrendWindow;
  readonly strata: readonly Stratum[];
  readonly epsilonMilli: number;
  /** Every organisation but the researcher's own answers (the ledger asks each custodian registered). */
  readonly custodians: readonly string[];
  readonly settings: Pick<TrendSettings, 'basePrice' | 'pricePerCell'>;
  readonly balance: string;
  readonly budget: { readonly budgetMilli: number; readonly spentMilli: number };
}): TrendEstimate {
  const cells = input.window.from <= input.window.to ? queryGrid(input, input.custodians).length : 0;
  const price = BigInt(input.settings.basePrice) + BigInt(input.settings.pricePerCell) * BigInt(cells);
  const balance = BigInt(input.balance);
  const budgetLeftMilli = input.budget.budgetMilli - input.budget.spentMilli;
  const blockers: string[] = [];
  if (cells === 0) blockers.push('the window ends before it starts');
  if (input.epsilonMilli < 1 || input.epsilonMilli > 10_000) blockers.push('ε must be between 0.001 and 10');
  if (input.epsilonMilli > budgetLeftMilli) {
    blockers.push(`ε ${formatEpsilon(input.epsilonMilli)} is more than the ${formatEpsilon(budgetLeftMilli)} left`);
  }
  if (price > balance)
    blockers.push(`the query costs ${price.toString()} credits; your organisation holds ${balance.toString()}`);
  return {
    cells,
    price,
    balanceAfter: balance - price,
    budgetLeftMilli,
    budgetAfterMilli: budgetLeftMilli - input.epsilonMilli,
    blockers,
  };
}

export function formatEpsilon(milli: number): string {
  return (milli / 1000).toString();
}
