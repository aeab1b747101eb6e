// Tickets, break-glass, disclosures and the per-disclosure re-check, rule by rule: each ground of a permit next to
// the change that ends it. Written against the mutation survivors listed in docs/mutation-testing.md.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { Ticket } from '../../../contract/src/access';
import { whyNoLongerPermitted } from '../../../chaincode/src/access/disclosure-check';
import { KEY } from '../../../chaincode/src/common/keys';
import { call, callFails } from './support/client';
import { compositeKey, directContext, lastEvent, putCommitted } from './support/direct';
import { identity, type FakePeer } from './support/fake-peer';
import { H1, H2, RES, T0, consentBody, freshPeer, who } from './support/world';

const TREAT = { recordId: 'rec1', purpose: 'TREAT' };

async function ticketOf(peer: FakePeer, ticketId: string): Promise<Ticket> {
  return call<Ticket>(peer, who.gk1, 'Access:GetTicket', [ticketId]);
}

/** The re-check the ledger runs before a disclosure, called directly on a (possibly hand-made) ticket. */
function recheck(peer: FakePeer, ticket: Ticket, nowMs = peer.ledger.clockMs): Promise<string | undefined> {
  return whyNoLongerPermitted(directContext(peer.ledger, who.gk1), ticket, new Date(nowMs).toISOString());
}

describe('Access tickets: what a ticket carries', () => {
  it('a deny ticket carries no content hash or locator and expires as it is issued; a permit carries both', async () => {
    const { peer } = await freshPeer();
    const deny = await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [{ ...TREAT, purpose: 'HPAYMT' }]);
    expect(deny.decision).to.equal('deny');
    expect(deny).to.not.have.property('contentHash');
    expect(deny).to.not.have.property('locator');
    expect(deny).to.not.have.property('consentId');
    expect(deny.expiresAt).to.equal(deny.issuedAt);
    const permit = await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT]);
    expect(permit).to.include({ decision: 'permit', contentHash: 'a'.repeat(64), locator: 'urn:h1:rec1' });
    expect(Date.parse(permit.expiresAt) - Date.parse(permit.issuedAt)).to.equal(15 * 60_000);
  });

  it('binds a requester whose certificate bytes are not PEM to the hash of those bytes', async () => {
    const { peer } = await freshPeer();
    const rawP1 = identity(H1, 'patient', 'p1', 'raw certificate bytes');
    const ticket = await call<Ticket>(peer, rawP1, 'Access:RequestAccess', [TREAT]);
    expect(ticket.requester.certSha256).to.equal(
      createHash('sha256').update(Buffer.from('raw certificate bytes', 'utf8')).digest('hex'),
    );
    expect(ticket.requester.certPem).to.equal('raw certificate bytes');
  });

  it('names the ticket it cannot find', async () => {
    const { peer } = await freshPeer();
    const missing = await callFails(peer, who.gk1, 'Access:GetTicket', ['0'.repeat(64)]);
    expect(missing.code).to.equal('MEDREC_NOT_FOUND');
    expect(missing.detail).to.contain('0'.repeat(64));
  });
});

describe('Access tickets: who may read one', () => {
  it("lets the requester organisation's compliance officer read it, but not one of an organisation not involved", async () => {
    const { peer, world } = await freshPeer();
    // c2 (Hospital2) requested p1's record held by Hospital1; Hospital2 has no custody of p1.
    const read = await call<Ticket>(peer, who.co2, 'Access:GetTicket', [world.permitTicketId]);
    expect(read.ticketId).to.equal(world.permitTicketId);
    const refused = await callFails(peer, who.co2, 'Access:GetTicket', [world.researcherTicketId]);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain('co2');
    // Hospital1's compliance reads both: custodian and custody.
    await call(peer, who.co1, 'Access:GetTicket', [world.researcherTicketId]);
  });
});

describe('Break-glass', () => {
  it('keeps the incident reference when given, and none when not; audits the grant as a permit on the ticket', async () => {
    const { peer } = await freshPeer();
    const withRef = await call<Ticket>(peer, who.c1, 'Access:BreakGlass', [
      { recordId: 'rec1', reason: 'patient-unconscious', incidentRef: 'incident-42', durationMinutes: 5 },
    ]);
    expect(withRef.breakGlass).to.deep.equal({
      reason: 'patient-unconscious',
      incidentRef: 'incident-42',
      reviewStatus: 'pending',
    });
    expect(lastEvent(peer.ledger).payload).to.deep.equal({
      txId: withRef.ticketId,
      type: 'BreakGlassGranted',
      subject: { kind: 'ticket', id: withRef.ticketId },
      patientId: 'p1',
      outcome: 'permit',
    });
    const without = await call<Ticket>(peer, who.c1, 'Access:BreakGlass', [
      { recordId: 'rec1', reason: 'patient-unconscious', durationMinutes: 5 },
    ]);
    expect(without.breakGlass).to.deep.equal({ reason: 'patient-unconscious', reviewStatus: 'pending' });
  });

  it('refuses break-glass on a superseded version, naming the current one', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.c1, 'Records:AmendRecord', [
      { recordId: 'rec1', newRecordId: 'rec1-v2', contentHash: 'c'.repeat(64), locator: 'urn:h1:rec1-v2' },
    ]);
    const refused = await callFails(peer, who.c1, 'Access:BreakGlass', [
      { recordId: 'rec1', reason: 'patient-unconscious', durationMinutes: 5 },
    ]);
    expect(refused.code).to.equal('MEDREC_CONFLICT');
    expect(refused.detail).to.contain('rec1-v2');
  });

  it('keeps the review reference, audits the review, and treats the same review again as a no-op', async () => {
    const { peer, world } = await freshPeer();
    const reviewed = await call<Ticket>(peer, who.co1, 'Access:ReviewBreakGlass', [
      { ticketId: world.breakGlassTicketId, outcome: 'justified', reviewRef: 'review-7' },
    ]);
    expect(reviewed.breakGlass).to.include({ reviewStatus: 'justified', reviewRef: 'review-7', reviewedBy: 'co1' });
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'BreakGlassReviewed',
      patientId: 'p1',
      subject: { kind: 'ticket', id: world.breakGlassTicketId },
    });
    const again = await peer.invoke(who.co1, 'Access:ReviewBreakGlass', [
      JSON.stringify({ ticketId: world.breakGlassTicketId, outcome: 'justified' }),
    ]);
    expect([again.ok, again.writes, again.eventCalls.length]).to.deep.equal([true, 0, 0]);
    expect(JSON.parse(again.payload)).to.deep.equal(reviewed);
    const flipped = await callFails(peer, who.co1, 'Access:ReviewBreakGlass', [
      { ticketId: world.breakGlassTicketId, outcome: 'unjustified' },
    ]);
    expect(flipped.code).to.equal('MEDREC_CONFLICT');
    expect(flipped.detail).to.contain('justified').and.to.contain(world.breakGlassTicketId);
  });

  it('a review without a reference stores none', async () => {
    const { peer, world } = await freshPeer();
    const reviewed = await call<Ticket>(peer, who.co1, 'Access:ReviewBreakGlass', [
      { ticketId: world.breakGlassTicketId, outcome: 'unjustified' },
    ]);
    expect(reviewed.breakGlass).to.not.have.property('reviewRef');
  });

  it("names the custodian when another organisation's compliance reviews, and the ticket when it is no break-glass", async () => {
    const { peer, world } = await freshPeer();
    const other = await callFails(peer, who.co2, 'Access:ReviewBreakGlass', [
      { ticketId: world.breakGlassTicketId, outcome: 'justified' },
    ]);
    expect(other.code).to.equal('MEDREC_FORBIDDEN');
    expect(other.detail).to.contain(H1);
    const notBreakGlass = await callFails(peer, who.co1, 'Access:ReviewBreakGlass', [
      { ticketId: world.permitTicketId, outcome: 'justified' },
    ]);
    expect(notBreakGlass.code).to.equal('MEDREC_INVALID_ARGUMENT');
    expect(notBreakGlass.detail).to.match(/^review\.ticketId: /);
  });
});

describe('ConfirmDisclosure', () => {
  it('refuses a deny ticket because it was denied, and an expired permit because it expired', async () => {
    const { peer, world } = await freshPeer();
    const denied = await callFails(peer, who.gk1, 'Access:ConfirmDisclosure', [world.researcherTicketId]);
    expect(denied.code).to.equal('MEDREC_CONFLICT');
    expect(denied.detail).to.contain('was denied').and.to.contain(world.researcherTicketId);
    const ticket = await ticketOf(peer, world.permitTicketId);
    const expired = await callFails(
      peer,
      who.gk1,
      'Access:ConfirmDisclosure',
      [world.permitTicketId],
      Date.parse(ticket.expiresAt),
    );
    expect(expired.code).to.equal('MEDREC_CONFLICT');
    expect(expired.detail).to.contain('expired at').and.to.contain(ticket.expiresAt);
  });

  it("names the custodian when another organisation's gatekeeper confirms", async () => {
    const { peer, world } = await freshPeer();
    const refused = await callFails(peer, who.gk2, 'Access:ConfirmDisclosure', [world.permitTicketId]);
    expect(refused.detail).to.contain(H1);
  });

  it('audits each disclosure on the ticket, and counts a ticket confirmed before counts were kept', async () => {
    const { peer, world } = await freshPeer();
    const first = await call<Ticket>(peer, who.gk1, 'Access:ConfirmDisclosure', [world.permitTicketId]);
    expect(first.disclosureCount).to.equal(1);
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'DisclosureConfirmed',
      patientId: 'p1',
      subject: { kind: 'ticket', id: world.permitTicketId },
    });
    // A ticket written by the earlier chaincode: one disclosure, no counters.
    const legacy: Partial<Ticket> = { ...first };
    delete legacy.disclosureCount;
    delete legacy.lastDisclosure;
    putCommitted(peer.ledger, compositeKey(peer.ledger, who.gk1, KEY.ticket, world.permitTicketId), legacy);
    const second = await call<Ticket>(peer, who.gk1, 'Access:ConfirmDisclosure', [world.permitTicketId]);
    expect(second.disclosureCount).to.equal(2);
    expect(second.disclosure).to.deep.equal(first.disclosure);
  });
});

describe('Disclosure re-check: every ground of a permit', () => {
  it('a deny ticket and an expired permit never disclose (to the millisecond)', async () => {
    const { peer, world } = await freshPeer();
    const deny = await ticketOf(peer, world.researcherTicketId);
    expect(await recheck(peer, deny))
      .to.contain('was denied')
      .and.to.contain(deny.ticketId);
    const permit = await ticketOf(peer, world.permitTicketId);
    const expiry = Date.parse(permit.expiresAt);
    expect(await recheck(peer, permit, expiry))
      .to.contain('expired at')
      .and.to.contain(permit.ticketId);
    expect(await recheck(peer, permit, expiry - 1)).to.equal(undefined);
  });

  it('the requester must still be registered, active, in the same organisation and role', async () => {
    const { peer, world } = await freshPeer();
    const permit = await ticketOf(peer, world.permitTicketId);
    const ghost = { ...permit, requester: { ...permit.requester, participantId: 'ghost' } };
    expect(await recheck(peer, ghost)).to.contain('requester ghost is no longer an active clinician');
    const movedOrg = { ...permit, requester: { ...permit.requester, mspId: RES } };
    expect(await recheck(peer, movedOrg)).to.contain('no longer an active');
    const otherRole = { ...permit, requester: { ...permit.requester, role: 'researcher' as const } };
    expect(await recheck(peer, otherRole)).to.contain('no longer an active researcher');
    expect(await recheck(peer, permit)).to.equal(undefined);
  });

  it('the record must still be current, and exist', async () => {
    const { peer, world } = await freshPeer();
    const permit = await ticketOf(peer, world.permitTicketId);
    expect(await recheck(peer, { ...permit, recordId: 'rec-gone' })).to.contain('record rec-gone was superseded');
    await call(peer, who.c1, 'Records:AmendRecord', [
      { recordId: 'rec1', newRecordId: 'rec1-v2', contentHash: 'c'.repeat(64), locator: 'urn:h1:rec1-v2' },
    ]);
    expect(await recheck(peer, permit)).to.contain('record rec1 was superseded');
  });

  it('own-record holds for the patient only', async () => {
    const { peer } = await freshPeer();
    const own = await call<Ticket>(peer, who.p1, 'Access:RequestAccess', [TREAT]);
    expect(own.reason).to.equal('own-record');
    expect(await recheck(peer, own)).to.equal(undefined);
    const p2 = await call<Ticket>(peer, who.p2, 'Access:RequestAccess', [TREAT]);
    const forged: Ticket = { ...p2, decision: 'permit', reason: 'own-record', expiresAt: own.expiresAt };
    expect(await recheck(peer, forged)).to.equal('the requester is not the patient');
  });

  it('delegate holds while the delegate is active', async () => {
    const { peer } = await freshPeer();
    const ticket = await call<Ticket>(peer, who.g1, 'Access:RequestAccess', [TREAT]);
    expect(await recheck(peer, ticket)).to.equal(undefined);
    await call(peer, who.p1, 'Consent:RemoveDelegate', ['p1', 'g1']);
    expect(await recheck(peer, ticket)).to.contain('g1 is no longer a delegate');
  });

  it('custodian holds for a clinician of the custodian on a relationship not rejected', async () => {
    const { peer, world } = await freshPeer();
    const ticket = await call<Ticket>(peer, who.c1, 'Access:RequestAccess', [TREAT]);
    expect(await recheck(peer, ticket)).to.equal(undefined);
    // The custodian ground given to a clinician of another organisation never holds.
    const c2Ticket = await ticketOf(peer, world.permitTicketId);
    const foreign: Ticket = { ...c2Ticket, reason: 'custodian' };
    delete foreign.consentId;
    expect(await recheck(peer, foreign)).to.contain(`closed the relationship with ${H1}`);
    await call(peer, who.p1, 'Records:RejectRelationship', ['p1', H1]);
    expect(await recheck(peer, ticket)).to.contain(`closed the relationship with ${H1}`);
  });

  it('consent holds while the consent is in force, covers the requester, purpose and record', async () => {
    const { peer, world } = await freshPeer();
    const permit = await ticketOf(peer, world.permitTicketId);
    expect(await recheck(peer, permit)).to.equal(undefined);
    const noConsent: Ticket = { ...permit };
    delete noConsent.consentId;
    expect(await recheck(peer, noConsent)).to.contain('names no consent');
    expect(await recheck(peer, { ...permit, consentId: 'consent-missing' })).to.contain(
      'consent consent-missing is no longer in force',
    );
    // Narrowed: the patient's consent no longer names this requester (a new consent id cannot stand in).
    expect(await recheck(peer, { ...permit, consentId: 'consent-research' })).to.contain('consent-research');
    expect(await recheck(peer, permit, Date.parse('2030-06-01T00:00:00.000Z'))).to.contain('expired at');
    await call(peer, who.p1, 'Consent:RevokeConsent', ['consent-c2']);
    expect(await recheck(peer, permit)).to.contain('consent consent-c2 is no longer in force');
  });

  it('break-glass holds until reviewed unjustified; a justified review keeps it', async () => {
    const { peer, world } = await freshPeer();
    const ticket = await ticketOf(peer, world.breakGlassTicketId);
    expect(await recheck(peer, ticket)).to.equal(undefined);
    const justified = await call<Ticket>(peer, who.co1, 'Access:ReviewBreakGlass', [
      { ticketId: ticket.ticketId, outcome: 'justified' },
    ]);
    expect(await recheck(peer, justified)).to.equal(undefined);
    const unjustified: Ticket = { ...justified, breakGlass: { ...justified.breakGlass!, reviewStatus: 'unjustified' } };
    expect(await recheck(peer, unjustified)).to.contain(
      `break-glass ticket ${ticket.ticketId} was reviewed as unjustified`,
    );
  });

  it('a permit on any other ground discloses nothing', async () => {
    const { peer, world } = await freshPeer();
    const permit = await ticketOf(peer, world.permitTicketId);
    for (const reason of ['break-glass', 'no-covering-consent', 'record-superseded'] as const) {
      expect(await recheck(peer, { ...permit, reason }), reason).to.contain('does not permit a disclosure');
    }
  });

  it('stops a disclosure through the contract once the requester changes role or organisation', async () => {
    const { peer, world } = await freshPeer();
    const permit = await ticketOf(peer, world.permitTicketId);
    putCommitted(peer.ledger, compositeKey(peer.ledger, who.gk1, KEY.ticket, permit.ticketId), {
      ...permit,
      requester: { ...permit.requester, mspId: H2, role: 'researcher' },
    });
    const refused = await callFails(peer, who.gk1, 'Access:ConfirmDisclosure', [permit.ticketId]);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain(permit.ticketId);
  });
});

describe('Access: a consent period edge through RequestAccess', () => {
  it('permits from exactly notBefore', async () => {
    const { peer } = await freshPeer();
    const start = T0 + 3_600_000;
    await call(peer, who.p1, 'Consent:RevokeConsent', ['consent-c2']);
    await call(peer, who.p1, 'Consent:GrantConsent', [
      consentBody({
        consentId: 'consent-later',
        period: { notBefore: new Date(start).toISOString(), notAfter: '2030-06-01T00:00:00.000Z' },
      }),
    ]);
    const early = await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT], start - 1);
    expect(early.decision).to.equal('deny');
    const onTime = await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT], start);
    expect(onTime).to.include({ decision: 'permit', consentId: 'consent-later' });
  });
});
