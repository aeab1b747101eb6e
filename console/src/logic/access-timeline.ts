/**
 * A patient's audit events arranged per record: who accessed it (participant, organisation, role), why (the ticket's
 * purpose), when, permit or deny, and break-glass flagged. Access events name a ticket, not a record; the ticket
 * (which the patient may read) says which record and purpose it was for.
 */
import type { AuditEvent, Purpose, Ticket } from '@medrec/contract';

export interface TimelineEntry {
  readonly txId: string;
  readonly time: string;
  readonly type: AuditEvent['type'];
  readonly actorId: string;
  readonly actorMsp: string;
  readonly actorRole: AuditEvent['actor']['role'];
  readonly outcome: 'permit' | 'deny' | undefined;
  readonly purpose: Purpose | undefined;
  readonly breakGlass: boolean;
  /** The ledger's reason: the decision's (consent, no-covering-consent, ...) or the coded break-glass reason. */
  readonly reason: string | undefined;
}

/** Events about tickets: which ticket ids to look up to place them on a record. */
export function ticketIdsOf(events: readonly AuditEvent[]): string[] {
  return [...new Set(events.filter((e) => e.subject.kind === 'ticket').map((e) => e.subject.id))];
}

function entryOf(event: AuditEvent, ticket: Ticket | undefined): TimelineEntry {
  return {
    txId: event.txId,
    time: event.time,
    type: event.type,
    actorId: event.actor.participantId,
    actorMsp: event.actor.mspId,
    actorRole: event.actor.role,
    outcome: event.outcome,
    purpose: ticket?.purpose,
    breakGlass: event.type === 'BreakGlassGranted' || ticket?.kind === 'break-glass',
    reason: event.reason,
  };
}

/** The record an event is about, when it is about one. */
function recordOf(event: AuditEvent, tickets: ReadonlyMap<string, Ticket>): string | undefined {
  if (event.subject.kind === 'record') return event.subject.id;
  if (event.subject.kind === 'ticket') return tickets.get(event.subject.id)?.recordId;
  return undefined;
}

/** Record id -> its entries in time order; events about no record (consents, relationships) are left out. */
export function timelineByRecord(
  events: readonly AuditEvent[],
  tickets: ReadonlyMap<string, Ticket>,
): Map<string, TimelineEntry[]> {
  const byRecord = new Map<string, TimelineEntry[]>();
  const ordered = [...events].sort((a, b) => a.time.localeCompare(b.time));
  for (const event of ordered) {
    const recordId = recordOf(event, tickets);
    if (recordId === undefined) continue;
    const ticket = event.subject.kind === 'ticket' ? tickets.get(event.subject.id) : undefined;
    const entries = byRecord.get(recordId) ?? [];
    entries.push(entryOf(event, ticket));
    byRecord.set(recordId, entries);
  }
  return byRecord;
}

const EVENT_WORDS: Partial<Record<AuditEvent['type'], string>> = {
  RecordRegistered: 'added the record',
  RecordAmended: 'amended the record',
  AccessDecided: 'asked to see it',
  DisclosureConfirmed: 'read it',
  BreakGlassGranted: 'broke the glass (emergency access)',
  BreakGlassReviewed: 'reviewed the emergency access',
};

/** The ledger's decision reasons, as the patient reads them; a break-glass reason is shown as its code. */
const REASON_WORDS: Readonly<Record<string, string>> = {
  'own-record': 'your own record',
  delegate: 'as your delegate',
  custodian: 'staff of the organisation holding it',
  consent: 'under your consent',
  'break-glass': 'emergency access',
  'record-superseded': 'a newer version exists',
  'no-covering-consent': 'no consent of yours covers it',
};

export function reasonWords(reason: string): string {
  return REASON_WORDS[reason] ?? reason;
}

export function eventWords(type: AuditEvent['type']): string {
  return EVENT_WORDS[type] ?? type;
}
