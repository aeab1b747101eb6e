import { expect } from 'chai';
import { call, callFails } from './support/client';
import { FakeIdentity, FakePeer, identity } from './support/fake-peer';
import { makeCa, orgPki } from './support/certs';
import { H1, H2, PEM, freshPeer, orgBody, who } from './support/world';

describe('Registrar', () => {
  it('registers an organisation once; a repeat is a no-op, a changed body updates it', async () => {
    const peer = new FakePeer();
    const first = await peer.invoke(who.adm1, 'Registrar:RegisterOrganisation', [JSON.stringify(orgBody(H1))]);
    expect(first.ok).to.equal(true);
    expect(first.eventCalls.map((event) => event.name)).to.deep.equal(['OrganisationRegistered']);
    const repeat = await peer.invoke(who.adm1, 'Registrar:RegisterOrganisation', [JSON.stringify(orgBody(H1))]);
    expect([repeat.writes, repeat.eventCalls.length, repeat.payload]).to.deep.equal([0, 0, first.payload]);
    const updated = await call(peer, who.adm1, 'Registrar:RegisterOrganisation', [
      { ...orgBody(H1), gatekeeperUrl: 'https://new.example' },
    ]);
    const original = JSON.parse(first.payload) as { registeredAt: string };
    expect(updated).to.include({ gatekeeperUrl: 'https://new.example', registeredAt: original.registeredAt });
  });

  it('keeps the legal identity an organisation registers, and still accepts one registered without it', async () => {
    const peer = new FakePeer();
    const bare = await call(peer, who.adm1, 'Registrar:RegisterOrganisation', [orgBody(H1)]);
    expect(bare).to.not.have.any.keys('legalName', 'postalAddress', 'contact');
    const legal = {
      legalName: 'Hospital One NHS Trust',
      postalAddress: { lines: ['1 Example Road'], city: 'Exampleton', postalCode: 'EX1 1AA', country: 'GB' },
      contact: { name: 'Privacy Office', email: 'privacy@hospital1.example.org' },
    };
    const first = await peer.invoke(who.adm1, 'Registrar:RegisterOrganisation', [
      JSON.stringify({ ...orgBody(H1), ...legal }),
    ]);
    expect(JSON.parse(first.payload)).to.deep.include(legal);
    // The same body again is a no-op: the legal identity is part of what is compared.
    const repeat = await peer.invoke(who.adm1, 'Registrar:RegisterOrganisation', [
      JSON.stringify({ ...orgBody(H1), ...legal }),
    ]);
    expect([repeat.writes, repeat.eventCalls.length]).to.deep.equal([0, 0]);
    expect(await call(peer, who.adm1, 'Registrar:GetOrganisation', [H1])).to.deep.include(legal);
  });

  it("accepts only roots that issued the registering admin's own certificate", async () => {
    const peer = new FakePeer();
    const foreignRoot = await callFails(peer, who.adm1, 'Registrar:RegisterOrganisation', [
      { ...orgBody(H1), caRootCertsPem: [orgPki(H2).ca.certPem] },
    ]);
    expect([foreignRoot.code, foreignRoot.detail]).to.deep.equal([
      'MEDREC_INVALID_ARGUMENT',
      "organisation.caRootCertsPem: none of these roots issued the caller's certificate; register your own CA root",
    ]);
    const garbage = await callFails(peer, who.adm1, 'Registrar:RegisterOrganisation', [
      { ...orgBody(H1), caRootCertsPem: [orgPki(H1).ca.certPem, PEM] },
    ]);
    expect([garbage.code, garbage.detail]).to.deep.equal([
      'MEDREC_INVALID_ARGUMENT',
      'organisation.caRootCertsPem[1]: is not a parseable X.509 certificate',
    ]);
    const fakeCertAdmin = identity(H1, 'admin', 'adm1');
    expect((await callFails(peer, fakeCertAdmin, 'Registrar:RegisterOrganisation', [orgBody(H1)])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
    // A new root listed next to the one that issued the admin is fine: an organisation may rotate its CA.
    const nextRoot = makeCa(`/C=US/O=${H1}/CN=ca2.${H1}`).certPem;
    const both = await call(peer, who.adm1, 'Registrar:RegisterOrganisation', [
      { ...orgBody(H1), caRootCertsPem: [nextRoot, orgPki(H1).ca.certPem] },
    ]);
    expect(both).to.include({ mspId: H1 });
    expect(peer.ledger.events).to.have.length(1);
  });

  it('needs the organisation registered before its participants', async () => {
    const peer = new FakePeer();
    const error = await callFails(peer, who.adm1, 'Registrar:RegisterParticipant', [
      { participantId: 'x', role: 'patient', enrollmentId: 'x' },
    ]);
    expect(error.code).to.equal('MEDREC_NOT_FOUND');
  });

  it('treats the same participant twice as a no-op and a different body as a conflict', async () => {
    const { peer } = await freshPeer();
    const body = { participantId: 'p1', role: 'patient', enrollmentId: 'p1' };
    const same = await peer.invoke(who.reg1, 'Registrar:RegisterParticipant', [JSON.stringify(body)]);
    expect([same.ok, same.writes]).to.deep.equal([true, 0]);
    expect(
      (await callFails(peer, who.reg1, 'Registrar:RegisterParticipant', [{ ...body, enrollmentId: 'other' }])).code,
    ).to.equal('MEDREC_CONFLICT');
    // Ids are consortium-wide: another organisation cannot take p1.
    expect((await callFails(peer, who.reg2, 'Registrar:RegisterParticipant', [body])).code).to.equal('MEDREC_CONFLICT');
  });

  it('locks out a deactivated participant; deactivating twice is a no-op', async () => {
    const { peer } = await freshPeer();
    const deactivated = await call(peer, who.reg1, 'Registrar:DeactivateParticipant', ['c1']);
    expect(deactivated).to.include({ status: 'inactive', deactivatedBy: 'reg1' });
    const again = await peer.invoke(who.reg1, 'Registrar:DeactivateParticipant', ['c1']);
    expect([again.ok, again.writes]).to.deep.equal([true, 0]);
    const error = await callFails(peer, who.c1, 'Registrar:GetParticipant', ['c1']);
    expect([error.code, error.detail]).to.deep.equal(['MEDREC_FORBIDDEN', 'participant c1 is deactivated']);
    expect((await callFails(peer, who.reg1, 'Registrar:DeactivateParticipant', ['nobody'])).code).to.equal(
      'MEDREC_NOT_FOUND',
    );
  });

  it('trusts the certificate, checked against the registration', async () => {
    const { peer } = await freshPeer();
    const cases: [FakeIdentity, string][] = [
      [new FakeIdentity(H1, { 'medrec.id': 'p1' }), 'medrec.role'],
      [new FakeIdentity(H1, { 'medrec.role': 'patient' }), 'medrec.id'],
      [new FakeIdentity(H1, { 'medrec.role': 'king', 'medrec.id': 'p1' }), 'medrec.role'],
      [identity(H2, 'patient', 'p1'), 'registered as patient at Hospital1MSP'],
      [identity(H1, 'clinician', 'p1'), 'registered as patient'],
      [identity(H1, 'patient', 'stranger'), 'not registered'],
    ];
    for (const [caller, text] of cases) {
      const error = await callFails(peer, caller, 'Registrar:GetParticipant', ['p1']);
      expect(error.code).to.equal('MEDREC_FORBIDDEN');
      expect(error.detail).to.contain(text);
    }
  });

  it('WhoAmI answers anyone', async () => {
    const { peer } = await freshPeer();
    expect(await call(peer, who.p1, 'Registrar:WhoAmI')).to.deep.include({
      registered: true,
      active: true,
      role: 'patient',
    });
    const anonymous = await call(peer, new FakeIdentity(H1, {}), 'Registrar:WhoAmI');
    expect(anonymous).to.deep.equal({
      mspId: H1,
      role: null,
      participantId: null,
      registered: false,
      active: false,
      participant: null,
    });
    const impostor = await call(peer, identity(H2, 'patient', 'p1'), 'Registrar:WhoAmI');
    expect(impostor).to.include({ registered: false, active: false });
  });

  it('lists organisations page by page', async () => {
    const { peer } = await freshPeer();
    const first = await call<{ items: { mspId: string }[]; bookmark: string }>(
      peer,
      who.p1,
      'Registrar:ListOrganisations',
      [{ pageSize: 2 }],
    );
    const second = await call<{ items: { mspId: string }[]; bookmark: string }>(
      peer,
      who.p1,
      'Registrar:ListOrganisations',
      [{ pageSize: 2, bookmark: first.bookmark }],
    );
    expect([...first.items, ...second.items].map((org) => org.mspId)).to.deep.equal([H1, H2, 'ResearchMSP']);
    expect(second.bookmark).to.equal('');
    expect((await call(peer, who.p1, 'Registrar:GetOrganisation', [H2])).displayName).to.equal(`${H2} display`);
  });

  it('keeps the Health probes', async () => {
    const peer = new FakePeer();
    const stranger = new FakeIdentity('AnyMSP', {});
    const operator = new FakeIdentity('AnyMSP', { 'medrec.role': 'admin', 'medrec.id': 'any-admin' });
    const beat = await call(peer, operator, 'Health:Heartbeat', ['probe-1']);
    expect(beat).to.include({ probeId: 'probe-1', mspId: 'AnyMSP' });
    expect((await callFails(peer, stranger, 'Health:Heartbeat', ['probe-2'])).code).to.equal('MEDREC_FORBIDDEN');
    expect(await call(peer, stranger, 'Health:GetHeartbeat', ['probe-1'])).to.deep.equal(beat);
    expect((await peer.invoke(stranger, 'Health:GetHeartbeat', ['nope'])).payload).to.equal('');
    expect(await call(peer, who.p1, 'Health:Identity')).to.deep.equal({
      mspId: H1,
      role: 'patient',
      participantId: 'p1',
    });
    expect((await callFails(peer, operator, 'Health:Heartbeat', ['bad probe'])).code).to.equal(
      'MEDREC_INVALID_ARGUMENT',
    );
  });

  it('answers unknown transactions with MEDREC_NOT_FOUND', async () => {
    const peer = new FakePeer();
    expect((await callFails(peer, who.p1, 'Registrar:Nope')).code).to.equal('MEDREC_NOT_FOUND');
  });
});
