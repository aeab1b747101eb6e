import type { Context } from 'fabric-contract-api';
import { balanceSchema, type Balance, type Holder } from '@medrec/contract';
import { KEY, key } from '../common/keys';
import { readState, writeState } from '../common/state';

/**
 * Credit balances, shared by every contract that moves credits (Incentive claims and transfers, Trends escrow).
 * Amounts are BigInt inside and decimal strings on the ledger. Credits are only ever minted by claims; everything
 * else moves them, so the balances plus the price held by open trend queries always add up to what was minted.
 */
export function holderParts(holder: Holder): string[] {
  return holder.kind === 'organisation' ? ['organisation', holder.mspId] : ['participant', holder.participantId];
}

export function balanceKey(ctx: Context, holder: Holder): string {
  return key(ctx, KEY.balance, ...holderParts(holder));
}

/** The holder's committed balance (0 when it never held credits). */
export async function balanceOf(ctx: Context, holder: Holder): Promise<bigint> {
  const balance = await readState(ctx, balanceKey(ctx, holder), balanceSchema, 'balance');
  return BigInt(balance?.amount ?? '0');
}

/** Writes the holder's new balance; callers compute it from what they read (Fabric never shows own writes). */
export async function setBalance(ctx: Context, holder: Holder, amount: bigint, iso: string): Promise<Balance> {
  const saved: Balance = { holder, amount: amount.toString(), updatedAt: iso, txId: ctx.stub.getTxID() };
  await writeState(ctx, balanceKey(ctx, holder), saved);
  return saved;
}

/** Adds `amount` to the holder's committed balance. Call it at most once per holder and transaction. */
export async function credit(ctx: Context, holder: Holder, amount: bigint, iso: string): Promise<Balance> {
  return setBalance(ctx, holder, (await balanceOf(ctx, holder)) + amount, iso);
}
