/**
 * HIPAA 45 CFR 164.528 accounting of disclosures for one patient, by the covered entity producing it. Every
 * disclosure is a DisclosureConfirmed event (a release of content, dated when released) in the window. Each entry
 * gives the date (first and last, with the count, for repeated disclosures: 164.528(b)(3)), the recipient's legal
 * name and postal address (from the recipient organisation's ledger record, never its gatekeeper URL), a brief
 * description of what was disclosed and the purpose. Disclosures exempt under 164.528(a)(1) are listed apart, each
 * with the paragraph that exempts it.
 */
import { ID_PATTERN } from '@medrec/contract';
import type { AuditEvent, Organisation, PurposeOfUse, Ticket } from '../chaincode-types';
import {
  CATEGORY_NAMES,
  type ExemptionParagraph,
  type OrganisationContact,
  type PostalAddress,
} from './accounting-labels';
import { AuditExportError } from './audit-export-errors';
import type { AuditEventSource } from './audit-event-source';

export const EXEMPT_PURPOSES: ReadonlySet<string> = new Set<PurposeOfUse>(['TREAT', 'ETREAT', 'HPAYMT', 'HOPERAT']);
/**
 * Only releases. A break-glass grant discloses nothing by itself: the read it allows is a DisclosureConfirmed on
 * the break-glass ticket, dated when the content was released; a grant never used is not a disclosure. Every read
 * served on a ticket is a release of its own, so a ticket read twice is two disclosures.
 */
const DISCLOSURE_EVENT_TYPES = ['DisclosureConfirmed'];

/** The ledger lookups the accounting needs (a MedrecClient has both). */
export interface AccountingLookups {
  getTicket(ticketId: string): Promise<Ticket>;
  getOrganisation(mspId: string): Promise<Organisation>;
}

/**
 * What was disclosed, in the custodian's words (e.g. "Observation: Serum iron", the FHIR resource type and code
 * display, which never reach the ledger). undefined when the caller cannot tell (a record another organisation
 * holds): the accounting then describes the record by its category.
 */
export type DescribeRecord = (ticket: Readonly<Ticket>) => Promise<string | undefined>;

/** The organisation producing the accounting, as its ledger record names it (164.528(b)(2)). */
export interface CoveredEntity {
  readonly mspId: string;
  /** The legal name; the display name for an organisation that registered none. */
  readonly name: string;
  readonly postalAddress?: PostalAddress;
  readonly contact?: OrganisationContact;
}

export interface AccountingOptions {
  readonly patientId: string;
  readonly coveredEntity: CoveredEntity;
  readonly source: AuditEventSource;
  readonly lookups: AccountingLookups;
  readonly describeRecord?: DescribeRecord;
  /** Default: six years before `to`. */
  readonly from?: string;
  /** Default: now; a later time is read as now (nothing is disclosed in the future, and the window keeps six years). */
  readonly to?: string;
  readonly now?: () => Date;
}

export interface AccountingEntry {
  /** The recipient organisation's legal name (its display name if it registered none). */
  readonly recipientName: string;
  /** Its postal address from the ledger; absent when the organisation registered none. */
  readonly recipientAddress?: PostalAddress;
  readonly recipientMspId: string;
  /** The organisation that held and released the record. */
  readonly custodianMspId: string;
  readonly purpose: string;
  readonly description: string;
  /** True when a paragraph of 164.528(a)(1) exempts the disclosure from the accounting (see `exemption`). */
  readonly exempt: boolean;
  readonly exemption?: ExemptionParagraph;
  readonly firstDate: string;
  readonly lastDate: string;
  /** Disclosures summarised by this entry (every release counts, also several on one ticket). */
  readonly count: number;
  /** The tickets those disclosures were made on, each once. */
  readonly ticketIds: readonly string[];
}

export interface AccountingReport {
  readonly patientId: string;
  readonly coveredEntity: CoveredEntity;
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  /** The disclosures the accounting must list, oldest first. */
  readonly entries: readonly AccountingEntry[];
  /** Disclosures exempt under 164.528(a)(1), oldest first, listed apart for completeness. */
  readonly exemptEntries: readonly AccountingEntry[];
}

/** The covered entity as an organisation's ledger record names it. */
export function coveredEntityOf(organisation: Readonly<Organisation>): CoveredEntity {
  return {
    mspId: organisation.mspId,
    name: organisation.legalName ?? organisation.displayName,
    ...(organisation.postalAddress === undefined ? {} : { postalAddress: organisation.postalAddress }),
    ...(organisation.contact === undefined ? {} : { contact: organisation.contact }),
  };
}

/**
 * Which paragraph of 164.528(a)(1) exempts a disclosure, from what the ledger decided it on:
 * (ii) the patient's own read, or their delegate's (MedRec's delegate is appointed by the patient to act for them);
 * (i) treatment, payment or operations, whatever the ground (break-glass reads are emergency treatment);
 * (iv) a consent the patient granted for another purpose (research, public health) is an authorisation under
 * 164.508. Anything else (a custodian's own staff reading for research, for instance) must be accounted for.
 */
export function exemptionOf(ticket: Readonly<Ticket>): ExemptionParagraph | undefined {
  if (ticket.reason === 'own-record' || ticket.reason === 'delegate') return '164.528(a)(1)(ii)';
  if (EXEMPT_PURPOSES.has(ticket.purpose)) return '164.528(a)(1)(i)';
  if (ticket.reason === 'consent' && ticket.consentId !== undefined) return '164.528(a)(1)(iv)';
  return undefined;
}

interface Group {
  readonly recipientMspId: string;
  readonly custodianMspId: string;
  readonly purpose: string;
  readonly description: string;
  readonly exemption: ExemptionParagraph | undefined;
  readonly firstDate: string;
  lastDate: string;
  count: number;
  readonly ticketIds: Set<string>;
}

/** Memoises a lookup by key: a recipient or a record appears in many disclosures, the ledger is asked once. */
function memo<T>(lookup: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = lookup(key);
      cache.set(key, value);
    }
    return value;
  };
}

function assertValidPatientId(patientId: string): void {
  if (!ID_PATTERN.test(patientId)) {
    throw new AuditExportError({
      code: 'AUDIT_EXPORT_INVALID_FILTER',
      message: `patient id "${patientId}" is not a MedRec participant id (1-128 characters of A-Z a-z 0-9 . _ : -)`,
    });
  }
}

/**
 * Builds the accounting. A patient with no disclosures in the window has an empty one; an unknown patient is the
 * ledger's MEDREC_NOT_FOUND (Audit:QueryByPatient), and a malformed id or window an AUDIT_EXPORT_INVALID_FILTER,
 * raised before anything is read.
 */
export async function buildAccountingOfDisclosures(options: Readonly<AccountingOptions>): Promise<AccountingReport> {
  assertValidPatientId(options.patientId);
  const now = options.now?.() ?? new Date();
  const nowIso = now.toISOString();
  // ISO-8601 UTC strings of one format compare as times; a `to` in the future would shift the default six-year
  // window forward and cut its oldest years off.
  const to = options.to === undefined || options.to > nowIso ? nowIso : options.to;
  const from = options.from ?? sixYearsBefore(to);
  const getTicket = memo((id) => options.lookups.getTicket(id));
  // By record: every ticket on one record names the same record and category.
  const descriptions = new Map<string, Promise<string>>();
  const describe = (ticket: Ticket): Promise<string> => {
    let description = descriptions.get(ticket.recordId);
    if (description === undefined) {
      description = describeOrCategory(ticket, options.describeRecord);
      descriptions.set(ticket.recordId, description);
    }
    return description;
  };

  const groups = new Map<string, Group>();
  const filters = { patientId: options.patientId, eventTypes: DISCLOSURE_EVENT_TYPES, from, to };
  for await (const page of options.source.pages(filters)) {
    for (const event of page) {
      if (event.subject.kind !== 'ticket') continue;
      const ticket = await getTicket(event.subject.id);
      addDisclosure(groups, event, ticket, await describe(ticket));
    }
  }

  const getOrganisation = memo((mspId) => options.lookups.getOrganisation(mspId));
  const entries: AccountingEntry[] = [];
  for (const group of groups.values()) {
    const recipient = await getOrganisation(group.recipientMspId);
    entries.push({
      recipientName: recipient.legalName ?? recipient.displayName,
      ...(recipient.postalAddress === undefined ? {} : { recipientAddress: recipient.postalAddress }),
      recipientMspId: group.recipientMspId,
      custodianMspId: group.custodianMspId,
      purpose: group.purpose,
      description: group.description,
      exempt: group.exemption !== undefined,
      ...(group.exemption === undefined ? {} : { exemption: group.exemption }),
      firstDate: group.firstDate,
      lastDate: group.lastDate,
      count: group.count,
      ticketIds: [...group.ticketIds],
    });
  }
  entries.sort((a, b) => (a.firstDate < b.firstDate ? -1 : a.firstDate > b.firstDate ? 1 : 0));
  return {
    patientId: options.patientId,
    coveredEntity: options.coveredEntity,
    from,
    to,
    generatedAt: nowIso,
    entries: entries.filter((entry) => !entry.exempt),
    exemptEntries: entries.filter((entry) => entry.exempt),
  };
}

async function describeOrCategory(ticket: Ticket, describeRecord: DescribeRecord | undefined): Promise<string> {
  return (await describeRecord?.(ticket)) ?? CATEGORY_NAMES[ticket.category];
}

/** The same calendar instant six years earlier (the 164.528(a)(3) default window). */
function sixYearsBefore(time: string): string {
  const date = new Date(time);
  date.setUTCFullYear(date.getUTCFullYear() - 6);
  return date.toISOString();
}

function addDisclosure(groups: Map<string, Group>, event: AuditEvent, ticket: Ticket, description: string): void {
  const exemption = exemptionOf(ticket);
  const recipientMspId = ticket.requester.mspId;
  const key = JSON.stringify([recipientMspId, ticket.custodianMsp, ticket.purpose, description, exemption ?? '']);
  const group = groups.get(key);
  if (group) {
    // The source yields events in time order.
    group.lastDate = event.time;
    group.count += 1;
    group.ticketIds.add(ticket.ticketId);
    return;
  }
  groups.set(key, {
    recipientMspId,
    custodianMspId: ticket.custodianMsp,
    purpose: ticket.purpose,
    description,
    exemption,
    firstDate: event.time,
    lastDate: event.time,
    count: 1,
    ticketIds: new Set([ticket.ticketId]),
  });
}
