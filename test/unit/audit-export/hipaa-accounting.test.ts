import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { renderAccountingCsv, renderAccountingHtml } from '../../../sdk/src/audit-export/accounting-render';
import { createLedgerAuditEventSource } from '../../../sdk/src/audit-export/audit-event-source';
import { buildAccountingOfDisclosures, type AccountingReport } from '../../../sdk/src/audit-export/hipaa-accounting';
import type { AuditEvent, Organisation, PurposeOfUse, Ticket } from '../../../sdk/src/chaincode-types';
import { createFakeLedger } from './support/fake-ledger';

const ORGS: Record<string, Organisation> = {
  Hospital2MSP: {
    mspId: 'Hospital2MSP',
    displayName: 'St. <Mary> & "Sons"',
    gatekeeperUrl: 'https://gk.hospital2.example/',
    caRootCertsPem: [],
    registeredBy: 'admin',
    registeredAt: '2029-01-01T00:00:00.000Z',
    updatedAt: '2029-01-01T00:00:00.000Z',
    txId: 'o2',
  },
  ResearchMSP: {
    mspId: 'ResearchMSP',
    displayName: '=Research Institute',
    gatekeeperUrl: 'https://research.example/',
    caRootCertsPem: [],
    registeredBy: 'admin',
    registeredAt: '2029-01-01T00:00:00.000Z',
    updatedAt: '2029-01-01T00:00:00.000Z',
    txId: 'o3',
  },
};

function disclosure(n: number, time: string, type: AuditEvent['type'], ticketId: string): AuditEvent {
  const id = `d${n}`.padEnd(64, '0');
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

function ticket(ticketId: string, mspId: string, purpose: PurposeOfUse, category: Ticket['category']): Ticket {
  return {
    ticketId,
    kind: 'access',
    decision: 'permit',
    reason: 'consent',
    recordId: 'r',
    patientId: 'pat-1',
    custodianMsp: 'Hospital1MSP',
    category,
    purpose,
    requester: { participantId: 'x', mspId, role: 'researcher', certSha256: '0'.repeat(64), certPem: '' },
    issuedAt: '2030-01-01T00:00:00.000Z',
    expiresAt: '2030-01-01T00:15:00.000Z',
    txId: ticketId,
  };
}

describe('audit export: HIPAA accounting of disclosures', function () {
  const tickets = new Map<string, Ticket>([
    ['t1', ticket('t1', 'ResearchMSP', 'HRESCH', 'laboratory')],
    ['t2', ticket('t2', 'ResearchMSP', 'HRESCH', 'laboratory')],
    ['t3', ticket('t3', 'ResearchMSP', 'HRESCH', 'laboratory')],
    ['t4', ticket('t4', 'Hospital2MSP', 'ETREAT', 'imaging')],
    ['t0', ticket('t0', 'Hospital2MSP', 'PUBHLTH', 'imaging')],
    ['t5', ticket('t5', 'Hospital2MSP', 'ETREAT', 'note')],
  ]);
  const events = [
    disclosure(0, '2022-01-01T00:00:00.000Z', 'DisclosureConfirmed', 't0'), // older than six years
    disclosure(1, '2030-01-01T00:00:00.000Z', 'DisclosureConfirmed', 't1'),
    disclosure(2, '2030-02-01T00:00:00.000Z', 'BreakGlassGranted', 't4'),
    disclosure(3, '2030-02-01T00:05:00.000Z', 'DisclosureConfirmed', 't4'), // the same break-glass ticket: one disclosure
    disclosure(4, '2030-03-01T00:00:00.000Z', 'DisclosureConfirmed', 't2'),
    disclosure(5, '2030-03-02T00:00:00.000Z', 'RecordRegistered', 'r9'),
    disclosure(6, '2030-04-01T00:00:00.000Z', 'DisclosureConfirmed', 't3'),
    disclosure(7, '2030-05-01T00:00:00.000Z', 'BreakGlassGranted', 't5'), // granted, never read: nothing released
  ];
  const build = (to?: string): Promise<AccountingReport> =>
    buildAccountingOfDisclosures({
      patientId: 'pat-1',
      ...(to === undefined ? {} : { to }),
      source: createLedgerAuditEventSource(createFakeLedger(events), { pageSize: 2 }),
      lookups: {
        getTicket: (id) => Promise.resolve(tickets.get(id)!),
        getOrganisation: (msp) => Promise.resolve(ORGS[msp]!),
      },
      now: () => new Date('2030-06-01T00:00:00.000Z'),
    });

  it('lists disclosures of the six-year window, summarises repeats and marks treatment exempt', async function () {
    const report = await build();
    expect(report.from).to.equal('2024-06-01T00:00:00.000Z');
    expect(report.entries).to.deep.equal([
      {
        recipientName: '=Research Institute',
        recipientAddress: 'https://research.example/',
        recipientMspId: 'ResearchMSP',
        purpose: 'HRESCH',
        description: 'laboratory',
        exempt: false,
        firstDate: '2030-01-01T00:00:00.000Z',
        lastDate: '2030-04-01T00:00:00.000Z',
        count: 3,
        ticketIds: ['t1', 't2', 't3'],
      },
      {
        recipientName: 'St. <Mary> & "Sons"',
        recipientAddress: 'https://gk.hospital2.example/',
        recipientMspId: 'Hospital2MSP',
        purpose: 'ETREAT',
        description: 'imaging',
        exempt: true,
        // The break-glass read's release, not its grant five minutes before.
        firstDate: '2030-02-01T00:05:00.000Z',
        lastDate: '2030-02-01T00:05:00.000Z',
        count: 1,
        ticketIds: ['t4'],
      },
    ]);
  });

  it('keeps the six-year window for a `to` in the future, and takes an earlier `to` as given', async function () {
    const future = await build('2031-01-01T00:00:00.000Z');
    expect([future.from, future.to]).to.deep.equal(['2024-06-01T00:00:00.000Z', '2030-06-01T00:00:00.000Z']);
    expect(future.entries.map((entry) => entry.count)).to.deep.equal([3, 1]);
    const earlier = await build('2030-02-15T00:00:00.000Z');
    expect([earlier.from, earlier.to]).to.deep.equal(['2024-02-15T00:00:00.000Z', '2030-02-15T00:00:00.000Z']);
    expect(earlier.entries.map((entry) => entry.ticketIds)).to.deep.equal([['t1'], ['t4']]);
  });

  it('renders escaped HTML and spreadsheet-safe CSV', async function () {
    const report = await build();
    const html = renderAccountingHtml(report);
    expect(html).to.contain('St. &#60;Mary&#62; &#38; &#34;Sons&#34;').and.not.contain('<Mary>');
    expect(html).to.contain('2030-01-01T00:00:00.000Z – 2030-04-01T00:00:00.000Z (3 disclosures)');
    expect(html).to.contain('exempt');
    const rows: string[][] = parse(renderAccountingCsv(report), {});
    expect(rows[0]).to.deep.equal([
      'firstDate',
      'lastDate',
      'count',
      'recipientName',
      'recipientAddress',
      'recipientMspId',
      'description',
      'purpose',
      'exempt',
    ]);
    expect(rows[1]![3]).to.equal("'=Research Institute");
    expect(rows[2]!.slice(-2)).to.deep.equal(['ETREAT', 'yes']);
  });
});
