import type { Context } from 'fabric-contract-api';
import type { Caller } from '../common/caller';
import { KEY, key } from '../common/keys';
import { requireState, writeState } from '../common/state';
import { unmarshal } from '../common/marshal';
import { type Purpose, type RecordPointer, consentSchema, type Consent, type Grantee } from '@medrec/contract';

/** A patient's consents evaluated per access decision: bounded so that a decision has a bounded cost. */
export const MAX_CONSENTS_EVALUATED = 1000;

export function requireConsent(ctx: Context, consentId: string): Promise<Consent> {
  return requireState(ctx, key(ctx, KEY.consent, consentId), consentSchema, `consent ${consentId}`);
}

/** The consent and its patient index entry (a full copy, so listing needs no second read). */
export async function writeConsent(ctx: Context, consent: Consent): Promise<void> {
  await writeState(ctx, key(ctx, KEY.consent, consent.consentId), consent);
  await writeState(ctx, key(ctx, KEY.consentByPatient, consent.patientId, consent.consentId), consent);
}

export function granteeMatches(grantee: Grantee, caller: Caller): boolean {
  switch (grantee.kind) {
    case 'participant':
      return grantee.participantId === caller.participantId;
    case 'role':
      return grantee.role === caller.role && grantee.mspId === caller.mspId;
    case 'organisation':
      return grantee.mspId === caller.mspId;
  }
}

/** In force at `nowIso`, for this requester, purpose and (current) record. */
export function consentCovers(
  consent: Consent,
  caller: Caller,
  purpose: Purpose,
  record: RecordPointer,
  nowIso: string,
): boolean {
  const { scope, period } = consent;
  return (
    // The index already scopes consents to the record's patient; checked again so no caller can ever apply one
    // patient's consent to another's record.
    consent.patientId === record.patientId &&
    consent.status === 'active' &&
    period.notBefore <= nowIso &&
    nowIso < period.notAfter &&
    consent.purposes.includes(purpose) &&
    granteeMatches(consent.grantee, caller) &&
    scope.custodians.includes(record.custodianMsp) &&
    (scope.categories === undefined || scope.categories.includes(record.category)) &&
    (scope.recordIds === undefined || scope.recordIds.includes(record.recordId))
  );
}

/**
 * The first covering consent in consent-id order (deterministic on every peer), or undefined. A plain range scan,
 * not a paginated one: the peer refuses writes in a transaction that ran a paginated query, and RequestAccess
 * writes its ticket afterwards.
 */
export async function findCoveringConsent(
  ctx: Context,
  caller: Caller,
  purpose: Purpose,
  record: RecordPointer,
  nowIso: string,
): Promise<Consent | undefined> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(KEY.consentByPatient, [record.patientId]);
  try {
    for (let scanned = 0; scanned < MAX_CONSENTS_EVALUATED; scanned += 1) {
      const next = await iterator.next();
      if (next.done) {
        return undefined;
      }
      const consent = unmarshal(next.value.value, consentSchema, 'consent');
      if (consentCovers(consent, caller, purpose, record, nowIso)) {
        return consent;
      }
    }
    return undefined;
  } finally {
    await iterator.close();
  }
}
