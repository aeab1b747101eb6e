import { expect } from 'chai';
import { call, callFails } from './support/client';
import { H1, T0, consentBody, freshPeer, who } from './support/world';

interface Page<T> {
  items: T[];
  bookmark: string;
}
interface Event {
  txId: string;
  time: string;
  type: string;
}

describe('Summary and Audit', () => {
  it('acknowledges notifications; unknown ids are skipped', async () => {
    const { peer } = await freshPeer();
    const before = await call<{ notifications: { notificationId: string }[]; notificationsBookmark: string }>(
      peer,
      who.p1,
      'Summary:GetSummary',
      ['p1'],
    );
    expect(before.notifications.length).to.be.greaterThan(0);
    const ids = before.notifications.map((n) => n.notificationId);
    const outcome = await peer.invoke(who.p1, 'Summary:AcknowledgeNotifications', [
      JSON.stringify({ patientId: 'p1', notificationIds: [...ids, 'unknown'] }),
    ]);
    expect(JSON.parse(outcome.payload)).to.deep.equal({ patientId: 'p1', acknowledged: ids });
    expect(outcome.eventCalls.map((e) => e.name)).to.deep.equal(['NotificationsAcknowledged']);
    const after = await call<{ notifications: object[] }>(peer, who.p1, 'Summary:GetSummary', ['p1']);
    expect(after.notifications).to.have.length(0);
    const nothing = await peer.invoke(who.p1, 'Summary:AcknowledgeNotifications', [
      JSON.stringify({ patientId: 'p1', notificationIds: ids }),
    ]);
    expect([nothing.ok, nothing.writes]).to.deep.equal([true, 0]);
  });

  it("lists the patient's trail in time order with transaction ids, by window and page", async () => {
    const { peer } = await freshPeer();
    const steps: string[] = [];
    const step = async (outcome: Promise<{ txId: string; ok: boolean }>): Promise<void> => {
      const done = await outcome;
      expect(done.ok).to.equal(true);
      steps.push(done.txId);
    };
    const start = T0 + 3_600_000;
    await step(
      peer.invoke(who.p1, 'Consent:GrantConsent', [JSON.stringify(consentBody({ consentId: 'flow' }))], start),
    );
    await step(
      peer.invoke(
        who.c2,
        'Access:RequestAccess',
        [JSON.stringify({ recordId: 'rec1', purpose: 'TREAT' })],
        start + 1000,
      ),
    );
    await step(peer.invoke(who.p1, 'Consent:RevokeConsent', ['flow'], start + 2000));
    await step(peer.invoke(who.p1, 'Consent:RevokeConsent', ['consent-c2'], start + 3000));
    await step(
      peer.invoke(
        who.c2,
        'Access:RequestAccess',
        [JSON.stringify({ recordId: 'rec1', purpose: 'TREAT' })],
        start + 4000,
      ),
    );
    const from = new Date(start).toISOString();
    const trail: string[] = [];
    let bookmark = '';
    do {
      const page = await call<Page<Event>>(peer, who.p1, 'Audit:QueryByPatient', [
        { patientId: 'p1', from, pageSize: 2, bookmark },
      ]);
      trail.push(...page.items.map((e) => e.txId));
      bookmark = page.bookmark;
    } while (bookmark !== '');
    expect(trail).to.deep.equal(steps);
    const window = await call<Page<Event>>(peer, who.co1, 'Audit:QueryByPatient', [
      { patientId: 'p1', from, to: new Date(start + 2000).toISOString() },
    ]);
    expect(window.items.map((e) => e.txId)).to.deep.equal(steps.slice(0, 2));
    const actor = await call<Page<Event>>(peer, who.c2, 'Audit:QueryByActor', [{ actorId: 'c2', from }]);
    expect(actor.items.map((e) => e.type)).to.deep.equal(['AccessDecided', 'AccessDecided']);
    const foreign = await callFails(peer, who.co1, 'Audit:QueryByActor', [
      { actorId: 'c1', from, bookmark: Buffer.from('medrec.audit-by-actor/c2/2031').toString('base64url') },
    ]);
    expect(foreign.code).to.equal('MEDREC_INVALID_ARGUMENT');
    const otherOrganisation = await callFails(peer, who.co1, 'Audit:QueryByActor', [{ actorId: 'c2', from }]);
    expect(otherOrganisation.code).to.equal('MEDREC_FORBIDDEN');
  });

  it('keeps one audit event per state change, each with its own transaction id and time', async () => {
    const { peer } = await freshPeer();
    const all = await call<Page<Event>>(peer, who.co1, 'Audit:QueryByActor', [{ actorId: 'p1', pageSize: 200 }]);
    expect(all.items.map((e) => e.type)).to.deep.equal(['DelegateAdded', 'ConsentGranted', 'ConsentGranted']);
    expect(new Set(all.items.map((e) => e.txId)).size).to.equal(3);
    expect((await callFails(peer, who.co1, 'Audit:GetEvent', ['f'.repeat(64)])).code).to.equal('MEDREC_NOT_FOUND');
    const orgEvent = await call<Page<Event>>(peer, who.co1, 'Audit:QueryByActor', [{ actorId: 'adm1', pageSize: 1 }]);
    const txId = orgEvent.items[0]!.txId;
    expect((await callFails(peer, who.p1, 'Audit:GetEvent', [txId])).code).to.equal('MEDREC_FORBIDDEN');
    expect(H1).to.equal('Hospital1MSP');
  });

  it('emits exactly one event per successful submit and none per evaluate or failure', async () => {
    const { peer } = await freshPeer();
    const events = peer.ledger.events.length;
    await call(peer, who.p1, 'Summary:GetSummary', ['p1']);
    await callFails(peer, who.p2, 'Summary:GetSummary', ['p1']);
    expect(peer.ledger.events.length).to.equal(events);
    const submit = await peer.invoke(who.c2, 'Access:RequestAccess', [
      JSON.stringify({ recordId: 'rec1', purpose: 'TREAT' }),
    ]);
    expect([submit.kind, submit.eventCalls.length, peer.ledger.events.length]).to.deep.equal(['SUBMIT', 1, events + 1]);
  });
});
