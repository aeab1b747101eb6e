import './support/quiet-logs';
import { expect } from 'chai';
import { call, callFails } from './support/client';
import { lastEvent } from './support/direct';
import type { FakeIdentity, FakePeer } from './support/fake-peer';
import { freshPeer, who } from './support/world';

interface Choice {
  patientId: string;
  optedOut: boolean;
  updatedBy: string;
  updatedAt: string;
  txId: string;
}

async function choose(peer: FakePeer, caller: FakeIdentity, patientId: string, optedOut: boolean): Promise<Choice> {
  return call<Choice>(peer, caller, 'Consent:SetResearchOptOut', [{ patientId, optedOut }]);
}

async function optedOut(peer: FakePeer, query: object = {}): Promise<{ ids: string[]; bookmark: string }> {
  const page = await call<{ items: Choice[]; bookmark: string }>(peer, who.gk2, 'Consent:ListResearchOptOuts', [query]);
  expect(page.items.every((item) => item.optedOut)).to.equal(true);
  return { ids: page.items.map((item) => item.patientId), bookmark: page.bookmark };
}

async function refused(peer: FakePeer, caller: FakeIdentity, fcn: string, args: (string | object)[]): Promise<void> {
  const before = peer.ledger.snapshot();
  const error = await callFails(peer, caller, fcn, args);
  expect(error.code).to.equal('MEDREC_FORBIDDEN');
  expect(peer.ledger.snapshot()).to.equal(before);
}

describe('Consent: research opt-out', () => {
  it('the patient opts out and back in; a repeat writes nothing; the audit names only the patient id', async () => {
    const { peer } = await freshPeer();
    const out = await peer.invoke(who.p1, 'Consent:SetResearchOptOut', [
      JSON.stringify({ patientId: 'p1', optedOut: true }),
    ]);
    expect(out.message).to.equal('');
    expect(JSON.parse(out.payload)).to.deep.equal({
      patientId: 'p1',
      optedOut: true,
      updatedBy: 'p1',
      updatedAt: new Date(out.timestampMs).toISOString(),
      txId: out.txId,
    });
    expect(lastEvent(peer.ledger)).to.deep.equal({
      name: 'ResearchOptOutChanged',
      txId: out.txId,
      payload: {
        txId: out.txId,
        type: 'ResearchOptOutChanged',
        subject: { kind: 'research-opt-out', id: 'p1' },
        patientId: 'p1',
      },
    });
    expect((await optedOut(peer)).ids).to.deep.equal(['p1']);
    const repeat = await peer.invoke(who.p1, 'Consent:SetResearchOptOut', [
      JSON.stringify({ patientId: 'p1', optedOut: true }),
    ]);
    expect([repeat.ok, repeat.writes, repeat.eventCalls.length]).to.deep.equal([true, 0, 0]);
    expect(JSON.parse(repeat.payload)).to.include({ txId: out.txId });
    const back = await choose(peer, who.p1, 'p1', false);
    expect(back).to.include({ optedOut: false, updatedBy: 'p1' });
    expect((await optedOut(peer)).ids).to.deep.equal([]);
    expect(await call(peer, who.p1, 'Consent:GetResearchOptOut', ['p1'])).to.deep.equal(back);
    const trail = await call<{ items: { type: string; reason?: string }[] }>(peer, who.p1, 'Audit:QueryByPatient', [
      { patientId: 'p1' },
    ]);
    expect(trail.items.filter((e) => e.type === 'ResearchOptOutChanged').map((e) => e.reason)).to.deep.equal([
      'opted-out',
      'opted-in',
    ]);
  });

  it('an active delegate may choose for the patient; another patient may not', async () => {
    const { peer } = await freshPeer();
    await refused(peer, who.p2, 'Consent:SetResearchOptOut', [{ patientId: 'p1', optedOut: true }]);
    await refused(peer, who.c1, 'Consent:SetResearchOptOut', [{ patientId: 'p1', optedOut: true }]);
    await refused(peer, who.gk1, 'Consent:SetResearchOptOut', [{ patientId: 'p1', optedOut: true }]);
    expect(await choose(peer, who.g1, 'p1', true)).to.include({ patientId: 'p1', updatedBy: 'g1' });
    // A removed delegate no longer acts for the patient.
    await call(peer, who.p1, 'Consent:RemoveDelegate', ['p1', 'g1']);
    await refused(peer, who.g1, 'Consent:SetResearchOptOut', [{ patientId: 'p1', optedOut: false }]);
  });

  it('the list pages only the patients currently opted out, for gatekeepers only', async () => {
    const { peer } = await freshPeer();
    await choose(peer, who.p1, 'p1', true);
    await choose(peer, who.p2, 'p2', true);
    await choose(peer, who.g1, 'g1', false);
    expect((await optedOut(peer)).ids).to.deep.equal(['p1', 'p2']);
    const first = await optedOut(peer, { pageSize: 1 });
    expect(first.ids).to.deep.equal(['p1']);
    expect((await optedOut(peer, { pageSize: 1, bookmark: first.bookmark })).ids).to.deep.equal(['p2']);
    await choose(peer, who.p1, 'p1', false);
    expect((await optedOut(peer)).ids).to.deep.equal(['p2']);
    for (const caller of [who.c1, who.p1, who.co1, who.r1]) {
      await refused(peer, caller, 'Consent:ListResearchOptOuts', [{}]);
    }
  });

  it('GetResearchOptOut: the patient or delegate, gatekeepers, compliance with custody; "" when never chosen', async () => {
    const { peer } = await freshPeer();
    const never = await peer.invoke(who.gk1, 'Consent:GetResearchOptOut', ['p1']);
    expect([never.ok, never.payload]).to.deep.equal([true, '']);
    const saved = await choose(peer, who.p1, 'p1', true);
    for (const reader of [who.p1, who.g1, who.gk1, who.gk2, who.co1]) {
      expect(await call(peer, reader, 'Consent:GetResearchOptOut', ['p1'])).to.deep.equal(saved);
    }
    for (const reader of [who.p2, who.co2, who.c1, who.r1]) {
      await refused(peer, reader, 'Consent:GetResearchOptOut', ['p1']);
    }
  });
});
