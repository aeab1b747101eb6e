import type { Context } from 'fabric-contract-api';
import type { Caller } from '../common/caller';
import { type Purpose, type RecordPointer, type DecisionReason } from '@medrec/contract';
import { isActiveDelegate } from '../consent/acts-for-patient';
import { findCoveringConsent } from '../consent/consent-store';
import { relationshipOpen } from '../records/records-store';

export interface Decision {
  decision: 'permit' | 'deny';
  reason: DecisionReason;
  consentId?: string;
}

/**
 * The access rule, judged at transaction time: a current record, and then the patient themself, their active
 * delegate, a clinician of the custodian on a relationship the patient has not rejected, or a consent in force
 * that covers requester, purpose and record.
 */
export async function decideAccess(
  ctx: Context,
  caller: Caller,
  record: RecordPointer,
  purpose: Purpose,
  nowIso: string,
): Promise<Decision> {
  if (record.supersededBy !== null) {
    return { decision: 'deny', reason: 'record-superseded' };
  }
  if (caller.role === 'patient' && caller.participantId === record.patientId) {
    return { decision: 'permit', reason: 'own-record' };
  }
  if (caller.role === 'patient' && (await isActiveDelegate(ctx, record.patientId, caller.participantId))) {
    return { decision: 'permit', reason: 'delegate' };
  }
  if (
    caller.role === 'clinician' &&
    caller.mspId === record.custodianMsp &&
    (await relationshipOpen(ctx, record.patientId, record.custodianMsp))
  ) {
    return { decision: 'permit', reason: 'custodian' };
  }
  const consent = await findCoveringConsent(ctx, caller, purpose, record, nowIso);
  return consent === undefined
    ? { decision: 'deny', reason: 'no-covering-consent' }
    : { decision: 'permit', reason: 'consent', consentId: consent.consentId };
}
