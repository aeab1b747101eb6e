/**
 * HIPAA 45 CFR 164.528 accounting of disclosures for one patient: every disclosure (DisclosureConfirmed: a release of
 * content, dated when released) in the window, with date, recipient name and address (the registrar's organisation record:
 * displayName, gatekeeperUrl), a brief description (the record category) and the purpose. Treatment, payment and
 * operations disclosures are exempt from the accounting (164.528(a)(1)(i)) but listed, marked exempt. Repeated
 * disclosures to the same recipient for the same purpose and description are summarised (164.528(b)(3)).
 */
import type { AuditEvent, Organisation, PurposeOfUse, Ticket } from '../chaincode-types';
import type { AuditEventSource } from './audit-event-source';

export const EXEMPT_PURPOSES: ReadonlySet<string> = new Set<PurposeOfUse>(['TREAT', 'ETREAT', 'HPAYMT', 'HOPERAT']);
/**
 * Only releases. A break-glass grant discloses nothing by itself: the read it allows is a DisclosureConfirmed on
 * the break-glass ticket, dated when the content was released; a grant never used is not a disclosure.
 */
const DISCLOSURE_EVENT_TYPES = ['DisclosureConfirmed'];

/** The ledger lookups the accounting needs (a MedrecClient has both). */
export interface AccountingLookups {
  getTicket(ticketId: string): Promise<Ticket>;
  getOrganisation(mspId: string): Promise<Organisation>;
}

export interface AccountingOptions {
  readonly patientId: string;
  readonly source: AuditEventSource;
  readonly lookups: AccountingLookups;
  /** Default: six years before `to`. */
  readonly from?: string;
  /** Default: now; a later time is read as now (nothing is disclosed in the future, and the window keeps six years). */
  readonly to?: string;
  readonly now?: () => Date;
}

export interface AccountingEntry {
  readonly recipientName: string;
  readonly recipientAddress: string;
  readonly recipientMspId: string;
  readonly purpose: string;
  readonly description: string;
  /** Treatment, payment or health-care operations: exempt from the accounting, listed for completeness. */
  readonly exempt: boolean;
  readonly firstDate: string;
  readonly lastDate: string;
  readonly count: number;
  /** Ticket ids of the disclosures summarised by this entry. */
  readonly ticketIds: readonly string[];
}

export interface AccountingReport {
  readonly patientId: string;
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  readonly entries: readonly AccountingEntry[];
}

interface Group {
  recipientMspId: string;
  purpose: string;
  description: string;
  firstDate: string;
  lastDate: string;
  ticketIds: string[];
}

export async function buildAccountingOfDisclosures(options: Readonly<AccountingOptions>): Promise<AccountingReport> {
  const now = options.now?.() ?? new Date();
  const nowIso = now.toISOString();
  // ISO-8601 UTC strings of one format compare as times; a `to` in the future would shift the default six-year
  // window forward and cut its oldest years off.
  const to = options.to === undefined || options.to > nowIso ? nowIso : options.to;
  const from = options.from ?? sixYearsBefore(to);
  const groups = new Map<string, Group>();
  const seenTickets = new Set<string>();
  const filters = { patientId: options.patientId, eventTypes: DISCLOSURE_EVENT_TYPES, from, to };
  for await (const page of options.source.pages(filters)) {
    for (const event of page) {
      if (event.subject.kind !== 'ticket' || seenTickets.has(event.subject.id)) continue;
      seenTickets.add(event.subject.id);
      addDisclosure(groups, event, await options.lookups.getTicket(event.subject.id));
    }
  }
  const organisations = new Map<string, Organisation>();
  const entries: AccountingEntry[] = [];
  for (const group of groups.values()) {
    let organisation = organisations.get(group.recipientMspId);
    if (!organisation) {
      organisation = await options.lookups.getOrganisation(group.recipientMspId);
      organisations.set(group.recipientMspId, organisation);
    }
    entries.push({
      recipientName: organisation.displayName,
      recipientAddress: organisation.gatekeeperUrl,
      recipientMspId: group.recipientMspId,
      purpose: group.purpose,
      description: group.description,
      exempt: EXEMPT_PURPOSES.has(group.purpose),
      firstDate: group.firstDate,
      lastDate: group.lastDate,
      count: group.ticketIds.length,
      ticketIds: group.ticketIds,
    });
  }
  entries.sort((a, b) => (a.firstDate < b.firstDate ? -1 : a.firstDate > b.firstDate ? 1 : 0));
  return { patientId: options.patientId, from, to, generatedAt: now.toISOString(), entries };
}

/** The same calendar instant six years earlier (the 164.528(a)(3) default window). */
function sixYearsBefore(time: string): string {
  const date = new Date(time);
  date.setUTCFullYear(date.getUTCFullYear() - 6);
  return date.toISOString();
}

function addDisclosure(groups: Map<string, Group>, event: AuditEvent, ticket: Ticket): void {
  const recipientMspId = ticket.requester.mspId;
  const key = JSON.stringify([recipientMspId, ticket.purpose, ticket.category]);
  const group = groups.get(key);
  if (group) {
    group.lastDate = event.time;
    group.ticketIds.push(ticket.ticketId);
    return;
  }
  groups.set(key, {
    recipientMspId,
    purpose: ticket.purpose,
    description: ticket.category,
    firstDate: event.time,
    lastDate: event.time,
    ticketIds: [ticket.ticketId],
  });
}
