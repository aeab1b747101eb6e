import type { Context } from 'fabric-contract-api';

export interface TxTime {
  /** Milliseconds since the epoch. */
  ms: number;
  /** ISO 8601 UTC with milliseconds: sorts lexicographically in time order. */
  iso: string;
}

/** The transaction's own timestamp: the only clock every endorsing peer agrees on. */
export function txTime(ctx: Context): TxTime {
  const { seconds, nanos } = ctx.stub.getTxTimestamp();
  const ms = Number(seconds.toString()) * 1000 + Math.floor(nanos / 1_000_000);
  return { ms, iso: new Date(ms).toISOString() };
}

export function isoPlusMinutes(ms: number, minutes: number): string {
  return new Date(ms + minutes * 60_000).toISOString();
}
