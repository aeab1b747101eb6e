import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Consortium } from '@medrec/network';
import { RequestTimeoutError, call, request } from '../../../bench/workload';

/** A consortium whose hospital1 API is `port` on loopback: the client reads nothing else of it. */
function consortiumAt(port: number): Consortium {
  return { topology: { peers: [{ org: 'hospital1', host: '127.0.0.1', apiPort: port }] } } as unknown as Consortium;
}

describe('bench: the REST client of the benchmark and the drill', function () {
  let server: http.Server;
  let consortium: Consortium;
  const seen: { method: string; url: string; authorization: string; body: string }[] = [];

  before(async function () {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          authorization: req.headers.authorization ?? '',
          body,
        });
        if (req.url === '/json') {
          res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
        } else if (req.url === '/busy') {
          res.writeHead(503, { 'retry-after': '2', 'content-type': 'application/problem+json' }).end('{"status":503}');
        } else if (req.url === '/text') {
          res.writeHead(502).end('bad gateway');
        } else if (req.url === '/empty') {
          res.writeHead(204).end();
        }
        // /hang: never answers.
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    consortium = consortiumAt((server.address() as AddressInfo).port);
  });

  after(async function () {
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });

  it('sends the token and the JSON body, and answers with the status and the parsed body', async function () {
    const answer = await request(consortium, 'hospital1', 'tok-1', 'POST', '/json', { a: 'é' });
    expect(answer).to.deep.equal({ status: 201, retryAfter: null, body: { ok: true } });
    expect(seen.at(-1)).to.deep.equal({
      method: 'POST',
      url: '/json',
      authorization: 'Bearer tok-1',
      body: '{"a":"é"}',
    });
  });

  it('passes on Retry-After, keeps a non-JSON body as text, and reads an empty body as {}', async function () {
    expect(await request(consortium, 'hospital1', 't', 'GET', '/busy')).to.deep.equal({
      status: 503,
      retryAfter: '2',
      body: { status: 503 },
    });
    expect((await request(consortium, 'hospital1', 't', 'GET', '/text')).body).to.deep.equal({ text: 'bad gateway' });
    expect((await request(consortium, 'hospital1', 't', 'GET', '/empty')).body).to.deep.equal({});
  });

  it('rejects with RequestTimeoutError when no answer comes before the deadline', async function () {
    const err = await request(consortium, 'hospital1', 't', 'GET', '/hang', undefined, 200).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(RequestTimeoutError);
  });

  it('call refuses any answer that is not 2xx, naming the call', async function () {
    expect((await call(consortium, 'hospital1', 't', 'POST', '/json', {})).ok).to.equal(true);
    const err = await call(consortium, 'hospital1', 't', 'GET', '/busy').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(err)).to.contain('GET /busy: 503');
  });
});
