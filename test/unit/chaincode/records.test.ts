import { expect } from 'chai';
import { call, callFails } from './support/client';
import { H1, H2, HASH_B, freshPeer, who } from './support/world';

const record = (recordId: string, patientId = 'p1'): object => ({
  recordId,
  patientId,
  category: 'imaging',
  contentHash: HASH_B,
  locator: `urn:h1:${recordId}`,
});

describe('Records', () => {
  it('registers a pointer, opens the relationship, notifies the patient and audits, in one transaction', async () => {
    const { peer } = await freshPeer();
    const outcome = await peer.invoke(who.c1, 'Records:RegisterRecord', [JSON.stringify(record('r2', 'p2'))]);
    expect(outcome.eventCalls.map((event) => event.name)).to.deep.equal(['RecordRegistered']);
    expect(JSON.parse(outcome.payload)).to.include({
      custodianMsp: H1,
      version: 1,
      supersedes: null,
      txId: outcome.txId,
    });
    const summary = await call<{ relationships: object[]; notifications: { kind: string }[] }>(
      peer,
      who.p2,
      'Summary:GetSummary',
      ['p2'],
    );
    expect(summary.relationships).to.have.length(1);
    expect(summary.relationships[0]).to.include({ status: 'new', recordCount: 1, custodianMsp: H1 });
    expect(summary.notifications.map((n) => n.kind)).to.deep.equal(['new-record']);
  });

  it('is idempotent per record id and refuses a different body', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.c1, 'Records:RegisterRecord', [record('r2')]);
    const repeat = await peer.invoke(who.c1, 'Records:RegisterRecord', [JSON.stringify(record('r2'))]);
    expect([repeat.ok, repeat.writes, repeat.eventCalls.length]).to.deep.equal([true, 0, 0]);
    expect(
      (await callFails(peer, who.c1, 'Records:RegisterRecord', [{ ...record('r2'), category: 'note' }])).code,
    ).to.equal('MEDREC_CONFLICT');
    // hospital2 has not admitted p1: its clinicians register nothing for them, not even a copy of r2.
    expect((await callFails(peer, who.c2, 'Records:RegisterRecord', [record('r2')])).code).to.equal('MEDREC_FORBIDDEN');
    await call(peer, who.reg2, 'Records:AdmitPatient', ['p1']);
    expect((await callFails(peer, who.c2, 'Records:RegisterRecord', [record('r2')])).code).to.equal('MEDREC_CONFLICT');
  });

  it('refuses records of unknown or non-patient participants', async () => {
    const { peer } = await freshPeer();
    expect((await callFails(peer, who.c1, 'Records:RegisterRecord', [record('r2', 'ghost')])).detail).to.contain(
      'not a registered patient',
    );
    expect((await callFails(peer, who.c1, 'Records:RegisterRecord', [record('r2', 'c2')])).code).to.equal(
      'MEDREC_INVALID_ARGUMENT',
    );
  });

  it('amends into a new version, keeps the old one, and refuses to amend a superseded version', async () => {
    const { peer } = await freshPeer();
    const amendment = { recordId: 'rec1', newRecordId: 'rec1-v2', contentHash: HASH_B, locator: 'urn:h1:rec1-v2' };
    const v2 = await call(peer, who.c1, 'Records:AmendRecord', [amendment]);
    expect(v2).to.include({ version: 2, supersedes: 'rec1', supersededBy: null, category: 'laboratory' });
    expect(await call(peer, who.c1, 'Records:GetRecord', ['rec1'])).to.include({ supersededBy: 'rec1-v2', version: 1 });
    const repeat = await peer.invoke(who.c1, 'Records:AmendRecord', [JSON.stringify(amendment)]);
    expect([repeat.ok, repeat.writes]).to.deep.equal([true, 0]);
    const again = await callFails(peer, who.c1, 'Records:AmendRecord', [{ ...amendment, newRecordId: 'rec1-v3' }]);
    expect([again.code, again.detail]).to.deep.equal([
      'MEDREC_CONFLICT',
      'record rec1 was already amended by rec1-v2; amend the current version',
    ]);
    const taken = await callFails(peer, who.c1, 'Records:AmendRecord', [
      { ...amendment, recordId: 'rec1-v2', newRecordId: 'rec1' },
    ]);
    expect(taken.code).to.equal('MEDREC_CONFLICT');
    const listed = await call<{ items: { recordId: string }[] }>(peer, who.p1, 'Records:ListRecords', [
      { patientId: 'p1' },
    ]);
    expect(listed.items.map((item) => item.recordId)).to.deep.equal(['rec1', 'rec1-v2']);
  });

  it('lets the patient (or delegate) accept and reject; new records ask again', async () => {
    const { peer } = await freshPeer();
    expect(await call(peer, who.g1, 'Records:AcceptRelationship', ['p1', H1])).to.include({ status: 'accepted' });
    const repeat = await peer.invoke(who.p1, 'Records:AcceptRelationship', ['p1', H1]);
    expect(repeat.writes).to.equal(0);
    await call(peer, who.c1, 'Records:RegisterRecord', [record('r3')]);
    const summary = await call<{ relationships: { status: string; recordCount: number }[] }>(
      peer,
      who.p1,
      'Summary:GetSummary',
      ['p1'],
    );
    expect(summary.relationships[0]).to.include({ status: 'pending-update', recordCount: 2 });
    expect(await call(peer, who.p1, 'Records:RejectRelationship', ['p1', H1])).to.include({ status: 'rejected' });
    expect((await callFails(peer, who.p1, 'Records:AcceptRelationship', ['p1', H2])).code).to.equal('MEDREC_NOT_FOUND');
  });

  it('pages record lists with bookmarks that only fit their own query', async () => {
    const { peer } = await freshPeer();
    for (const id of ['r2', 'r3', 'r4']) {
      await call(peer, who.c1, 'Records:RegisterRecord', [record(id)]);
    }
    const seen: string[] = [];
    let bookmark = '';
    do {
      const page = await call<{ items: { recordId: string }[]; bookmark: string }>(
        peer,
        who.co1,
        'Records:ListRecords',
        [{ patientId: 'p1', pageSize: 3, bookmark }],
      );
      expect(page.items.length).to.be.at.most(3);
      seen.push(...page.items.map((item) => item.recordId));
      bookmark = page.bookmark;
    } while (bookmark !== '');
    expect(seen).to.deep.equal(['r2', 'r3', 'r4', 'rec1']);
    const first = await call<{ bookmark: string }>(peer, who.co1, 'Records:ListRecords', [
      { patientId: 'p1', pageSize: 1 },
    ]);
    const stolen = await callFails(peer, who.co1, 'Records:ListRecords', [
      { patientId: 'p2', bookmark: first.bookmark },
    ]);
    expect(stolen.code).to.equal('MEDREC_INVALID_ARGUMENT');
    const notAdmitted = await callFails(peer, who.c2, 'Records:ListRecords', [{ patientId: 'p1' }]);
    expect(notAdmitted.code).to.equal('MEDREC_FORBIDDEN');
    await call(peer, who.reg2, 'Records:AdmitPatient', ['p1']);
    const clinicianView = await call<{ items: object[] }>(peer, who.c2, 'Records:ListRecords', [{ patientId: 'p1' }]);
    expect(clinicianView.items).to.have.length(0);
  });
});
