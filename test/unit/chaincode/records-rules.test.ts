// Record pointers and relationships, rule by rule: who reads which custodian's records, amendment replays, and the
// patient's decisions on relationships. Written against the mutation survivors listed in docs/mutation-testing.md.
import { expect } from 'chai';
import { call, callFails } from './support/client';
import { lastEvent } from './support/direct';
import type { FakePeer } from './support/fake-peer';
import { H1, H2, freshPeer, who } from './support/world';

interface RecordPointer {
  recordId: string;
  patientId: string;
  custodianMsp: string;
  category: string;
}

const HASH_C = 'c'.repeat(64);
const HASH_D = 'd'.repeat(64);

/** p1 admitted to Hospital2 too, with a record there (rec-h2), and a record of p2 at Hospital1 (rec-p2). */
async function twoCustodians(): Promise<FakePeer> {
  const { peer } = await freshPeer();
  await call(peer, who.reg2, 'Records:AdmitPatient', ['p1']);
  await call(peer, who.c2, 'Records:RegisterRecord', [
    { recordId: 'rec-h2', patientId: 'p1', category: 'imaging', contentHash: HASH_C, locator: 'urn:h2:rec-h2' },
  ]);
  await call(peer, who.c1, 'Records:RegisterRecord', [
    { recordId: 'rec-p2', patientId: 'p2', category: 'laboratory', contentHash: HASH_D, locator: 'urn:h1:rec-p2' },
  ]);
  return peer;
}

async function listed(peer: FakePeer, asker: typeof who.p1, query: object): Promise<string[]> {
  const page = await call<{ items: RecordPointer[] }>(peer, asker, 'Records:ListRecords', [query]);
  return page.items.map((item) => item.recordId).sort();
}

async function lastNotification(peer: FakePeer): Promise<{ kind: string; subjectId: string }> {
  const page = await call<{ items: { kind: string; subjectId: string }[] }>(peer, who.p1, 'Summary:ListNotifications', [
    { patientId: 'p1', pageSize: 200 },
  ]);
  return page.items.at(-1)!;
}

describe('Records: who sees which records', () => {
  it("a patient lists their records at every custodian, and only their own; staff only their organisation's", async () => {
    const peer = await twoCustodians();
    expect(await listed(peer, who.p1, { patientId: 'p1' })).to.deep.equal(['rec-h2', 'rec1']);
    expect(await listed(peer, who.p1, { patientId: 'p1', custodianMsp: H2 })).to.deep.equal(['rec-h2']);
    expect(await listed(peer, who.c1, { patientId: 'p1' })).to.deep.equal(['rec1']);
    expect(await listed(peer, who.c2, { patientId: 'p1' })).to.deep.equal(['rec-h2']);
    expect(await listed(peer, who.co1, { patientId: 'p1' })).to.deep.equal(['rec1']);
  });

  it('a clinician or compliance officer reads no record another organisation holds, even of a patient in its custody', async () => {
    const peer = await twoCustodians();
    for (const asker of [who.c1, who.co1]) {
      const refused = await callFails(peer, asker, 'Records:GetRecord', ['rec-h2']);
      expect(refused.code).to.equal('MEDREC_FORBIDDEN');
      expect(refused.detail).to.contain('rec-h2');
      await call(peer, asker, 'Records:GetRecord', ['rec1']);
    }
    const list = await callFails(peer, who.co1, 'Records:ListRecords', [{ patientId: 'p1', custodianMsp: H2 }]);
    expect(list.code).to.equal('MEDREC_FORBIDDEN');
    expect(list.detail).to.contain('p1');
  });

  it('names the patient it cannot find', async () => {
    const { peer } = await freshPeer();
    const missing = await callFails(peer, who.c1, 'Records:ListRecords', [{ patientId: 'ghost' }]);
    expect(missing.code).to.equal('MEDREC_NOT_FOUND');
    expect(missing.detail).to.contain('ghost');
  });
});

describe('Records: registration and amendment', () => {
  it('audits a registration against the record; refuses a non-patient naming the argument', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.c1, 'Records:RegisterRecord', [
      { recordId: 'rec-new', patientId: 'p1', category: 'imaging', contentHash: HASH_C, locator: 'urn:h1:new' },
    ]);
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'RecordRegistered',
      subject: { kind: 'record', id: 'rec-new' },
    });
    const notPatient = await callFails(peer, who.c1, 'Records:RegisterRecord', [
      { recordId: 'rec-x', patientId: 'c1', category: 'imaging', contentHash: HASH_C, locator: 'urn:h1:x' },
    ]);
    expect(notPatient.code).to.equal('MEDREC_INVALID_ARGUMENT');
    expect(notPatient.detail).to.match(/^record\.patientId: /);
    const reused = await callFails(peer, who.c1, 'Records:RegisterRecord', [
      { recordId: 'rec-new', patientId: 'p1', category: 'imaging', contentHash: HASH_D, locator: 'urn:h1:new' },
    ]);
    expect(reused.code).to.equal('MEDREC_CONFLICT');
    expect(reused.detail).to.contain('rec-new');
  });

  it('audits and notifies an amendment; refuses another custodian naming the holder', async () => {
    const peer = await twoCustodians();
    await call(peer, who.c1, 'Records:AmendRecord', [
      { recordId: 'rec1', newRecordId: 'rec1-v2', contentHash: HASH_C, locator: 'urn:h1:rec1-v2' },
    ]);
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'RecordAmended',
      patientId: 'p1',
      subject: { kind: 'record', id: 'rec1-v2' },
    });
    expect(await lastNotification(peer)).to.include({ kind: 'new-record', subjectId: 'rec1-v2' });
    const foreign = await callFails(peer, who.c1, 'Records:AmendRecord', [
      { recordId: 'rec-h2', newRecordId: 'rec-h2-v2', contentHash: HASH_C, locator: 'urn:h1:x' },
    ]);
    expect(foreign.code).to.equal('MEDREC_FORBIDDEN');
    expect(foreign.detail).to.contain(H2);
    const taken = await callFails(peer, who.c1, 'Records:AmendRecord', [
      { recordId: 'rec1-v2', newRecordId: 'rec-p2', contentHash: HASH_C, locator: 'urn:h1:x' },
    ]);
    expect(taken.code).to.equal('MEDREC_CONFLICT');
    expect(taken.detail).to.contain('rec-p2');
  });

  it('replays an identical amendment as a no-op, and refuses a replay that differs in hash, locator or category', async () => {
    const { peer } = await freshPeer();
    const amendment = { recordId: 'rec1', newRecordId: 'rec1-v2', contentHash: HASH_C, locator: 'urn:h1:rec1-v2' };
    const first = await call(peer, who.c1, 'Records:AmendRecord', [amendment]);
    const replay = await peer.invoke(who.c1, 'Records:AmendRecord', [JSON.stringify(amendment)]);
    expect([replay.ok, replay.writes]).to.deep.equal([true, 0]);
    expect(JSON.parse(replay.payload)).to.deep.equal(first);
    const sameCategory = await peer.invoke(who.c1, 'Records:AmendRecord', [
      JSON.stringify({ ...amendment, category: 'laboratory' }),
    ]);
    expect([sameCategory.ok, sameCategory.writes]).to.deep.equal([true, 0]);
    for (const changed of [
      { contentHash: HASH_D },
      { locator: 'urn:h1:elsewhere' },
      { category: 'imaging' },
      { contentHash: HASH_D, locator: 'urn:h1:elsewhere', category: 'imaging' },
    ]) {
      const refused = await callFails(peer, who.c1, 'Records:AmendRecord', [{ ...amendment, ...changed }]);
      expect(refused.code, JSON.stringify(changed)).to.equal('MEDREC_CONFLICT');
      expect(refused.detail).to.contain('rec1-v2');
    }
  });

  it('refuses to re-amend a superseded version into another existing record, even one with the same content', async () => {
    const peer = await twoCustodians();
    await call(peer, who.c1, 'Records:AmendRecord', [
      { recordId: 'rec1', newRecordId: 'rec1-v2', contentHash: HASH_C, locator: 'urn:h1:rec1-v2' },
    ]);
    const refused = await callFails(peer, who.c1, 'Records:AmendRecord', [
      { recordId: 'rec1', newRecordId: 'rec-p2', contentHash: HASH_D, locator: 'urn:h1:rec-p2' },
    ]);
    expect(refused.code).to.equal('MEDREC_CONFLICT');
    expect(refused.detail).to.contain('already amended by rec1-v2');
  });
});

describe('Records: relationships', () => {
  it('admits once: admitting again writes nothing; a first admission notifies and audits', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg2, 'Records:AdmitPatient', ['p1']);
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'PatientAdmitted',
      patientId: 'p1',
      subject: { kind: 'relationship', id: H2 },
    });
    expect(await lastNotification(peer)).to.include({ kind: 'relationship', subjectId: H2 });
    const again = await peer.invoke(who.reg2, 'Records:AdmitPatient', ['p1']);
    expect([again.ok, again.writes, again.eventCalls.length]).to.deep.equal([true, 0, 0]);
  });

  it('AdmitPatient and GetRelationship name a malformed or wrong argument', async () => {
    const { peer } = await freshPeer();
    for (const [fcn, args, named] of [
      ['Records:AdmitPatient', ['bad id'], /^patientId/],
      ['Records:AdmitPatient', ['c1'], /^patientId: c1/],
      ['Records:GetRelationship', ['bad id', H1], /^patientId/],
      ['Records:GetRelationship', ['p1', 'bad msp!'], /^custodianMsp/],
    ] as const) {
      const refused = await callFails(peer, who.reg1, fcn, [...args]);
      expect(refused.code, fcn).to.equal('MEDREC_INVALID_ARGUMENT');
      expect(refused.detail, fcn).to.match(named);
    }
  });

  it('GetRelationship of a patient never admitted is MEDREC_NOT_FOUND naming both; other staff are refused', async () => {
    const { peer } = await freshPeer();
    const missing = await callFails(peer, who.reg2, 'Records:GetRelationship', ['p1', H2]);
    expect(missing.code).to.equal('MEDREC_NOT_FOUND');
    expect(missing.detail).to.contain('p1').and.to.contain(H2);
    const refused = await callFails(peer, who.reg2, 'Records:GetRelationship', ['p1', H1]);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain('reg2');
  });

  it('audits acceptance and rejection as what they are, against the relationship', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.p1, 'Records:AcceptRelationship', ['p1', H1]);
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'RelationshipAccepted',
      patientId: 'p1',
      subject: { kind: 'relationship', id: H1 },
    });
    await call(peer, who.p1, 'Records:RejectRelationship', ['p1', H1]);
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'RelationshipRejected',
      subject: { kind: 'relationship', id: H1 },
    });
    const none = await callFails(peer, who.p1, 'Records:AcceptRelationship', ['p1', H2]);
    expect(none.code).to.equal('MEDREC_NOT_FOUND');
    expect(none.detail).to.contain(H2);
  });
});
