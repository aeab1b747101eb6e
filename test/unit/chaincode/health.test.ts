import './support/quiet-logs';
import { expect } from 'chai';
import { HEARTBEAT_KEY, HEARTBEAT_SLOTS, heartbeatSlot } from '../../../chaincode/src/health/health-contract';
import { call, callFails } from './support/client';
import { FakeIdentity, FakePeer, identity } from './support/fake-peer';
import { H1, H2, RES, who } from './support/world';

interface Beat {
  probeId: string;
  mspId: string;
  participantId: string;
  txId: string;
  time: string;
}

const operator1 = identity(H1, 'admin', 'hospital1-admin');
const operator2 = identity(H2, 'admin', 'hospital2-admin');

function heartbeatKeys(peer: FakePeer): string[] {
  return [...peer.ledger.state.keys()].filter((k) => k.startsWith(`\u0000${HEARTBEAT_KEY}\u0000`));
}

async function heartbeat(peer: FakePeer, caller: FakeIdentity, probeId: string): Promise<Beat> {
  return call<Beat>(peer, caller, 'Health:Heartbeat', [probeId]);
}

async function readBack(peer: FakePeer, caller: FakeIdentity, probeId: string): Promise<string> {
  const outcome = await peer.invoke(caller, 'Health:GetHeartbeat', [probeId]);
  expect(outcome.message).to.equal('');
  return outcome.payload;
}

/** Two distinct probe ids that share a slot. */
function collidingProbes(): [string, string] {
  const seen = new Map<string, string>();
  for (let i = 0; ; i += 1) {
    const probe = `probe-${i}`;
    const slot = heartbeatSlot(probe);
    const earlier = seen.get(slot);
    if (earlier !== undefined) {
      return [earlier, probe];
    }
    seen.set(slot, probe);
  }
}

describe('Health: heartbeats for operators, in bounded state', () => {
  it('lets an operator write a heartbeat that any member reads back, on any peer', async () => {
    const peer = new FakePeer();
    const outcome = await peer.invoke(operator1, 'Health:Heartbeat', ['network-up-1']);
    expect(outcome.message).to.equal('');
    expect(outcome.writes, 'exactly one key').to.equal(1);
    const beat = JSON.parse(outcome.payload) as Beat;
    expect(beat).to.deep.equal({
      probeId: 'network-up-1',
      mspId: H1,
      participantId: 'hospital1-admin',
      txId: outcome.txId,
      time: new Date(outcome.timestampMs).toISOString(),
    });
    for (const reader of [operator2, who.c2, who.r1, new FakeIdentity('AnyMSP', {})]) {
      expect(JSON.parse(await readBack(peer, reader, 'network-up-1'))).to.deep.equal(beat);
    }
    expect(await readBack(peer, who.p1, 'never-sent')).to.equal('');
    expect(heartbeatKeys(peer)).to.have.length(1);
  });

  it('refuses every caller that is not an operator, writing nothing', async () => {
    const peer = new FakePeer();
    for (const caller of [
      new FakeIdentity('AnyMSP', {}),
      new FakeIdentity(H1, { 'medrec.role': 'admin' }),
      new FakeIdentity(H1, { 'medrec.role': 'admin', 'medrec.id': 'not/an id' }),
      new FakeIdentity(H1, { 'medrec.role': 'Admin', 'medrec.id': 'x' }),
      identity('', 'admin', 'no-msp'),
      who.p1,
      who.c1,
      who.reg1,
      who.gk1,
      who.co1,
      who.r1,
    ]) {
      const error = await callFails(peer, caller, 'Health:Heartbeat', ['probe-1']);
      expect(error.code, JSON.stringify(caller.attrs)).to.equal('MEDREC_FORBIDDEN');
    }
    expect(peer.ledger.state.size).to.equal(0);
    expect((await callFails(peer, operator1, 'Health:Heartbeat', ['bad probe'])).code).to.equal(
      'MEDREC_INVALID_ARGUMENT',
    );
    expect((await callFails(peer, operator1, 'Health:Heartbeat', ['x'.repeat(65)])).code).to.equal(
      'MEDREC_INVALID_ARGUMENT',
    );
    expect((await callFails(peer, who.p1, 'Health:GetHeartbeat', ['\u0000'])).code).to.equal('MEDREC_INVALID_ARGUMENT');
    expect(peer.ledger.state.size).to.equal(0);
  });

  it('keeps at most HEARTBEAT_SLOTS keys per organisation however many probe ids are sent', async () => {
    const peer = new FakePeer();
    const probes = 3000;
    for (let i = 0; i < probes; i += 1) {
      await heartbeat(peer, operator1, `load-${i}`);
    }
    const h1Keys = heartbeatKeys(peer);
    expect(h1Keys.length).to.be.at.most(HEARTBEAT_SLOTS);
    // 3000 random-looking ids cover nearly every slot (the expected number of empty slots is about 55).
    expect(h1Keys.length).to.be.above(HEARTBEAT_SLOTS - 120);
    for (let i = 0; i < 200; i += 1) {
      await heartbeat(peer, operator2, `load-${i}`);
    }
    const byOrg = (msp: string): number => heartbeatKeys(peer).filter((k) => k.endsWith(`\u0000${msp}\u0000`)).length;
    expect(byOrg(H1)).to.equal(h1Keys.length);
    expect(byOrg(H2)).to.be.at.most(200);
    expect(byOrg(RES)).to.equal(0);
    // The latest probe of each slot is still readable.
    expect(JSON.parse(await readBack(peer, who.p1, `load-${probes - 1}`))).to.include({ mspId: H1 });
  });

  it('answers an overwritten slot with an empty string, and keeps organisations apart', async () => {
    const peer = new FakePeer();
    const [older, newer] = collidingProbes();
    expect(heartbeatSlot(older)).to.equal(heartbeatSlot(newer));
    await heartbeat(peer, operator1, older);
    expect(JSON.parse(await readBack(peer, who.p1, older))).to.include({ probeId: older });
    await heartbeat(peer, operator1, newer);
    expect(await readBack(peer, who.p1, older)).to.equal('');
    expect(JSON.parse(await readBack(peer, who.p1, newer))).to.include({ probeId: newer, mspId: H1 });
    expect(heartbeatKeys(peer)).to.have.length(1);
    // Another organisation's operator has its own keys: it cannot overwrite hospital1's heartbeat.
    await heartbeat(peer, operator2, older);
    expect(JSON.parse(await readBack(peer, who.p1, newer))).to.include({ mspId: H1 });
    expect(JSON.parse(await readBack(peer, who.p1, older))).to.include({ mspId: H2 });
    // The same probe id from two organisations: the later heartbeat answers.
    await heartbeat(peer, operator1, older);
    expect(JSON.parse(await readBack(peer, who.p1, older))).to.include({ mspId: H1 });
    expect(heartbeatKeys(peer)).to.have.length(2);
  });

  it('slots are three hex digits below HEARTBEAT_SLOTS and depend only on the probe id', () => {
    for (const probe of ['a', 'network-up-1', 'x'.repeat(64)]) {
      const slot = heartbeatSlot(probe);
      expect(slot).to.match(/^[0-9a-f]{3}$/);
      expect(parseInt(slot, 16)).to.be.below(HEARTBEAT_SLOTS);
      expect(heartbeatSlot(probe)).to.equal(slot);
    }
  });

  it('shows the caller identity to anyone, without writing', async () => {
    const peer = new FakePeer();
    expect(await call(peer, who.p1, 'Health:Identity')).to.deep.equal({
      mspId: H1,
      role: 'patient',
      participantId: 'p1',
    });
    expect(peer.ledger.state.size).to.equal(0);
  });
});
