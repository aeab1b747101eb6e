/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import { expect } from 'chai';
import { openApiDocument } from '../../../api/src/openapi/document';
import { createOperationRouter } from '../../../api/src/http/operation-router';
import { operationsOf } from '../../../api/src/openapi/openapi-types';
import { createRequestValidatorFactory } from '../../../api/src/openapi/request-validator';
import { createSchemaCompiler } from '../../../api/src/openapi/schema-compiler';
import { send } from './support/conformance';
import { participant } from './support/fixtures';
import { createHarness, USERS } from './support/harness';

describe('api: operations endpoints and the OpenAPI document', () => {
  it('/healthz is 200 when every readiness check passes and 503 otherwise', async () => {
    const ok = createHarness({ readiness: () => Promise.resolve([{ name: 'peer', ok: true }]) });
    const res = await send(ok.http.get('/healthz'));
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ok', checks: [{ name: 'peer', ok: true }] });
    ok.close();
    const down = createHarness({ readiness: () => Promise.resolve([{ name: 'peer', ok: false, detail: 'down' }]) });
    expect((await send(down.http.get('/healthz'))).status).to.equal(503);
    down.close();
    const throwing = createHarness({ readiness: () => Promise.reject(new Error('10.0.0.5 refused')) });
    const failed = await send(throwing.http.get('/healthz'));
    expect(failed.status).to.equal(503);
    expect(JSON.stringify(failed.body)).to.not.include('10.0.0.5');
    throwing.close();
  });

  it('/metrics requires the metrics token when one is configured', async () => {
    const token = 'm'.repeat(40);
    const h = createHarness({ options: { metricsToken: token } });
    const missing = await send(h.http.get('/metrics'));
    expect(missing.status).to.equal(401);
    expect(missing.body.code).to.equal('INVALID_METRICS_TOKEN');
    expect(missing.headers['www-authenticate']).to.match(/^Bearer/);
    expect((await send(h.http.get('/metrics').set('authorization', `Bearer ${token}x`))).status).to.equal(401);
    // A user's API token is not the metrics token.
    const { authorization } = await h.tokenFor(USERS.admin);
    expect((await send(h.http.get('/metrics').set('authorization', authorization))).status).to.equal(401);
    const ok = await send(h.http.get('/metrics').set('authorization', `Bearer ${token}`));
    expect(ok.status).to.equal(200);
    expect(ok.text).to.include('medrec_api_http_requests_total');
    h.close();
  });

  it('/metrics counts requests by route template and status, never by concrete ids', async () => {
    const h = createHarness();
    const { authorization } = await h.tokenFor(USERS.clinician);
    h.ledger.client.getParticipant = () => Promise.resolve(participant('patient', 'pat-1'));
    await send(h.http.get('/v1/participants/pat-1').set('authorization', authorization));
    await send(h.http.get('/v1/me'));
    const res = await send(h.http.get('/metrics'));
    expect(res.status).to.equal(200);
    expect(res.text).to.include(
      'medrec_api_http_requests_total{method="GET",route="/v1/participants/{participantId}",status="200"} 1',
    );
    expect(res.text).to.include('medrec_api_http_requests_total{method="GET",route="/v1/me",status="401"} 1');
    expect(res.text).to.include('medrec_api_http_request_duration_seconds_bucket');
    expect(res.text).to.not.include('pat-1');
    h.close();
  });

  it('/openapi.json serves the document', async () => {
    const h = createHarness();
    const res = await send(h.http.get('/openapi.json'));
    expect(res.body).to.deep.equal(JSON.parse(JSON.stringify(openApiDocument)));
    expect(res.body.openapi).to.equal('3.1.0');
    h.close();
  });

  it('/docs serves Swagger UI from node_modules, pointed at /openapi.json', async () => {
    const h = createHarness();
    const index = await h.http.get('/docs/');
    expect(index.status).to.equal(200);
    expect(index.text).to.include('swagger-ui-bundle.js');
    expect(index.headers['content-security-policy']).to.include("script-src 'self'");
    expect(index.headers['content-security-policy']).to.not.include('upgrade-insecure-requests');
    expect(index.text).to.not.match(/https?:\/\/(?!www\.w3\.org)/);
    const init = await h.http.get('/docs/swagger-initializer.js');
    expect(init.text).to.include("url: '../openapi.json'");
    expect(init.text).to.not.include('petstore');
    expect((await h.http.get('/docs/swagger-ui-bundle.js')).status).to.equal(200);
    expect((await h.http.get('/docs')).status).to.equal(301);
    h.close();
  });

  it('every operation has a unique id, summary and documented problems; every schema compiles', () => {
    const ops = operationsOf(openApiDocument);
    const ids = ops.map((o) => o.operation.operationId);
    expect(new Set(ids).size).to.equal(ids.length);
    const compiler = createSchemaCompiler(openApiDocument, { coerce: false });
    for (const { operation } of ops) {
      expect(operation.summary, operation.operationId).to.be.a('string');
      const secured = operation.security?.length !== 0;
      if (secured) expect(operation.responses, operation.operationId).to.include.keys('401', '429', '500', '503');
      for (const response of Object.values(operation.responses)) {
        for (const media of Object.values(response.content ?? {}))
          expect(() => compiler.compile(media.schema)).to.not.throw();
      }
    }
    for (const name of Object.keys(openApiDocument.components.schemas)) {
      expect(() => compiler.compile({ $ref: `#/components/schemas/${name}` }), name).to.not.throw();
    }
  });

  it('refuses to build a router when an operation has no handler or a handler no operation', () => {
    const base = {
      document: openApiDocument,
      validators: createRequestValidatorFactory(openApiDocument),
      publicHandlers: {},
      secured: [],
    };
    expect(() => createOperationRouter({ ...base, handlers: {} })).to.throw(/has no/);
    expect(() =>
      createOperationRouter({ ...base, handlers: { notInTheDocument: () => Promise.resolve(undefined) } }),
    ).to.throw(/notInTheDocument/);
  });
});
