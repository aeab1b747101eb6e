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

  it('a registrar registers a patient; the new token is returned once and works', async () => {
    const { authorization } = await h.tokenFor(USERS.registrar);
    const res = await send(
      h.http
        .post('/v1/participants')
        .set('authorization', authorization)
        .send({ participantId: 'pat-9', role: 'patient' }),
    );
    expect(res.status).to.equal(201);
    expect(res.body.transactionId).to.equal('tx-register-pat-9');
    expect(res.body.participant).to.include({ participantId: 'pat-9', role: 'patient', registeredBy: 'registrar-1' });
    expect(h.registration.requests[0]?.caller).to.deep.equal(USERS.registrar);
    const resolved = await h.users.resolve(res.body.token.token as string);
    expect(resolved?.user).to.deep.include({ participantId: 'pat-9', role: 'patient', org: 'hospital1' });
    expect(h.logs()).to.not.include(res.body.token.token as string);
  });

  it('refuses, before touching the CA, a clinician registering or a registrar creating an admin', async () => {
    const clinician = await h.tokenFor(USERS.clinician);
    const registrar = await h.tokenFor(USERS.registrar);
    const byClinician = await send(
      h.http
        .post('/v1/participants')
        .set('authorization', clinician.authorization)
        .send({ participantId: 'p2', role: 'patient' }),
    );
    expect(byClinician.status).to.equal(403);
    const adminByRegistrar = await send(
      h.http
        .post('/v1/participants')
        .set('authorization', registrar.authorization)
        .send({ participantId: 'a2', role: 'admin' }),
    );
    expect(adminByRegistrar.status).to.equal(403);
    expect(h.registration.requests).to.have.length(0);
  });

  it('an admin may register a registrar', async () => {
    const { authorization } = await h.tokenFor(USERS.admin);
    const res = await send(
      h.http
        .post('/v1/participants')
        .set('authorization', authorization)
        .send({ participantId: 'reg-2', role: 'registrar', enrollmentId: 'reg2' }),
    );
    expect(res.status).to.equal(201);
    expect(h.registration.requests[0]?.enrollmentId).to.equal('reg2');
  });

  it('409 when the participant already exists; no CA registration', async () => {
    h.ledger.client.getParticipant = () => Promise.resolve(participant('patient', 'pat-1'));
    const { authorization } = await h.tokenFor(USERS.registrar);
    const res = await send(
      h.http
        .post('/v1/participants')
        .set('authorization', authorization)
        .send({ participantId: 'pat-1', role: 'patient' }),
    );
    expect(res.status).to.equal(409);
    expect(res.body.code).to.equal('PARTICIPANT_EXISTS');
    expect(h.registration.requests).to.have.length(0);
  });

  it('400 with field errors for an invalid body', async () => {
    const { authorization } = await h.tokenFor(USERS.registrar);
    const res = await send(
      h.http
        .post('/v1/participants')
        .set('authorization', authorization)
        .send({ participantId: '../etc', role: 'emperor', extra: 1 }),
    );
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('VALIDATION_FAILED');
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).to.include.members(['/participantId', '/role', '/']);
  });

  it('maps the chaincode refusing the registration to 403 with its transaction id', async () => {
    h.registration.failure = new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'no', transactionId: 'tx-9' });
    const { authorization } = await h.tokenFor(USERS.registrar);
    const res = await send(
      h.http
        .post('/v1/participants')
        .set('authorization', authorization)
        .send({ participantId: 'p3', role: 'patient' }),
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
