/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import { expect } from 'chai';
import type { NetworkView } from '@medrec/contract';
import { createNetworkObserver } from '../../../api/src/adapters/network-observer';
import { NetworkUnavailableError } from '../../../sdk/src/errors';
import { send } from './support/conformance';
import { FakeChannelObservation } from './support/fakes';
import { user } from './support/fixtures';
import { createHarness, USERS, type Harness } from './support/harness';

describe('api: GET /v1/network (the operator page)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => {
    h.close();
  });

  it("shows an admin every organisation, each live peer's height and chaincode versions, and each orderer's state", async () => {
    const { authorization } = await h.tokenFor(USERS.admin);
    const res = await send(h.http.get('/v1/network').set('authorization', authorization));
    expect(res.status).to.equal(200);
    expect(res.body.organisations).to.deep.equal(['Hospital1MSP', 'Hospital2MSP', 'OrdererMSP']);
    const body = res.body as NetworkView;
    expect(body.peers.map((p) => [p.name, p.status, p.ledgerHeight])).to.deep.equal([
      ['peer0.hospital1', 'up', 12],
      ['peer0.hospital2', 'up', 11],
    ]);
    expect(res.body.peers[0].chaincodes).to.deep.equal([{ name: 'medrec', version: '1.0' }]);
    expect(res.body.orderers).to.deep.equal([
      { mspId: 'OrdererMSP', endpoint: '127.0.0.1:7050', status: 'up', height: 12, detail: null },
      {
        mspId: 'OrdererMSP',
        endpoint: '127.0.0.1:7051',
        status: 'unreachable',
        height: null,
        detail: 'no answer over gRPC',
      },
    ]);
    // Asked as the caller, never as a shared identity.
    expect(h.observation.asked.map((u) => u.enrollmentId)).to.deep.equal([USERS.admin.enrollmentId]);
  });

  for (const role of ['patient', 'clinician', 'registrar', 'compliance', 'researcher'] as const) {
    it(`refuses a ${role} with 403 before the network is asked`, async () => {
      const { authorization } = await h.tokenFor(user(role, `${role}-9`));
      const res = await send(h.http.get('/v1/network').set('authorization', authorization));
      expect(res.status).to.equal(403);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(res.body.code).to.equal('FORBIDDEN');
      expect(h.observation.asked).to.deep.equal([]);
    });
  }

  it('refuses a request without a token with 401', async () => {
    const res = await send(h.http.get('/v1/network'));
    expect(res.status).to.equal(401);
    expect(h.observation.asked).to.deep.equal([]);
  });

  it("answers 503 with Retry-After when the API's peer does not answer discovery", async () => {
    h.observation.failure = new NetworkUnavailableError({ message: 'the peer at 10.0.0.7:7051 did not answer' });
    const { authorization } = await h.tokenFor(USERS.admin);
    const res = await send(h.http.get('/v1/network').set('authorization', authorization));
    expect(res.status).to.equal(503);
    expect(res.headers['retry-after']).to.match(/^\d+$/);
  });

  it('keeps showing a peer gossip stopped reporting, as unreachable with its last height, until its organisation leaves', async () => {
    const { authorization } = await h.tokenFor(USERS.admin);
    await send(h.http.get('/v1/network').set('authorization', authorization));
    const [first, second] = h.observation.channel.peers;
    if (first === undefined || second === undefined) throw new Error('fixture has two peers');
    h.observation.channel = { ...h.observation.channel, peers: [{ ...first, ledgerHeight: 13 }] };
    const res = await send(h.http.get('/v1/network').set('authorization', authorization));
    expect((res.body as NetworkView).peers.map((p) => [p.status, p.ledgerHeight])).to.deep.equal([
      ['up', 13],
      ['unreachable', 11],
    ]);
    h.observation.channel = {
      ...h.observation.channel,
      organisations: ['Hospital1MSP', 'OrdererMSP'],
    };
    const after = await send(h.http.get('/v1/network').set('authorization', authorization));
    expect((after.body as NetworkView).peers.map((p) => p.mspId)).to.deep.equal(['Hospital1MSP']);
  });
});

describe('api: network observer', () => {
  const admin = USERS.admin;

  it('reuses one view within cacheMs and asks again after it', async () => {
    const observation = new FakeChannelObservation();
    let clock = 1_000_000;
    const observer = createNetworkObserver(observation, { cacheMs: 3000, now: () => clock });
    await observer.view(admin);
    clock += 2999;
    await observer.view(admin);
    expect(observation.asked).to.have.length(1);
    clock += 1;
    await observer.view(admin);
    expect(observation.asked).to.have.length(2);
  });

  it('does not reuse a failed view', async () => {
    const observation = new FakeChannelObservation();
    observation.failure = new Error('down');
    const observer = createNetworkObserver(observation, { cacheMs: 60_000, now: () => 5 });
    let failed = false;
    await observer.view(admin).catch(() => {
      failed = true;
    });
    expect(failed).to.equal(true);
    observation.failure = undefined;
    const view = await observer.view(admin);
    expect(view.peers).to.have.length(2);
    expect(observation.asked).to.have.length(2);
  });

  it('drops the old address of a peer that answers at a new one, and keeps another stopped peer', async () => {
    const observation = new FakeChannelObservation();
    let clock = 0;
    const observer = createNetworkObserver(observation, { cacheMs: 0, now: () => ++clock });
    const template = observation.channel.peers[0];
    if (template === undefined) throw new Error('fixture has a peer');
    const moving = { ...template, name: 'peer0.hospital1', endpoint: '10.0.0.1:7051' };
    const stopping = { ...template, name: 'peer1.hospital1', endpoint: '10.0.0.1:7151' };
    observation.channel = { ...observation.channel, peers: [moving, stopping] };
    await observer.view(admin);
    // peer0 now answers at a new address; peer1 stopped.
    observation.channel = { ...observation.channel, peers: [{ ...moving, endpoint: '10.0.0.9:7051' }] };
    const view = await observer.view(admin);
    expect(view.peers.map((p) => [p.name, p.endpoint, p.status])).to.deep.equal([
      ['peer1.hospital1', '10.0.0.1:7151', 'unreachable'],
      ['peer0.hospital1', '10.0.0.9:7051', 'up'],
    ]);
  });

  it('remembers at most maxRemembered peers, forgetting the longest unseen first', async () => {
    const observation = new FakeChannelObservation();
    let clock = 0;
    const observer = createNetworkObserver(observation, { cacheMs: 0, maxRemembered: 2, now: () => ++clock });
    const template = observation.channel.peers[0];
    if (template === undefined) throw new Error('fixture has a peer');
    for (const port of [1, 2, 3]) {
      const peer = { ...template, name: `peer${String(port)}`, endpoint: `10.0.0.1:${String(port)}` };
      observation.channel = { ...observation.channel, peers: [peer] };
      await observer.view(admin);
    }
    const view = await observer.view(admin);
    expect(view.peers.map((p) => [p.endpoint, p.status])).to.deep.equal([
      ['10.0.0.1:2', 'unreachable'],
      ['10.0.0.1:3', 'up'],
    ]);
  });
});
