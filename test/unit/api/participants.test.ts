/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import { expect } from 'chai';
import { ChaincodeError } from '../../../sdk/src/errors';
import { send } from './support/conformance';
import { participant } from './support/fixtures';
import { createHarness, USERS, type Harness } from './support/harness';

const notFound = (): Promise<never> =>
  Promise.reject(new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: 'participant p not found' }));

describe('api: participants and tokens', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    h.ledger.client.getParticipant = notFound;
  });
  afterEach(() => {
    h.close();
  });

  it('a registrar registers a patient under a generated pseudonymous id; the token is returned once and works', async () => {
    const { authorization } = await h.tokenFor(USERS.registrar);
    const res = await send(
      h.http.post('/v1/participants').set('authorization', authorization).send({ role: 'patient' }),
    );
    expect(res.status).to.equal(201);
    const participantId = res.body.participant.participantId as string;
    expect(participantId).to.match(/^pt-[0-9a-f]{32}$/);
    expect(res.body.transactionId).to.equal(`tx-register-${participantId}`);
    expect(res.body.participant).to.include({ role: 'patient', registeredBy: 'registrar-1' });
    expect(h.registration.requests[0]?.caller).to.deep.equal(USERS.registrar);
    const resolved = await h.users.resolve(res.body.token.token as string);
    expect(resolved?.user).to.deep.include({ participantId, role: 'patient', org: 'hospital1' });
    expect(h.logs()).to.not.include(res.body.token.token as string);
    const again = await send(
      h.http.post('/v1/participants').set('authorization', authorization).send({ role: 'patient' }),
    );
    expect(again.body.participant.participantId).to.not.equal(participantId);
  });

  it('refuses a client-chosen participant id or enrollment id (the identity takeover of issue 11)', async () => {
    const { authorization } = await h.tokenFor(USERS.registrar);
    for (const body of [
      { participantId: 'pat-1', role: 'patient' },
      { role: 'patient', enrollmentId: 'pat-1' },
      { role: 'patient', enrollmentId: 'admin' },
    ]) {
      const res = await send(h.http.post('/v1/participants').set('authorization', authorization).send(body));
      expect(res.status, JSON.stringify(body)).to.equal(400);
    }
    expect(h.registration.requests).to.have.length(0);
  });

  it('keeps the external id (MRN) in the organisation: lookup by it, never sent to the ledger, unique', async () => {
    const registrar = await h.tokenFor(USERS.registrar);
    const res = await send(
      h.http
        .post('/v1/participants')
        .set('authorization', registrar.authorization)
        .send({ role: 'patient', externalId: 'MRN-0042' }),
    );
    expect(res.status).to.equal(201);
    const participantId = res.body.participant.participantId as string;
    expect(JSON.stringify(h.registration.requests)).to.not.contain('MRN-0042');
    h.ledger.client.getParticipant = (id: string) => Promise.resolve(participant('patient', id));
    const clinician = await h.tokenFor(USERS.clinician);
    const found = await send(
      h.http.get('/v1/participants?externalId=MRN-0042').set('authorization', clinician.authorization),
    );
    expect(found.status).to.equal(200);
    expect(found.body.participantId).to.equal(participantId);
    const unknown = await send(
      h.http.get('/v1/participants?externalId=MRN-0043').set('authorization', clinician.authorization),
    );
    expect(unknown.status).to.equal(404);
    const patient = await h.tokenFor(USERS.patient);
    const byPatient = await send(
      h.http.get('/v1/participants?externalId=MRN-0042').set('authorization', patient.authorization),
    );
    expect(byPatient.status).to.equal(403);
    const twice = await send(
      h.http
        .post('/v1/participants')
        .set('authorization', registrar.authorization)
        .send({ role: 'patient', externalId: 'MRN-0042' }),
    );
    expect(twice.status).to.equal(409);
    expect(twice.body.code).to.equal('EXTERNAL_ID_IN_USE');
    expect(h.registration.requests).to.have.length(1);
  });

  it('frees the external id again when the registration fails', async () => {
    h.registration.failure = new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'no' });
    const { authorization } = await h.tokenFor(USERS.registrar);
    const body = { role: 'patient', externalId: 'MRN-7' };
    expect(
      (await send(h.http.post('/v1/participants').set('authorization', authorization).send(body))).status,
    ).to.equal(403);
    h.registration.failure = undefined;
    expect(
      (await send(h.http.post('/v1/participants').set('authorization', authorization).send(body))).status,
    ).to.equal(201);
  });

  it('refuses, before touching the CA, a clinician registering, a registrar creating an admin or anyone a gatekeeper', async () => {
    const clinician = await h.tokenFor(USERS.clinician);
    const registrar = await h.tokenFor(USERS.registrar);
    const admin = await h.tokenFor(USERS.admin);
    const attempts = [
      [clinician, 'patient'],
      [registrar, 'admin'],
      [registrar, 'registrar'],
      [registrar, 'gatekeeper'],
      [admin, 'gatekeeper'],
    ] as const;
    for (const [who, role] of attempts) {
      const res = await send(h.http.post('/v1/participants').set('authorization', who.authorization).send({ role }));
      expect(res.status, role).to.equal(403);
    }
    expect(h.registration.requests).to.have.length(0);
  });

  it('an admin may register a registrar', async () => {
    const { authorization } = await h.tokenFor(USERS.admin);
    const res = await send(
      h.http.post('/v1/participants').set('authorization', authorization).send({ role: 'registrar' }),
    );
    expect(res.status).to.equal(201);
    expect(h.registration.requests[0]?.participantId).to.match(/^rg-[0-9a-f]{32}$/);
  });

  it('400 with field errors for an invalid body', async () => {
    const { authorization } = await h.tokenFor(USERS.registrar);
    const res = await send(
      h.http
        .post('/v1/participants')
        .set('authorization', authorization)
        .send({ externalId: 'has space', role: 'emperor', extra: 1 }),
    );
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('VALIDATION_FAILED');
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).to.include.members(['/externalId', '/role', '/']);
  });

  it('maps the chaincode refusing the registration to 403 with its transaction id', async () => {
    h.registration.failure = new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'no', transactionId: 'tx-9' });
    const { authorization } = await h.tokenFor(USERS.registrar);
    const res = await send(
      h.http.post('/v1/participants').set('authorization', authorization).send({ role: 'patient' }),
    );
    expect(res.status).to.equal(403);
    expect(res.body).to.include({ code: 'MEDREC_FORBIDDEN', transactionId: 'tx-9' });
  });

  it('GET /v1/participants/{id}: 200, and 404 from the ledger', async () => {
    const { authorization } = await h.tokenFor(USERS.clinician);
    expect((await send(h.http.get('/v1/participants/nobody').set('authorization', authorization))).status).to.equal(
      404,
    );
    h.ledger.client.getParticipant = () => Promise.resolve(participant('patient', 'pat-1'));
    const res = await send(h.http.get('/v1/participants/pat-1').set('authorization', authorization));
    expect(res.status).to.equal(200);
    expect(res.body.participantId).to.equal('pat-1');
  });

  it("DELETE /v1/participants/{id} deactivates on the ledger and revokes the participant's tokens", async () => {
    const patient = await h.tokenFor(USERS.patient);
    const { authorization } = await h.tokenFor(USERS.registrar);
    h.ledger.client.deactivateParticipant = (id) =>
      Promise.resolve({ value: { ...participant('patient', id), status: 'inactive' as const }, transactionId: 'tx-d' });
    const res = await send(h.http.delete('/v1/participants/pat-1').set('authorization', authorization));
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ transactionId: 'tx-d', revokedTokens: 1 });
    expect((await send(h.http.get('/v1/me').set('authorization', patient.authorization))).status).to.equal(401);
  });

  it('tokens: the owner lists and revokes its own; others get 403/404; admins may revoke', async () => {
    const mine = await h.tokenFor(USERS.clinician);
    const other = await h.tokenFor(USERS.patient);
    const admin = await h.tokenFor(USERS.admin);
    const list = await send(h.http.get('/v1/participants/doc-1/tokens').set('authorization', mine.authorization));
    expect(list.status).to.equal(200);
    expect(list.body.items).to.have.length(1);
    expect(JSON.stringify(list.body)).to.not.include(mine.token);
    expect(
      (await send(h.http.get('/v1/participants/doc-1/tokens').set('authorization', other.authorization))).status,
    ).to.equal(403);
    const stranger = await send(h.http.delete(`/v1/tokens/${mine.tokenId}`).set('authorization', other.authorization));
    expect(stranger.status).to.equal(404);
    const byAdmin = await send(h.http.delete(`/v1/tokens/${other.tokenId}`).set('authorization', admin.authorization));
    expect(byAdmin.status).to.equal(200);
    expect(byAdmin.body.revokedAt).to.be.a('string');
    const own = await send(h.http.delete(`/v1/tokens/${mine.tokenId}`).set('authorization', mine.authorization));
    expect(own.status).to.equal(200);
    // The revoked token stops working at once.
    expect(
      (await send(h.http.get('/v1/participants/doc-1/tokens').set('authorization', mine.authorization))).status,
    ).to.equal(401);
  });

  it("an admin lists the tokens of its own organisation's participants only: another organisation's is 403", async () => {
    const admin = await h.tokenFor(USERS.admin);
    h.ledger.client.getParticipant = (id: string) => Promise.resolve(participant('clinician', id, 'Hospital1MSP'));
    const own = await send(h.http.get('/v1/participants/doc-1/tokens').set('authorization', admin.authorization));
    expect(own.status).to.equal(200);
    h.ledger.client.getParticipant = (id: string) => Promise.resolve(participant('clinician', id, 'Hospital2MSP'));
    const foreign = await send(h.http.get('/v1/participants/doc-9/tokens').set('authorization', admin.authorization));
    expect(foreign.status).to.equal(403);
  });

  it('POST /v1/participants/{id}/tokens: the owner rotates its own token; both work until the old is revoked', async () => {
    const mine = await h.tokenFor(USERS.clinician);
    const res = await send(h.http.post('/v1/participants/doc-1/tokens').set('authorization', mine.authorization));
    expect(res.status).to.equal(201);
    expect(Date.parse(res.body.expiresAt as string)).to.be.greaterThan(Date.now());
    const fresh = `Bearer ${res.body.token as string}`;
    expect(h.logs()).to.not.include(res.body.token as string);
    await send(h.http.delete(`/v1/tokens/${mine.tokenId}`).set('authorization', fresh));
    expect((await send(h.http.get('/v1/me').set('authorization', mine.authorization))).status).to.equal(401);
    h.ledger.client.whoAmI = () =>
      Promise.resolve({ registered: true, active: true, participant: participant('clinician', 'doc-1') } as never);
    const me = await send(h.http.get('/v1/me').set('authorization', fresh));
    expect(me.status).to.equal(200);
    expect(me.body).to.include({ participantId: 'doc-1', role: 'clinician', tokenId: res.body.tokenId as string });
    // Rotation needs no ledger read: the caller is the token's own user.
    expect(h.ledger.methodsCalled()).to.deep.equal(['whoAmI']);
  });

  it("an admin issues a token with the ledger's role and enrollment id; others may not", async () => {
    h.ledger.client.getParticipant = (id) => Promise.resolve({ ...participant('clinician', id), enrollmentId: 'e-77' });
    const admin = await h.tokenFor(USERS.admin);
    const res = await send(h.http.post('/v1/participants/doc-77/tokens').set('authorization', admin.authorization));
    expect(res.status).to.equal(201);
    const resolved = await h.users.resolve(res.body.token as string);
    expect(resolved?.user).to.deep.equal({
      org: 'hospital1',
      mspId: 'Hospital1MSP',
      enrollmentId: 'e-77',
      participantId: 'doc-77',
      role: 'clinician',
    });
    const registrar = await h.tokenFor(USERS.registrar);
    const refused = await send(
      h.http.post('/v1/participants/doc-77/tokens').set('authorization', registrar.authorization),
    );
    expect(refused.status).to.equal(403);
  });

  it('an admin may not issue a token for another organisation, an inactive participant, or one with no identity here', async () => {
    const admin = await h.tokenFor(USERS.admin);
    const issue = (id: string): ReturnType<typeof send> =>
      send(h.http.post(`/v1/participants/${id}/tokens`).set('authorization', admin.authorization));
    h.ledger.client.getParticipant = (id) => Promise.resolve(participant('clinician', id, 'Hospital2MSP'));
    expect((await issue('doc-h2')).status).to.equal(403);
    h.ledger.client.getParticipant = (id) =>
      Promise.resolve({ ...participant('clinician', id), status: 'inactive' as const });
    const inactive = await issue('doc-gone');
    expect(inactive.status).to.equal(409);
    expect(inactive.body.code).to.equal('PARTICIPANT_INACTIVE');
    h.ledger.client.getParticipant = (id) => Promise.resolve(participant('clinician', id));
    h.ledger.missingIdentities.add('doc-elsewhere-enroll');
    const noIdentity = await issue('doc-elsewhere');
    expect(noIdentity.status).to.equal(409);
    expect(noIdentity.body.code).to.equal('NO_IDENTITY');
    h.ledger.client.getParticipant = notFound;
    expect((await issue('nobody')).status).to.equal(404);
    // Nothing was issued by any refused request: only the admin's own token exists.
    for (const id of ['doc-h2', 'doc-gone', 'doc-elsewhere', 'nobody']) {
      expect(await h.users.listTokens({ mspId: 'Hospital1MSP', participantId: id })).to.have.length(0);
    }
  });
});
