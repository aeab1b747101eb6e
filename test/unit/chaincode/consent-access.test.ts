import { expect } from 'chai';
import { call, callFails } from './support/client';
import { H1, H2, RES, T0, consentBody, freshPeer, who } from './support/world';

interface Ticket {
  ticketId: string;
  decision: string;
  reason: string;
  consentId?: string;
  contentHash?: string;
  expiresAt: string;
  requester: { participantId: string; certSha256: string; certPem: string };
  breakGlass?: { reviewStatus: string };
  disclosure?: { txId: string };
  disclosureCount?: number;
  lastDisclosure?: { txId: string };
}

const TREAT = { recordId: 'rec1', purpose: 'TREAT' };

describe('Consent and Access', () => {
  it('permits under a consent in force and binds the ticket to the requester certificate', async () => {
    const { peer } = await freshPeer();
    const ticket = await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT]);
    expect(ticket).to.include({
      decision: 'permit',
      reason: 'consent',
      consentId: 'consent-c2',
      contentHash: 'a'.repeat(64),
    });
    expect(ticket.requester.certSha256).to.equal(who.c2.certSha256());
    expect(ticket.requester.certPem).to.equal(who.c2.idBytes.toString());
    expect(Date.parse(ticket.expiresAt) - (T0 + 60_000)).to.equal(15 * 60_000);
  });

  it('denies, and records the denial, when the consent is revoked, expired, not yet valid or off purpose', async () => {
    const { peer } = await freshPeer();
    expect(
      (await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [{ ...TREAT, purpose: 'HPAYMT' }])).decision,
    ).to.equal('deny');
    const late = await peer.invoke(
      who.c2,
      'Access:RequestAccess',
      [JSON.stringify(TREAT)],
      Date.parse('2030-06-01T00:00:00.000Z'),
    );
    expect(JSON.parse(late.payload)).to.include({ decision: 'deny', reason: 'no-covering-consent' });
    expect(late.eventCalls).to.have.length(1);
    expect(JSON.parse(late.eventCalls[0]!.payload.toString())).to.include({ outcome: 'deny', patientId: 'p1' });
    const early = await peer.invoke(
      who.c2,
      'Access:RequestAccess',
      [JSON.stringify(TREAT)],
      Date.parse('2029-11-30T23:59:59.999Z'),
    );
    expect(JSON.parse(early.payload)).to.include({ decision: 'deny' });
    await call(peer, who.p1, 'Consent:RevokeConsent', ['consent-c2']);
    const denied = await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT]);
    expect(denied).to.include({ decision: 'deny', reason: 'no-covering-consent' });
    expect(denied.contentHash).to.equal(undefined);
    const trail = await call<{ items: { txId: string; outcome?: string }[] }>(peer, who.co1, 'Audit:QueryByPatient', [
      { patientId: 'p1', pageSize: 200 },
    ]);
    // Four denials here plus the seeded researcher's.
    expect(trail.items.filter((event) => event.outcome === 'deny')).to.have.length(5);
    expect(await call(peer, who.p1, 'Audit:GetEvent', [denied.ticketId])).to.include({
      type: 'AccessDecided',
      outcome: 'deny',
    });
  });

  it('matches role and organisation grantees, categories and record ids', async () => {
    const { peer } = await freshPeer();
    expect(
      (await call<Ticket>(peer, who.r1, 'Access:RequestAccess', [{ ...TREAT, purpose: 'HRESCH' }])).consentId,
    ).to.equal('consent-research');
    await call(peer, who.p1, 'Consent:GrantConsent', [
      consentBody({
        consentId: 'org-h2',
        grantee: { kind: 'organisation', mspId: H2 },
        purposes: ['HPAYMT'],
        scope: { custodians: [H1], categories: ['imaging'] },
      }),
    ]);
    expect(
      (await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [{ ...TREAT, purpose: 'HPAYMT' }])).decision,
    ).to.equal('deny');
    await call(peer, who.p1, 'Consent:GrantConsent', [
      consentBody({
        consentId: 'org-h2-rec1',
        grantee: { kind: 'organisation', mspId: H2 },
        purposes: ['HPAYMT'],
        scope: { custodians: [H1], recordIds: ['rec1'] },
      }),
    ]);
    expect(
      (await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [{ ...TREAT, purpose: 'HPAYMT' }])).consentId,
    ).to.equal('org-h2-rec1');
  });

  it('permits the patient, a delegate and the custodian clinician without consent; denies superseded records', async () => {
    const { peer } = await freshPeer();
    expect((await call<Ticket>(peer, who.p1, 'Access:RequestAccess', [TREAT])).reason).to.equal('own-record');
    expect((await call<Ticket>(peer, who.g1, 'Access:RequestAccess', [TREAT])).reason).to.equal('delegate');
    expect((await call<Ticket>(peer, who.c1, 'Access:RequestAccess', [TREAT])).reason).to.equal('custodian');
    expect((await call<Ticket>(peer, who.p2, 'Access:RequestAccess', [TREAT])).decision).to.equal('deny');
    await call(peer, who.c1, 'Records:AmendRecord', [
      { recordId: 'rec1', newRecordId: 'rec1-v2', contentHash: 'c'.repeat(64), locator: 'urn:v2' },
    ]);
    expect((await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT])).reason).to.equal('record-superseded');
    expect(
      (
        await callFails(peer, who.c2, 'Access:BreakGlass', [
          { recordId: 'rec1', reason: 'patient-unconscious', durationMinutes: 5 },
        ])
      ).code,
    ).to.equal('MEDREC_CONFLICT');
    expect((await callFails(peer, who.c2, 'Access:RequestAccess', [{ ...TREAT, recordId: 'nope' }])).code).to.equal(
      'MEDREC_NOT_FOUND',
    );
  });

  it("keeps scanning past the first page of a patient's consents, up to the documented bound", async () => {
    const { peer } = await freshPeer();
    for (let index = 0; index < 200; index += 1) {
      const consentId = `a-${String(index).padStart(3, '0')}`;
      await call(peer, who.p1, 'Consent:GrantConsent', [consentBody({ consentId, purposes: ['PUBHLTH'] })]);
    }
    // 'consent-c2' sorts after all 200 off-purpose consents, so the scan must read past them.
    expect((await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT])).consentId).to.equal('consent-c2');
  });

  it('treats a repeated grant as a no-op and a changed body under the same id as a conflict', async () => {
    const { peer } = await freshPeer();
    const repeat = await peer.invoke(who.p1, 'Consent:GrantConsent', [JSON.stringify(consentBody())]);
    expect([repeat.ok, repeat.writes, repeat.eventCalls.length]).to.deep.equal([true, 0, 0]);
    const error = await callFails(peer, who.p1, 'Consent:GrantConsent', [
      consentBody({ purposes: ['TREAT', 'HPAYMT'] }),
    ]);
    expect(error.code).to.equal('MEDREC_CONFLICT');
    const revoked = await call(peer, who.g1, 'Consent:RevokeConsent', ['consent-c2']);
    expect(revoked).to.include({ status: 'revoked', revokedBy: 'g1' });
    expect((await peer.invoke(who.p1, 'Consent:RevokeConsent', ['consent-c2'])).writes).to.equal(0);
    const history = await call<{ entries: { consent: { status: string } }[] }>(
      peer,
      who.p1,
      'Consent:GetConsentHistory',
      ['consent-c2'],
    );
    expect(history.entries.map((entry) => entry.consent.status)).to.deep.equal(['revoked', 'active']);
  });

  it('checks what a consent names and when it ends', async () => {
    const { peer } = await freshPeer();
    const cases: [Record<string, unknown>, string][] = [
      [{ grantee: { kind: 'participant', participantId: 'ghost' } }, 'consent.grantee.participantId'],
      [{ grantee: { kind: 'organisation', mspId: 'GhostMSP' } }, 'consent.grantee.mspId'],
      [{ scope: { custodians: ['GhostMSP'] } }, 'consent.scope.custodians'],
      [{ period: { notBefore: '2029-01-01T00:00:00Z', notAfter: '2029-02-01T00:00:00Z' } }, 'consent.period.notAfter'],
    ];
    for (const [override, text] of cases) {
      const error = await callFails(peer, who.p1, 'Consent:GrantConsent', [
        consentBody({ consentId: 'x', ...override }),
      ]);
      expect([error.code, error.detail.startsWith(text)]).to.deep.equal(['MEDREC_INVALID_ARGUMENT', true]);
    }
    await call(peer, who.reg1, 'Registrar:DeactivateParticipant', ['p2']);
    const inactive = await callFails(peer, who.p1, 'Consent:GrantConsent', [
      consentBody({ consentId: 'x', grantee: { kind: 'participant', participantId: 'p2' } }),
    ]);
    expect(inactive.code).to.equal('MEDREC_CONFLICT');
  });

  it('manages delegates', async () => {
    const { peer } = await freshPeer();
    expect((await callFails(peer, who.p1, 'Consent:AddDelegate', ['p1', 'p1'])).code).to.equal(
      'MEDREC_INVALID_ARGUMENT',
    );
    expect((await callFails(peer, who.p1, 'Consent:AddDelegate', ['p1', 'c1'])).code).to.equal(
      'MEDREC_INVALID_ARGUMENT',
    );
    expect((await peer.invoke(who.p1, 'Consent:AddDelegate', ['p1', 'g1'])).writes).to.equal(0);
    await call(peer, who.reg1, 'Consent:RemoveDelegate', ['p1', 'g1']);
    expect((await callFails(peer, who.g1, 'Consent:GrantConsent', [consentBody({ consentId: 'x' })])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
    expect((await callFails(peer, who.p1, 'Consent:RemoveDelegate', ['p1', 'g1'])).code).to.equal('MEDREC_NOT_FOUND');
  });

  it('confirms every disclosure, within the ticket life, only on permits', async () => {
    const { peer, world } = await freshPeer();
    const confirmed = await call<Ticket>(peer, who.gk1, 'Access:ConfirmDisclosure', [world.permitTicketId]);
    expect(confirmed.disclosure).to.include({ confirmedBy: 'gk1' });
    expect(confirmed.disclosureCount).to.equal(1);
    // A repeat read on the same ticket is a disclosure of its own: on the ledger, audited, notified.
    const repeat = await peer.invoke(who.gk1, 'Access:ConfirmDisclosure', [world.permitTicketId]);
    expect(repeat.ok).to.equal(true);
    const again = JSON.parse(repeat.payload) as Ticket;
    expect(again.disclosureCount).to.equal(2);
    expect(again.disclosure?.txId).to.equal(confirmed.disclosure?.txId);
    expect(again.lastDisclosure?.txId).to.equal(repeat.txId);
    const denied = await callFails(peer, who.gk1, 'Access:ConfirmDisclosure', [world.researcherTicketId]);
    expect(denied.code).to.equal('MEDREC_CONFLICT');
    const fresh = await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT]);
    const expiresMs = Date.parse(fresh.expiresAt);
    const late = await peer.invoke(who.gk1, 'Access:ConfirmDisclosure', [fresh.ticketId], expiresMs);
    expect(JSON.parse(late.message)).to.include({ code: 'MEDREC_CONFLICT' });
    const inTime = await peer.invoke(who.gk1, 'Access:ConfirmDisclosure', [fresh.ticketId], expiresMs - 1);
    expect(inTime.ok).to.equal(true);
    const notifications = await call<{ items: { kind: string }[] }>(peer, who.p1, 'Summary:ListNotifications', [
      { patientId: 'p1', pageSize: 200 },
    ]);
    expect(notifications.items.filter((n) => n.kind === 'disclosure')).to.have.length(3);
  });

  it('runs break-glass through compliance review', async () => {
    const { peer, world } = await freshPeer();
    const pending = await call<{ items: Ticket[] }>(peer, who.co1, 'Access:ListBreakGlass', [{}]);
    expect(pending.items.map((t) => t.ticketId)).to.deep.equal([world.breakGlassTicketId]);
    const reviewed = await call<Ticket>(peer, who.co1, 'Access:ReviewBreakGlass', [
      { ticketId: world.breakGlassTicketId, outcome: 'unjustified', reviewRef: 'case-7' },
    ]);
    expect(reviewed.breakGlass).to.include({ reviewStatus: 'unjustified', reviewedBy: 'co1' });
    expect((await call<{ items: Ticket[] }>(peer, who.co1, 'Access:ListBreakGlass', [{}])).items).to.have.length(0);
    expect(
      (await call<{ items: Ticket[] }>(peer, who.co1, 'Access:ListBreakGlass', [{ reviewStatus: 'unjustified' }]))
        .items,
    ).to.have.length(1);
    expect(
      (
        await peer.invoke(who.co1, 'Access:ReviewBreakGlass', [
          JSON.stringify({ ticketId: world.breakGlassTicketId, outcome: 'unjustified' }),
        ])
      ).writes,
    ).to.equal(0);
    expect(
      (
        await callFails(peer, who.co1, 'Access:ReviewBreakGlass', [
          { ticketId: world.breakGlassTicketId, outcome: 'justified' },
        ])
      ).code,
    ).to.equal('MEDREC_CONFLICT');
    expect(
      (
        await callFails(peer, who.co1, 'Access:ReviewBreakGlass', [
          { ticketId: world.permitTicketId, outcome: 'justified' },
        ])
      ).code,
    ).to.equal('MEDREC_INVALID_ARGUMENT');
    const glass = await call<Ticket>(peer, who.c2, 'Access:BreakGlass', [
      { recordId: 'rec1', reason: 'life-threatening-emergency', incidentRef: 'inc-1', durationMinutes: 5 },
    ]);
    expect(glass).to.include({ decision: 'permit', reason: 'break-glass' });
    const summary = await call<{ notifications: { kind: string }[] }>(peer, who.p1, 'Summary:GetSummary', ['p1']);
    expect(summary.notifications.filter((n) => n.kind === 'break-glass')).to.have.length(2);
    expect(RES).to.equal('ResearchMSP');
  });
});
