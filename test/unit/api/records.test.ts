/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import { expect } from 'chai';
import type { RecordAmendment, RecordInput, RecordPointer } from '../../../sdk/src/chaincode-types';
import type { Endorsed } from '../../../sdk/src/medrec-client';
import { ChaincodeError, ContentHashMismatchError, NetworkUnavailableError } from '../../../sdk/src/errors';
import { contentHash, validateFhirResource } from '../../../sdk/src/fhir';
import { InvalidFhirResourceError } from '../../../sdk/src/fhir/fhir-errors';
import { locatorFor } from '../../../gatekeeper/src/custodian';
import { AccessDeniedError } from '../../../sdk/src/record-retrieval-errors';
import { send } from './support/conformance';
import { OBSERVATION, participant, pointer, ticket, TICKET_ID, user } from './support/fixtures';
import { createHarness, USERS, type Harness } from './support/harness';

/** An endorsement as the SDK returns it; custody orders it (these tests' custody is a fake that never does). */
function endorsedOf(result: RecordPointer): Endorsed<RecordPointer> {
  return {
    result,
    transactionId: 'tx-endorsed',
    submit: () => Promise.reject(new Error('the API never orders an endorsement itself: custody does')),
  };
}

describe('api: records, tickets and break-glass', () => {
  let h: Harness;
  let auth: string;
  beforeEach(async () => {
    h = createHarness();
    auth = (await h.tokenFor(USERS.clinician)).authorization;
    // The ledger permits the registration unless a test says otherwise.
    h.ledger.client.endorseRegisterRecord = () => Promise.resolve(endorsedOf(pointer()));
  });
  afterEach(() => {
    h.close();
  });

  it('POST stores the resource through RecordCustody as the clinician; 201 with the transaction id', async () => {
    h.custody.storeResult = () => Promise.resolve({ pointer: pointer(), transactionId: 'tx-rec' });
    const res = await send(h.http.post('/v1/patients/pat-1/records').set('authorization', auth).send(OBSERVATION));
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.equal({ record: pointer(), transactionId: 'tx-rec' });
    const stored = h.custody.stored[0];
    expect(stored).to.deep.include({ user: USERS.clinician, patientId: 'pat-1', resource: OBSERVATION });
    expect(stored?.recordId).to.match(/^rec-[0-9a-f-]{36}$/);
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
        new InvalidFhirResourceError('Observation', [{ path: 'Observation.status', message: 'is required' }]),
      );
    const res = await send(h.http.post('/v1/patients/pat-1/records').set('authorization', auth).send(OBSERVATION));
    expect(res.status).to.equal(422);
    expect(res.body).to.include({ code: 'FHIR_INVALID_RESOURCE' });
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
    expect(denied.body).to.include({ code: 'ACCESS_DENIED', transactionId: TICKET_ID });
    h.custody.fetchResult = () =>
      Promise.reject(new ContentHashMismatchError({ recordId: 'rec-1', expected: 'a', actual: 'b' }));
    const mismatch = await send(h.http.get('/v1/records/rec-1?purpose=TREAT').set('authorization', auth));
    expect(mismatch.status).to.equal(502);
    expect(mismatch.body.code).to.equal('CONTENT_HASH_MISMATCH');
  });

  it('break-glass: 201 with the ticket; review by compliance; list; get ticket', async () => {
    h.ledger.client.breakGlass = () =>
      Promise.resolve({ value: ticket('permit', 'break-glass'), transactionId: TICKET_ID });
    const res = await send(
      h.http
        .post('/v1/records/rec-1/break-glass')
        .set('authorization', auth)
        .send({ reason: 'patient-unconscious', durationMinutes: 30, incidentRef: 'INC-1' }),
    );
    expect(res.status).to.equal(201);
    // The hospital's own incident number reaches the ledger only as a keyed hash (it could be an MRN).
    const sent = h.ledger.calls[0]?.args[0] as { incidentRef: string };
    expect(sent).to.deep.include({ recordId: 'rec-1', reason: 'patient-unconscious', durationMinutes: 30 });
    expect(sent.incidentRef).to.match(/^incident-[0-9a-f]{32}$/);
    expect(JSON.stringify(h.ledger.calls)).to.not.contain('INC-1');
    await send(
      h.http
        .post('/v1/records/rec-1/break-glass')
        .set('authorization', auth)
        .send({ reason: 'patient-unconscious', durationMinutes: 30, incidentRef: 'INC-1' }),
    );
    // Deterministic per organisation, so the hospital can find its incident on the ledger again.
    expect((h.ledger.calls[1]?.args[0] as { incidentRef: string }).incidentRef).to.equal(sent.incidentRef);
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
      h.http
        .post(`/v1/break-glass/${TICKET_ID}/review`)
        .set('authorization', compliance)
        .send({ outcome: 'justified', reviewRef: 'CASE-77' }),
    );
    expect(review.status).to.equal(200);
    expect(JSON.stringify(h.ledger.calls)).to.not.contain('CASE-77');
    expect(review.body.transactionId).to.equal('tx-review');
    h.ledger.client.listBreakGlass = () => Promise.resolve({ items: [ticket('permit', 'break-glass')], bookmark: '' });
    expect(
      (await send(h.http.get('/v1/break-glass?reviewStatus=pending').set('authorization', compliance))).status,
    ).to.equal(200);
    h.ledger.client.getTicket = () => Promise.resolve(ticket());
    expect((await send(h.http.get(`/v1/tickets/${TICKET_ID}`).set('authorization', compliance))).status).to.equal(200);
  });
  describe('authority before content (POST /v1/patients/{id}/records)', () => {
    // Not a valid Observation (no status, no code, no subject): a caller refused first must never see a 422 for it.
    const INVALID = { resourceType: 'Observation', onsetDateTime: '2021-02-30' };

    for (const who of [
      USERS.patient,
      USERS.compliance,
      USERS.registrar,
      USERS.admin,
      user('researcher', 'res-1', 'ResearchMSP'),
    ]) {
      it(`a ${who.role} gets 403 before validation, the ledger or the store`, async () => {
        const token = (await h.tokenFor(who)).authorization;
        for (const body of [INVALID, OBSERVATION]) {
          const res = await send(h.http.post('/v1/patients/pat-1/records').set('authorization', token).send(body));
          expect(res.status).to.equal(403);
          expect(res.type).to.equal('application/problem+json');
          expect(res.body.code).to.equal('ROLE_MAY_NOT_REGISTER_RECORDS');
          expect(res.body.detail).to.include('Only clinicians register records');
        }
        expect(h.ledger.calls).to.have.length(0);
        expect(h.custody.stored).to.have.length(0);
      });
    }

    const refusals = [
      ['not allowed (no relationship, deactivated clinician)', 'MEDREC_FORBIDDEN', 403],
      ['an unknown patient', 'MEDREC_NOT_FOUND', 404],
      ['a conflicting record', 'MEDREC_CONFLICT', 409],
    ] as const;
    for (const [what, code, status] of refusals) {
      it(`a clinician the ledger refuses (${what}) gets ${status} before validation and stores nothing`, async () => {
        h.ledger.client.endorseRegisterRecord = () => Promise.reject(new ChaincodeError({ code, message: what }));
        for (const body of [INVALID, OBSERVATION]) {
          const res = await send(h.http.post('/v1/patients/pat-9/records').set('authorization', auth).send(body));
          expect(res.status).to.equal(status);
          expect(res.type).to.equal('application/problem+json');
          expect(res.body.code).to.equal(code);
        }
        expect(h.custody.stored).to.have.length(0);
        // Endorsed only: nothing was ordered (the custody, which would submit, was never called).
        expect(h.ledger.methodsCalled()).to.deep.equal(['endorseRegisterRecord', 'endorseRegisterRecord']);
      });
    }

    it('endorses exactly the registration the custodian will submit, then hands custody that endorsement', async () => {
      h.custody.storeResult = () => Promise.resolve({ pointer: pointer(), transactionId: 'tx-rec' });
      const res = await send(h.http.post('/v1/patients/pat-1/records').set('authorization', auth).send(OBSERVATION));
      expect(res.status).to.equal(201);
      const call = h.ledger.calls[0];
      expect(call?.method).to.equal('endorseRegisterRecord');
      expect(call?.user).to.deep.equal(USERS.clinician);
      const probe = call?.args[0] as RecordInput;
      const recordId = h.custody.stored[0]?.recordId ?? '';
      expect(probe).to.deep.equal({
        recordId,
        patientId: 'pat-1',
        category: 'laboratory',
        contentHash: contentHash(OBSERVATION),
        locator: locatorFor('Hospital1MSP', recordId),
      });
      expect(h.ledger.methodsCalled()).to.not.include('registerRecord');
      // Custody receives that very endorsement, to order once the content is stored.
      expect(h.custody.stored[0]?.endorsed?.transactionId).to.equal('tx-endorsed');
      expect(h.custody.stored[0]?.endorsed?.result).to.deep.equal(pointer());
    });

    it('each request gets its own record id', async () => {
      h.custody.storeResult = () => Promise.resolve({ pointer: pointer(), transactionId: 'tx-rec' });
      for (let i = 0; i < 2; i++) {
        await send(h.http.post('/v1/patients/pat-1/records').set('authorization', auth).send(OBSERVATION));
      }
      expect(h.custody.stored[0]?.recordId).to.not.equal(h.custody.stored[1]?.recordId);
    });

    it('a "__proto__" key reaches validation as an own property and is refused with a 422 naming it', async function () {
      this.timeout(30000);
      // As the custody adapter does: the SDK's validator throws, the central handler maps its FHIR_ code to 422.
      h.custody.storeResult = (request) => {
        validateFhirResource(request.resource);
        return Promise.resolve({ pointer: pointer(), transactionId: 'tx-rec' });
      };
      const body = `{"__proto__":{"polluted":true},${JSON.stringify(OBSERVATION).slice(1)}`;
      const res = await send(
        h.http
          .post('/v1/patients/pat-1/records')
          .set('authorization', auth)
          .set('content-type', 'application/fhir+json')
          .send(body),
      );
      expect(res.status).to.equal(422);
      expect(res.type).to.equal('application/problem+json');
      expect(res.body.code).to.equal('FHIR_INVALID_RESOURCE');
      expect(res.body.errors).to.have.length(1);
      expect(res.body.errors[0]).to.include({ in: 'body', path: 'Observation.__proto__' });
      expect(res.body.errors[0].message).to.include('remove this key');
      expect(Object.hasOwn(h.custody.stored[0]?.resource ?? {}, '__proto__')).to.be.true;
    });

    it('a permitted clinician with an invalid body gets the 422 with every issue', async () => {
      h.custody.storeResult = () =>
        Promise.reject(
          new InvalidFhirResourceError('Observation', [{ path: 'Observation.status', message: 'is required' }]),
        );
      const res = await send(h.http.post('/v1/patients/pat-1/records').set('authorization', auth).send(INVALID));
      expect(res.status).to.equal(422);
      expect(res.type).to.equal('application/problem+json');
      expect(res.body.errors).to.deep.equal([{ in: 'body', path: 'Observation.status', message: 'is required' }]);
      expect(h.ledger.methodsCalled()).to.deep.equal(['endorseRegisterRecord']);
    });
  });

  describe('amendments (POST /v1/records/{id}/amendments)', () => {
    const INVALID = { resourceType: 'Observation', onsetDateTime: '2021-02-30' };
    const amended = (): ReturnType<typeof pointer> => ({ ...pointer(), recordId: 'rec-2', supersedes: 'rec-1' });

    it('endorses exactly the amendment the custodian will submit, then stores the new version; 201', async () => {
      h.ledger.client.endorseAmendRecord = () => Promise.resolve(endorsedOf(amended()));
      h.custody.amendResult = () => Promise.resolve({ pointer: amended(), transactionId: 'tx-amend' });
      const res = await send(h.http.post('/v1/records/rec-1/amendments').set('authorization', auth).send(OBSERVATION));
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.equal({ record: amended(), transactionId: 'tx-amend' });
      const request = h.custody.amended[0];
      expect(request).to.deep.include({ user: USERS.clinician, supersedes: 'rec-1', resource: OBSERVATION });
      const newId = request?.recordId ?? '';
      expect(newId).to.match(/^rec-[0-9a-f-]{36}$/);
      expect(h.ledger.methodsCalled()).to.deep.equal(['endorseAmendRecord']);
      const probe: RecordAmendment | undefined = h.ledger.calls[0]?.args[0] as RecordAmendment | undefined;
      expect(probe).to.deep.equal({
        recordId: 'rec-1',
        newRecordId: newId,
        category: 'laboratory',
        contentHash: contentHash(OBSERVATION),
        locator: locatorFor('Hospital1MSP', newId),
      });
    });

    for (const who of [USERS.patient, USERS.compliance, USERS.registrar, USERS.admin]) {
      it(`a ${who.role} gets 403 before validation, the ledger or the store`, async () => {
        const token = (await h.tokenFor(who)).authorization;
        for (const body of [INVALID, OBSERVATION]) {
          const res = await send(h.http.post('/v1/records/rec-1/amendments').set('authorization', token).send(body));
          expect(res.status).to.equal(403);
          expect(res.body.code).to.equal('ROLE_MAY_NOT_REGISTER_RECORDS');
        }
        expect(h.ledger.calls).to.have.length(0);
        expect(h.custody.amended).to.have.length(0);
      });
    }

    const refusals = [
      ["another organisation's record", 'MEDREC_FORBIDDEN', 403],
      ['an unknown record', 'MEDREC_NOT_FOUND', 404],
      ['a version already amended', 'MEDREC_CONFLICT', 409],
    ] as const;
    for (const [what, code, status] of refusals) {
      it(`a clinician the ledger refuses (${what}) gets ${status} before validation and stores nothing`, async () => {
        h.ledger.client.endorseAmendRecord = () => Promise.reject(new ChaincodeError({ code, message: what }));
        for (const body of [INVALID, OBSERVATION]) {
          const res = await send(h.http.post('/v1/records/rec-1/amendments').set('authorization', auth).send(body));
          expect(res.status).to.equal(status);
          expect(res.type).to.equal('application/problem+json');
          expect(res.body.code).to.equal(code);
        }
        expect(h.custody.amended).to.have.length(0);
        expect(h.ledger.methodsCalled()).to.deep.equal(['endorseAmendRecord', 'endorseAmendRecord']);
      });
    }

    it('a permitted clinician with content about another patient gets the 422 from custody', async () => {
      h.ledger.client.endorseAmendRecord = () => Promise.resolve(endorsedOf(amended()));
      h.custody.amendResult = () =>
        Promise.reject(
          new InvalidFhirResourceError('Observation', [
            { path: 'Observation.subject', message: 'must reference Patient/pat-1, the patient of record rec-1' },
          ]),
        );
      const res = await send(h.http.post('/v1/records/rec-1/amendments').set('authorization', auth).send(OBSERVATION));
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal('FHIR_INVALID_RESOURCE');
      expect(res.body.errors[0]).to.include({ path: 'Observation.subject' });
    });
  });

  describe('GET /v1/patients/{id}/records status codes', () => {
    it('200 with an empty list for a known patient of whom this organisation holds nothing', async () => {
      h.ledger.client.listRecords = () => Promise.resolve({ items: [], bookmark: '' });
      h.ledger.client.getParticipant = () => Promise.resolve(participant('patient', 'pat-1'));
      const res = await send(h.http.get('/v1/patients/pat-1/records').set('authorization', auth));
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ items: [], bookmark: '' });
      expect(h.ledger.calls[1]?.args).to.deep.equal(['pat-1']);
    });

    it('404 problem for an unknown patient, or an id that is not a patient', async () => {
      h.ledger.client.listRecords = () => Promise.resolve({ items: [], bookmark: '' });
      h.ledger.client.getParticipant = () =>
        Promise.reject(new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: 'participant pat-x does not exist' }));
      const unknown = await send(h.http.get('/v1/patients/pat-x/records').set('authorization', auth));
      expect(unknown.status).to.equal(404);
      expect(unknown.type).to.equal('application/problem+json');
      expect(unknown.body).to.include({ code: 'PATIENT_NOT_FOUND' });
      expect(unknown.body.detail).to.include('pat-x');
      h.ledger.client.getParticipant = () => Promise.resolve(participant('clinician', 'doc-9'));
      const notPatient = await send(h.http.get('/v1/patients/doc-9/records').set('authorization', auth));
      expect(notPatient.status).to.equal(404);
    });

    it('403 problem when the ledger does not allow the listing', async () => {
      h.ledger.client.listRecords = () =>
        Promise.reject(new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'pat-2 may not list pat-1' }));
      const res = await send(h.http.get('/v1/patients/pat-1/records').set('authorization', auth));
      expect(res.status).to.equal(403);
      expect(res.type).to.equal('application/problem+json');
      expect(h.ledger.methodsCalled()).to.deep.equal(['listRecords']);
    });

    it('keeps the permitted empty list when the patient lookup itself is not allowed', async () => {
      h.ledger.client.listRecords = () => Promise.resolve({ items: [], bookmark: '' });
      h.ledger.client.getParticipant = () =>
        Promise.reject(new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'other organisation' }));
      expect((await send(h.http.get('/v1/patients/pat-1/records').set('authorization', auth))).status).to.equal(200);
    });

    it('does not look the patient up when records were found or a later page is asked for', async () => {
      h.ledger.client.listRecords = () => Promise.resolve({ items: [pointer()], bookmark: '' });
      await send(h.http.get('/v1/patients/pat-1/records').set('authorization', auth));
      h.ledger.client.listRecords = () => Promise.resolve({ items: [], bookmark: '' });
      await send(h.http.get('/v1/patients/pat-1/records?bookmark=abc').set('authorization', auth));
      expect(h.ledger.methodsCalled()).to.deep.equal(['listRecords', 'listRecords']);
    });
  });
});
