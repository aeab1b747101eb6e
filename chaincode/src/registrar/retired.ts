import type { Organisation } from '@medrec/contract';

/** Has the organisation left the consortium? The one test of retirement, so every rule reads it the same way. */
export function isRetired(
  organisation: Organisation | undefined,
): organisation is Organisation & { retirement: NonNullable<Organisation['retirement']> } {
  return organisation?.retirement !== undefined;
}
