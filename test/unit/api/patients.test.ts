/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ChaincodeError } from '../../../sdk/src/errors';
import { send } from './support/conformance';
import { createHarness, USERS, type Harness } from './support/harness';

const TX7 = '7'.repeat(64);

/** Runs `body` against the app on a real port (SSE needs a live socket), then closes every connection. */
async function withServer(h: Harness, body: (base: string) => Promise<void>): Promise<void> {
  const server = http.createServer(h.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  try {
    await body(`http://127.0.0.1:${port}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

interface Stream {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  text(): string;
  waitFor(fragment: string): Promise<void>;
  close(): void;
}

function openStream(
  url: string,
  authorization: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { authorization, ...extraHeaders } }, (res) => {
      let received = '';
      const waiters: { fragment: string; done: () => void }[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        received += chunk;
        for (const w of waiters.filter((x) => received.includes(x.fragment))) w.done();
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: () => received,
        waitFor: (fragment) =>
          new Promise<void>((done) => {
            if (received.includes(fragment)) done();
            else waiters.push({ fragment, done });
          }),
        close: () => {
          req.destroy();
        },
      });
    });
    req.on('error', reject);
  });
}

describe('api: patient summary, notifications (SSE) and audit', () => {
  let h: Harness;
  let auth: string;
  beforeEach(async () => {
    h = createHarness();
    auth = (await h.tokenFor(USERS.patient)).authorization;
  });
  afterEach(() => {
    h.close();
  });

  it('GET summary', async () => {
    h.ledger.client.getSummary = (patientId) =>
      Promise.resolve({
        patientId,
        relationships: [],
        moreRelationships: false,
        notifications: [],
        notificationsBookmark: '',
      });
    const res = await send(h.http.get('/v1/patients/pat-1/summary').set('authorization', auth));
    expect(res.status).to.equal(200);
    expect(res.body.patientId).to.equal('pat-1');
    expect(res.headers['cache-control']).to.equal('no-store');
  });

  it('streams ledger events with heartbeats and closes the subscription when the client leaves', async () => {
    h.ledger.client.listNotifications = () => Promise.resolve({ items: [], bookmark: '' });
    await withServer(h, async (base) => {
      const stream = await openStream(`${base}/v1/patients/pat-1/notifications`, auth);
      expect(stream.status).to.equal(200);
      expect(stream.headers['content-type']).to.match(/^text\/event-stream/);
      // Notifications speak of the patient's records: no cache may keep the stream.
      expect(stream.headers['cache-control']).to.equal('no-store, no-transform');
      expect(stream.headers.pragma).to.equal('no-cache');
      await stream.waitFor(': connected');
      const subscription = h.ledger.subscriptions[0];
      expect(subscription?.patientId).to.equal('pat-1');
      expect(subscription?.user).to.deep.equal(USERS.patient);
      expect(subscription?.resumeAfter).to.equal(undefined);
      subscription?.emit({
        name: 'RecordRegistered',
        transactionId: TX7,
        blockNumber: 12n,
        payload: { txId: TX7, type: 'RecordRegistered', patientId: 'pat-1' },
      });
      await stream.waitFor('data: ');
      expect(stream.text()).to.include(
        `event: RecordRegistered\nid: 12:${TX7}\ndata: {"transactionId":"${TX7}","blockNumber":"12"`,
      );
      await stream.waitFor(': heartbeat');
      stream.close();
      for (let i = 0; i < 50 && subscription?.closed !== true; i++) await new Promise((r) => setTimeout(r, 10));
      expect(subscription?.closed).to.be.true;
    });
  });

  it('ends the stream, delivering nothing more, once the caller no longer acts for the patient', async () => {
    let allowed = true;
    h.ledger.client.listNotifications = () =>
      allowed
        ? Promise.resolve({ items: [], bookmark: '' })
        : Promise.reject(new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'no longer a delegate' }));
    await withServer(h, async (base) => {
      const stream = await openStream(`${base}/v1/patients/pat-1/notifications`, auth);
      await stream.waitFor(': connected');
      const subscription = h.ledger.subscriptions[0];
      const event = (n: number): Parameters<NonNullable<typeof subscription>['emit']>[0] => ({
        name: 'DelegateRemoved',
        transactionId: String(n).repeat(64),
        blockNumber: BigInt(n),
        payload: { type: 'DelegateRemoved', patientId: 'pat-1' },
      });
      subscription?.emit(event(1));
      await stream.waitFor('id: 1:');
      allowed = false;
      subscription?.emit(event(2));
      await stream.waitFor('event: end');
      expect(stream.text()).to.not.contain('id: 2:');
      expect(stream.text()).to.contain('MEDREC_FORBIDDEN');
      for (let i = 0; i < 50 && subscription?.closed !== true; i++) await new Promise((r) => setTimeout(r, 10));
      expect(subscription?.closed).to.be.true;
      stream.close();
    });
  });

  it('ends the stream, after the events already received, when the ledger event stream fails', async () => {
    h.ledger.client.listNotifications = () => Promise.resolve({ items: [], bookmark: '' });
    await withServer(h, async (base) => {
      const stream = await openStream(`${base}/v1/patients/pat-1/notifications`, auth);
      await stream.waitFor(': connected');
      const subscription = h.ledger.subscriptions[0];
      subscription?.emit({
        name: 'RecordRegistered',
        transactionId: TX7,
        blockNumber: 12n,
        payload: { type: 'RecordRegistered', patientId: 'pat-1' },
      });
      subscription?.fail(new Error('14 UNAVAILABLE: peer restarted'));
      await stream.waitFor('event: end');
      // The event received before the failure is delivered first, so Last-Event-ID resumes after it.
      expect(stream.text().indexOf(`id: 12:${TX7}`)).to.be.greaterThan(-1);
      expect(stream.text().indexOf(`id: 12:${TX7}`)).to.be.lessThan(stream.text().indexOf('event: end'));
      expect(stream.text()).to.contain('Last-Event-ID');
      // The peer's message (which can name internal hosts) is not passed on.
      expect(stream.text()).to.not.contain('UNAVAILABLE');
      for (let i = 0; i < 50 && subscription?.closed !== true; i++) await new Promise((r) => setTimeout(r, 10));
      expect(subscription?.closed).to.be.true;
      stream.close();
    });
  });

  it('resumes after the event a reconnecting client names in Last-Event-ID', async () => {
    h.ledger.client.listNotifications = () => Promise.resolve({ items: [], bookmark: '' });
    await withServer(h, async (base) => {
      const stream = await openStream(`${base}/v1/patients/pat-1/notifications`, auth, {
        'Last-Event-ID': `12:${TX7}`,
      });
      expect(stream.status).to.equal(200);
      await stream.waitFor(': connected');
      expect(h.ledger.subscriptions[0]?.resumeAfter).to.deep.equal({ blockNumber: 12n, transactionId: TX7 });
      stream.close();
    });
  });

  it('refuses a malformed Last-Event-ID with 400 naming the header, before any subscription', async () => {
    h.ledger.client.listNotifications = () => Promise.resolve({ items: [], bookmark: '' });
    for (const bad of ['tx-7', `12:${'A'.repeat(64)}`, `-1:${TX7}`, `${'9'.repeat(20)}:${TX7}`]) {
      const res = await send(
        h.http.get('/v1/patients/pat-1/notifications').set('authorization', auth).set('last-event-id', bad),
      );
      expect(res.status, bad).to.equal(400);
      expect(res.body.errors[0]).to.include({ in: 'header', path: '/last-event-id' });
    }
    expect(h.ledger.subscriptions).to.have.length(0);
  });

  it('refuses the stream with a problem when the ledger forbids it, before any subscription', async () => {
    h.ledger.client.listNotifications = () =>
      Promise.reject(new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'not your patient' }));
    const res = await send(h.http.get('/v1/patients/pat-2/notifications').set('authorization', auth));
    expect(res.status).to.equal(403);
    expect(res.type).to.equal('application/problem+json');
    expect(h.ledger.subscriptions).to.have.length(0);
  });

  it('a failed subscription is a problem response, not a broken stream', async () => {
    h.ledger.client.listNotifications = () => Promise.resolve({ items: [], bookmark: '' });
    h.ledger.subscribeError = new Error('event service down');
    const res = await send(h.http.get('/v1/patients/pat-1/notifications').set('authorization', auth));
    expect(res.status).to.equal(500);
    expect(res.type).to.equal('application/problem+json');
    expect(res.headers['cache-control']).to.not.equal('no-cache, no-transform');
  });

  it('audit events by patient or by actor, with a time window and paging', async () => {
    const page = { items: [], bookmark: '' };
    h.ledger.client.auditByPatient = () => Promise.resolve(page);
    h.ledger.client.auditByActor = () => Promise.resolve(page);
    const byPatient = await send(
      h.http
        .get('/v1/audit/events?patientId=pat-1&from=2030-01-01T00:00:00.000Z&to=2030-02-01T00:00:00.000Z&pageSize=20')
        .set('authorization', auth),
    );
    expect(byPatient.status).to.equal(200);
    expect(h.ledger.calls[0]).to.deep.include({
      method: 'auditByPatient',
      args: [{ patientId: 'pat-1', from: '2030-01-01T00:00:00.000Z', to: '2030-02-01T00:00:00.000Z', pageSize: 20 }],
    });
    await send(h.http.get('/v1/audit/events?actorId=doc-1&bookmark=b').set('authorization', auth));
    expect(h.ledger.calls[1]).to.deep.include({
      method: 'auditByActor',
      args: [{ actorId: 'doc-1', bookmark: 'b', pageSize: 50 }],
    });
    for (const url of [
      '/v1/audit/events',
      '/v1/audit/events?patientId=a&actorId=b',
      '/v1/audit/events?actorId=a&from=monday',
    ]) {
      expect((await send(h.http.get(url).set('authorization', auth))).status, url).to.equal(400);
    }
  });
});
