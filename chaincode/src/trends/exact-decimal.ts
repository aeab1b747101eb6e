/** Integer division and fixed-point formatting for the combined results: exact, so every peer writes the same bytes. */

export type Rounding = 'floor' | 'ceil' | 'half-away';

/** num / den rounded to an integer as asked; den must be positive. */
export function divide(num: bigint, den: bigint, rounding: Rounding): bigint {
  const quotient = num / den; // truncates toward zero
  const exact = num % den === 0n;
  switch (rounding) {
    case 'floor':
      return !exact && num < 0n ? quotient - 1n : quotient;
    case 'ceil':
      return !exact && num > 0n ? quotient + 1n : quotient;
    case 'half-away': {
      const magnitude = (2n * (num < 0n ? -num : num) + den) / (2n * den);
      return num < 0n ? -magnitude : magnitude;
    }
  }
}

/** An integer number of thousandths as a decimal string with three decimals: -1500n -> "-1.500". */
export function formatThousandths(value: bigint): string {
  const magnitude = value < 0n ? -value : value;
  const fraction = (magnitude % 1000n).toString().padStart(3, '0');
  return `${value < 0n ? '-' : ''}${(magnitude / 1000n).toString()}.${fraction}`;
}
