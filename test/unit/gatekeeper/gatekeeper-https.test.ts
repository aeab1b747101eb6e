import { expect } from 'chai';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ChaincodeError } from '../../../sdk/src/errors';
import type { Gatekeeper, RetrievalRequest } from '../../../gatekeeper/src/gatekeeper';
import { callGatekeeper, GatekeeperTransportError } from '../../../sdk/src/gatekeeper/gatekeeper-client';
import { GatekeeperError } from '../../../sdk/src/gatekeeper/gatekeeper-errors';
import { HEALTH_PATH, READ_PATH, RETRIEVE_PATH } from '../../../sdk/src/gatekeeper/gatekeeper-protocol';
import { createGatekeeperHttpsServer, MAX_BODY_BYTES } from '../../../gatekeeper/src/gatekeeper-http';
import { rejectionOf } from '../store/support/rejection';
import { createWorld, RESOURCE_JSON, type World } from './support/gatekeeper-world';
import {
  CA_A_ROOT_CERTIFICATE,
  CA_B_ROOT_CERTIFICATE,
  SERVER_CERTIFICATE_FROM_CA_A,
  SERVER_PRIVATE_KEY,
} from './support/tls-certificates';

const TLS = { cert: SERVER_CERTIFICATE_FROM_CA_A, key: SERVER_PRIVATE_KEY };

interface Running {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

async function serve(gatekeeper: Gatekeeper): Promise<Running> {
  const server = createGatekeeperHttpsServer({ gatekeeper, tls: TLS });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A gatekeeper that records what it was asked and answers as told. */
function stubGatekeeper(answer: (request: Readonly<RetrievalRequest>) => Promise<unknown>): {
  gatekeeper: Gatekeeper;
  requests: RetrievalRequest[];
} {
  const requests: RetrievalRequest[] = [];
  return {
    requests,
    gatekeeper: {
      retrieve: (request) => {
        requests.push(request);
        return answer(request) as ReturnType<Gatekeeper['retrieve']>;
      },
      read: () => Promise.reject(new Error('read is not stubbed here')),
    },
  };
}

const served = (): Promise<unknown> =>
  Promise.resolve({ recordId: 'rec-1', ticketId: 't', resourceJson: RESOURCE_JSON, disclosureTxId: 'tx' });

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  reusedSocket: boolean;
}

/** One raw HTTPS request through `agent`, trusting CA A. */
function raw(agent: https.Agent, port: number, method: string, path: string, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, method, path, agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, reusedSocket: req.reusedSocket });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const retrieveBody = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({ ticketId: 'ab'.repeat(32), recordId: 'rec-1', purpose: 'TREAT', proof: {}, ...overrides });

describe('gatekeeper over HTTPS', function () {
  let running: Running | undefined;
  afterEach(async function () {
    await running?.close();
    running = undefined;
  });

  describe('TLS', function () {
    it('serves a client that pins the organisation CA that issued its certificate', async function () {
      const stub = stubGatekeeper(served);
      running = await serve(stub.gatekeeper);
      const answer = await callGatekeeper({
        baseUrl: running.url,
        path: RETRIEVE_PATH,
        method: 'POST',
        body: retrieveBody(),
        trustedCaPem: [CA_A_ROOT_CERTIFICATE],
      });
      expect(answer.status).to.equal(200);
      expect(stub.requests).to.have.length(1);
    });

    it("refuses, as a client, a gatekeeper certificate from another organisation's CA (nothing is sent)", async function () {
      const stub = stubGatekeeper(served);
      running = await serve(stub.gatekeeper);
      const error = await rejectionOf(
        callGatekeeper({
          baseUrl: running.url,
          path: RETRIEVE_PATH,
          method: 'POST',
          body: retrieveBody(),
          trustedCaPem: [CA_B_ROOT_CERTIFICATE],
        }),
        GatekeeperTransportError,
      );
      expect(error.reason).to.equal('tls');
      expect(stub.requests).to.deep.equal([]);
    });

    it('does not trust the system roots in place of the pinned ones', async function () {
      running = await serve(stubGatekeeper(served).gatekeeper);
      const error = await rejectionOf(
        callGatekeeper({ baseUrl: running.url, path: HEALTH_PATH, method: 'GET', trustedCaPem: [] }),
        GatekeeperTransportError,
      );
      expect(error.reason).to.equal('no-trust-roots');
    });

    it('never speaks plain HTTP as a client', async function () {
      const error = await rejectionOf(
        callGatekeeper({
          baseUrl: 'http://127.0.0.1:1',
          path: RETRIEVE_PATH,
          method: 'POST',
          body: retrieveBody(),
          trustedCaPem: [CA_A_ROOT_CERTIFICATE],
        }),
        GatekeeperTransportError,
      );
      expect(error.reason).to.equal('insecure-url');
    });

    it('answers no plain-HTTP request as a server', async function () {
      const stub = stubGatekeeper(served);
      running = await serve(stub.gatekeeper);
      const port = running.port;
      const outcome = await new Promise<string>((resolve) => {
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: RETRIEVE_PATH }, (res) => {
          resolve(`answered ${res.statusCode ?? 0}`);
        });
        req.on('error', (err) => {
          resolve(`error ${err.message}`);
        });
        req.end(retrieveBody());
      });
      expect(outcome).to.match(/^error /);
      expect(stub.requests).to.deep.equal([]);
    });
  });

  describe('POST /v1/read', function () {
    let agent: https.Agent;
    beforeEach(function () {
      agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: CA_A_ROOT_CERTIFICATE });
    });
    afterEach(function () {
      agent.destroy();
    });

    /** A gatekeeper whose read records its arguments and serves (or refuses with `refusal`). */
    function readingGatekeeper(refusal?: Error): { gatekeeper: Gatekeeper; reads: unknown[][] } {
      const reads: unknown[][] = [];
      return {
        reads,
        gatekeeper: {
          retrieve: () => Promise.reject(new Error('retrieve is not expected here')),
          read: (...args: unknown[]) => {
            reads.push(args);
            return refusal === undefined ? (served() as ReturnType<Gatekeeper['read']>) : Promise.reject(refusal);
          },
        },
      };
    }

    it('hands the request and the height hint to the gatekeeper and serves its answer no-store', async function () {
      const stub = readingGatekeeper();
      running = await serve(stub.gatekeeper);
      const ok = await raw(agent, running.port, 'POST', READ_PATH, JSON.stringify({ request: { a: 1 }, minHeight: 7 }));
      expect([ok.status, ok.headers['cache-control']]).to.deep.equal([200, 'no-store']);
      expect(stub.reads).to.deep.equal([[{ a: 1 }, { minHeight: 7 }]]);
      const noHint = await raw(agent, running.port, 'POST', READ_PATH, JSON.stringify({ request: { a: 2 } }));
      expect(noHint.status).to.equal(200);
      expect(stub.reads[1]).to.deep.equal([{ a: 2 }]);
    });

    it('refuses a body without a request, or a height that is not a whole number, without reading', async function () {
      const stub = readingGatekeeper();
      running = await serve(stub.gatekeeper);
      for (const body of ['not json', '[]', '{}', JSON.stringify({ request: {}, minHeight: -1 })]) {
        const refused = await raw(agent, running.port, 'POST', READ_PATH, body);
        expect(refused.status, body).to.equal(400);
        expect(JSON.parse(refused.body)).to.include({ code: 'GATEKEEPER_BAD_REQUEST' });
      }
      const fractional = await raw(
        agent,
        running.port,
        'POST',
        READ_PATH,
        JSON.stringify({ request: {}, minHeight: 1.5 }),
      );
      expect(fractional.status).to.equal(400);
      expect(stub.reads).to.deep.equal([]);
    });

    it("answers the gatekeeper's refusal as problem+json with its status", async function () {
      const ticketId = 'ab'.repeat(32);
      running = await serve(
        readingGatekeeper(new GatekeeperError('GATEKEEPER_TICKET_DENIED', 'denied', { transactionId: ticketId }))
          .gatekeeper,
      );
      const denied = await raw(agent, running.port, 'POST', READ_PATH, JSON.stringify({ request: {} }));
      expect(denied.status).to.equal(403);
      expect(denied.headers['content-type']).to.equal('application/problem+json');
      // The recorded deny is named, so the requester can read its own ticket from its own peer.
      expect(JSON.parse(denied.body)).to.include({ code: 'GATEKEEPER_TICKET_DENIED', transactionId: ticketId });
      await running.close();
      running = await serve(readingGatekeeper(new GatekeeperError('GATEKEEPER_NOT_PERMITTED', 'no')).gatekeeper);
      const plain = await raw(agent, running.port, 'POST', READ_PATH, JSON.stringify({ request: {} }));
      expect(JSON.parse(plain.body)).to.not.have.property('transactionId');
    });
  });

  describe('responses', function () {
    let agent: https.Agent;
    beforeEach(function () {
      agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: CA_A_ROOT_CERTIFICATE });
    });
    afterEach(function () {
      agent.destroy();
    });

    it('marks served content and every problem no-store', async function () {
      let refuse = false;
      running = await serve(
        stubGatekeeper(() =>
          refuse ? Promise.reject(new GatekeeperError('GATEKEEPER_TICKET_DENIED', 'denied')) : served(),
        ).gatekeeper,
      );
      const ok = await raw(agent, running.port, 'POST', RETRIEVE_PATH, retrieveBody());
      expect([ok.status, ok.headers['cache-control']]).to.deep.equal([200, 'no-store']);
      refuse = true;
      const denied = await raw(agent, running.port, 'POST', RETRIEVE_PATH, retrieveBody());
      expect([denied.status, denied.headers['cache-control']]).to.deep.equal([403, 'no-store']);
      expect(denied.headers['content-type']).to.equal('application/problem+json');
      const lost = await raw(agent, running.port, 'GET', '/elsewhere');
      expect([lost.status, lost.headers['cache-control']]).to.deep.equal([404, 'no-store']);
    });

    it('refuses a request without a valid purpose (400) before the gatekeeper sees it', async function () {
      const stub = stubGatekeeper(served);
      running = await serve(stub.gatekeeper);
      for (const purpose of [undefined, 'TREATMENT', 7]) {
        const answer = await raw(agent, running.port, 'POST', RETRIEVE_PATH, retrieveBody({ purpose }));
        expect(answer.status).to.equal(400);
        expect(answer.headers['cache-control']).to.equal('no-store');
      }
      expect(stub.requests).to.deep.equal([]);
    });

    it('answers an oversize body with 413 problem+json and keeps the connection answerable', async function () {
      const stub = stubGatekeeper(served);
      running = await serve(stub.gatekeeper);
      const oversize = retrieveBody({ padding: 'x'.repeat(MAX_BODY_BYTES * 4) });
      const refused = await raw(agent, running.port, 'POST', RETRIEVE_PATH, oversize);
      expect(refused.status).to.equal(413);
      expect(refused.headers['content-type']).to.equal('application/problem+json');
      expect(refused.headers['cache-control']).to.equal('no-store');
      expect(JSON.parse(refused.body)).to.include({ code: 'GATEKEEPER_PAYLOAD_TOO_LARGE', status: 413 });
      const next = await raw(agent, running.port, 'POST', RETRIEVE_PATH, retrieveBody());
      expect(next.status).to.equal(200);
      expect(next.reusedSocket).to.equal(true);
      expect(stub.requests).to.have.length(1);
    });

    it('serves a body just under the limit (the neighbour of 413)', async function () {
      running = await serve(stubGatekeeper(served).gatekeeper);
      const base = retrieveBody({ padding: '' });
      const body = retrieveBody({ padding: 'x'.repeat(MAX_BODY_BYTES - Buffer.byteLength(base)) });
      expect(Buffer.byteLength(body)).to.equal(MAX_BODY_BYTES);
      expect((await raw(agent, running.port, 'POST', RETRIEVE_PATH, body)).status).to.equal(200);
    });
  });

  describe('a real gatekeeper behind HTTPS', function () {
    let world: World;
    beforeEach(async function () {
      world = await createWorld();
    });
    afterEach(async function () {
      await world.store.close();
    });

    it('answers 403 with no content when the ledger refuses the disclosure, 200 with content before', async function () {
      running = await serve(world.gatekeeper);
      const ticket = world.issue();
      const send = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
        const subject = { ticketId: ticket.ticketId, recordId: ticket.recordId, purpose: ticket.purpose };
        const answer = await callGatekeeper({
          baseUrl: running!.url,
          path: RETRIEVE_PATH,
          method: 'POST',
          body: JSON.stringify({ ...subject, proof: world.proof(subject) }),
          trustedCaPem: [CA_A_ROOT_CERTIFICATE],
        });
        return { status: answer.status, body: answer.body as Record<string, unknown> };
      };
      const first = await send();
      expect([first.status, first.body.resourceJson]).to.deep.equal([200, RESOURCE_JSON]);
      world.ledger.confirm = () =>
        Promise.reject(new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'consent c-1 was revoked' }));
      const revoked = await send();
      expect(revoked.status).to.equal(403);
      expect(revoked.body).to.include({ code: 'GATEKEEPER_NOT_PERMITTED' });
      expect(revoked.body).to.not.have.property('resourceJson');
      expect(JSON.stringify(revoked.body)).to.not.include('Condition');
    });
  });
});
