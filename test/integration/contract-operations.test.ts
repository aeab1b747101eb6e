/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Response } from 'supertest';
import { send } from '../unit/api/support/conformance';
import {
  adminToken,
  api,
  bearer,
  condition,
  register,
  treatmentConsentForHospital2,
  type Registered,
} from './support/rest-api';
import { eventually } from './support/shared-network';

/** The operations that expose contract transactions one to one, each with a permit and a refusal beside it. */
describe('REST API: the rest of the contract on the real network', function () {
  let patient: Registered;
  let otherPatient: Registered;
  let doc1: Registered;
  let doc2: Registered;
  let recordId: string;

  before(async function () {
    patient = await register('hospital1', 'patient');
    otherPatient = await register('hospital1', 'patient');
    doc1 = await register('hospital1', 'clinician');
    doc2 = await register('hospital2', 'clinician');
    const res = await send(
      api('hospital1')
        .post(`/v1/patients/${patient.participantId}/records`)
        .set(...bearer(doc1.token))
        .send(condition(patient.participantId)),
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    recordId = (res.body as { record: { recordId: string } }).record.recordId;
  });

  it('lists and reads the member organisations; re-registering another organisation is refused', async function () {
    const list = await send(
      api('hospital2')
        .get('/v1/organisations')
        .set(...bearer(doc2.token)),
    );
    expect(list.status).to.equal(200);
    const ids = (list.body.items as { mspId: string }[]).map((o) => o.mspId);
    expect(ids).to.include.members(['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP']);
    const one = await send(
      api('hospital2')
        .get('/v1/organisations/Hospital1MSP')
        .set(...bearer(doc2.token)),
    );
    expect(one.body.gatekeeperUrl).to.match(/^https:\/\//);
    // hospital2's admin may register only its own organisation.
    const foreign = await send(
      api('hospital2')
        .put('/v1/organisations')
        .set(...bearer(adminToken('hospital2')))
        .send({
          mspId: 'Hospital1MSP',
          displayName: 'Not mine',
          gatekeeperUrl: 'https://evil.example',
          caRootCertsPem: one.body.caRootCertsPem as string[],
        }),
    );
    expect(foreign.status, JSON.stringify(foreign.body)).to.equal(403);
    const unknown = await send(
      api('hospital2')
        .get('/v1/organisations/NoSuchMSP')
        .set(...bearer(doc2.token)),
    );
    expect(unknown.status).to.equal(404);
  });

  it('a standalone access request records a deny, then a permit once the patient consents', async function () {
    const ask = (): Promise<Response> =>
      send(
        api('hospital2')
          .post(`/v1/records/${recordId}/access-requests`)
          .set(...bearer(doc2.token))
          .send({ purpose: 'TREAT' }),
      );
    const denied = await ask();
    expect(denied.status, JSON.stringify(denied.body)).to.equal(201);
    expect(denied.body.ticket).to.include({ decision: 'deny', reason: 'no-covering-consent' });
    const granted = await send(
      api('hospital1')
        .post(`/v1/patients/${patient.participantId}/consents`)
        .set(...bearer(patient.token))
        .send(treatmentConsentForHospital2()),
    );
    expect(granted.status).to.equal(201);
    const permitted = await eventually(
      'a permit once the consent is visible to hospital2',
      ask,
      (res) => res.status === 201 && (res.body as { ticket: { decision: string } }).ticket.decision === 'permit',
    );
    // The ticket serves a later read of the content.
    const ticketId = (permitted.body as { ticket: { ticketId: string } }).ticket.ticketId;
    const read = await send(
      api('hospital2')
        .get(`/v1/records/${recordId}?purpose=TREAT&ticketId=${ticketId}`)
        .set(...bearer(doc2.token)),
    );
    expect(read.status, JSON.stringify(read.body)).to.equal(200);

    // The consent's history on the ledger: the patient reads it; another patient may not.
    const consentId = (granted.body as { consent: { consentId: string } }).consent.consentId;
    const history = await send(
      api('hospital1')
        .get(`/v1/consents/${consentId}/history`)
        .set(...bearer(patient.token)),
    );
    expect(history.status).to.equal(200);
    expect(history.body.entries).to.have.length(1);
    const stranger = await send(
      api('hospital1')
        .get(`/v1/consents/${consentId}/history`)
        .set(...bearer(otherPatient.token)),
    );
    expect(stranger.status).to.equal(403);

    // The decision is one audit event, readable by its transaction id by the patient, not by another patient.
    const event = await send(
      api('hospital1')
        .get(`/v1/audit/events/${(denied.body as { transactionId: string }).transactionId}`)
        .set(...bearer(patient.token)),
    );
    expect(event.status, JSON.stringify(event.body)).to.equal(200);
    expect(event.body).to.include({ type: 'AccessDecided', outcome: 'deny' });
    const notYours = await send(
      api('hospital1')
        .get(`/v1/audit/events/${(denied.body as { transactionId: string }).transactionId}`)
        .set(...bearer(otherPatient.token)),
    );
    expect(notYours.status).to.equal(403);
  });

  it('amends a record: a new version at the custodian, linked both ways on the ledger; refusals store nothing', async function () {
    const created = await send(
      api('hospital1')
        .post(`/v1/patients/${patient.participantId}/records`)
        .set(...bearer(doc1.token))
        .send(condition(patient.participantId)),
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const v1 = (created.body as { record: { recordId: string } }).record.recordId;
    const corrected = condition(patient.participantId, { code: 'I11', display: 'Hypertensive heart disease' });
    const amend = (org: 'hospital1' | 'hospital2', token: string, id: string, body: unknown): Promise<Response> =>
      send(
        api(org)
          .post(`/v1/records/${id}/amendments`)
          .set(...bearer(token))
          .send(body as object),
      );

    // Refusals first, so that each is seen against a version nobody has amended yet.
    const foreign = await amend('hospital2', doc2.token, v1, corrected);
    expect(foreign.status, JSON.stringify(foreign.body)).to.equal(403);
    const asPatient = await amend('hospital1', patient.token, v1, corrected);
    expect(asPatient.status).to.equal(403);
    const otherSubject = await amend('hospital1', doc1.token, v1, condition(otherPatient.participantId));
    expect(otherSubject.status, JSON.stringify(otherSubject.body)).to.equal(422);
    expect(otherSubject.body.code).to.equal('FHIR_INVALID_RESOURCE');
    const unknown = await amend('hospital1', doc1.token, `rec-${crypto.randomUUID()}`, corrected);
    expect(unknown.status).to.equal(404);

    // Another clinician of the custodian organisation corrects it.
    const colleague = await register('hospital1', 'clinician');
    const done = await amend('hospital1', colleague.token, v1, corrected);
    expect(done.status, JSON.stringify(done.body)).to.equal(201);
    const v2 = done.body.record as { recordId: string; supersedes: string; version: number; registeredBy: string };
    expect(v2).to.include({ supersedes: v1, version: 2, registeredBy: colleague.participantId });
    expect(done.body.transactionId).to.match(/^[0-9a-f]{64}$/);

    // The API answered after its own peer committed the amendment, so hospital1 reads it at once.
    const old = await send(
      api('hospital1')
        .get(`/v1/records/${v1}/pointer`)
        .set(...bearer(patient.token)),
    );
    expect(old.body).to.include({ supersededBy: v2.recordId, version: 1 });
    // The new version's content is the corrected one, served by the custodian like any record.
    const read = await send(
      api('hospital1')
        .get(`/v1/records/${v2.recordId}?purpose=TREAT`)
        .set(...bearer(doc1.token)),
    );
    expect(read.status, JSON.stringify(read.body)).to.equal(200);
    expect(read.body.resource).to.deep.include({ code: corrected.code });

    // A version already amended cannot be amended again; the current one can.
    const again = await amend('hospital1', doc1.token, v1, condition(patient.participantId));
    expect(again.status, JSON.stringify(again.body)).to.equal(409);
    const third = await amend('hospital1', doc1.token, v2.recordId, condition(patient.participantId));
    expect(third.status, JSON.stringify(third.body)).to.equal(201);
    expect(third.body.record).to.include({ supersedes: v2.recordId, version: 3 });
  });

  it('reads a record pointer as the patient; a clinician of another organisation is refused', async function () {
    const mine = await send(
      api('hospital1')
        .get(`/v1/records/${recordId}/pointer`)
        .set(...bearer(patient.token)),
    );
    expect(mine.status).to.equal(200);
    expect(mine.body).to.include({ recordId, custodianMsp: 'Hospital1MSP' });
    const foreign = await send(
      api('hospital2')
        .get(`/v1/records/${recordId}/pointer`)
        .set(...bearer(doc2.token)),
    );
    expect(foreign.status).to.equal(403);
  });

  it('lists unseen notifications and acknowledges them; another patient can do neither', async function () {
    const path = `/v1/patients/${patient.participantId}/unseen-notifications`;
    const unseen = await send(
      api('hospital1')
        .get(path)
        .set(...bearer(patient.token)),
    );
    expect(unseen.status).to.equal(200);
    const ids = (unseen.body.items as { notificationId: string }[]).map((n) => n.notificationId);
    expect(ids).to.not.be.empty;
    const refused = await send(
      api('hospital1')
        .post(`${path}/acknowledge`)
        .set(...bearer(otherPatient.token))
        .send({ notificationIds: ids }),
    );
    expect(refused.status).to.equal(403);
    const ack = await send(
      api('hospital1')
        .post(`${path}/acknowledge`)
        .set(...bearer(patient.token))
        .send({ notificationIds: ids }),
    );
    expect(ack.status, JSON.stringify(ack.body)).to.equal(200);
    expect(ack.body.acknowledged).to.have.members(ids);
    const after = await send(
      api('hospital1')
        .get(path)
        .set(...bearer(patient.token)),
    );
    const left = (after.body.items as { notificationId: string }[]).map((n) => n.notificationId);
    expect(left).to.not.include.members(ids);
  });

  it('shows the incentive schedule and balances; only an organisation admin transfers its credits', async function () {
    const schedule = await send(
      api('hospital1')
        .get('/v1/incentive/schedule')
        .set(...bearer(doc1.token)),
    );
    expect(schedule.status).to.equal(200);
    expect(schedule.body.initialReward).to.match(/^[1-9][0-9]*$/);
    const balance = await send(
      api('hospital1')
        .get('/v1/incentive/balance?mspId=Hospital1MSP')
        .set(...bearer(adminToken('hospital1'))),
    );
    expect(balance.status, JSON.stringify(balance.body)).to.equal(200);
    expect(balance.body.amount).to.match(/^[0-9]+$/);
    // A clinician does not spend the organisation's credits.
    const theft = await send(
      api('hospital1')
        .post('/v1/incentive/transfers')
        .set(...bearer(doc1.token))
        .send({ to: { kind: 'participant', participantId: doc1.participantId }, amount: '1' }),
    );
    expect(theft.status).to.equal(403);
    const transfers = await send(
      api('hospital1')
        .get('/v1/incentive/transfers?mspId=Hospital1MSP')
        .set(...bearer(adminToken('hospital1'))),
    );
    expect(transfers.status).to.equal(200);
    // Voting is over once the schedule is in effect: a new proposal is a conflict, never a 5xx.
    const late = await send(
      api('hospital1')
        .post('/v1/incentive/proposals')
        .set(...bearer(adminToken('hospital1')))
        .send({ initialReward: '7', halvingInterval: '7' }),
    );
    expect(late.status).to.equal(409);
  });
});
