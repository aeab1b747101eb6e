// Registrar limits, WhoAmI, the enrolled identity behind every certificate, and compliance custody, rule by rule.
// Written against the mutation survivors listed in docs/mutation-testing.md.
import { expect } from 'chai';
import type { Caller } from '../../../chaincode/src/common/caller';
import { enrolledIdentity, isReservedEnrollmentId } from '../../../chaincode/src/common/enrolled-identity';
import { KEY } from '../../../chaincode/src/common/keys';
import {
  complianceCovers,
  holdsRecordsOf,
  inCustodyOf,
  isStaffOfAnother,
} from '../../../chaincode/src/registrar/custody';
import { call, callFails } from './support/client';
import { compositeKey, directContext, lastEvent } from './support/direct';
import { issueLeaf, makeCa, type TestCa } from './support/certs';
import { FakeIdentity, identity } from './support/fake-peer';
import { Ledger } from './support/ledger';
import { H1, H2, RES, freshPeer, orgBody, who } from './support/world';

/** An identity whose Fabric client id is exactly `id` (a subject and issuer DN as the peer reports them). */
class RawIdIdentity extends FakeIdentity {
  readonly #id: string;

  public constructor(mspId: string, role: string, participantId: string, id: string) {
    super(mspId, { 'medrec.role': role, 'medrec.id': participantId });
    this.#id = id;
  }

  public override getID(): string {
    return this.#id;
  }
}

function enrolledFrom(id: string): ReturnType<typeof enrolledIdentity> {
  return enrolledIdentity(directContext(new Ledger(), new RawIdIdentity(H1, 'patient', 'x', id)));
}

function refusalOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return String(error instanceof Error ? error.message : error);
  }
  return 'no error';
}

describe('Enrolled identity: reading the certificate subject', () => {
  it('takes the CN of the subject and the whole issuer DN', () => {
    expect(enrolledFrom('x509::/C=US/O=Hospital1/OU=client/CN=alice::/C=US/CN=ca.hospital1')).to.deep.equal({
      enrollmentId: 'alice',
      issuer: '/C=US/CN=ca.hospital1',
    });
  });

  it('reads a CN that is the first attribute, and un-escapes slashes inside it', () => {
    expect(enrolledFrom('x509::CN=alice::/CN=ca').enrollmentId).to.equal('alice');
    expect(enrolledFrom('x509::/OU=client/CN=team\\/alice::/CN=ca').enrollmentId).to.equal('team/alice');
  });

  // fabric-shim's getID escapes only the first '/' of each DN value: "/CN=p1" inside an earlier attribute must never be
  // read as the enrollment id (docs/mutation-testing.md, "After": found by this work, fixed in enrolled-identity.ts).
  it('never reads "/CN=" inside the value of an earlier attribute as the CN', () => {
    for (const id of [
      'x509::/C=US/L=x\\/CN=p1/OU=client/CN=mallory::/CN=ca',
      'x509::/L=a\\/b/CN=p1/CN=mallory::/CN=ca',
    ]) {
      let read: string;
      try {
        read = enrolledFrom(id).enrollmentId;
      } catch (error) {
        read = String(error);
      }
      expect(read, id).to.not.equal('p1');
    }
  });

  it('refuses an identity that is not X.509, or whose subject has no CN, an empty CN or two, as MEDREC_FORBIDDEN', () => {
    for (const id of [
      'idemix::whatever',
      'foo-x509::/CN=alice::/CN=ca',
      'x509::/O=Hospital1/OU=client::/CN=ca',
      'x509::/O=Hospital1/CN=::/CN=ca',
      'x509::/CN=p1/CN=mallory::/CN=ca',
    ]) {
      expect(
        refusalOf(() => enrolledFrom(id)),
        id,
      )
        .to.contain('MEDREC_FORBIDDEN')
        .and.to.contain('subject CN');
    }
  });
});

describe('Enrolled identity: reading a real certificate', () => {
  let ca: TestCa | undefined;

  /** The enrollment the chaincode reads from a certificate with this subject (openssl -subj syntax). */
  function enrolledFromCertificate(subject: string): ReturnType<typeof enrolledIdentity> {
    ca ??= makeCa('/C=US/O=Hospital1MSP/CN=ca.test');
    const leaf = issueLeaf(ca, subject);
    return enrolledIdentity(directContext(new Ledger(), identity(H1, 'patient', 'x', leaf.certPem)));
  }

  it('takes the subject CN and the issuer DN', () => {
    expect(enrolledFromCertificate('/C=US/O=Hospital1MSP/OU=client/CN=alice')).to.deep.equal({
      enrollmentId: 'alice',
      issuer: '/C=US/O=Hospital1MSP/CN=ca.test',
    });
  });

  it('reads a CN holding a slash as written, and never a "CN=" inside another attribute', () => {
    expect(enrolledFromCertificate('/O=Hospital1MSP/OU=client/CN=team\\/alice').enrollmentId).to.equal('team/alice');
    expect(enrolledFromCertificate('/C=US/L=x\\/CN=p1/OU=client/CN=mallory').enrollmentId).to.equal('mallory');
  });

  it('refuses a certificate with no CN or with two', () => {
    for (const subject of ['/C=US/O=Hospital1MSP/OU=client', '/O=Hospital1MSP/CN=p1/CN=mallory']) {
      expect(
        refusalOf(() => enrolledFromCertificate(subject)),
        subject,
      ).to.contain('MEDREC_FORBIDDEN');
    }
  });
});

describe('Enrolled identity: reserved service enrollment ids', () => {
  const reserved = [
    'admin',
    'Admin',
    'gatekeeper',
    'hospital1-admin',
    'hospital1_gatekeeper',
    'api.admin',
    'peer',
    'peer0',
    'peer0.hospital1',
    'orderer',
    'orderer1-example',
    'ca',
    'ca.hospital1',
    'ca_org1',
  ];
  const personal = [
    'administrator',
    'myadmin',
    'gatekeeper2',
    'carol',
    'casey',
    'peerless',
    'mica',
    'alice',
    'ordererx',
  ];
  for (const id of reserved) {
    it(`'${id}' is reserved`, () => expect(isReservedEnrollmentId(id)).to.equal(true));
  }
  for (const id of personal) {
    it(`'${id}' is not reserved`, () => expect(isReservedEnrollmentId(id)).to.equal(false));
  }

  it('a registrar may register a person named carol; an admin may give an admin its service enrollment id', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg1, 'Registrar:RegisterParticipant', [
      { participantId: 'carol', role: 'patient', enrollmentId: 'carol' },
    ]);
    const refused = await callFails(peer, who.reg1, 'Registrar:RegisterParticipant', [
      { participantId: 'ca1', role: 'patient', enrollmentId: 'ca1' },
    ]);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain('ca1');
    await call(peer, who.adm1, 'Registrar:RegisterParticipant', [
      { participantId: 'adm1b', role: 'admin', enrollmentId: 'hospital1-admin' },
    ]);
  });
});

describe('Registrar: registering participants', () => {
  it('a registrar may register or deactivate no admin, registrar or gatekeeper; an admin may', async () => {
    const { peer } = await freshPeer();
    for (const role of ['admin', 'registrar', 'gatekeeper']) {
      const refused = await callFails(peer, who.reg1, 'Registrar:RegisterParticipant', [
        { participantId: `new-${role}`, role, enrollmentId: `new-${role}` },
      ]);
      expect(refused.code, role).to.equal('MEDREC_FORBIDDEN');
      expect(refused.detail, role).to.contain(`manages ${role} participants`);
      await call(peer, who.adm1, 'Registrar:RegisterParticipant', [
        { participantId: `new-${role}`, role, enrollmentId: `new-${role}` },
      ]);
      const retire = await callFails(peer, who.reg1, 'Registrar:DeactivateParticipant', [`new-${role}`]);
      expect(retire.code, role).to.equal('MEDREC_FORBIDDEN');
      await call(peer, who.adm1, 'Registrar:DeactivateParticipant', [`new-${role}`]);
    }
  });

  it('names the other organisation when a registrar deactivates someone of it', async () => {
    const { peer } = await freshPeer();
    const refused = await callFails(peer, who.reg1, 'Registrar:DeactivateParticipant', ['c2']);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain(H2);
  });

  it('admits a registered patient to the organisation, and only a patient; audits against the patient only', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg1, 'Registrar:RegisterParticipant', [
      { participantId: 'n-pat', role: 'patient', enrollmentId: 'n-pat' },
    ]);
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'ParticipantRegistered',
      patientId: 'n-pat',
      subject: { kind: 'participant', id: 'n-pat' },
    });
    expect(await call(peer, who.reg1, 'Records:GetRelationship', ['n-pat', H1])).to.include({ status: 'new' });
    await call(peer, who.reg1, 'Registrar:RegisterParticipant', [
      { participantId: 'n-cli', role: 'clinician', enrollmentId: 'n-cli' },
    ]);
    expect(lastEvent(peer.ledger).payload).to.not.have.property('patientId');
    expect(peer.ledger.state.has(compositeKey(peer.ledger, who.reg1, KEY.relationship, 'n-cli', H1))).to.equal(false);
  });

  it('binds the enrolled identity to the participant id', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg1, 'Registrar:RegisterParticipant', [
      { participantId: 'n1', role: 'patient', enrollmentId: 'enrol-n1' },
    ]);
    const bindings = [...peer.ledger.state.entries()].filter(([stateKey]) => stateKey.includes('enrol-n1'));
    expect(bindings.map(([, value]) => JSON.parse(value.toString()) as unknown)).to.deep.equal([
      { participantId: 'n1' },
    ]);
    const twin = await callFails(peer, who.reg1, 'Registrar:RegisterParticipant', [
      { participantId: 'n2', role: 'patient', enrollmentId: 'enrol-n1' },
    ]);
    expect(twin.code).to.equal('MEDREC_CONFLICT');
    expect(twin.detail).to.contain('enrol-n1');
  });

  it('names the participant registered with other details, and the organisation not yet registered', async () => {
    const { peer } = await freshPeer();
    const changed = await callFails(peer, who.reg1, 'Registrar:RegisterParticipant', [
      { participantId: 'p1', role: 'clinician', enrollmentId: 'p1' },
    ]);
    expect(changed.code).to.equal('MEDREC_CONFLICT');
    expect(changed.detail).to.contain('p1');
    const newcomer = identity('NewcomerMSP', 'admin', 'adm-new');
    const unregistered = await callFails(peer, newcomer, 'Registrar:RegisterParticipant', [
      { participantId: 'reg-new', role: 'registrar', enrollmentId: 'reg-new' },
    ]);
    expect(unregistered.code).to.equal('MEDREC_NOT_FOUND');
    expect(unregistered.detail).to.contain('NewcomerMSP');
  });

  it('audits a deactivation against the patient only when a patient is deactivated', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg1, 'Registrar:DeactivateParticipant', ['p2']);
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'ParticipantDeactivated',
      patientId: 'p2',
      subject: { kind: 'participant', id: 'p2' },
    });
    await call(peer, who.reg1, 'Registrar:DeactivateParticipant', ['c1']);
    expect(lastEvent(peer.ledger).payload).to.deep.equal({
      txId: lastEvent(peer.ledger).txId,
      type: 'ParticipantDeactivated',
      subject: { kind: 'participant', id: 'c1' },
    });
  });

  it('names the participant or organisation it cannot find', async () => {
    const { peer } = await freshPeer();
    for (const [fcn, arg] of [
      ['Registrar:GetParticipant', 'ghost'],
      ['Registrar:DeactivateParticipant', 'ghost'],
      ['Registrar:GetOrganisation', 'GhostMSP'],
    ]) {
      const missing = await callFails(peer, who.adm1, fcn!, [arg!]);
      expect(missing.code, fcn).to.equal('MEDREC_NOT_FOUND');
      expect(missing.detail, fcn).to.contain(arg);
    }
  });
});

describe('Registrar: the role gate', () => {
  it('names the role and the transaction it refuses', async () => {
    const { peer } = await freshPeer();
    const refused = await callFails(peer, who.c1, 'Registrar:RegisterParticipant', [
      { participantId: 'n9', role: 'patient', enrollmentId: 'n9' },
    ]);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain('role clinician may not call Registrar:RegisterParticipant');
  });
});

describe('Registrar: organisations', () => {
  it('audits a registration against the organisation', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.adm1, 'Registrar:RegisterOrganisation', [{ ...orgBody(H1), displayName: 'Renamed' }]);
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'OrganisationRegistered',
      subject: { kind: 'organisation', id: H1 },
    });
  });

  it('names the only organisation an admin may register, and refuses an admin without an X.509 certificate', async () => {
    const { peer } = await freshPeer();
    const other = await callFails(peer, who.adm1, 'Registrar:RegisterOrganisation', [orgBody(H2)]);
    expect(other.code).to.equal('MEDREC_FORBIDDEN');
    expect(other.detail).to.contain(`only organisation ${H1}`);
    const fake = await callFails(peer, identity(H1, 'admin', 'adm1'), 'Registrar:RegisterOrganisation', [orgBody(H1)]);
    expect(fake.code).to.equal('MEDREC_FORBIDDEN');
    expect(fake.detail).to.contain('not an X.509 certificate');
  });
});

describe('Registrar: WhoAmI', () => {
  it('says registered only for the bound identity in the registered role and organisation', async () => {
    const { peer } = await freshPeer();
    expect(await call(peer, who.c1, 'Registrar:WhoAmI')).to.include({ registered: true, active: true });
    const otherRole = await call(peer, identity(H1, 'patient', 'c1'), 'Registrar:WhoAmI');
    expect(otherRole).to.include({ registered: false, active: false, participant: null });
    // The same issuer as c1's own certificate, another CN; then c1's CN from another CA.
    const [, issuer] = /^x509::.*?::(.+)$/s.exec(who.c1.getID())!;
    const otherCn = new RawIdIdentity(H1, 'clinician', 'c1', `x509::/OU=client/CN=mallory::${issuer}`);
    expect(await call(peer, otherCn, 'Registrar:WhoAmI')).to.include({ registered: false, active: false });
    const otherCa = new RawIdIdentity(H1, 'clinician', 'c1', `x509::/OU=client/CN=c1::/C=US/O=${H1}/CN=rogue-ca`);
    // Sanity: the same strings with c1's own CN and issuer are c1.
    const itself = new RawIdIdentity(H1, 'clinician', 'c1', `x509::/OU=client/CN=c1::${issuer}`);
    expect(await call(peer, itself, 'Registrar:WhoAmI')).to.include({ registered: true, active: true });
    expect(await call(peer, otherCa, 'Registrar:WhoAmI')).to.include({ registered: false, active: false });
    // The transactions themselves refuse that certificate, saying why.
    const refused = await callFails(peer, otherCn, 'Registrar:GetParticipant', ['c1']);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain('participant c1 is bound to another enrolled identity');
    const notX509 = new RawIdIdentity(H1, 'clinician', 'c1', 'idemix::c1');
    expect(await call(peer, notX509, 'Registrar:WhoAmI')).to.include({ registered: false, active: false });
  });

  it('says registered but not active for a deactivated participant', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg1, 'Registrar:DeactivateParticipant', ['c1']);
    const answer = await call<{ registered: boolean; active: boolean; participant: { status: string } }>(
      peer,
      who.c1,
      'Registrar:WhoAmI',
    );
    expect([answer.registered, answer.active, answer.participant.status]).to.deep.equal([true, false, 'inactive']);
  });
});

describe('Custody: the reach of compliance officers', () => {
  const compliance = (mspId: string): Caller => ({
    role: 'compliance',
    mspId,
    participantId: 'co',
    participant: undefined,
  });

  it('a patient registered at an organisation is in its custody even with no relationship on the ledger', async () => {
    const { peer } = await freshPeer();
    peer.ledger.state.delete(compositeKey(peer.ledger, who.co1, KEY.relationship, 'p1', H1));
    const ctx = directContext(peer.ledger, who.co1);
    expect(await inCustodyOf(ctx, H1, 'p1')).to.equal(true);
    expect(await inCustodyOf(ctx, H2, 'p1')).to.equal(false);
  });

  it('an admission puts a patient in custody only once the patient accepts it; a rejection ends it', async () => {
    const { peer } = await freshPeer();
    const ctx = (): ReturnType<typeof directContext> => directContext(peer.ledger, who.co2);
    expect(await inCustodyOf(ctx(), H2, 'p1')).to.equal(false);
    await call(peer, who.reg2, 'Records:AdmitPatient', ['p1']);
    // Any registrar may admit any patient: that alone must not open the patient's trail to its organisation.
    expect(await inCustodyOf(ctx(), H2, 'p1')).to.equal(false);
    expect(await holdsRecordsOf(ctx(), H2, 'p1')).to.equal(true);
    await call(peer, who.p1, 'Records:AcceptRelationship', ['p1', H2]);
    expect(await inCustodyOf(ctx(), H2, 'p1')).to.equal(true);
    expect(await inCustodyOf(ctx(), RES, 'p1')).to.equal(false);
    expect(await holdsRecordsOf(ctx(), RES, 'p1')).to.equal(false);
    await call(peer, who.p1, 'Records:RejectRelationship', ['p1', H2]);
    expect(await inCustodyOf(ctx(), H2, 'p1')).to.equal(false);
    expect(await holdsRecordsOf(ctx(), H2, 'p1')).to.equal(true);
  });

  it('an accepted relationship stays accepted, and the patient in custody, when records are added', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg2, 'Records:AdmitPatient', ['p1']);
    await call(peer, who.p1, 'Records:AcceptRelationship', ['p1', H2]);
    const record = {
      recordId: 'r-pu',
      patientId: 'p1',
      category: 'note',
      contentHash: 'f'.repeat(64),
      locator: 'urn:x',
    };
    await call(peer, who.c2, 'Records:RegisterRecord', [record]);
    const relationship = await call<{ status: string }>(peer, who.p1, 'Records:GetRelationship', ['p1', H2]);
    expect(relationship.status).to.equal('accepted');
    expect(await inCustodyOf(directContext(peer.ledger, who.co2), H2, 'p1')).to.equal(true);
  });

  it('a rejected admission never puts the patient in custody', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg2, 'Records:AdmitPatient', ['p1']);
    await call(peer, who.p1, 'Records:RejectRelationship', ['p1', H2]);
    expect(await inCustodyOf(directContext(peer.ledger, who.co2), H2, 'p1')).to.equal(false);
    expect((await callFails(peer, who.co2, 'Audit:QueryByPatient', [{ patientId: 'p1' }])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
  });

  it('a non-patient or unknown participant is in no custody by registration', async () => {
    const { peer } = await freshPeer();
    const ctx = directContext(peer.ledger, who.co1);
    expect(await inCustodyOf(ctx, H1, 'c1')).to.equal(false);
    expect(await inCustodyOf(ctx, H1, 'ghost')).to.equal(false);
  });

  it('only compliance officers have that reach', async () => {
    const { peer } = await freshPeer();
    const ctx = directContext(peer.ledger, who.co1);
    expect(await complianceCovers(ctx, compliance(H1), 'p1')).to.equal(true);
    expect(await complianceCovers(ctx, compliance(H2), 'p1')).to.equal(false);
    expect(await complianceCovers(ctx, { ...compliance(H1), role: 'clinician' }, 'p1')).to.equal(false);
  });

  it('tells staff of another organisation from own staff and unknown actors', async () => {
    const { peer } = await freshPeer();
    const ctx = directContext(peer.ledger, who.co1);
    expect(await isStaffOfAnother(ctx, H1, 'c2')).to.equal(true);
    expect(await isStaffOfAnother(ctx, H1, 'c1')).to.equal(false);
    expect(await isStaffOfAnother(ctx, H1, 'ghost')).to.equal(false);
  });
});
