/**
 * The consortium changes its trend settings (budget, period, k, prices, answer window) by a vote of organisation
 * admins: each registered organisation holds one current approval of one complete set of settings, and the approval
 * that brings identical settings to a strict majority puts them in effect in the same transaction. The approvals
 * that carried them are then cleared, so the next change starts a fresh vote. Bounded: one key per organisation.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import {
  trendSettingsApprovalSchema,
  type TrendSettings,
  type TrendSettingsApproval,
  type TrendSettingsVote,
} from '@medrec/contract';
import { recordAudit } from '../audit/audit-log';
import type { Caller } from '../common/caller';
import { conflict, internal } from '../common/errors';
import { KEY, key } from '../common/keys';
import { toJson } from '../common/marshal';
import { readState, writeState } from '../common/state';
import { txTime } from '../common/time';
import { requireVoter, votingOrganisations } from '../incentive/schedule-vote';
import { majorityOf } from '../registrar/membership';
import { readSettings } from './trends-store';

/** SHA-256 of the canonical JSON of the settings, fields in a fixed order: equal settings, equal ids. */
export function settingsIdOf(settings: TrendSettings): string {
  const canonical = toJson({
    budgetMilliPerPeriod: settings.budgetMilliPerPeriod,
    periodDays: settings.periodDays,
    k: settings.k,
    basePrice: settings.basePrice,
    pricePerCell: settings.pricePerCell,
    answerSeconds: settings.answerSeconds,
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

function approvalKey(ctx: Context, mspId: string): string {
  return ctx.stub.createCompositeKey(KEY.trendSettingsApproval, [mspId]);
}

/** Each registered organisation's current approval, re-validated: one read per organisation. */
async function currentApprovals(ctx: Context, organisations: readonly string[]): Promise<TrendSettingsApproval[]> {
  const approvals: TrendSettingsApproval[] = [];
  for (const mspId of organisations) {
    const approval = await readState(ctx, approvalKey(ctx, mspId), trendSettingsApprovalSchema, 'settings approval');
    if (approval === undefined) continue;
    if (approval.mspId !== mspId || settingsIdOf(approval.settings) !== approval.settingsId) {
      throw internal(`the trend settings approval stored for ${mspId} does not match its key or its settings`);
    }
    approvals.push(approval);
  }
  return approvals;
}

/** The vote as it stands, for Trends:GetSettingsVote. */
export async function settingsVote(ctx: Context): Promise<TrendSettingsVote> {
  const organisations = await votingOrganisations(ctx);
  return {
    settings: await readSettings(ctx),
    adopted: false,
    organisations: organisations.length,
    required: majorityOf(organisations.length),
    approvals: await currentApprovals(ctx, organisations),
  };
}

/**
 * The caller's organisation approves `settings` (replacing its earlier approval). Settings already in effect are a
 * conflict: there is nothing to vote on. One audit event: TrendSettingsApproved, or TrendSettingsChanged for the
 * approval that completed the majority.
 */
export async function approveSettings(
  ctx: Context,
  caller: Caller,
  settings: TrendSettings,
): Promise<TrendSettingsVote> {
  const organisations = await votingOrganisations(ctx);
  requireVoter(organisations, caller, 'the trend settings');
  const settingsId = settingsIdOf(settings);
  if (settingsIdOf(await readSettings(ctx)) === settingsId) {
    throw conflict('these trend settings are already in effect (Trends:GetSettings); approve different ones');
  }
  const approvals = await currentApprovals(ctx, organisations);
  if (approvals.some((a) => a.mspId === caller.mspId && a.settingsId === settingsId)) {
    throw conflict(`${caller.mspId} already approves these trend settings; each organisation approves once`);
  }
  const { iso } = txTime(ctx);
  const approval: TrendSettingsApproval = {
    mspId: caller.mspId,
    settingsId,
    settings,
    approvedBy: caller.participantId,
    approvedAt: iso,
    txId: ctx.stub.getTxID(),
  };
  const current = [...approvals.filter((a) => a.mspId !== caller.mspId), approval].sort((a, b) =>
    a.mspId < b.mspId ? -1 : a.mspId > b.mspId ? 1 : 0,
  );
  const supporters = current.filter((a) => a.settingsId === settingsId);
  const required = majorityOf(organisations.length);
  const adopted = supporters.length >= required;
  if (adopted) {
    await writeState(ctx, key(ctx, KEY.trendSettings), settings);
    // The approvals that carried these settings are spent; the others stand for a later change.
    for (const supporter of supporters) {
      if (supporter.mspId !== caller.mspId) await ctx.stub.deleteState(approvalKey(ctx, supporter.mspId));
    }
    await ctx.stub.deleteState(approvalKey(ctx, caller.mspId));
  } else {
    await writeState(ctx, approvalKey(ctx, caller.mspId), approval);
  }
  await recordAudit(ctx, caller, {
    type: adopted ? 'TrendSettingsChanged' : 'TrendSettingsApproved',
    subject: { kind: 'trend-settings', id: settingsId },
  });
  return {
    settings: adopted ? settings : await readSettings(ctx),
    adopted,
    organisations: organisations.length,
    required,
    approvals: adopted ? current.filter((a) => a.settingsId !== settingsId) : current,
  };
}
