import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import type { Caller } from '../common/caller';
import { KEY, key } from '../common/keys';
import { requireState, writeState } from '../common/state';
import { ticketSchema, type RecordPointer, type Ticket } from '@medrec/contract';

/** Access tickets live this long; a gatekeeper must serve and confirm within it. */
export const TICKET_TTL_MINUTES = 15;

export function requireTicket(ctx: Context, ticketId: string): Promise<Ticket> {
  return requireState(ctx, key(ctx, KEY.ticket, ticketId), ticketSchema, `ticket ${ticketId}`);
}

/** Writes the ticket, and for break-glass tickets the review-queue entry of its current review status. */
export async function writeTicket(ctx: Context, ticket: Ticket): Promise<void> {
  await writeState(ctx, key(ctx, KEY.ticket, ticket.ticketId), ticket);
  if (ticket.breakGlass !== undefined) {
    await writeState(ctx, breakGlassIndexKey(ctx, ticket.breakGlass.reviewStatus, ticket), ticket);
  }
}

/** The review queue is per custodian: only the custodian's compliance officers review its break-glass. */
export function breakGlassIndexKey(ctx: Context, reviewStatus: string, ticket: Ticket): string {
  return key(ctx, KEY.breakGlassByStatus, reviewStatus, ticket.custodianMsp, ticket.ticketId);
}

/**
 * Binds a ticket to the key that asked for it: the certificate the transaction was signed with (Fabric's creator
 * id bytes, a PEM) and its SHA-256 fingerprint over the DER, so the gatekeeper can check a proof of possession.
 */
export function requesterOf(ctx: Context, caller: Caller): Ticket['requester'] {
  const certPem = Buffer.from(ctx.clientIdentity.getIDBytes()).toString('utf8');
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(certPem)?.[1];
  const der = body === undefined ? Buffer.from(certPem, 'utf8') : Buffer.from(body.replace(/\s/g, ''), 'base64');
  return {
    participantId: caller.participantId,
    mspId: caller.mspId,
    role: caller.role,
    certSha256: createHash('sha256').update(der).digest('hex'),
    certPem,
  };
}

/**
 * The ticket of an access decision, as RequestAccess and Disclose write it: a permit carries the content hash and
 * locator the requester verifies against, a deny neither; `expiresAt` is the caller's (a deny and a one-transaction
 * read expire as they are issued).
 */
export function decisionTicket(
  ctx: Context,
  parts: Readonly<{
    record: RecordPointer;
    purpose: Ticket['purpose'];
    decided: Readonly<{ decision: Ticket['decision']; reason: Ticket['reason']; consentId?: string | undefined }>;
    requester: Ticket['requester'];
    issuedAt: string;
    expiresAt: string;
  }>,
): Ticket {
  const { record, decided } = parts;
  const txId = ctx.stub.getTxID();
  return {
    ticketId: txId,
    kind: 'access',
    decision: decided.decision,
    reason: decided.reason,
    ...(decided.consentId === undefined ? {} : { consentId: decided.consentId }),
    recordId: record.recordId,
    patientId: record.patientId,
    custodianMsp: record.custodianMsp,
    category: record.category,
    purpose: parts.purpose,
    ...(decided.decision === 'permit' ? { contentHash: record.contentHash, locator: record.locator } : {}),
    requester: parts.requester,
    issuedAt: parts.issuedAt,
    expiresAt: parts.expiresAt,
    txId,
  };
}
