import { expect } from 'chai';
import type { AuditEvent, Ticket } from '@medrec/contract';
import { reasonWords, ticketIdsOf, timelineByRecord } from '../../../console/src/logic/access-timeline';

const tx = (n: number): string => n.toString(16).padStart(64, '0');

function event(n: number, patch: Partial<AuditEvent>): AuditEvent {
  return {
    eventId: tx(n),
    txId: tx(n),
    time: `2030-01-01T00:00:0${String(n)}.000Z`,
    type: 'AccessDecided',
    actor: { participantId: 'cl-2', mspId: 'Hospital2MSP', role: 'clinician' },
    patientId: 'pt-1',
    subject: { kind: 'ticket', id: tx(100 + n) },
    ...patch,
  };
}

/** The fields of a ticket the timeline reads; the rest does not matter here. */
function ticket(n: number, recordId: string, patch: Partial<Ticket> = {}): Ticket {
  return { ticketId: tx(100 + n), recordId, purpose: 'TREAT', kind: 'access', ...patch } as Ticket;
}

describe('console: the patient timeline per record', () => {
  const events: AuditEvent[] = [
    event(3, { outcome: 'deny', reason: 'no-covering-consent' }),
    event(1, {
      type: 'RecordRegistered',
      subject: { kind: 'record', id: 'rec-a' },
      actor: { participantId: 'cl-1', mspId: 'Hospital1MSP', role: 'clinician' },
    }),
    event(2, { type: 'DisclosureConfirmed', outcome: 'permit', reason: 'consent' }),
    event(4, { type: 'BreakGlassGranted', outcome: 'permit', reason: 'patient-unconscious' }),
    event(5, { type: 'ConsentGranted', subject: { kind: 'consent', id: 'consent-1' } }),
    event(6, { subject: { kind: 'ticket', id: tx(999) } }),
  ];
  const tickets = new Map(
    [ticket(2, 'rec-a'), ticket(3, 'rec-a'), ticket(4, 'rec-b', { kind: 'break-glass', purpose: 'ETREAT' })].map(
      (t) => [t.ticketId, t],
    ),
  );

  it('looks up each ticket once, and places access events on the ticket’s record in time order', () => {
    expect(ticketIdsOf([...events, events[0]!])).to.deep.equal([tx(103), tx(102), tx(104), tx(999)]);
    const byRecord = timelineByRecord(events, tickets);
    expect([...byRecord.keys()].sort()).to.deep.equal(['rec-a', 'rec-b']);
    const a = byRecord.get('rec-a')!;
    expect(a.map((e) => [e.type, e.actorMsp, e.outcome, e.purpose])).to.deep.equal([
      ['RecordRegistered', 'Hospital1MSP', undefined, undefined],
      ['DisclosureConfirmed', 'Hospital2MSP', 'permit', 'TREAT'],
      ['AccessDecided', 'Hospital2MSP', 'deny', 'TREAT'],
    ]);
    expect(a.every((e) => !e.breakGlass)).to.equal(true);
    const [glass] = byRecord.get('rec-b')!;
    expect(glass).to.include({ breakGlass: true, purpose: 'ETREAT', reason: 'patient-unconscious' });
  });

  it('says the ledger’s reasons in words and keeps codes it does not know', () => {
    expect(reasonWords('no-covering-consent')).to.equal('no consent of yours covers it');
    expect(reasonWords('patient-unconscious')).to.equal('patient-unconscious');
  });
});
