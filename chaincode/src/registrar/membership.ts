/**
 * Who is a member of the consortium now: a registered organisation that has not been retired. Votes, attestations,
 * trend queries, consents and signed read requests count members only, so an organisation removed from the channel
 * (whose certificates the channel no longer accepts) is also out of everything MedRec decides by its own records.
 *
 * Retirement (Registrar:ApproveRetirement): an organisation's own admin retires it at once (it leaves); otherwise a
 * strict majority of the other members' admins must approve, each approval one transaction, as the channel's own
 * MAJORITY Admins policy decides its removal from the channel. No single other member can expel one.
 */
import type { Context } from 'fabric-contract-api';
import {
  MAX_VOTING_ORGANISATIONS,
  organisationSchema,
  retirementApprovalSchema,
  type Organisation,
  type RetirementApproval,
  type RetirementVote,
} from '@medrec/contract';
import type { Caller } from '../common/caller';
import { conflict, forbidden, internal } from '../common/errors';
import { KEY, key } from '../common/keys';
import { unmarshal } from '../common/marshal';
import { readState, stateEntries, writeState } from '../common/state';
import { txTime } from '../common/time';
import { recordAudit } from '../audit/audit-log';
import { requireOrganisation } from './participants';
import { isRetired } from './retired';

/** A strict majority of `organisations`. */
export function majorityOf(organisations: number): number {
  return Math.floor(organisations / 2) + 1;
}

/**
 * The members, in MSP id order. A bounded scan without pagination (Fabric refuses paginated queries in update
 * transactions, and re-checks this range for phantoms at commit, so an organisation registered or retired
 * concurrently invalidates the transaction instead of being missed). Each record is re-validated as it is read.
 */
export async function memberOrganisations(ctx: Context): Promise<Organisation[]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(KEY.organisation, []);
  const members: Organisation[] = [];
  let scanned = 0;
  for await (const entry of stateEntries(iterator)) {
    scanned += 1;
    if (scanned > MAX_VOTING_ORGANISATIONS * 2) {
      // Retired organisations stay registered; twice the member bound keeps the scan bounded all the same.
      throw conflict(
        `more than ${String(MAX_VOTING_ORGANISATIONS * 2)} registered organisations: MedRec supports fewer`,
      );
    }
    const organisation = unmarshal(entry.value, organisationSchema, 'organisation');
    const [mspId] = ctx.stub.splitCompositeKey(entry.key).attributes;
    if (mspId !== organisation.mspId) throw internal('an organisation is stored under another MSP id');
    if (isRetired(organisation)) continue;
    if (members.length === MAX_VOTING_ORGANISATIONS) {
      throw conflict(
        `more than ${String(MAX_VOTING_ORGANISATIONS)} member organisations: MedRec supports at most that many`,
      );
    }
    members.push(organisation);
  }
  return members;
}

/**
 * Refuses a caller whose organisation has left. The channel normally drops a departed organisation's certificates
 * first, but an organisation retired while still on the channel must not have its people request or break glass
 * for records either. One read, only on the transactions that open access to content.
 */
export async function requireCallerStillMember(ctx: Context, caller: Caller): Promise<void> {
  const own = await readState(ctx, key(ctx, KEY.organisation, caller.mspId), organisationSchema, 'organisation');
  if (isRetired(own)) {
    throw forbidden(
      `${caller.mspId} left the consortium at ${own.retirement.retiredAt}: its people no longer gain access to records`,
    );
  }
}

/**
 * The stored approvals to retire `mspId` by members other than it (bounded by the members). Read before this
 * transaction writes its own: a transaction does not read its own writes.
 */
async function approvalsFor(ctx: Context, mspId: string, members: ReadonlySet<string>): Promise<string[]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(KEY.retirementApproval, [mspId]);
  const approvers: string[] = [];
  for await (const entry of stateEntries(iterator)) {
    const approval = unmarshal(entry.value, retirementApprovalSchema, 'retirement approval');
    // An approval by an organisation that has since left no longer counts.
    if (approval.mspId === mspId && approval.approvedBy !== mspId && members.has(approval.approvedBy)) {
      approvers.push(approval.approvedBy);
    }
    if (approvers.length > MAX_VOTING_ORGANISATIONS) throw internal('more retirement approvals than members');
  }
  return approvers;
}

/**
 * The caller's organisation approves retiring `mspId` (its own: it leaves at once). Approving twice changes nothing
 * (no write, no audit event); the retirement is written by the approval that completes the majority of the other
 * members.
 */
export async function approveRetirement(ctx: Context, caller: Caller, mspId: string): Promise<RetirementVote> {
  const target = await requireOrganisation(ctx, mspId, 'mspId');
  const members = await memberOrganisations(ctx);
  const memberIds = new Set(members.map((m) => m.mspId));
  if (!memberIds.has(caller.mspId)) {
    throw forbidden(`${caller.mspId} is not a member organisation: only the admins of members decide who leaves`);
  }
  const { iso } = txTime(ctx);
  const txId = ctx.stub.getTxID();
  const others = members.filter((m) => m.mspId !== mspId).length;
  const leaving = caller.mspId === mspId;
  const required = leaving ? 1 : majorityOf(others);
  let approvals: string[] = [];
  if (!leaving) {
    const stored = await approvalsFor(ctx, mspId, memberIds);
    if (stored.includes(caller.mspId)) {
      // Already approved and the majority not reached (or it would be retired): nothing to write or audit.
      return { organisation: target, approvals: [...stored].sort(), required, retired: false };
    }
    const approval: RetirementApproval = {
      mspId,
      approvedBy: caller.mspId,
      participantId: caller.participantId,
      approvedAt: iso,
      txId,
    };
    await writeState(ctx, key(ctx, KEY.retirementApproval, mspId, caller.mspId), approval);
    approvals = [...stored, caller.mspId].sort();
  }
  const retired = leaving || approvals.length >= required;
  const organisation: Organisation = retired
    ? { ...target, retirement: { retiredAt: iso, txId, decidedBy: leaving ? [mspId] : approvals } }
    : target;
  if (retired) await writeState(ctx, key(ctx, KEY.organisation, mspId), organisation);
  await recordAudit(ctx, caller, {
    type: retired ? 'OrganisationRetired' : 'OrganisationRetirementApproved',
    subject: { kind: 'organisation', id: mspId },
  });
  return { organisation, approvals, required, retired };
}
