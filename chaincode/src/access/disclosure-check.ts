import type { Context } from 'fabric-contract-api';
import type { Caller } from '../common/caller';
import { KEY, key } from '../common/keys';
import { readState } from '../common/state';
import { isActiveDelegate } from '../consent/acts-for-patient';
import { consentCovers } from '../consent/consent-store';
import { consentSchema, type RecordPointer, participantSchema, type Ticket } from '@medrec/contract';
import { readRecord, relationshipOpen } from '../records/records-store';

/**
 * Why a permit ticket no longer allows a disclosure at `nowIso`, or undefined while it still does. Revocation is
 * immediate: every disclosure, the first and every repeat, re-judges the grant behind the ticket against the
 * ledger as it is now, not as it was when the ticket was issued (docs/permission-model.md, "Revocation is
 * immediate").
 */
export async function whyNoLongerPermitted(ctx: Context, ticket: Ticket, nowIso: string): Promise<string | undefined> {
  if (ticket.decision !== 'permit') {
    return `ticket ${ticket.ticketId} was denied (${ticket.reason}); nothing may be disclosed on it`;
  }
  if (nowIso >= ticket.expiresAt) {
    return `ticket ${ticket.ticketId} expired at ${ticket.expiresAt}; the requester must ask again`;
  }
  const requesterRefusal = await whyRequesterLapsed(ctx, ticket);
  if (requesterRefusal !== undefined) {
    return requesterRefusal;
  }
  const record = await readRecord(ctx, ticket.recordId);
  if (record?.supersededBy !== null) {
    return `record ${ticket.recordId} was superseded; request access to its current version`;
  }
  if (ticket.breakGlass !== undefined) {
    return ticket.breakGlass.reviewStatus === 'unjustified'
      ? `break-glass ticket ${ticket.ticketId} was reviewed as unjustified; it ended at that review`
      : undefined;
  }
  return whyGrantLapsed(ctx, ticket, record, nowIso);
}

/** The requester must still be the active participant, in the role and organisation, the ticket was issued to. */
async function whyRequesterLapsed(ctx: Context, ticket: Ticket): Promise<string | undefined> {
  const { requester } = ticket;
  const participant = await readState(
    ctx,
    key(ctx, KEY.participant, requester.participantId),
    participantSchema,
    'participant',
  );
  const same =
    participant?.status === 'active' && participant.mspId === requester.mspId && participant.role === requester.role;
  return same
    ? undefined
    : `requester ${requester.participantId} is no longer an active ${requester.role} of ${requester.mspId}`;
}

/** The ground the ticket was permitted on must still hold. */
async function whyGrantLapsed(
  ctx: Context,
  ticket: Ticket,
  record: RecordPointer,
  nowIso: string,
): Promise<string | undefined> {
  const { requester } = ticket;
  switch (ticket.reason) {
    case 'own-record':
      return requester.participantId === ticket.patientId ? undefined : 'the requester is not the patient';
    case 'delegate':
      return (await isActiveDelegate(ctx, ticket.patientId, requester.participantId))
        ? undefined
        : `${requester.participantId} is no longer a delegate of the patient`;
    case 'custodian':
      return requester.mspId === ticket.custodianMsp &&
        (await relationshipOpen(ctx, ticket.patientId, ticket.custodianMsp))
        ? undefined
        : `the patient has closed the relationship with ${ticket.custodianMsp}`;
    case 'consent':
      return whyConsentLapsed(ctx, ticket, nowIso, record);
    default:
      return `ticket ${ticket.ticketId} (${ticket.reason}) does not permit a disclosure`;
  }
}

async function whyConsentLapsed(
  ctx: Context,
  ticket: Ticket,
  nowIso: string,
  record: RecordPointer,
): Promise<string | undefined> {
  if (ticket.consentId === undefined) {
    return `ticket ${ticket.ticketId} names no consent`;
  }
  const consent = await readState(ctx, key(ctx, KEY.consent, ticket.consentId), consentSchema, 'consent');
  const requester: Caller = {
    mspId: ticket.requester.mspId,
    role: ticket.requester.role,
    participantId: ticket.requester.participantId,
    participant: undefined,
  };
  if (consent === undefined || !consentCovers(consent, requester, ticket.purpose, record, nowIso)) {
    return `consent ${ticket.consentId} is no longer in force for this requester, purpose and record (revoked, expired or narrowed)`;
  }
  return undefined;
}
