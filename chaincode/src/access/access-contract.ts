import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { recordAudit } from '../audit/audit-log';
import { parseArg, parseJsonArg } from '../common/args';
import { authorize } from '../common/caller';
import { conflict, forbidden, invalidArgument } from '../common/errors';
import { KEY } from '../common/keys';
import { toJson } from '../common/marshal';
import { MedRecContract } from '../common/medrec-contract';
import {
  txIdSchema,
  accessRequestSchema,
  signedReadRequestSchema,
  breakGlassRequestSchema,
  listBreakGlassQuerySchema,
  reviewSchema,
  ticketSchema,
  type Ticket,
} from '@medrec/contract';
import { pageByPartialKey } from '../common/state';
import { isoPlusMinutes, txTime } from '../common/time';
import { actsForPatient } from '../consent/acts-for-patient';
import { requireRecord } from '../records/records-store';
import { complianceCovers } from '../registrar/custody';
import { notifyPatient } from '../summary/notify';
import { requireCallerStillMember } from '../registrar/membership';
import { decideAccess } from './decide-access';
import { whyNoLongerPermitted } from './disclosure-check';
import { consumeReadRequest, requesterContext } from './read-request';
import {
  TICKET_TTL_MINUTES,
  breakGlassIndexKey,
  decisionTicket,
  requesterOf,
  requireTicket,
  writeTicket,
} from './tickets';

/** Every read of a record goes through here: a decision, a ticket bound to the requester, and a trail. */
@Info({ title: 'Access', description: 'Access decisions, tickets, break-glass and disclosures' })
export class AccessContract extends MedRecContract {
  public constructor() {
    super('Access');
  }

  /** Returns the ticket whether permitted or denied: a deny is a recorded outcome, not an error. */
  @Transaction()
  @Param('request', 'string', 'JSON {recordId, purpose: TREAT|ETREAT|HPAYMT|HOPERAT|HRESCH|PUBHLTH}')
  @Returns('string')
  public async RequestAccess(ctx: Context, request: string): Promise<string> {
    const caller = await authorize(ctx, 'Access:RequestAccess');
    await requireCallerStillMember(ctx, caller);
    const input = parseJsonArg(accessRequestSchema, request, 'request');
    const record = await requireRecord(ctx, input.recordId);
    const now = txTime(ctx);
    const decided = await decideAccess(ctx, caller, record, input.purpose, now.iso);
    const { decision, reason } = decided;
    const txId = ctx.stub.getTxID();
    const ticket = decisionTicket(ctx, {
      record,
      purpose: input.purpose,
      decided,
      requester: requesterOf(ctx, caller),
      issuedAt: now.iso,
      expiresAt: decision === 'permit' ? isoPlusMinutes(now.ms, TICKET_TTL_MINUTES) : now.iso,
    });
    await writeTicket(ctx, ticket);
    await notifyPatient(ctx, record.patientId, 'access', txId);
    await recordAudit(ctx, caller, {
      type: 'AccessDecided',
      patientId: record.patientId,
      subject: { kind: 'ticket', id: txId },
      outcome: decision,
      reason,
    });
    return toJson(ticket);
  }

  @Transaction()
  @Param('request', 'string', 'JSON {recordId, reason, incidentRef?, durationMinutes: 5-240}')
  @Returns('string')
  public async BreakGlass(ctx: Context, request: string): Promise<string> {
    const caller = await authorize(ctx, 'Access:BreakGlass');
    await requireCallerStillMember(ctx, caller);
    const input = parseJsonArg(breakGlassRequestSchema, request, 'request');
    const record = await requireRecord(ctx, input.recordId);
    if (record.supersededBy !== null) {
      throw conflict(
        `record ${record.recordId} was superseded by ${record.supersededBy}; break glass on the current version`,
      );
    }
    const now = txTime(ctx);
    const txId = ctx.stub.getTxID();
    const ticket: Ticket = {
      ticketId: txId,
      kind: 'break-glass',
      decision: 'permit',
      reason: 'break-glass',
      recordId: record.recordId,
      patientId: record.patientId,
      custodianMsp: record.custodianMsp,
      category: record.category,
      purpose: 'ETREAT',
      contentHash: record.contentHash,
      locator: record.locator,
      requester: requesterOf(ctx, caller),
      issuedAt: now.iso,
      expiresAt: isoPlusMinutes(now.ms, input.durationMinutes),
      txId,
      breakGlass: {
        reason: input.reason,
        ...(input.incidentRef === undefined ? {} : { incidentRef: input.incidentRef }),
        reviewStatus: 'pending',
      },
    };
    await writeTicket(ctx, ticket);
    await notifyPatient(ctx, record.patientId, 'break-glass', txId);
    await recordAudit(ctx, caller, {
      type: 'BreakGlassGranted',
      patientId: record.patientId,
      subject: { kind: 'ticket', id: txId },
      outcome: 'permit',
      reason: input.reason,
    });
    return toJson(ticket);
  }

  @Transaction()
  @Param('review', 'string', 'JSON {ticketId, outcome: justified|unjustified, reviewRef?}')
  @Returns('string')
  public async ReviewBreakGlass(ctx: Context, review: string): Promise<string> {
    const caller = await authorize(ctx, 'Access:ReviewBreakGlass');
    const input = parseJsonArg(reviewSchema, review, 'review');
    const ticket = await requireTicket(ctx, input.ticketId);
    if (ticket.custodianMsp !== caller.mspId) {
      throw forbidden(
        `ticket ${input.ticketId} is a disclosure by ${ticket.custodianMsp}; only its compliance officers review it`,
      );
    }
    const { breakGlass } = ticket;
    if (breakGlass === undefined) {
      throw invalidArgument(`review.ticketId: ticket ${input.ticketId} is not a break-glass ticket`);
    }
    if (breakGlass.reviewStatus !== 'pending') {
      if (breakGlass.reviewStatus === input.outcome) {
        return toJson(ticket);
      }
      throw conflict(`ticket ${input.ticketId} was already reviewed as ${breakGlass.reviewStatus}`);
    }
    const saved: Ticket = {
      ...ticket,
      breakGlass: {
        ...breakGlass,
        reviewStatus: input.outcome,
        reviewedBy: caller.participantId,
        reviewedAt: txTime(ctx).iso,
        ...(input.reviewRef === undefined ? {} : { reviewRef: input.reviewRef }),
      },
    };
    await ctx.stub.deleteState(breakGlassIndexKey(ctx, 'pending', ticket));
    await writeTicket(ctx, saved);
    await recordAudit(ctx, caller, {
      type: 'BreakGlassReviewed',
      patientId: ticket.patientId,
      subject: { kind: 'ticket', id: ticket.ticketId },
      reason: input.outcome,
    });
    return toJson(saved);
  }

  @Transaction(false)
  @Param(
    'query',
    'string',
    'JSON {reviewStatus?: pending|justified|unjustified (default pending), pageSize?, bookmark?}',
  )
  @Returns('string')
  public async ListBreakGlass(ctx: Context, query: string): Promise<string> {
    const caller = await authorize(ctx, 'Access:ListBreakGlass');
    const input = parseJsonArg(listBreakGlassQuerySchema, query, 'query');
    // Each organisation's queue holds the break-glass disclosures of its own records only.
    return toJson(
      await pageByPartialKey(
        ctx,
        KEY.breakGlassByStatus,
        [input.reviewStatus, caller.mspId],
        input,
        ticketSchema,
        'ticket',
      ),
    );
  }

  /**
   * Called by the custodian's gatekeeper before it serves the record, for every read: the first and each repeat
   * on the same ticket is a disclosure of its own on the ledger. It re-judges the ticket now (consent still in
   * force, requester active, break-glass not judged unjustified, record current), so revocation is immediate.
   */
  @Transaction()
  @Param('ticketId', 'string', 'the ticket the gatekeeper is about to serve')
  @Returns('string')
  public async ConfirmDisclosure(ctx: Context, ticketId: string): Promise<string> {
    const caller = await authorize(ctx, 'Access:ConfirmDisclosure');
    const id = parseArg(txIdSchema, ticketId, 'ticketId');
    const ticket = await requireTicket(ctx, id);
    if (caller.mspId !== ticket.custodianMsp) {
      throw forbidden(`only the gatekeeper of ${ticket.custodianMsp} confirms disclosures of its records`);
    }
    const now = txTime(ctx);
    if (ticket.decision !== 'permit') {
      throw conflict(`ticket ${id} was denied (${ticket.reason}); nothing may be disclosed on it`);
    }
    if (now.iso >= ticket.expiresAt) {
      throw conflict(`ticket ${id} expired at ${ticket.expiresAt}; the requester must ask again`);
    }
    const refusal = await whyNoLongerPermitted(ctx, ticket, now.iso);
    if (refusal !== undefined) {
      throw forbidden(`no disclosure on ticket ${id}: ${refusal}`);
    }
    const txId = ctx.stub.getTxID();
    const disclosure = { confirmedBy: caller.participantId, confirmedAt: now.iso, txId };
    const saved: Ticket = {
      ...ticket,
      disclosure: ticket.disclosure ?? disclosure,
      disclosureCount: (ticket.disclosureCount ?? (ticket.disclosure === undefined ? 0 : 1)) + 1,
      lastDisclosure: disclosure,
    };
    await writeTicket(ctx, saved);
    await notifyPatient(ctx, ticket.patientId, 'disclosure', id);
    await recordAudit(ctx, caller, {
      type: 'DisclosureConfirmed',
      patientId: ticket.patientId,
      subject: { kind: 'ticket', id },
    });
    return toJson(saved);
  }

  /**
   * A read in one ordered transaction, submitted by the custodian's gatekeeper with the requester's signed request:
   * the requester's identity comes from the request's certificate and signature (requesterContext), the decision is
   * RequestAccess's own, and a permit is recorded as disclosed in the same transaction, before the gatekeeper serves.
   * A deny is recorded too. The ticket is single-use (it expires as it is issued): the next read is a new request.
   */
  @Transaction()
  @Param('request', 'string', 'JSON signed read request {recordId, purpose, custodianMsp, requesterMsp, certPem, ...}')
  @Returns('string')
  public async Disclose(ctx: Context, request: string): Promise<string> {
    const gatekeeper = await authorize(ctx, 'Access:Disclose');
    const input = parseJsonArg(signedReadRequestSchema, request, 'request');
    if (input.custodianMsp !== gatekeeper.mspId) {
      throw forbidden(`the read request is addressed to ${input.custodianMsp}; only its gatekeeper submits it`);
    }
    const now = txTime(ctx);
    const requesterCtx = await requesterContext(ctx, input, now);
    await consumeReadRequest(ctx, input);
    const requester = await authorize(requesterCtx, 'Access:RequestAccess');
    const record = await requireRecord(ctx, input.recordId);
    if (record.custodianMsp !== gatekeeper.mspId) {
      throw forbidden(`record ${record.recordId} is held by ${record.custodianMsp}; ask its gatekeeper`);
    }
    const decided = await decideAccess(ctx, requester, record, input.purpose, now.iso);
    const { decision, reason } = decided;
    const txId = ctx.stub.getTxID();
    const disclosure = { confirmedBy: gatekeeper.participantId, confirmedAt: now.iso, txId };
    const ticket: Ticket = {
      ...decisionTicket(ctx, {
        record,
        purpose: input.purpose,
        decided,
        requester: requesterOf(requesterCtx, requester),
        issuedAt: now.iso,
        expiresAt: now.iso,
      }),
      ...(decision === 'permit' ? { disclosure, disclosureCount: 1, lastDisclosure: disclosure } : {}),
    };
    await writeTicket(ctx, ticket);
    await notifyPatient(ctx, record.patientId, decision === 'permit' ? 'disclosure' : 'access', txId);
    // One event per transaction (its id is the event id): the reader is the actor, whether served or refused.
    await recordAudit(ctx, requester, {
      type: decision === 'permit' ? 'DisclosureConfirmed' : 'AccessDecided',
      patientId: record.patientId,
      subject: { kind: 'ticket', id: txId },
      outcome: decision,
      reason,
    });
    return toJson(ticket);
  }

  @Transaction(false)
  @Param('ticketId', 'string', 'the ticket')
  @Returns('string')
  public async GetTicket(ctx: Context, ticketId: string): Promise<string> {
    const caller = await authorize(ctx, 'Access:GetTicket');
    const id = parseArg(txIdSchema, ticketId, 'ticketId');
    const ticket = await requireTicket(ctx, id);
    const isRequester =
      ticket.requester.participantId === caller.participantId && ticket.requester.mspId === caller.mspId;
    const complianceReach =
      caller.role === 'compliance' &&
      (ticket.custodianMsp === caller.mspId ||
        ticket.requester.mspId === caller.mspId ||
        (await complianceCovers(ctx, caller, ticket.patientId)));
    const allowed =
      complianceReach ||
      isRequester ||
      (caller.role === 'gatekeeper' && caller.mspId === ticket.custodianMsp) ||
      (await actsForPatient(ctx, caller, ticket.patientId));
    if (!allowed) {
      throw forbidden(
        `${caller.participantId} is not the requester, the patient, the custodian's gatekeeper or a compliance officer of an organisation involved`,
      );
    }
    return toJson(ticket);
  }
}
