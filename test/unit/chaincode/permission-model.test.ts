import { expect } from 'chai';
import { issueLeaf, orgPki } from './support/certs';
import { FakeIdentity, identity } from './support/fake-peer';
import { call, callFails } from './support/client';
import { DAY, H1, H2, RES, T0, consentBody, freshPeer, who } from './support/world';

interface Ticket {
  ticketId: string;
  decision: string;
  reason: string;
  expiresAt: string;
}

const TREAT = { recordId: 'rec1', purpose: 'TREAT' };

/** A certificate that carries someone's medrec.id but was enrolled as another identity (another CN or CA). */
class Impostor extends FakeIdentity {
  readonly #cn: string;
  readonly #issuer: string;

  public constructor(mspId: string, role: string, id: string, cn: string, issuer = `/C=US/O=${mspId}/CN=ca.${mspId}`) {
    super(mspId, { 'medrec.role': role, 'medrec.id': id });
    this.#cn = cn;
    this.#issuer = issuer;
  }

  public override getID(): string {
    return `x509::/OU=client/CN=${this.#cn}::${this.#issuer}`;
  }
}

describe('Permission model: identity binding', () => {
  it('refuses a certificate that carries a participant id but is not the identity bound to it', async () => {
    const { peer } = await freshPeer();
    expect(
      (await callFails(peer, new Impostor(H1, 'patient', 'p1', 'mallory'), 'Summary:GetSummary', ['p1'])).code,
    ).to.equal('MEDREC_FORBIDDEN');
    const otherCa = new Impostor(H1, 'patient', 'p1', 'p1', '/CN=rogue-ca');
    expect((await callFails(peer, otherCa, 'Summary:GetSummary', ['p1'])).code).to.equal('MEDREC_FORBIDDEN');
    // The bound identity itself still works.
    await call(peer, who.p1, 'Summary:GetSummary', ['p1']);
  });

  it('reads the enrolled identity from the certificate itself: an OU posing as a CN does not make an impostor', async () => {
    const { peer } = await freshPeer();
    const ca = orgPki(H1).ca;
    const real = issueLeaf(ca, `/C=US/O=${H1}/OU=client/CN=p1`);
    await call(peer, identity(H1, 'patient', 'p1', real.certPem), 'Summary:GetSummary', ['p1']);
    // getID() would read this subject as ".../OU=x\/CN=p1/CN=mallory": the certificate says its CN is mallory.
    const crafted = issueLeaf(ca, `/C=US/O=${H1}/OU=x\\/CN=p1/CN=mallory`);
    const impostor = identity(H1, 'patient', 'p1', crafted.certPem);
    expect((await callFails(peer, impostor, 'Summary:GetSummary', ['p1'])).code).to.equal('MEDREC_FORBIDDEN');
    const otherCa = issueLeaf(orgPki('RogueMSP').ca, `/C=US/O=${H1}/OU=client/CN=p1`);
    const foreign = identity(H1, 'patient', 'p1', otherCa.certPem);
    expect((await callFails(peer, foreign, 'Summary:GetSummary', ['p1'])).code).to.equal('MEDREC_FORBIDDEN');
  });

  it('binds an enrolled identity to one participant only, whoever asks', async () => {
    const { peer } = await freshPeer();
    const takeover = await callFails(peer, who.reg1, 'Registrar:RegisterParticipant', [
      { participantId: 'p1-twin', role: 'patient', enrollmentId: 'p1' },
    ]);
    expect(takeover.code).to.equal('MEDREC_CONFLICT');
    const byAdmin = await callFails(peer, who.adm1, 'Registrar:RegisterParticipant', [
      { participantId: 'c1-twin', role: 'clinician', enrollmentId: 'c1' },
    ]);
    expect(byAdmin.code).to.equal('MEDREC_CONFLICT');
    // A fresh enrollment id is bound once, and its twin registration is idempotent.
    await call(peer, who.reg1, 'Registrar:RegisterParticipant', [
      { participantId: 'n1', role: 'patient', enrollmentId: 'n1' },
    ]);
    const readback = await call<{ enrollmentIssuer: string }>(peer, who.reg1, 'Registrar:GetParticipant', ['n1']);
    expect(readback.enrollmentIssuer).to.equal(`/C=US/O=${H1}/CN=ca.${H1}`);
  });

  it('never hands a service identity or a service role to a person', async () => {
    const { peer } = await freshPeer();
    for (const enrollmentId of [
      'admin',
      'gatekeeper',
      'hospital1-admin',
      'hospital1-api-admin',
      'hospital1-gatekeeper',
      'peer0.hospital1',
      'orderer1',
    ]) {
      const refused = await callFails(peer, who.reg1, 'Registrar:RegisterParticipant', [
        { participantId: `x-${enrollmentId.replace(/[^a-z0-9]/g, '')}`, role: 'patient', enrollmentId },
      ]);
      expect(refused.code, enrollmentId).to.equal('MEDREC_FORBIDDEN');
    }
    for (const role of ['gatekeeper', 'admin', 'registrar']) {
      const refused = await callFails(peer, who.reg1, 'Registrar:RegisterParticipant', [
        { participantId: `y-${role}`, role, enrollmentId: `y-${role}` },
      ]);
      expect(refused.code, role).to.equal('MEDREC_FORBIDDEN');
    }
    await call(peer, who.adm1, 'Registrar:RegisterParticipant', [
      { participantId: 'gk-new', role: 'gatekeeper', enrollmentId: 'hospital1-gatekeeper' },
    ]);
    const registrarRetires = await callFails(peer, who.reg1, 'Registrar:DeactivateParticipant', ['gk1']);
    expect(registrarRetires.code).to.equal('MEDREC_FORBIDDEN');
  });

  it('refuses e-mail addresses as ids and enrollment ids', async () => {
    const { peer } = await freshPeer();
    const email = await callFails(peer, who.reg1, 'Registrar:RegisterParticipant', [
      { participantId: 'jane.doe@example.org', role: 'patient', enrollmentId: 'jd1' },
    ]);
    expect(email.code).to.equal('MEDREC_INVALID_ARGUMENT');
    const enrollment = await callFails(peer, who.reg1, 'Registrar:RegisterParticipant', [
      { participantId: 'jd2', role: 'patient', enrollmentId: 'jane.doe@example.org' },
    ]);
    expect(enrollment.code).to.equal('MEDREC_INVALID_ARGUMENT');
  });
});

describe('Permission model: immediate revocation at disclosure', () => {
  it('stops a disclosure on an issued ticket once the consent is revoked', async () => {
    const { peer, world } = await freshPeer();
    await call(peer, who.gk1, 'Access:ConfirmDisclosure', [world.permitTicketId]);
    await call(peer, who.p1, 'Consent:RevokeConsent', ['consent-c2']);
    const refused = await callFails(peer, who.gk1, 'Access:ConfirmDisclosure', [world.permitTicketId]);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain('consent-c2');
  });

  it("stops a disclosure once the consent's period has ended, to the millisecond", async () => {
    const { peer } = await freshPeer();
    const notAfter = T0 + 10 * 60_000;
    await call(peer, who.p1, 'Consent:GrantConsent', [
      consentBody({
        consentId: 'short',
        grantee: { kind: 'participant', participantId: 'c2' },
        period: { notBefore: '2029-12-01T00:00:00.000Z', notAfter: new Date(notAfter).toISOString() },
      }),
    ]);
    await call(peer, who.p1, 'Consent:RevokeConsent', ['consent-c2']);
    const ticket = await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT]);
    expect(ticket.reason).to.equal('consent');
    const inTime = await peer.invoke(who.gk1, 'Access:ConfirmDisclosure', [ticket.ticketId], notAfter - 1);
    expect(inTime.ok).to.equal(true);
    const late = await peer.invoke(who.gk1, 'Access:ConfirmDisclosure', [ticket.ticketId], notAfter);
    expect(JSON.parse(late.message)).to.include({ code: 'MEDREC_FORBIDDEN' });
  });

  it('stops a disclosure to a requester deactivated after the ticket was issued', async () => {
    const { peer, world } = await freshPeer();
    await call(peer, who.reg2, 'Registrar:DeactivateParticipant', ['c2']);
    expect((await callFails(peer, who.gk1, 'Access:ConfirmDisclosure', [world.permitTicketId])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
  });

  it('ends a break-glass reviewed unjustified at once; a justified one runs its time box', async () => {
    const { peer, world } = await freshPeer();
    const second = await call<Ticket>(peer, who.c2, 'Access:BreakGlass', [
      { recordId: 'rec1', reason: 'life-threatening-emergency', durationMinutes: 30 },
    ]);
    await call(peer, who.co1, 'Access:ReviewBreakGlass', [
      { ticketId: world.breakGlassTicketId, outcome: 'unjustified' },
    ]);
    await call(peer, who.co1, 'Access:ReviewBreakGlass', [{ ticketId: second.ticketId, outcome: 'justified' }]);
    expect((await callFails(peer, who.gk1, 'Access:ConfirmDisclosure', [world.breakGlassTicketId])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
    await call(peer, who.gk1, 'Access:ConfirmDisclosure', [second.ticketId]);
  });

  it('stops a disclosure of a superseded record version', async () => {
    const { peer, world } = await freshPeer();
    await call(peer, who.c1, 'Records:AmendRecord', [
      { recordId: 'rec1', newRecordId: 'rec1-v2', contentHash: 'c'.repeat(64), locator: 'urn:h1:rec1-v2' },
    ]);
    expect((await callFails(peer, who.gk1, 'Access:ConfirmDisclosure', [world.permitTicketId])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
  });

  it("stops a delegate's disclosure once the patient removes the delegate", async () => {
    const { peer } = await freshPeer();
    const ticket = await call<Ticket>(peer, who.g1, 'Access:RequestAccess', [TREAT]);
    expect(ticket.reason).to.equal('delegate');
    await call(peer, who.gk1, 'Access:ConfirmDisclosure', [ticket.ticketId]);
    await call(peer, who.p1, 'Consent:RemoveDelegate', ['p1', 'g1']);
    expect((await callFails(peer, who.gk1, 'Access:ConfirmDisclosure', [ticket.ticketId])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
  });

  it("stops a custodian clinician's disclosure once the patient rejects the relationship", async () => {
    const { peer } = await freshPeer();
    const ticket = await call<Ticket>(peer, who.c1, 'Access:RequestAccess', [TREAT]);
    expect(ticket.reason).to.equal('custodian');
    await call(peer, who.gk1, 'Access:ConfirmDisclosure', [ticket.ticketId]);
    await call(peer, who.p1, 'Records:RejectRelationship', ['p1', H1]);
    expect((await callFails(peer, who.gk1, 'Access:ConfirmDisclosure', [ticket.ticketId])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
  });

  it("refuses another custodian's gatekeeper and denied tickets", async () => {
    const { peer, world } = await freshPeer();
    expect((await callFails(peer, who.gk2, 'Access:ConfirmDisclosure', [world.permitTicketId])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
    expect((await callFails(peer, who.gk1, 'Access:ConfirmDisclosure', [world.researcherTicketId])).code).to.equal(
      'MEDREC_CONFLICT',
    );
  });
});

describe('Permission model: organisation scope', () => {
  it("lets only the custodian's compliance officers review and list its break-glass", async () => {
    const { peer, world } = await freshPeer();
    const foreign = await callFails(peer, who.co2, 'Access:ReviewBreakGlass', [
      { ticketId: world.breakGlassTicketId, outcome: 'justified' },
    ]);
    expect(foreign.code).to.equal('MEDREC_FORBIDDEN');
    const queue = await call<{ items: unknown[] }>(peer, who.co2, 'Access:ListBreakGlass', [{}]);
    expect(queue.items).to.have.length(0);
    const own = await call<{ items: unknown[] }>(peer, who.co1, 'Access:ListBreakGlass', [{}]);
    expect(own.items).to.have.length(1);
  });

  it("keeps another organisation's compliance out of a patient's consents, trail and records", async () => {
    const { peer, world } = await freshPeer();
    for (const [fcn, args] of [
      ['Consent:ListConsents', [{ patientId: 'p1' }]],
      ['Consent:GetConsent', ['consent-c2']],
      ['Audit:QueryByPatient', [{ patientId: 'p1' }]],
      ['Audit:GetEvent', [world.p1EventTxId]],
      ['Records:GetRecord', ['rec1']],
    ] as const) {
      expect((await callFails(peer, who.co2, fcn, [...args])).code, fcn).to.equal('MEDREC_FORBIDDEN');
      await call(peer, who.co1, fcn, [...args]);
    }
  });

  it("extends a compliance officer's reach to a patient once the patient accepts its organisation", async () => {
    const { peer } = await freshPeer();
    expect((await callFails(peer, who.co2, 'Audit:QueryByPatient', [{ patientId: 'p1' }])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
    // An admission is the organisation's own act: the patient's trail stays closed to it until the patient accepts.
    await call(peer, who.reg2, 'Records:AdmitPatient', ['p1']);
    expect((await callFails(peer, who.co2, 'Audit:QueryByPatient', [{ patientId: 'p1' }])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
    expect((await callFails(peer, who.co2, 'Consent:ListConsents', [{ patientId: 'p1' }])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
    await call(peer, who.p1, 'Records:AcceptRelationship', ['p1', H2]);
    await call(peer, who.co2, 'Audit:QueryByPatient', [{ patientId: 'p1' }]);
  });

  it("keeps the records an organisation holds in its compliance officers' reach, accepted or not", async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg2, 'Records:AdmitPatient', ['p1']);
    const record = {
      recordId: 'r-h2',
      patientId: 'p1',
      category: 'note',
      contentHash: 'e'.repeat(64),
      locator: 'urn:h2',
    };
    await call(peer, who.c2, 'Records:RegisterRecord', [record]);
    await call(peer, who.co2, 'Records:GetRecord', ['r-h2']);
    await call(peer, who.p1, 'Records:RejectRelationship', ['p1', H2]);
    await call(peer, who.co2, 'Records:GetRecord', ['r-h2']);
    expect((await callFails(peer, who.co2, 'Records:GetRecord', ['rec1'])).code).to.equal('MEDREC_FORBIDDEN');
  });
});

describe('Permission model: relationships', () => {
  it("needs the patient admitted before a custodian's clinicians register records", async () => {
    const { peer } = await freshPeer();
    const record = {
      recordId: 'r-h2',
      patientId: 'p1',
      category: 'note',
      contentHash: 'd'.repeat(64),
      locator: 'urn:h2:1',
    };
    expect((await callFails(peer, who.c2, 'Records:RegisterRecord', [record])).code).to.equal('MEDREC_FORBIDDEN');
    const researchRecord = { ...record, recordId: 'r-res' };
    const researchClinician = identity(RES, 'clinician', 'rc1');
    await call(peer, who.regR, 'Registrar:RegisterParticipant', [
      { participantId: 'rc1', role: 'clinician', enrollmentId: 'rc1' },
    ]);
    expect((await callFails(peer, researchClinician, 'Records:RegisterRecord', [researchRecord])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
    await call(peer, who.reg2, 'Records:AdmitPatient', ['p1']);
    await call(peer, who.c2, 'Records:RegisterRecord', [record]);
  });

  it('makes a rejection stick: no new records, no custodian access, no silent reopening', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.p1, 'Records:RejectRelationship', ['p1', H1]);
    const record = {
      recordId: 'r-new',
      patientId: 'p1',
      category: 'note',
      contentHash: 'd'.repeat(64),
      locator: 'urn:x',
    };
    expect((await callFails(peer, who.c1, 'Records:RegisterRecord', [record])).code).to.equal('MEDREC_FORBIDDEN');
    const denied = await call<Ticket>(peer, who.c1, 'Access:RequestAccess', [TREAT]);
    expect(denied.decision).to.equal('deny');
    expect((await callFails(peer, who.c1, 'Records:ListRecords', [{ patientId: 'p1' }])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
    // Admitting again does not undo the patient's decision.
    const readmitted = await call<{ status: string }>(peer, who.reg1, 'Records:AdmitPatient', ['p1']);
    expect(readmitted.status).to.equal('rejected');
    await call(peer, who.p1, 'Records:AcceptRelationship', ['p1', H1]);
    await call(peer, who.c1, 'Records:RegisterRecord', [record]);
    // The new record leaves the patient's decision as it is.
    const relationship = await call<{ status: string }>(peer, who.p1, 'Records:GetRelationship', ['p1', H1]);
    expect(relationship.status).to.equal('accepted');
  });
});

describe('Permission model: refusals say what is wrong', () => {
  it('answers a list of an unknown patient, or of a non-patient, with MEDREC_NOT_FOUND for every role', async () => {
    const { peer } = await freshPeer();
    for (const caller of [who.c1, who.co1, who.p1, who.gk1]) {
      expect((await callFails(peer, caller, 'Records:ListRecords', [{ patientId: 'ghost' }])).code).to.equal(
        'MEDREC_NOT_FOUND',
      );
      expect((await callFails(peer, caller, 'Records:ListRecords', [{ patientId: 'c1' }])).code).to.equal(
        'MEDREC_NOT_FOUND',
      );
    }
    await call(peer, who.c1, 'Records:ListRecords', [{ patientId: 'p1' }]);
  });
});

describe('Permission model: delegates', () => {
  it("makes a registrar's delegate a proposal the patient must accept", async () => {
    const { peer } = await freshPeer();
    const proposed = await call<{ status: string }>(peer, who.reg1, 'Consent:AddDelegate', ['p1', 'p2']);
    expect(proposed.status).to.equal('proposed');
    const puppetRead = await call<Ticket>(peer, who.p2, 'Access:RequestAccess', [TREAT]);
    expect(puppetRead.decision).to.equal('deny');
    expect(
      (await callFails(peer, who.p2, 'Consent:GrantConsent', [consentBody({ consentId: 'puppet' })])).code,
    ).to.equal('MEDREC_FORBIDDEN');
    const notifications = await call<{ items: { kind: string }[] }>(peer, who.p1, 'Summary:ListNotifications', [
      { patientId: 'p1', pageSize: 200 },
    ]);
    expect(notifications.items.some((n) => n.kind === 'delegate')).to.equal(true);
    expect((await callFails(peer, who.p2, 'Consent:AcceptDelegate', ['p1', 'p2'])).code).to.equal('MEDREC_FORBIDDEN');
    await call(peer, who.p1, 'Consent:AcceptDelegate', ['p1', 'p2']);
    expect((await call<Ticket>(peer, who.p2, 'Access:RequestAccess', [TREAT])).reason).to.equal('delegate');
  });

  it('lets no delegate appoint further delegates', async () => {
    const { peer } = await freshPeer();
    expect((await callFails(peer, who.g1, 'Consent:AddDelegate', ['p1', 'p2'])).code).to.equal('MEDREC_FORBIDDEN');
  });

  it("keeps another organisation's registrar out of a patient's delegates", async () => {
    const { peer } = await freshPeer();
    expect((await callFails(peer, who.reg2, 'Consent:AddDelegate', ['p1', 'p2'])).code).to.equal('MEDREC_FORBIDDEN');
  });
});

describe('Permission model: purposes and time', () => {
  it('denies after a consent period ends and before it starts', async () => {
    const { peer } = await freshPeer();
    const before = await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT], T0 - 60 * DAY);
    expect(before.decision).to.equal('deny');
    const after = await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT], T0 + 200 * DAY);
    expect(after.decision).to.equal('deny');
    const hreach = await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [{ recordId: 'rec1', purpose: 'HRESCH' }]);
    expect(hreach.decision).to.equal('deny');
    expect(H2).to.equal('Hospital2MSP');
  });
});
