/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import { expect } from 'chai';
import { ChaincodeError, ContentHashMismatchError, NetworkUnavailableError } from '../../../sdk/src/errors';
import { AccessDeniedError, FhirValidationError } from '../../../api/src/ports';
import { send } from './support/conformance';
import { OBSERVATION, pointer, ticket } from './support/fixtures';
import { createHarness, USERS, type Harness } from './support/harness';

describe('api: records, tickets and break-glass', () => {
  let h: Harness;
  let auth: string;
  beforeEach(async () => {
    h = createHarness();
    auth = (await h.tokenFor(USERS.clinician)).authorization;
  });
  afterEach(() => {
    h.close();
  });

  it('POST stores the resource through RecordCustody as the clinician; 201 with the transaction id', async () => {
    h.custody.storeResult = () => Promise.resolve({ pointer: pointer(), transactionId: 'tx-rec' });
    const res = await send(h.http.post('/v1/patients/pat-1/records').set('authorization', auth).send(OBSERVATION));
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.equal({ record: pointer(), transactionId: 'tx-rec' });
    expect(h.custody.stored[0]).to.deep.equal({ user: USERS.clinician, patientId: 'pat-1', resource: OBSERVATION });
  });

  it('accepts application/fhir+json bodies', async () => {
    h.custody.storeResult = () => Promise.resolve({ pointer: pointer(), transactionId: 'tx-rec' });
    const res = await send(
      h.http
        .post('/v1/patients/pat-1/records')
        .set('authorization', auth)
        .set('content-type', 'application/fhir+json')
        .send(JSON.stringify(OBSERVATION)),
    );
    expect(res.status).to.equal(201);
  });

  it('422 with the issues for an invalid FHIR resource; 400 for a body that is not a resource', async () => {
    h.custody.storeResult = () =>
      Promise.reject(
        new FhirValidationError({
          message: 'Observation.status is required',
          issues: [{ path: 'Observation.status', message: 'is required' }],
        }),
      );
    const res = await send(h.http.post('/v1/patients/pat-1/records').set('authorization', auth).send(OBSERVATION));
    expect(res.status).to.equal(422);
    expect(res.body).to.include({ code: 'FHIR_INVALID' });
    expect(res.body.errors).to.deep.equal([{ in: 'body', path: 'Observation.status', message: 'is required' }]);
    const notResource = await send(h.http.post('/v1/patients/pat-1/records').set('authorization', auth).send({ a: 1 }));
    expect(notResource.status).to.equal(400);
  });

  it('GET lists pointers with pagination parameters coerced to their types', async () => {
    h.ledger.client.listRecords = () => Promise.resolve({ items: [pointer()], bookmark: 'next' });
    const res = await send(
      h.http
        .get('/v1/patients/pat-1/records?pageSize=10&bookmark=abc&custodianMsp=Hospital1MSP')
        .set('authorization', auth),
    );
    expect(res.status).to.equal(200);
    expect(res.body.bookmark).to.equal('next');
    expect(h.ledger.calls[0]?.args[0]).to.deep.equal({
      patientId: 'pat-1',
      custodianMsp: 'Hospital1MSP',
      pageSize: 10,
      bookmark: 'abc',
    });
  });

  it('400 for out-of-range or unknown query parameters and bad path ids', async () => {
    for (const url of [
      '/v1/patients/pat-1/records?pageSize=0',
      '/v1/patients/pat-1/records?pageSize=ten',
      '/v1/patients/pat-1/records?colour=red',
      '/v1/patients/pat-1/records?pageSize=1&pageSize=2',
      '/v1/patients/-bad/records',
    ]) {
      const res = await send(h.http.get(url).set('authorization', auth));
      expect(res.status, url).to.equal(400);
    }
    expect(h.ledger.calls).to.have.length(0);
  });

  it('maps ledger refusals: 403, 404, 409, 400, 503', async () => {
    const cases = [
      [new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'not yours' }), 403],
      [new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: 'none' }), 404],
      [new ChaincodeError({ code: 'MEDREC_CONFLICT', message: 'bad bookmark' }), 409],
      [new ChaincodeError({ code: 'MEDREC_INVALID_ARGUMENT', message: 'bookmark' }), 400],
      [new NetworkUnavailableError({ message: 'peer down' }), 503],
    ] as const;
    for (const [error, status] of cases) {
      h.ledger.client.listRecords = () => Promise.reject(error);
      const res = await send(h.http.get('/v1/patients/pat-1/records').set('authorization', auth));
      expect(res.status).to.equal(status);
    }
  });

  it('GET /v1/records/{id} returns the content fetched through RecordCustody', async () => {
    h.custody.fetchResult = () => Promise.resolve({ resource: OBSERVATION, ticket: ticket(), pointer: pointer() });
    const res = await send(h.http.get('/v1/records/rec-1?purpose=TREAT').set('authorization', auth));
    expect(res.status).to.equal(200);
    expect(res.body.resource).to.deep.equal(OBSERVATION);
    expect(h.custody.fetched[0]).to.deep.equal({ user: USERS.clinician, recordId: 'rec-1', purpose: 'TREAT' });
    await send(h.http.get('/v1/records/rec-1?purpose=ETREAT&ticketId=tx-bg').set('authorization', auth));
    expect(h.custody.fetched[1]).to.include({ purpose: 'ETREAT', ticketId: 'tx-bg' });
    expect((await send(h.http.get('/v1/records/rec-1').set('authorization', auth))).status).to.equal(400);
    expect((await send(h.http.get('/v1/records/rec-1?purpose=FUN').set('authorization', auth))).status).to.equal(400);
  });

  it('a denied ticket is 403 with its transaction id; a hash mismatch is 502', async () => {
    h.custody.fetchResult = () => Promise.reject(new AccessDeniedError(ticket('deny')));
    const denied = await send(h.http.get('/v1/records/rec-1?purpose=TREAT').set('authorization', auth));
    expect(denied.status).to.equal(403);
    expect(denied.body).to.include({ code: 'ACCESS_DENIED', transactionId: 'tx-ticket-1' });
    h.custody.fetchResult = () =>
      Promise.reject(new ContentHashMismatchError({ recordId: 'rec-1', expected: 'a', actual: 'b' }));
    const mismatch = await send(h.http.get('/v1/records/rec-1?purpose=TREAT').set('authorization', auth));
    expect(mismatch.status).to.equal(502);
    expect(mismatch.body.code).to.equal('CONTENT_HASH_MISMATCH');
  });

  it('break-glass: 201 with the ticket; review by compliance; list; get ticket', async () => {
    h.ledger.client.breakGlass = () =>
      Promise.resolve({ value: ticket('permit', 'break-glass'), transactionId: 'tx-ticket-1' });
    const res = await send(
      h.http
        .post('/v1/records/rec-1/break-glass')
        .set('authorization', auth)
        .send({ reason: 'patient-unconscious', durationMinutes: 30, incidentRef: 'INC-1' }),
    );
    expect(res.status).to.equal(201);
    expect(h.ledger.calls[0]?.args[0]).to.deep.equal({
      recordId: 'rec-1',
      reason: 'patient-unconscious',
      durationMinutes: 30,
      incidentRef: 'INC-1',
    });
    const bad = await send(
      h.http
        .post('/v1/records/rec-1/break-glass')
        .set('authorization', auth)
        .send({ reason: 'curiosity', durationMinutes: 1 }),
    );
    expect(bad.status).to.equal(400);
    expect(bad.body.errors).to.have.length(2);

    const compliance = (await h.tokenFor(USERS.compliance)).authorization;
    h.ledger.client.reviewBreakGlass = () =>
      Promise.resolve({ value: ticket('permit', 'break-glass'), transactionId: 'tx-review' });
    const review = await send(
      h.http.post('/v1/break-glass/tx-ticket-1/review').set('authorization', compliance).send({ outcome: 'justified' }),
    );
    expect(review.status).to.equal(200);
    expect(review.body.transactionId).to.equal('tx-review');
    h.ledger.client.listBreakGlass = () => Promise.resolve({ items: [ticket('permit', 'break-glass')], bookmark: '' });
    expect(
      (await send(h.http.get('/v1/break-glass?reviewStatus=pending').set('authorization', compliance))).status,
    ).to.equal(200);
    h.ledger.client.getTicket = () => Promise.resolve(ticket());
    expect((await send(h.http.get('/v1/tickets/tx-ticket-1').set('authorization', compliance))).status).to.equal(200);
  });
});
