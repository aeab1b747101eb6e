import type { Context } from 'fabric-contract-api';
import type { Caller } from '../common/caller';
import { KEY, key } from '../common/keys';
import { requireState, stateEntries, writeState } from '../common/state';
import { unmarshal } from '../common/marshal';
import { type Purpose, type RecordPointer, consentSchema, type Consent, type Grantee } from '@medrec/contract';

/** A patient's consents evaluated per access decision: bounded so that a decision has a bounded cost. */
export const MAX_CONSENTS_EVALUATED = 1000;

export function requireConsent(ctx: Context, consentId: string): Promise<Consent> {
  return requireState(ctx, key(ctx, KEY.consent, consentId), consentSchema, `consent ${consentId}`);
}

/** The grantee index's attributes of a grantee, after the patient: kind first, so that kinds never mix. */
function granteeAttributes(grantee: Grantee): string[] {
  switch (grantee.kind) {
    case 'participant':
      return ['participant', grantee.participantId];
    case 'role':
      return ['role', grantee.mspId, grantee.role];
    case 'organisation':
      return ['organisation', grantee.mspId];
  }
}

/** The grantees a caller answers to: a consent can cover the caller only if granted to one of these. */
function granteesOf(caller: Caller): Grantee[] {
  return [
    { kind: 'participant', participantId: caller.participantId },
    { kind: 'role', role: caller.role, mspId: caller.mspId },
    { kind: 'organisation', mspId: caller.mspId },
  ];
}

export function granteeIndexKey(ctx: Context, consent: Consent): string {
  return key(ctx, KEY.consentByGrantee, consent.patientId, ...granteeAttributes(consent.grantee), consent.consentId);
}

/**
 * The consent, its patient index entry (a full copy, so listing needs no second read) and, while it is active, its
 * grantee index entry (a revocation deletes it in the same transaction, so no later decision can find it).
 */
export async function writeConsent(ctx: Context, consent: Consent): Promise<void> {
  await writeState(ctx, key(ctx, KEY.consent, consent.consentId), consent);
  await writeState(ctx, key(ctx, KEY.consentByPatient, consent.patientId, consent.consentId), consent);
  if (consent.status === 'active') {
    await writeState(ctx, granteeIndexKey(ctx, consent), consent);
  } else {
    await ctx.stub.deleteState(granteeIndexKey(ctx, consent));
  }
}

/** True once Consent:IndexGrantees has put every active consent in the grantee index. */
export async function granteeIndexComplete(ctx: Context): Promise<boolean> {
  return (await ctx.stub.getState(key(ctx, KEY.consentGranteeIndexComplete))).length > 0;
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
 * The first covering consent in consent-id order (deterministic on every peer), or undefined. Plain range scans, not
 * paginated ones: the peer refuses writes in a transaction that ran a paginated query, and RequestAccess writes its
 * ticket afterwards.
 *
 * Once the grantee index is complete, only the caller's three grantee partitions are scanned (the consents granted
 * to them as a participant, as a role of their organisation, and to their organisation): the cost no longer grows
 * with the consents the patient gave others, and the bound below applies per partition. Before that (a ledger from
 * an earlier chaincode, until Consent:IndexGrantees has run) every consent of the patient is scanned, as before.
 */
export async function findCoveringConsent(
  ctx: Context,
  caller: Caller,
  purpose: Purpose,
  record: RecordPointer,
  nowIso: string,
): Promise<Consent | undefined> {
  const partitions = (await granteeIndexComplete(ctx))
    ? granteesOf(caller).map((grantee): [string, string[]] => [
        KEY.consentByGrantee,
        [record.patientId, ...granteeAttributes(grantee)],
      ])
    : [[KEY.consentByPatient, [record.patientId]] as [string, string[]]];
  let first: Consent | undefined;
  for (const [kind, attributes] of partitions) {
    const found = await firstCovering(ctx, kind, attributes, (consent) =>
      consentCovers(consent, caller, purpose, record, nowIso),
    );
    if (found !== undefined && (first === undefined || found.consentId < first.consentId)) first = found;
  }
  return first;
}

async function firstCovering(
  ctx: Context,
  kind: string,
  attributes: string[],
  covers: (consent: Consent) => boolean,
): Promise<Consent | undefined> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(kind, attributes);
  let scanned = 0;
  for await (const entry of stateEntries(iterator)) {
    const consent = unmarshal(entry.value, consentSchema, 'consent');
    if (covers(consent)) {
      return consent;
    }
    scanned += 1;
    if (scanned === MAX_CONSENTS_EVALUATED) {
      return undefined;
    }
  }
  return undefined;
}
