/** Organisations, tickets and disclosure events for the accounting of disclosures, and a report built from them. */
import { createLedgerAuditEventSource } from '../../../../sdk/src/audit-export/audit-event-source';
import {
  buildAccountingOfDisclosures,
  coveredEntityOf,
  type AccountingOptions,
  type AccountingReport,
} from '../../../../sdk/src/audit-export/hipaa-accounting';
import type { AuditEvent, Organisation, PurposeOfUse, Ticket } from '../../../../sdk/src/chaincode-types';
import { createFakeLedger } from './fake-ledger';

const REGISTERED = {
  caRootCertsPem: [],
  registeredBy: 'admin',
  registeredAt: '2029-01-01T00:00:00.000Z',
  updatedAt: '2029-01-01T00:00:00.000Z',
};

export const ORGANISATIONS: Readonly<Record<string, Organisation>> = {
  Hospital1MSP: {
    ...REGISTERED,
    mspId: 'Hospital1MSP',
    displayName: 'Hospital 1',
    gatekeeperUrl: 'https://gk.hospital1.example/',
    legalName: 'Hospital One NHS Trust',
    postalAddress: { lines: ['1 Example Road'], city: 'Exampleton', postalCode: 'EX1 1AA', country: 'GB' },
    contact: { name: 'Privacy Office', phone: '+44 1632 960001', email: 'privacy@hospital1.example.org' },
    txId: 'o1',
  },
  Hospital2MSP: {
    ...REGISTERED,
    mspId: 'Hospital2MSP',
    displayName: 'St. <Mary> & "Sons"',
    gatekeeperUrl: 'https://gk.hospital2.example/',
    legalName: 'Hospital Two <NHS> & "Partners"',
    postalAddress: {
      lines: ['Second Hospital Site', '2 Sample Street'],
      city: 'Sampleford',
      postalCode: 'SA2 2BB',
      country: 'GB',
    },
    txId: 'o2',
  },
  // Registered before organisations carried a legal identity: display name, no address.
  ResearchMSP: {
    ...REGISTERED,
    mspId: 'ResearchMSP',
    displayName: '=Research Institute',
    gatekeeperUrl: 'https://research.example/',
    txId: 'o3',
  },
};

export function organisation(mspId: string): Organisation {
  const found = ORGANISATIONS[mspId];
  if (found === undefined) throw new Error(`no organisation ${mspId}`);
  return found;
}

export function disclosure(
  n: number,
  time: string,
  ticketId: string,
  type: AuditEvent['type'] = 'DisclosureConfirmed',
): AuditEvent {
  const id = `d${String(n)}`.padEnd(64, '0');
  return {
    eventId: id,
    txId: id,
    time,
    type,
    actor: { participantId: 'gk-1', mspId: 'Hospital1MSP', role: 'gatekeeper' },
    patientId: 'pat-1',
    subject: { kind: 'ticket', id: ticketId },
  };
}

export function ticket(
  ticketId: string,
  options: Readonly<{
    requesterMsp: string;
    purpose: PurposeOfUse;
    reason: Ticket['reason'];
    recordId?: string;
    category?: Ticket['category'];
    custodianMsp?: string;
    kind?: Ticket['kind'];
  }>,
): Ticket {
  return {
    ticketId,
    kind: options.kind ?? 'access',
    decision: 'permit',
    reason: options.reason,
    ...(options.reason === 'consent' ? { consentId: 'consent-1' } : {}),
    recordId: options.recordId ?? `rec-${ticketId}`,
    patientId: 'pat-1',
    custodianMsp: options.custodianMsp ?? 'Hospital1MSP',
    category: options.category ?? 'laboratory',
    purpose: options.purpose,
    requester: {
      participantId: `req-${ticketId}`,
      mspId: options.requesterMsp,
      role: options.reason === 'own-record' ? 'patient' : 'clinician',
      certSha256: '0'.repeat(64),
      certPem: '',
    },
    issuedAt: '2030-01-01T00:00:00.000Z',
    expiresAt: '2030-01-01T00:15:00.000Z',
    txId: ticketId,
  };
}

/** One ticket per kind of decision the accounting distinguishes. */
export const TICKETS: ReadonlyMap<string, Ticket> = new Map(
  [
    // Research under the patient's consent: an authorisation, (iv). t1 is read twice: two disclosures.
    ticket('t1', { requesterMsp: 'ResearchMSP', purpose: 'HRESCH', reason: 'consent', recordId: 'r-iron' }),
    ticket('t2', { requesterMsp: 'ResearchMSP', purpose: 'HRESCH', reason: 'consent', recordId: 'r-iron' }),
    ticket('t3', { requesterMsp: 'ResearchMSP', purpose: 'HRESCH', reason: 'consent', recordId: 'r-iron' }),
    // Break-glass: emergency treatment, (i).
    ticket('t4', {
      requesterMsp: 'Hospital2MSP',
      purpose: 'ETREAT',
      reason: 'break-glass',
      category: 'imaging',
      kind: 'break-glass',
    }),
    // Older than six years.
    ticket('t0', { requesterMsp: 'Hospital2MSP', purpose: 'TREAT', reason: 'consent', category: 'imaging' }),
    // Public health by the custodian's own clinician, no consent: accountable.
    ticket('t6', {
      requesterMsp: 'Hospital2MSP',
      purpose: 'PUBHLTH',
      reason: 'custodian',
      custodianMsp: 'Hospital2MSP',
      category: 'immunization',
    }),
    // Treatment under consent: (i), not (iv).
    ticket('t7', { requesterMsp: 'Hospital2MSP', purpose: 'TREAT', reason: 'consent', category: 'condition' }),
    // The patient's own read: (ii).
    ticket('t8', { requesterMsp: 'Hospital1MSP', purpose: 'TREAT', reason: 'own-record', category: 'note' }),
    // A delegate's read for payment: (ii) before (i).
    ticket('t9', { requesterMsp: 'Hospital1MSP', purpose: 'HPAYMT', reason: 'delegate', category: 'note' }),
    // Research by the custodian's own clinician without consent: accountable.
    ticket('t10', { requesterMsp: 'Hospital1MSP', purpose: 'HRESCH', reason: 'custodian', category: 'medication' }),
    // Granted, never read.
    ticket('t5', { requesterMsp: 'Hospital2MSP', purpose: 'ETREAT', reason: 'break-glass', kind: 'break-glass' }),
  ].map((t) => [t.ticketId, t]),
);

export const EVENTS: readonly AuditEvent[] = [
  disclosure(0, '2022-01-01T00:00:00.000Z', 't0'),
  disclosure(1, '2030-01-01T09:00:00.000Z', 't1'),
  disclosure(2, '2030-02-01T00:00:00.000Z', 't4', 'BreakGlassGranted'),
  disclosure(3, '2030-02-01T00:05:00.000Z', 't4'),
  disclosure(4, '2030-03-01T00:00:00.000Z', 't2'),
  disclosure(5, '2030-03-02T00:00:00.000Z', 'r9', 'RecordRegistered'),
  disclosure(6, '2030-03-03T14:05:00.000Z', 't6'),
  disclosure(7, '2030-03-10T00:00:00.000Z', 't7'),
  disclosure(8, '2030-03-11T00:00:00.000Z', 't8'),
  disclosure(9, '2030-03-12T00:00:00.000Z', 't9'),
  disclosure(10, '2030-03-13T00:00:00.000Z', 't10'),
  disclosure(11, '2030-04-01T00:00:00.000Z', 't3'),
  disclosure(12, '2030-04-02T00:00:00.000Z', 't1'),
  disclosure(13, '2030-05-01T00:00:00.000Z', 't5', 'BreakGlassGranted'),
];

export const NOW = new Date('2030-06-01T00:00:00.000Z');

/** The accounting of pat-1 by Hospital 1 over EVENTS; `overrides` replace any option. */
export function buildFixtureAccounting(overrides: Partial<AccountingOptions> = {}): Promise<AccountingReport> {
  return buildAccountingOfDisclosures({
    patientId: 'pat-1',
    coveredEntity: coveredEntityOf(organisation('Hospital1MSP')),
    source: createLedgerAuditEventSource(createFakeLedger(EVENTS), { pageSize: 3 }),
    lookups: {
      getTicket: (id) => {
        const found = TICKETS.get(id);
        return found === undefined ? Promise.reject(new Error(`no ticket ${id}`)) : Promise.resolve(found);
      },
      getOrganisation: (msp) => Promise.resolve(organisation(msp)),
    },
    describeRecord: (t) => Promise.resolve(t.recordId === 'r-iron' ? 'Observation: Serum iron' : undefined),
    now: () => NOW,
    ...overrides,
  });
}
