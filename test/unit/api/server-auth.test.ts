/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import { expect } from 'chai';
import { createHarness, USERS, type Harness } from './support/harness';
import { participant } from './support/fixtures';
import { send } from './support/conformance';

describe('api: authentication, problems and cross-cutting concerns', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    h.ledger.client.whoAmI = () =>
      Promise.resolve({
        mspId: 'Hospital1MSP',
        role: 'clinician',
        participantId: 'doc-1',
        registered: true,
        active: true,
        participant: participant('clinician', 'doc-1'),
      });
  });
  afterEach(() => {
    h.close();
  });

  it('GET /v1/me acts as the token owner and shows the ledger participant', async () => {
    const { authorization, tokenId } = await h.tokenFor(USERS.clinician);
    const res = await send(h.http.get('/v1/me').set('authorization', authorization));
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ participantId: 'doc-1', role: 'clinician', tokenId, registered: true });
    expect(h.ledger.calls[0]?.user).to.deep.equal(USERS.clinician);
  });

  it('401 problem without a token, with a malformed header, an unknown or a revoked token', async () => {
    const { authorization, tokenId } = await h.tokenFor(USERS.clinician);
    await h.users.revokeToken(tokenId);
    const attempts: [string | undefined, string][] = [
      [undefined, 'MISSING_TOKEN'],
      ['Basic dXNlcjpwYXNz', 'INVALID_TOKEN'],
      [`Bearer mrk_${'x'.repeat(43)}`, 'INVALID_TOKEN'],
      [authorization, 'INVALID_TOKEN'],
    ];
    for (const [header, code] of attempts) {
      const req = h.http.get('/v1/me');
      const res = await send(header === undefined ? req : req.set('authorization', header));
      expect(res.status).to.equal(401);
      expect(res.type).to.equal('application/problem+json');
      expect(res.body).to.include({
        status: 401,
        code,
        instance: '/v1/me',
        type: 'urn:medrec:problem:unauthenticated',
      });
      expect(res.headers['www-authenticate']).to.match(/^Bearer realm="medrec"/);
    }
    expect(h.ledger.calls).to.have.length(0);
  });

  it('accepts and echoes x-request-id, or generates one, and puts it in problems', async () => {
    const given = await send(h.http.get('/v1/me').set('x-request-id', 'req-123'));
    expect(given.headers['x-request-id']).to.equal('req-123');
    expect(given.body.requestId).to.equal('req-123');
    const generated = await send(h.http.get('/v1/me').set('x-request-id', 'bad id with spaces'));
    expect(generated.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('never logs the token or the Authorization header', async () => {
    const { authorization, token } = await h.tokenFor(USERS.clinician);
    await send(h.http.get('/v1/me').set('authorization', authorization));
    await send(h.http.get('/v1/me').set('authorization', `${authorization}x`));
    const logs = h.logs();
    expect(logs).to.include('"path":"/v1/me"');
    expect(logs).to.not.include(token);
    expect(logs).to.not.include(token.slice(4, 20));
    expect(logs.toLowerCase()).to.not.include('bearer');
    for (const line of logs.trim().split('\n')) expect(() => JSON.parse(line) as unknown).to.not.throw();
  });

  it('sets security headers and sends no CORS headers unless configured', async () => {
    const res = await send(h.http.get('/healthz').set('origin', 'https://evil.example'));
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['content-security-policy']).to.be.a('string');
    expect(res.headers['x-powered-by']).to.equal(undefined);
    expect(res.headers['access-control-allow-origin']).to.equal(undefined);
  });

  it('allows exactly the configured CORS origins', async () => {
    const cors = createHarness({ options: { corsOrigins: ['https://console.example.org'] } });
    const allowed = await cors.http.options('/v1/me').set('origin', 'https://console.example.org');
    expect(allowed.headers['access-control-allow-origin']).to.equal('https://console.example.org');
    const other = await cors.http.get('/healthz').set('origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).to.equal(undefined);
    cors.close();
  });

  it('rate-limits per token with a 429 problem and Retry-After', async () => {
    const limited = createHarness({
      options: { rateLimit: { windowMs: 60_000, perToken: 2, authFailuresPerIp: 100 } },
    });
    Object.assign(limited.ledger.client, { whoAmI: h.ledger.client.whoAmI });
    const a = await limited.tokenFor(USERS.clinician);
    const b = await limited.tokenFor(USERS.patient);
    for (let i = 0; i < 2; i++)
      expect((await send(limited.http.get('/v1/me').set('authorization', a.authorization))).status).to.equal(200);
    const refused = await send(limited.http.get('/v1/me').set('authorization', a.authorization));
    expect(refused.status).to.equal(429);
    expect(refused.body.code).to.equal('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).to.be.greaterThan(0);
    // Another token has its own budget.
    expect((await send(limited.http.get('/v1/me').set('authorization', b.authorization))).status).to.equal(200);
    limited.close();
  });

  it('limits failed authentications per client address', async () => {
    const limited = createHarness({
      options: { rateLimit: { windowMs: 60_000, perToken: 100, authFailuresPerIp: 2 } },
    });
    for (let i = 0; i < 2; i++) expect((await send(limited.http.get('/v1/me'))).status).to.equal(401);
    expect((await send(limited.http.get('/v1/me'))).status).to.equal(429);
    limited.close();
  });

  it('never limits valid tokens: 128 concurrent requests from one address all succeed', async () => {
    const busy = createHarness({ options: { rateLimit: { windowMs: 60_000, perToken: 1000, authFailuresPerIp: 5 } } });
    Object.assign(busy.ledger.client, { whoAmI: h.ledger.client.whoAmI });
    const { authorization } = await busy.tokenFor(USERS.clinician);
    const statuses = await Promise.all(
      Array.from({ length: 128 }, () => busy.http.get('/v1/me').set('authorization', authorization)),
    ).then((responses) => responses.map((res) => res.status));
    expect(statuses).to.have.length(128);
    // Far more than the failed-authentication limit (5) from the same address: none of them counts against it.
    expect(statuses.filter((status) => status !== 200)).to.deep.equal([]);
    busy.close();
  });

  it('answers repeated bad tokens with 429 problem+json and Retry-After, while a valid token still succeeds', async () => {
    const limited = createHarness({
      options: { rateLimit: { windowMs: 60_000, perToken: 1000, authFailuresPerIp: 3 } },
    });
    Object.assign(limited.ledger.client, { whoAmI: h.ledger.client.whoAmI });
    const { authorization } = await limited.tokenFor(USERS.clinician);
    const bad = (): Promise<number> =>
      send(limited.http.get('/v1/me').set('authorization', `Bearer mrk_${'x'.repeat(43)}`)).then((r) => r.status);
    for (let i = 0; i < 3; i++) expect(await bad()).to.equal(401);
    const refused = await send(limited.http.get('/v1/me').set('authorization', `Bearer mrk_${'y'.repeat(43)}`));
    expect(refused.status).to.equal(429);
    expect(refused.type).to.equal('application/problem+json');
    expect(refused.body).to.include({ code: 'RATE_LIMITED', status: 429 });
    expect(Number(refused.headers['retry-after'])).to.be.greaterThan(0);
    // Missing tokens count as failures too.
    expect((await send(limited.http.get('/v1/me'))).status).to.equal(429);
    // The address is limited for bad tokens, never for a valid one; and valid requests do not reset the count.
    for (let i = 0; i < 5; i++) {
      expect((await send(limited.http.get('/v1/me').set('authorization', authorization))).status).to.equal(200);
    }
    expect(await bad()).to.equal(429);
    limited.close();
  });

  it('counts failed authentications per forwarded client only behind a trusted proxy', async () => {
    const rateLimit = { windowMs: 60_000, perToken: 100, authFailuresPerIp: 1 };
    const fail = (h: Harness, client: string): Promise<number> =>
      send(h.http.get('/v1/me').set('x-forwarded-for', client)).then((res) => res.status);
    const proxied = createHarness({ options: { rateLimit, trustProxy: ['loopback'] } });
    expect(await fail(proxied, '203.0.113.1')).to.equal(401);
    expect(await fail(proxied, '203.0.113.2')).to.equal(401);
    expect(await fail(proxied, '203.0.113.1')).to.equal(429);
    proxied.close();
    // Untrusted, X-Forwarded-For is the client's own claim: ignored, so forging it buys no fresh budget.
    const direct = createHarness({ options: { rateLimit } });
    expect(await fail(direct, '203.0.113.1')).to.equal(401);
    expect(await fail(direct, '203.0.113.2')).to.equal(429);
    direct.close();
  });

  it('sends Cache-Control: no-store and Pragma: no-cache on every /v1 response, problems included', async () => {
    const { authorization } = await h.tokenFor(USERS.clinician);
    h.ledger.client.listRecords = () => Promise.resolve({ items: [], bookmark: 'more' });
    const responses = [
      await send(h.http.get('/v1/me').set('authorization', authorization)),
      await send(h.http.get('/v1/patients/pat-1/records?bookmark=x').set('authorization', authorization)),
      await send(h.http.get('/v1/me')),
      await send(h.http.get('/v1/nothing-here').set('authorization', authorization)),
      await send(h.http.post('/v1/patients/pat-1/records').set('authorization', authorization).send({ a: 1 })),
    ];
    for (const res of responses) {
      const what = `${String(res.status)} ${(res as unknown as { req: { path: string } }).req.path}`;
      expect(res.headers['cache-control'], what).to.equal('no-store');
      expect(res.headers.pragma, what).to.equal('no-cache');
    }
    expect(responses.map((res) => res.status)).to.deep.equal([200, 200, 401, 404, 400]);
  });

  it('answers malformed JSON with 400, oversized bodies with 413, non-JSON with 415', async () => {
    const { authorization } = await h.tokenFor(USERS.registrar);
    const post = (): ReturnType<typeof h.http.post> =>
      h.http.post('/v1/participants').set('authorization', authorization);
    const malformed = await send(post().set('content-type', 'application/json').send('{"role":'));
    expect(malformed.status).to.equal(400);
    expect(malformed.body.type).to.equal('urn:medrec:problem:malformed-json');
    const large = await send(post().send({ participantId: 'p1', role: 'patient', enrollmentId: 'x'.repeat(70_000) }));
    expect(large.status).to.equal(413);
    const text = await send(post().set('content-type', 'text/plain').send('hello'));
    expect(text.status).to.equal(415);
    expect(h.registration.requests).to.have.length(0);
  });

  it('answers unknown paths with a 404 problem', async () => {
    const res = await send(h.http.get('/v1/nothing-here'));
    expect(res.status).to.equal(404);
    expect(res.body.detail).to.include('/openapi.json');
  });

  it('answers unexpected failures with a generic 500 and no stack trace', async () => {
    const { authorization } = await h.tokenFor(USERS.clinician);
    h.ledger.client.whoAmI = () => Promise.reject(new Error('boom at /srv/internal/secret.js:42'));
    const res = await send(h.http.get('/v1/me').set('authorization', authorization));
    expect(res.status).to.equal(500);
    expect(JSON.stringify(res.body)).to.not.match(/secret|boom|\.js/);
    expect(h.logs()).to.include('boom');
  });
});
