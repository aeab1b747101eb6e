import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import type { Caller } from '../common/caller';
import { conflict, forbidden, internal, notFound } from '../common/errors';
import { KEY, key } from '../common/keys';
import { toJson, unmarshal } from '../common/marshal';
import { exists, readState, stateEntries, writeState } from '../common/state';
import { txTime } from '../common/time';
import { recordAudit } from '../audit/audit-log';
import { majorityOf, memberOrganisations } from '../registrar/membership';
import {
  MAX_VOTING_ORGANISATIONS,
  scheduleApprovalSchema,
  scheduleProposalSchema,
  type Schedule,
  type ScheduleApproval,
  type ScheduleParameters,
  type ScheduleProposal,
} from '@medrec/contract';

/**
 * Composite-key kinds of the consortium's vote on the schedule: `[proposalId]` -> ScheduleProposal and
 * `[mspId]` -> ScheduleApproval (one current approval per organisation). Both are bounded by the number of
 * registered organisations: a proposal exists only while some organisation approves it.
 */
export const VOTE_KEY = {
  proposal: 'medrec.incentive-proposal',
  approval: 'medrec.incentive-approval',
} as const;

/** A proposal with the approvals that currently support it (in MSP id order). */
export interface ProposalView extends ScheduleProposal {
  approvals: ScheduleApproval[];
}

export interface VoteOutcome {
  proposal: ProposalView;
  /** Registered organisations, the electorate. */
  organisations: number;
  /** A strict majority of them: floor(organisations / 2) + 1. */
  required: number;
  /** The schedule, when this approval completed the majority. */
  schedule: Schedule | null;
}

/** The proposal id is the content hash: SHA-256 of the canonical JSON `{halvingInterval, initialReward}`. */
export function proposalIdOf(parameters: ScheduleParameters): string {
  const canonical = toJson({ initialReward: parameters.initialReward, halvingInterval: parameters.halvingInterval });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * The MSP ids of the member organisations (registered, not retired), in key order: the electorate of every
 * consortium vote and of the attestations (registrar/membership.ts bounds the scan and explains its phantom check).
 */
export async function votingOrganisations(ctx: Context): Promise<string[]> {
  return (await memberOrganisations(ctx)).map((organisation) => organisation.mspId);
}

/** Only a member organisation's admin votes on consortium settings (`what` names the vote). */
export function requireVoter(organisations: readonly string[], caller: Caller, what: string): void {
  if (!organisations.includes(caller.mspId)) {
    throw forbidden(
      `${caller.mspId} is not a member organisation: only the admins of registered organisations that have not ` +
        `left vote on ${what} (Registrar:RegisterOrganisation first)`,
    );
  }
}

function approvalKey(ctx: Context, mspId: string): string {
  return ctx.stub.createCompositeKey(VOTE_KEY.approval, [mspId]);
}

function proposalKey(ctx: Context, proposalId: string): string {
  return ctx.stub.createCompositeKey(VOTE_KEY.proposal, [proposalId]);
}

/** Each registered organisation's current approval, if any: one read per organisation. */
async function currentApprovals(ctx: Context, organisations: string[]): Promise<Map<string, ScheduleApproval>> {
  const approvals = new Map<string, ScheduleApproval>();
  for (const mspId of organisations) {
    const approval = await readState(ctx, approvalKey(ctx, mspId), scheduleApprovalSchema, 'schedule approval');
    if (approval !== undefined) {
      if (approval.mspId !== mspId) {
        throw internal(`the schedule approval stored for ${mspId} names ${approval.mspId}`);
      }
      approvals.set(mspId, approval);
    }
  }
  return approvals;
}

function supportersOf(approvals: Map<string, ScheduleApproval>, proposalId: string): ScheduleApproval[] {
  return [...approvals.values()]
    .filter((approval) => approval.proposalId === proposalId)
    .sort((a, b) => (a.mspId < b.mspId ? -1 : a.mspId > b.mspId ? 1 : 0));
}

async function readProposal(ctx: Context, proposalId: string): Promise<ScheduleProposal | undefined> {
  const proposal = await readState(ctx, proposalKey(ctx, proposalId), scheduleProposalSchema, 'schedule proposal');
  if (proposal !== undefined && (proposal.proposalId !== proposalId || proposalIdOf(proposal) !== proposalId)) {
    throw internal(`schedule proposal ${proposalId} does not hash to its id`);
  }
  return proposal;
}

/**
 * The caller's organisation approves one proposal: `parameters` given (ProposeSchedule) creates the proposal if it
 * does not exist yet; without them (ApproveSchedule) it must exist. Each organisation has one current approval;
 * approving another proposal moves it, and a proposal nobody approves any more is deleted. When the approvals of
 * identical parameters reach a strict majority of the registered organisations, the schedule takes effect in the
 * same transaction. One audit event per call: IncentiveScheduleProposed, IncentiveScheduleApproved, or
 * IncentiveInitialized for the approval that completed the majority.
 */
export async function approveSchedule(
  ctx: Context,
  caller: Caller,
  target: { proposalId: string; parameters?: ScheduleParameters },
): Promise<VoteOutcome> {
  const organisations = await votingOrganisations(ctx);
  requireVoter(organisations, caller, 'the incentive schedule');
  if (await exists(ctx, key(ctx, KEY.incentiveSchedule))) {
    throw conflict('the incentive schedule is already in effect; the consortium sets its parameters once');
  }
  const { iso } = txTime(ctx);
  const txId = ctx.stub.getTxID();
  const stored = await readProposal(ctx, target.proposalId);
  let proposal: ScheduleProposal;
  if (stored !== undefined) {
    proposal = stored;
  } else if (target.parameters !== undefined) {
    proposal = {
      proposalId: target.proposalId,
      initialReward: target.parameters.initialReward,
      halvingInterval: target.parameters.halvingInterval,
      proposedBy: { mspId: caller.mspId, participantId: caller.participantId },
      proposedAt: iso,
      txId,
    };
  } else {
    throw notFound(
      `schedule proposal ${target.proposalId} does not exist, or no organisation approves it any more; ` +
        'see Incentive:ListScheduleProposals, or propose its parameters with Incentive:ProposeSchedule',
    );
  }
  const approvals = await currentApprovals(ctx, organisations);
  const own = approvals.get(caller.mspId);
  if (own?.proposalId === proposal.proposalId) {
    throw conflict(
      `${caller.mspId} already approves schedule proposal ${proposal.proposalId}; each organisation approves once`,
    );
  }
  const approval: ScheduleApproval = {
    mspId: caller.mspId,
    proposalId: proposal.proposalId,
    approvedBy: caller.participantId,
    approvedAt: iso,
    txId,
  };
  approvals.set(caller.mspId, approval);
  if (stored === undefined) {
    await writeState(ctx, proposalKey(ctx, proposal.proposalId), proposal);
  }
  await writeState(ctx, approvalKey(ctx, caller.mspId), approval);
  if (own !== undefined && supportersOf(approvals, own.proposalId).length === 0) {
    await ctx.stub.deleteState(proposalKey(ctx, own.proposalId));
  }
  const supporters = supportersOf(approvals, proposal.proposalId);
  const required = majorityOf(organisations.length);
  let schedule: Schedule | null = null;
  if (supporters.length >= required) {
    schedule = {
      initialReward: proposal.initialReward,
      halvingInterval: proposal.halvingInterval,
      claims: '0',
      minted: '0',
      initializedBy: { mspId: caller.mspId, participantId: caller.participantId },
      initializedAt: iso,
      updatedAt: iso,
      txId,
      proposalId: proposal.proposalId,
      approvedBy: supporters.map((supporter) => supporter.mspId),
    };
    await writeState(ctx, key(ctx, KEY.incentiveSchedule), schedule);
  }
  await recordAudit(ctx, caller, {
    type:
      schedule !== null
        ? 'IncentiveInitialized'
        : stored === undefined
          ? 'IncentiveScheduleProposed'
          : 'IncentiveScheduleApproved',
    subject: { kind: 'incentive', id: proposal.proposalId },
  });
  return { proposal: { ...proposal, approvals: supporters }, organisations: organisations.length, required, schedule };
}

/** Every live proposal with its current approvals; bounded: at most one proposal per registered organisation. */
export async function listProposals(
  ctx: Context,
): Promise<{ organisations: number; required: number; items: ProposalView[] }> {
  const organisations = await votingOrganisations(ctx);
  const approvals = await currentApprovals(ctx, organisations);
  const iterator = await ctx.stub.getStateByPartialCompositeKey(VOTE_KEY.proposal, []);
  const items: ProposalView[] = [];
  for await (const entry of stateEntries(iterator)) {
    if (items.length === MAX_VOTING_ORGANISATIONS) {
      throw internal(`more than ${MAX_VOTING_ORGANISATIONS} schedule proposals are stored`);
    }
    const proposal = unmarshal(entry.value, scheduleProposalSchema, 'schedule proposal');
    items.push({ ...proposal, approvals: supportersOf(approvals, proposal.proposalId) });
  }
  return { organisations: organisations.length, required: majorityOf(organisations.length), items };
}
