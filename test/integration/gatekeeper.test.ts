import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import {
  GATEKEEPER_IDENTITY,
  gatekeeperSqliteFile,
  gatekeeperUrl,
  recordStoreConfig,
} from '../../network/src/gatekeeper-process';
import { peerOf } from '../../network/src/topology';
import { ContentHashMismatchError } from '../../sdk/src/errors';
import { contentHash } from '../../sdk/src/fhir/content-hash';
import { createCustodian, type Custodian } from '../../gatekeeper/src/custodian';
import { createGatekeeper } from '../../gatekeeper/src/gatekeeper';
import { callGatekeeper } from '../../sdk/src/gatekeeper/gatekeeper-client';
import { GatekeeperError } from '../../sdk/src/gatekeeper/gatekeeper-errors';
import { RETRIEVE_PATH } from '../../sdk/src/gatekeeper/gatekeeper-protocol';
import { createPossessionProof } from '../../sdk/src/gatekeeper/possession-proof';
import { connectGateway } from '../../sdk/src/gateway-connection';
import { createMedrecClient, type MedrecClient } from '../../sdk/src/medrec-client';
import { AccessDeniedError, fetchRecord, redeemTicket } from '../../sdk/src/record-retrieval';
import { openRecordStore } from '../../gatekeeper/src/store/open-record-store';
import type { RecordStore } from '../../gatekeeper/src/store/record-store';
import { closeAll, enrol, registerParticipant, type Actor } from './support/medrec-client';
import { consortium, freshId } from './support/shared-network';

function condition(patientId: string): Record<string, unknown> {
  return {
    resourceType: 'Condition',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: {
      coding: [
        {
          system: 'http://hl7.org/fhir/sid/icd-10-cm',
          code: 'E11.9',
          display: 'Type 2 diabetes mellitus without complications',
        },
      ],
    },
    subject: { reference: `Patient/${patientId}` },
    onsetDateTime: '2021-03-04',
  };
}

const client = (actor: Actor): MedrecClient => createMedrecClient(actor.connection.gateway);

describe('Database Gatekeeper and ticketed retrieval (real network)', function () {
  const hospital1 = (): ReturnType<typeof peerOf> => peerOf(consortium().topology, 'hospital1');
  let admin1: Actor;
  let admin2: Actor;
  let patient: Actor;
  let clinician1: Actor;
  let clinician2: Actor;
  let outsider: Actor;
  let store: RecordStore;
  let custodian: Custodian;

  before(async function () {
    admin1 = await enrol('hospital1', 'admin');
    admin2 = await enrol('hospital2', 'admin');
    patient = await registerParticipant(admin1, 'patient');
    clinician1 = await registerParticipant(admin1, 'clinician');
    clinician2 = await registerParticipant(admin2, 'clinician');
    outsider = await registerParticipant(admin2, 'clinician');
    // The test writes through the same store the hospital1 gatekeeper process serves from.
    store = await openRecordStore(recordStoreConfig(consortium().layout, hospital1()));
    custodian = createCustodian({ store, mspId: 'Hospital1MSP' });
  });

  after(async function () {
    closeAll([admin1, admin2, patient, clinician1, clinician2, outsider]);
    await store.close();
  });

  async function recordWithConsentFor(
    grantee: Actor,
  ): Promise<{ recordId: string; resource: Record<string, unknown> }> {
    const resource = condition(patient.participantId);
    const { pointer } = await custodian.storeAndRegister(client(clinician1), resource, {
      authorId: clinician1.participantId,
    });
    const now = Date.now();
    await client(patient).grantConsent({
      consentId: freshId('consent'),
      patientId: patient.participantId,
      grantee: { kind: 'participant', participantId: grantee.participantId },
      scope: { custodians: ['Hospital1MSP'] },
      purposes: ['TREAT'],
      period: { notBefore: new Date(now - 60_000).toISOString(), notAfter: new Date(now + 86_400_000).toISOString() },
    });
    return { recordId: pointer.recordId, resource };
  }

  it("lets a hospital2 clinician fetch hospital1's record with consent, hash-checked, with the disclosure on chain", async function () {
    const { recordId, resource } = await recordWithConsentFor(clinician2);
    const fetched = await fetchRecord({
      client: client(clinician2),
      identity: clinician2.connection.identity,
      recordId,
      purpose: 'TREAT',
    });
    expect(contentHash(fetched.resource)).to.equal(contentHash(resource));
    expect(fetched.ticket).to.include({ decision: 'permit', recordId, custodianMsp: 'Hospital1MSP' });
    const ticket = await client(clinician2).getTicket(fetched.ticket.ticketId);
    expect(ticket.disclosure?.txId).to.equal(fetched.disclosureTxId);
  });

  it('refuses without consent with a typed forbidden error, and the deny is in the audit trail', async function () {
    const { recordId } = await recordWithConsentFor(clinician2);
    const err = await fetchRecord({
      client: client(outsider),
      identity: outsider.connection.identity,
      recordId,
      purpose: 'TREAT',
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AccessDeniedError);
    const denied = err as AccessDeniedError;
    expect(denied.code).to.equal('MEDREC_FORBIDDEN');
    const trail = await client(patient).auditByPatient({ patientId: patient.participantId, pageSize: 200 });
    const event = trail.items.find((e) => e.txId === denied.transactionId);
    expect(event).to.include({ outcome: 'deny' });
  });

  it('raises a hash-mismatch error when the stored record was tampered with', async function () {
    const { recordId, resource } = await recordWithConsentFor(clinician2);
    const db = new Database(gatekeeperSqliteFile(consortium().layout, hospital1()));
    try {
      db.prepare('UPDATE medrec_records SET resource_json = ? WHERE record_id = ?').run(
        JSON.stringify({ ...resource, onsetDateTime: '1999-01-01' }),
        recordId,
      );
    } finally {
      db.close();
    }
    const err = await fetchRecord({
      client: client(clinician2),
      identity: clinician2.connection.identity,
      recordId,
      purpose: 'TREAT',
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ContentHashMismatchError);
    expect((err as ContentHashMismatchError).recordId).to.equal(recordId);
  });

  it('refuses a replayed proof of possession', async function () {
    const { recordId } = await recordWithConsentFor(clinician2);
    const { value: ticket } = await client(clinician2).requestAccess({ recordId, purpose: 'TREAT' });
    const proof = createPossessionProof({
      ticketId: ticket.ticketId,
      recordId,
      purpose: 'TREAT',
      privateKey: clinician2.connection.identity.privateKey,
    });
    const send = (): ReturnType<typeof callGatekeeper> =>
      callGatekeeper({
        baseUrl: gatekeeperUrl(hospital1()),
        path: RETRIEVE_PATH,
        method: 'POST',
        body: JSON.stringify({ ticketId: ticket.ticketId, recordId, purpose: 'TREAT', proof }),
        trustedCaPem: [fs.readFileSync(consortium().layout.caCert('hospital1'), 'utf8')],
      });
    expect((await send()).status).to.equal(200);
    const replay = await send();
    expect(replay.status).to.equal(401);
    expect((replay.body as { code: string }).code).to.equal('PROOF_REPLAYED');
  });

  it('refuses a proof signed by a key other than the ticket holder', async function () {
    const { recordId } = await recordWithConsentFor(clinician2);
    const { value: ticket } = await client(clinician2).requestAccess({ recordId, purpose: 'TREAT' });
    const err = await redeemTicket({
      client: client(outsider),
      identity: outsider.connection.identity,
      ticket,
      purpose: 'TREAT',
    }).catch((e: unknown) => e);
    expect(err).to.have.property('code', 'PROOF_BAD_SIGNATURE');
  });

  it('refuses an expired ticket', async function () {
    const { recordId } = await recordWithConsentFor(clinician2);
    const { value: ticket } = await client(clinician2).requestAccess({ recordId, purpose: 'TREAT' });
    const dir = path.join(consortium().layout.identityDir('hospital1', GATEKEEPER_IDENTITY), 'msp');
    const endpoint = consortium().peerEndpoint('hospital1');
    const connection = connectGateway({
      peerAddress: endpoint.address,
      tlsRootCertificate: endpoint.tlsRootCertificate,
      tlsServerName: endpoint.tlsServerName,
      identity: {
        mspId: 'Hospital1MSP',
        certificate: fs.readFileSync(path.join(dir, 'signcerts', 'cert.pem'), 'utf8'),
        privateKey: fs.readFileSync(path.join(dir, 'keystore', 'key.pem'), 'utf8'),
      },
    });
    try {
      const later = Date.parse(ticket.expiresAt) + 1000;
      const gatekeeper = createGatekeeper({
        store,
        mspId: 'Hospital1MSP',
        ledger: createMedrecClient(connection.gateway),
        now: () => later,
      });
      const proof = createPossessionProof({
        ticketId: ticket.ticketId,
        recordId,
        purpose: 'TREAT',
        privateKey: clinician2.connection.identity.privateKey,
        now: () => later,
      });
      const err = await gatekeeper
        .retrieve({ ticketId: ticket.ticketId, recordId, purpose: 'TREAT', proof })
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(GatekeeperError);
      expect((err as GatekeeperError).code).to.equal('GATEKEEPER_TICKET_EXPIRED');
    } finally {
      connection.close();
    }
  });

  it('stores nothing for a caller the ledger refuses; a clinician then registers the content as its author', async function () {
    const resource = condition(patient.participantId);
    const orphansOf = async (): Promise<string[]> =>
      (await store.listUnregistered({ limit: 500 })).records
        .filter((r) => r.contentHash === contentHash(resource) && r.patientId === patient.participantId)
        .map((r) => r.recordId);
    // A patient may not register records: the ledger refuses before anything is stored, so no orphan remains.
    const recordId = freshId('rec');
    const err = await custodian
      .storeAndRegister(client(patient), resource, { recordId, authorId: patient.participantId })
      .catch((e: unknown) => e);
    expect(err).to.have.property('code', 'MEDREC_FORBIDDEN');
    expect(await store.get(recordId)).to.equal(undefined);
    expect(await orphansOf()).to.deep.equal([]);
    // Nothing a clinician's completePending could register under their own name.
    const result = await custodian.completePending(client(clinician1), clinician1.participantId);
    expect(result.refused.map((r) => r.recordId)).to.not.include(recordId);
    // The permit next to the denial: the clinician registers the same content as its author.
    const { pointer } = await custodian.storeAndRegister(client(clinician1), resource, {
      recordId,
      authorId: clinician1.participantId,
    });
    expect(pointer.registeredBy).to.equal(clinician1.participantId);
    expect((await store.get(recordId))?.authorId).to.equal(clinician1.participantId);
    expect((await client(clinician1).getRecord(recordId)).contentHash).to.equal(contentHash(resource));
  });
});
