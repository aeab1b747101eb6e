import { expect } from 'chai';
import { KEY } from '../../../chaincode/src/common/keys';
import { inCustodyOf } from '../../../chaincode/src/registrar/custody';
import { call, callFails } from './support/client';
import { compositeKey, directContext, putCommitted } from './support/direct';
import type { Ledger } from './support/ledger';
import { H1, H2, HASH_B, freshPeer, who } from './support/world';

interface Relationship {
  status: string;
  createdAt: string;
  updatedAt: string;
  txId: string;
}

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
    expect(summary.relationships[0]).to.include({ status: 'new', custodianMsp: H1 });
    expect(summary.relationships[0]).not.to.have.property('recordCount');
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

  it('lets the patient (or delegate) accept and reject; a new record leaves the decision as it is', async () => {
    const { peer } = await freshPeer();
    const accepted = await call<Relationship>(peer, who.g1, 'Records:AcceptRelationship', ['p1', H1]);
    expect(accepted.status).to.equal('accepted');
    const repeat = await peer.invoke(who.p1, 'Records:AcceptRelationship', ['p1', H1]);
    expect(repeat.writes).to.equal(0);
    await call(peer, who.c1, 'Records:RegisterRecord', [record('r3')]);
    const summary = await call<{ relationships: Relationship[] }>(peer, who.p1, 'Summary:GetSummary', ['p1']);
    expect(summary.relationships).to.deep.equal([accepted]);
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

  it('never writes the relationship when a record is added or amended: no hot key on the record path', async () => {
    const { peer } = await freshPeer();
    const relationshipKey = compositeKey(peer.ledger, who.c2, KEY.relationship, 'p1', H2);
    const admission = await peer.invoke(who.reg2, 'Records:AdmitPatient', ['p1']);
    const admitted = JSON.parse(admission.payload) as Relationship;
    expect(admitted).to.include({ status: 'new', txId: admission.txId });
    const first = await peer.invoke(who.c2, 'Records:RegisterRecord', [JSON.stringify(record('h2-a'))]);
    const second = await peer.invoke(who.c2, 'Records:RegisterRecord', [JSON.stringify(record('h2-b'))]);
    const amended = await peer.invoke(who.c2, 'Records:AmendRecord', [
      JSON.stringify({ recordId: 'h2-a', newRecordId: 'h2-a2', contentHash: HASH_B, locator: 'urn:h2:h2-a2' }),
    ]);
    expect([first.ok, second.ok, amended.ok]).to.deep.equal([true, true, true]);
    for (const outcome of [first, second, amended]) {
      expect(keysWrittenBy(peer.ledger, outcome.txId)).not.to.include(relationshipKey);
    }
    // Two registrations about one patient write disjoint keys, so neither invalidates the other.
    const firstKeys = keysWrittenBy(peer.ledger, first.txId);
    expect(keysWrittenBy(peer.ledger, second.txId).filter((written) => firstKeys.includes(written))).to.deep.equal([]);
    expect(await call(peer, who.p1, 'Records:GetRelationship', ['p1', H2])).to.deep.equal(admitted);
    expect(writersOf(peer.ledger, relationshipKey)).to.deep.equal([admission.txId]);

    // Only the patient's decision writes it, and a later record leaves that decision as it is.
    const acceptance = await peer.invoke(who.p1, 'Records:AcceptRelationship', ['p1', H2]);
    await call(peer, who.c2, 'Records:RegisterRecord', [record('h2-c')]);
    const afterRecord = await call<Relationship>(peer, who.p1, 'Records:GetRelationship', ['p1', H2]);
    expect(afterRecord).to.include({ status: 'accepted', txId: acceptance.txId, createdAt: admitted.createdAt });
    expect(writersOf(peer.ledger, relationshipKey)).to.deep.equal([admission.txId, acceptance.txId]);

    // Reading is still a check: a rejected relationship refuses new records and amendments.
    const rejection = await peer.invoke(who.p1, 'Records:RejectRelationship', ['p1', H2]);
    const refusedRecord = await callFails(peer, who.c2, 'Records:RegisterRecord', [record('h2-d')]);
    const refusedAmendment = await callFails(peer, who.c2, 'Records:AmendRecord', [
      { recordId: 'h2-c', newRecordId: 'h2-c2', contentHash: HASH_B, locator: 'urn:h2:h2-c2' },
    ]);
    expect([refusedRecord.code, refusedAmendment.code]).to.deep.equal(['MEDREC_FORBIDDEN', 'MEDREC_FORBIDDEN']);
    expect(writersOf(peer.ledger, relationshipKey)).to.deep.equal([admission.txId, acceptance.txId, rejection.txId]);
  });

  it('reads relationships stored with a record count, as an upgraded ledger holds them', async () => {
    const { peer } = await freshPeer();
    const admitted = await call<Relationship>(peer, who.reg2, 'Records:AdmitPatient', ['p1']);
    const relationshipKey = compositeKey(peer.ledger, who.c2, KEY.relationship, 'p1', H2);
    putCommitted(peer.ledger, relationshipKey, { ...admitted, status: 'pending-update', recordCount: 3 });
    // 'pending-update' was an accepted relationship with records added since.
    const read = await call<Relationship>(peer, who.p1, 'Records:GetRelationship', ['p1', H2]);
    expect(read).to.deep.equal({ ...admitted, status: 'accepted' });
    expect(await inCustodyOf(directContext(peer.ledger, who.co2), H2, 'p1')).to.equal(true);
    await call(peer, who.c2, 'Records:RegisterRecord', [record('h2-legacy')]);
    // The patient's next decision writes the current shape.
    await call(peer, who.p1, 'Records:RejectRelationship', ['p1', H2]);
    const stored = JSON.parse(peer.ledger.state.get(relationshipKey)?.toString('utf8') ?? '{}') as object;
    expect(stored).to.include({ status: 'rejected' }).and.not.to.have.property('recordCount');
    expect((await callFails(peer, who.c2, 'Records:RegisterRecord', [record('h2-late')])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
    // Anything else stored under the key is still refused as corrupt.
    putCommitted(peer.ledger, relationshipKey, { ...admitted, status: 'pending-update', recordCount: -1 });
    expect((await callFails(peer, who.p1, 'Records:GetRelationship', ['p1', H2])).code).to.equal('MEDREC_INTERNAL');
  });
});

/** The keys a committed transaction wrote: the ledger's history records each write with its transaction id. */
function keysWrittenBy(ledger: Ledger, txId: string): string[] {
  return [...ledger.history].filter(([, entries]) => entries.some((entry) => entry.txId === txId)).map(([k]) => k);
}

/** The transactions that wrote a key, oldest first. */
function writersOf(ledger: Ledger, stateKey: string): string[] {
  return (ledger.history.get(stateKey) ?? []).map((entry) => entry.txId);
}
