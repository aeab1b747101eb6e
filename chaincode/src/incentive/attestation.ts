import type { Context } from 'fabric-contract-api';
import {
  attestationsRequired,
  claimRecordSchema,
  pendingClaimRecordSchema,
  type Attestation,
  type ClaimRecord,
  type PageQuery,
  type PaidClaimRecord,
  type PendingClaimRecord,
} from '@medrec/contract';
import type { Caller } from '../common/caller';
import { forbidden, incentiveError, internal, notFound } from '../common/errors';
import { KEY, key } from '../common/keys';
import { pageByPartialKey, readState, writeState, type Page } from '../common/state';
import { txTime } from '../common/time';
import { credit } from './balances';
import { requireSchedule, rewardFor } from './rewards';
import { votingOrganisations } from './schedule-vote';

/**
 * Claims are paid on the word of other organisations, never on the claimant's alone: its own CA can issue a peer
 * certificate at will and the signed payload can be rebuilt from public block data, so a verified signature proves
 * possession of a key, not that the endorsement is in the committed block. Only a peer's own copy of the block shows
 * that, and the chaincode cannot read blocks; so each organisation's miner checks the claimed endorsement against
 * its own peer's block and attests it, and a claim is paid once a strict majority of the other organisations did.
 */

export interface AttestOutcome {
  /** The attesting organisation. */
  mspId: string;
  organisations: number;
  required: number;
  claims: ClaimRecord[];
  paid: number;
  minted: string;
}

export function claimKey(ctx: Context, txId: string, mspId: string): string {
  return key(ctx, KEY.claim, txId, mspId);
}

function pendingClaimKey(ctx: Context, record: Pick<ClaimRecord, 'claimedAt' | 'txId' | 'mspId'>): string {
  return key(ctx, KEY.pendingClaim, record.claimedAt, record.txId, record.mspId);
}

/** Stores new claims as pending: the record and its entry in the pending index that attesters page. */
export async function recordPendingClaims(ctx: Context, records: readonly PendingClaimRecord[]): Promise<void> {
  for (const record of records) {
    await writeState(ctx, claimKey(ctx, record.txId, record.mspId), record);
    await writeState(ctx, pendingClaimKey(ctx, record), record);
  }
}

/** One page of the pending claims, oldest first. */
export async function listPendingClaims(ctx: Context, query: PageQuery): Promise<Page<PendingClaimRecord>> {
  return pageByPartialKey(ctx, KEY.pendingClaim, [], query, pendingClaimRecordSchema, 'pending claim');
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The attestations that count for a claim: those of organisations that are members now, other than the claimant.
 * Attesters are members when they attest, but an organisation that has since left (registrar/membership.ts) no
 * longer counts, as it no longer counts in the majority the claim needs.
 */
function attestationsOf(record: ClaimRecord, registered: ReadonlySet<string>): number {
  return record.attestedBy.filter((mspId) => mspId !== record.mspId && registered.has(mspId)).length;
}

/** Checks one attestation and returns the claim with the attester added (not written yet). */
async function attestOne(
  ctx: Context,
  attester: string,
  attestation: Attestation,
  at: string,
  seen: Set<string>,
): Promise<ClaimRecord> {
  const { txId, mspId } = attestation;
  if (mspId === attester) {
    throw incentiveError(
      'MEDREC_WRONG_ORGANISATION',
      `${at}: ${attester} cannot attest its own organisation's claim; only the other organisations' attestations count`,
    );
  }
  const id = JSON.stringify([txId, mspId]);
  if (seen.has(id)) {
    throw incentiveError('MEDREC_ALREADY_ATTESTED', `${at}: the claim of ${mspId} on ${txId} appears twice`);
  }
  seen.add(id);
  const record = await readState(ctx, claimKey(ctx, txId, mspId), claimRecordSchema, 'claim record');
  if (record === undefined) {
    throw notFound(`${at}: ${mspId} has no claim on transaction ${txId}; see Incentive:ListPendingClaims`);
  }
  if (record.txId !== txId || record.mspId !== mspId) {
    throw internal(`the claim record stored for ${txId} / ${mspId} names ${record.txId} / ${record.mspId}`);
  }
  if (
    record.endorserCertSha256 !== attestation.endorserCertSha256 ||
    record.signatureSha256 !== attestation.signatureSha256
  ) {
    throw incentiveError(
      'MEDREC_PAYLOAD_MISMATCH',
      `${at}: the endorser certificate or signature hash differs from the claim of ${mspId} on ${txId}; an ` +
        'attestation vouches for exactly the claimed endorsement',
    );
  }
  if (record.attestedBy.includes(attester)) {
    throw incentiveError(
      'MEDREC_ALREADY_ATTESTED',
      `${at}: ${attester} already attested the claim of ${mspId} on ${txId}; each organisation attests once`,
    );
  }
  return { ...record, attestedBy: [...record.attestedBy, attester].sort(byCodeUnits) };
}

/**
 * The caller's organisation attests claims of other organisations. Every attestation is checked before anything is
 * written, and one refusal refuses the transaction. A pending claim whose attestations reach `required` is paid in
 * this transaction: it takes the next claim number and its reward, the schedule's counters advance and the claimant
 * is credited. An attestation of a claim already paid is recorded too (more evidence), and pays nothing.
 */
export async function attestClaims(
  ctx: Context,
  caller: Caller,
  attestations: readonly Attestation[],
): Promise<AttestOutcome> {
  const organisations = await votingOrganisations(ctx);
  if (!organisations.includes(caller.mspId)) {
    throw forbidden(
      `${caller.mspId} is not a registered organisation: only the admins of registered organisations attest ` +
        'claims (Registrar:RegisterOrganisation first)',
    );
  }
  const registered = new Set(organisations);
  const required = attestationsRequired(organisations.length);
  const seen = new Set<string>();
  const attested: ClaimRecord[] = [];
  for (const [index, attestation] of attestations.entries()) {
    attested.push(await attestOne(ctx, caller.mspId, attestation, `attestations.attestations[${index}]`, seen));
  }
  const payable = (record: ClaimRecord): record is PendingClaimRecord =>
    record.status === 'pending' && attestationsOf(record, registered) >= required;
  let results: ClaimRecord[] = attested;
  let minted = 0n;
  const { iso } = txTime(ctx);
  // The schedule is read only when something is paid: attestations that pay nothing then never conflict (MVCC) with
  // the payments of concurrent attesters.
  if (attested.some(payable)) {
    const schedule = await requireSchedule(ctx);
    const txId = ctx.stub.getTxID();
    let claims = BigInt(schedule.claims);
    const credits = new Map<string, bigint>();
    results = attested.map((record) => {
      if (!payable(record)) {
        return record;
      }
      const reward = rewardFor(schedule, claims);
      const paid: PaidClaimRecord = {
        ...record,
        status: 'paid',
        claimNumber: claims.toString(),
        reward: reward.toString(),
        paidAt: iso,
        paidTxId: txId,
      };
      claims += 1n;
      minted += reward;
      credits.set(record.mspId, (credits.get(record.mspId) ?? 0n) + reward);
      return paid;
    });
    await writeState(ctx, key(ctx, KEY.incentiveSchedule), {
      ...schedule,
      claims: claims.toString(),
      minted: (BigInt(schedule.minted) + minted).toString(),
      updatedAt: iso,
    });
    // One credit per claimant and transaction (Fabric never shows a transaction its own writes).
    for (const [mspId, amount] of credits) {
      await credit(ctx, { kind: 'organisation', mspId }, amount, iso);
    }
  }
  for (const [index, record] of results.entries()) {
    await writeState(ctx, claimKey(ctx, record.txId, record.mspId), record);
    if (attested[index]?.status === 'pending') {
      if (record.status === 'paid') {
        await ctx.stub.deleteState(pendingClaimKey(ctx, record));
      } else {
        await writeState(ctx, pendingClaimKey(ctx, record), record);
      }
    }
  }
  return {
    mspId: caller.mspId,
    organisations: organisations.length,
    required,
    claims: results,
    paid: results.filter((record, index) => record.status === 'paid' && attested[index]?.status === 'pending').length,
    minted: minted.toString(),
  };
}
