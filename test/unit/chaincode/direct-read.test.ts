// Access:Disclose, the read in one ordered transaction: who the requester is comes from its signed request alone, so
// every part of that identity (issuer, OU, validity, signature, attributes, binding, status) has its refusal here,
// each next to the permit it would otherwise allow.
import { expect } from 'chai';
import type { AuditEvent, Ticket } from '../../../contract/src';
import { call, callFails } from './support/client';
import { requester, signedRead } from './support/read-requests';
import { H1, H2, RES, T0, who } from './support/world';
import { freshPeer } from './support/world';

const NOW = T0 + 60_000;
const c2 = (): ReturnType<typeof requester> => requester(H2, 'c2', 'clinician');

describe('Access:Disclose: a read decided and recorded in one transaction', () => {
  it('permits a consented requester, records the disclosure in the same transaction, and expires the ticket at once', async () => {
    const { peer } = await freshPeer();
    const ticket = await call<Ticket>(peer, who.gk1, 'Access:Disclose', [signedRead(c2())]);
    expect(ticket).to.include({ decision: 'permit', reason: 'consent', consentId: 'consent-c2', recordId: 'rec1' });
    expect(ticket).to.include({ contentHash: 'a'.repeat(64), custodianMsp: H1, purpose: 'TREAT' });
    expect(ticket.requester).to.include({ participantId: 'c2', mspId: H2, role: 'clinician' });
    expect(ticket.requester.certPem).to.equal(c2().leaf.certPem);
    expect(ticket.disclosure).to.deep.equal({ confirmedBy: 'gk1', confirmedAt: ticket.issuedAt, txId: ticket.txId });
    expect(ticket.disclosureCount).to.equal(1);
    expect(ticket.expiresAt).to.equal(ticket.issuedAt);
    // The ledger keeps the ticket, and the one audit event names the reader, not the gatekeeper.
    expect(await call<Ticket>(peer, who.gk1, 'Access:GetTicket', [ticket.ticketId])).to.deep.equal(ticket);
    const event = await call<AuditEvent>(peer, who.co1, 'Audit:GetEvent', [ticket.txId]);
    expect(event).to.include({ type: 'DisclosureConfirmed', outcome: 'permit', reason: 'consent' });
    expect(event.actor).to.deep.equal({ participantId: 'c2', mspId: H2, role: 'clinician' });
    // A single-use ticket: confirming another disclosure on it is refused.
    const again = await callFails(peer, who.gk1, 'Access:ConfirmDisclosure', [ticket.ticketId]);
    expect(again.code).to.equal('MEDREC_CONFLICT');
  });

  it('records a deny (no content hash, no disclosure) for a requester without consent', async () => {
    const { peer } = await freshPeer();
    const c1AtH2 = requester(H2, 'c2', 'clinician');
    const ticket = await call<Ticket>(peer, who.gk1, 'Access:Disclose', [signedRead(c1AtH2, { purpose: 'HPAYMT' })]);
    expect(ticket).to.include({ decision: 'deny', reason: 'no-covering-consent' });
    expect(ticket).to.not.have.property('contentHash');
    expect(ticket).to.not.have.property('disclosure');
    const event = await call<AuditEvent>(peer, who.co1, 'Audit:GetEvent', [ticket.txId]);
    expect(event).to.include({ type: 'AccessDecided', outcome: 'deny' });
  });

  it('stops at once when the consent is revoked: the next request is a deny', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.gk1, 'Access:Disclose', [signedRead(c2())]);
    await call(peer, who.p1, 'Consent:RevokeConsent', ['consent-c2']);
    const after = await call<Ticket>(peer, who.gk1, 'Access:Disclose', [signedRead(c2())]);
    expect(after.decision).to.equal('deny');
  });

  it('accepts each request once: the same signed request again is a conflict and writes nothing', async () => {
    const { peer } = await freshPeer();
    const request = signedRead(c2());
    await call(peer, who.gk1, 'Access:Disclose', [request]);
    const before = peer.ledger.snapshot();
    const replay = await callFails(peer, who.gk1, 'Access:Disclose', [request]);
    expect(replay.code).to.equal('MEDREC_CONFLICT');
    expect(replay.detail).to.contain('already used');
    expect(peer.ledger.snapshot()).to.equal(before);
  });

  it('refuses a request signed more than 60 s from the transaction time, either way; accepts one within', async () => {
    const { peer } = await freshPeer();
    // The transaction time is pinned to NOW (the last argument), so the window's edges are exact.
    for (const atMs of [NOW - 60_001, NOW + 60_001]) {
      const stale = await callFails(peer, who.gk1, 'Access:Disclose', [signedRead(c2(), { atMs })], NOW);
      expect(stale.code, String(atMs)).to.equal('MEDREC_FORBIDDEN');
      expect(stale.detail).to.contain('more than 60 s');
    }
    for (const atMs of [NOW - 60_000, NOW + 60_000]) {
      await call(peer, who.gk1, 'Access:Disclose', [signedRead(c2(), { atMs })], NOW);
    }
  });

  it("is submitted only by the gatekeeper of the record's custodian", async () => {
    const { peer } = await freshPeer();
    // Addressed to H1 but submitted by H2's gatekeeper.
    const wrongGatekeeper = await callFails(peer, who.gk2, 'Access:Disclose', [signedRead(c2())]);
    expect(wrongGatekeeper.code).to.equal('MEDREC_FORBIDDEN');
    // Addressed to H2 (and submitted by its gatekeeper), for a record H1 holds.
    const notHeld = await callFails(peer, who.gk2, 'Access:Disclose', [signedRead(c2(), { custodianMsp: H2 })]);
    expect(notHeld.code).to.equal('MEDREC_FORBIDDEN');
    expect(notHeld.detail).to.contain('held by');
    for (const caller of [who.c2, who.c1, who.p1, who.co1, who.adm1]) {
      const refused = await callFails(peer, caller, 'Access:Disclose', [signedRead(c2())]);
      expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    }
  });

  it('refuses a tampered request: the signature covers record, purpose, custodian, organisation and time', async () => {
    const { peer } = await freshPeer();
    const good = signedRead(c2());
    for (const tampered of [
      { ...good, recordId: 'rec2' },
      { ...good, purpose: 'ETREAT' },
      { ...good, timestamp: good.timestamp + 1 },
      { ...good, nonce: 'A'.repeat(22) },
      { ...good, signature: signedRead(c2()).signature },
    ]) {
      const refused = await callFails(peer, who.gk1, 'Access:Disclose', [tampered]);
      expect(refused.code).to.equal('MEDREC_FORBIDDEN');
      expect(refused.detail).to.contain('signature');
    }
    await call(peer, who.gk1, 'Access:Disclose', [good]);
  });

  it('refuses a certPem that is no certificate, and a signature that is no DER, as forbidden (never a crash)', async () => {
    const { peer } = await freshPeer();
    const good = signedRead(c2());
    const notCert = await callFails(peer, who.gk1, 'Access:Disclose', [{ ...good, certPem: 'not a certificate' }]);
    expect(notCert.code).to.equal('MEDREC_FORBIDDEN');
    expect(notCert.detail).to.contain('not an X.509 certificate');
    const notDer = await callFails(peer, who.gk1, 'Access:Disclose', [
      { ...good, signature: Buffer.from('definitely not a DER signature').toString('base64') },
    ]);
    expect(notDer.code).to.equal('MEDREC_FORBIDDEN');
    expect(notDer.detail).to.contain('signature does not verify');
    await call(peer, who.gk1, 'Access:Disclose', [good]);
  });

  it("refuses a certificate not issued by the requester organisation's registered CA", async () => {
    const { peer } = await freshPeer();
    // c2's name and attributes, but issued by Hospital1's CA while claiming Hospital2.
    const foreignCa = requester(H2, 'c2', 'clinician', { caMspId: H1 });
    const refused = await callFails(peer, who.gk1, 'Access:Disclose', [signedRead(foreignCa)]);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain(`not issued by a CA of ${H2}`);
    // An organisation the ledger does not know.
    const unknownOrg = requester('RogueMSP', 'c2', 'clinician');
    expect((await callFails(peer, who.gk1, 'Access:Disclose', [signedRead(unknownOrg)])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
  });

  it('refuses a certificate that is not a client certificate (a peer or admin certificate of the organisation)', async () => {
    const { peer } = await freshPeer();
    for (const ou of ['peer', 'admin']) {
      const notClient = requester(H2, 'c2', 'clinician', { ou });
      const refused = await callFails(peer, who.gk1, 'Access:Disclose', [signedRead(notClient)]);
      expect(refused.code, ou).to.equal('MEDREC_FORBIDDEN');
      expect(refused.detail).to.contain('OU=client');
    }
  });

  it('refuses a certificate not valid at the transaction time', async () => {
    const { peer } = await freshPeer();
    // Valid for one day from now (2026): long expired at the ledger's time (2030).
    const expired = requester(H2, 'c2', 'clinician', { days: 1 });
    const refused = await callFails(peer, who.gk1, 'Access:Disclose', [signedRead(expired)]);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain('not valid at');
  });

  it('applies the participant checks to the certificate: binding, role and status', async () => {
    const { peer } = await freshPeer();
    // The certificate says c2, but CN (enrollment) is someone else's: not the identity bound to c2.
    const impostor = requester(H2, 'c2-twin', 'clinician');
    const twin = { ...impostor, participantId: 'c2' };
    const refused = await callFails(peer, who.gk1, 'Access:Disclose', [signedRead(twin)]);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    // The right certificate with a role its participant does not have.
    const wrongRole = requester(H2, 'c2', 'researcher');
    expect((await callFails(peer, who.gk1, 'Access:Disclose', [signedRead(wrongRole)])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
    // Deactivated: no more reads, even with consent in force.
    await call(peer, who.reg2, 'Registrar:DeactivateParticipant', ['c2']);
    const deactivated = await callFails(peer, who.gk1, 'Access:Disclose', [signedRead(c2())]);
    expect(deactivated.code).to.equal('MEDREC_FORBIDDEN');
    expect(deactivated.detail).to.contain('deactivated');
  });

  it("a researcher's request is decided as RequestAccess decides it (a deny for TREAT)", async () => {
    const { peer } = await freshPeer();
    const r1 = requester(RES, 'r1', 'researcher');
    const ticket = await call<Ticket>(peer, who.gk1, 'Access:Disclose', [signedRead(r1)]);
    expect(ticket.decision).to.equal('deny');
    const research = await call<Ticket>(peer, who.gk1, 'Access:Disclose', [signedRead(r1, { purpose: 'HRESCH' })]);
    expect(research.decision).to.equal('permit');
  });
});
