// Delegates, rule by rule: a patient appoints at once, a registrar or admin of the patient's organisation only
// proposes, only the patient accepts, and a proposal acts for no one. Written against the mutation survivors listed
// in docs/mutation-testing.md.
import { expect } from 'chai';
import type { Caller } from '../../../chaincode/src/common/caller';
import { acceptDelegate } from '../../../chaincode/src/consent/delegates';
import { call, callFails } from './support/client';
import { directContext, lastEvent } from './support/direct';
import type { FakePeer } from './support/fake-peer';
import { H1, consentBody, freshPeer, who } from './support/world';

interface Delegate {
  patientId: string;
  delegateId: string;
  status: string;
  addedBy: string;
  acceptedAt?: string;
  txId: string;
}

/** The patient's newest notification (every notification must also still parse: kinds are validated on read). */
async function lastNotification(peer: FakePeer, patientId: string): Promise<{ kind: string; subjectId: string }> {
  const page = await call<{ items: { kind: string; subjectId: string }[] }>(peer, who.p1, 'Summary:ListNotifications', [
    { patientId, pageSize: 200 },
  ]);
  return page.items.at(-1)!;
}

/** Whether `delegate` can read p1's summary, i.e. acts for p1. */
async function actsForP1(peer: FakePeer, delegate: typeof who.p2): Promise<boolean> {
  const outcome = await peer.invoke(delegate, 'Summary:GetSummary', ['p1']);
  return outcome.ok;
}

describe('Delegates: appointment by the patient', () => {
  it('is active at once, accepted at appointment, audited, notified, and lets the delegate act', async () => {
    const { peer } = await freshPeer();
    expect(await actsForP1(peer, who.p2)).to.equal(false);
    const added = await call<Delegate>(peer, who.p1, 'Consent:AddDelegate', ['p1', 'p2']);
    expect(added).to.include({ patientId: 'p1', delegateId: 'p2', status: 'active', addedBy: 'p1' });
    expect(added.acceptedAt).to.be.a('string');
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'DelegateAdded',
      patientId: 'p1',
      subject: { kind: 'delegate', id: 'p2' },
    });
    expect(await lastNotification(peer, 'p1')).to.include({ kind: 'delegate', subjectId: 'p2' });
    expect(await actsForP1(peer, who.p2)).to.equal(true);
  });

  it('appointing an active delegate again writes nothing and returns the appointment', async () => {
    const { peer } = await freshPeer();
    const before = await call<Delegate>(peer, who.p1, 'Consent:AddDelegate', ['p1', 'p2']);
    const again = await peer.invoke(who.p1, 'Consent:AddDelegate', ['p1', 'p2']);
    expect([again.ok, again.writes, again.eventCalls.length]).to.deep.equal([true, 0, 0]);
    expect(JSON.parse(again.payload)).to.deep.equal(before);
  });

  it('refuses the patient as their own delegate and a delegate that is not a patient, naming delegateId', async () => {
    const { peer } = await freshPeer();
    const self = await callFails(peer, who.p1, 'Consent:AddDelegate', ['p1', 'p1']);
    expect(self.code).to.equal('MEDREC_INVALID_ARGUMENT');
    expect(self.detail).to.match(/^delegateId: /);
    const clinician = await callFails(peer, who.p1, 'Consent:AddDelegate', ['p1', 'c1']);
    expect(clinician.code).to.equal('MEDREC_INVALID_ARGUMENT');
    expect(clinician.detail)
      .to.match(/^delegateId: /)
      .and.to.contain('c1');
  });

  it("refuses a patient managing another patient's delegates", async () => {
    const { peer } = await freshPeer();
    const refused = await callFails(peer, who.p2, 'Consent:AddDelegate', ['p1', 'p2']);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain('own delegates');
  });
});

describe('Delegates: proposal by the registrar', () => {
  it('is only a proposal: not accepted, acting for no one, audited as proposed', async () => {
    const { peer } = await freshPeer();
    const proposed = await call<Delegate>(peer, who.reg1, 'Consent:AddDelegate', ['p1', 'p2']);
    expect(proposed).to.include({ status: 'proposed', addedBy: 'reg1' });
    expect(proposed.acceptedAt).to.equal(undefined);
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'DelegateProposed',
      subject: { kind: 'delegate', id: 'p2' },
    });
    expect(await actsForP1(peer, who.p2)).to.equal(false);
  });

  it('proposing again, or proposing an active delegate, changes nothing (a registrar never activates)', async () => {
    const { peer } = await freshPeer();
    const proposed = await call<Delegate>(peer, who.reg1, 'Consent:AddDelegate', ['p1', 'p2']);
    const again = await peer.invoke(who.reg1, 'Consent:AddDelegate', ['p1', 'p2']);
    expect([again.ok, again.writes]).to.deep.equal([true, 0]);
    expect(JSON.parse(again.payload)).to.deep.equal(proposed);
    expect(await actsForP1(peer, who.p2)).to.equal(false);
    const active = await peer.invoke(who.adm1, 'Consent:AddDelegate', ['p1', 'g1']);
    expect([active.ok, active.writes, (JSON.parse(active.payload) as Delegate).status]).to.deep.equal([
      true,
      0,
      'active',
    ]);
  });

  it("the patient's own appointment of a proposed delegate is the acceptance, keeping who proposed it", async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg1, 'Consent:AddDelegate', ['p1', 'p2']);
    const accepted = await call<Delegate>(peer, who.p1, 'Consent:AddDelegate', ['p1', 'p2']);
    expect(accepted).to.include({ status: 'active', addedBy: 'reg1' });
    expect(accepted.acceptedAt).to.be.a('string');
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'DelegateAdded',
      patientId: 'p1',
      subject: { kind: 'delegate', id: 'p2' },
    });
    expect(await lastNotification(peer, 'p1')).to.include({ kind: 'delegate', subjectId: 'p2' });
    expect(await actsForP1(peer, who.p2)).to.equal(true);
  });

  it('AcceptDelegate activates a proposal; accepting again writes nothing', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg1, 'Consent:AddDelegate', ['p1', 'p2']);
    const accepted = await call<Delegate>(peer, who.p1, 'Consent:AcceptDelegate', ['p1', 'p2']);
    expect(accepted.status).to.equal('active');
    const again = await peer.invoke(who.p1, 'Consent:AcceptDelegate', ['p1', 'p2']);
    expect([again.ok, again.writes]).to.deep.equal([true, 0]);
    expect(JSON.parse(again.payload)).to.deep.equal(accepted);
  });

  it('AcceptDelegate of someone never proposed is MEDREC_NOT_FOUND naming both', async () => {
    const { peer } = await freshPeer();
    const missing = await callFails(peer, who.p1, 'Consent:AcceptDelegate', ['p1', 'p2']);
    expect(missing.code).to.equal('MEDREC_NOT_FOUND');
    expect(missing.detail).to.contain('p2').and.to.contain('p1');
  });

  it('AcceptDelegate of a proposed delegate deactivated since is refused, naming delegateId', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg1, 'Consent:AddDelegate', ['p1', 'p2']);
    await call(peer, who.reg1, 'Registrar:DeactivateParticipant', ['p2']);
    const refused = await callFails(peer, who.p1, 'Consent:AcceptDelegate', ['p1', 'p2']);
    expect(refused.code).to.equal('MEDREC_CONFLICT');
    expect(refused.detail).to.match(/^delegateId: /);
  });

  it('only the patient accepts: not another patient, nor a non-patient caller carrying the patient id', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg1, 'Consent:AddDelegate', ['p1', 'p2']);
    const other = await callFails(peer, who.g1, 'Consent:AcceptDelegate', ['p1', 'p2']);
    expect(other.code).to.equal('MEDREC_FORBIDDEN');
    expect(other.detail).to.contain('only the patient');
    const impostor: Caller = { role: 'registrar', mspId: H1, participantId: 'p1', participant: undefined };
    let error: unknown;
    try {
      await acceptDelegate(directContext(peer.ledger, who.reg1), impostor, 'p1', 'p2');
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).to.contain('MEDREC_FORBIDDEN');
  });

  it("refuses another organisation's registrar and names where the patient is registered", async () => {
    const { peer } = await freshPeer();
    const refused = await callFails(peer, who.reg2, 'Consent:AddDelegate', ['p1', 'p2']);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain('p1').and.to.contain(H1);
    const notPatient = await callFails(peer, who.reg1, 'Consent:AddDelegate', ['c1', 'p2']);
    expect(notPatient.code).to.equal('MEDREC_INVALID_ARGUMENT');
    expect(notPatient.detail).to.match(/^patientId: /);
  });
});

describe('Delegates: removal', () => {
  it('removes, audits, notifies and answers what it removed; the delegate no longer acts', async () => {
    const { peer } = await freshPeer();
    const removed = await call(peer, who.p1, 'Consent:RemoveDelegate', ['p1', 'g1']);
    expect(removed).to.deep.equal({ patientId: 'p1', delegateId: 'g1', removed: true });
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'DelegateRemoved',
      patientId: 'p1',
      subject: { kind: 'delegate', id: 'g1' },
    });
    expect(await lastNotification(peer, 'p1')).to.include({ kind: 'delegate', subjectId: 'g1' });
    expect(await actsForP1(peer, who.g1)).to.equal(false);
    const grant = await callFails(peer, who.g1, 'Consent:GrantConsent', [consentBody({ consentId: 'consent-g1' })]);
    expect(grant.code).to.equal('MEDREC_FORBIDDEN');
    expect(grant.detail).to.contain('g1 is neither patient p1 nor an active delegate');
  });

  it('removing someone who is not a delegate is MEDREC_NOT_FOUND naming both', async () => {
    const { peer } = await freshPeer();
    const missing = await callFails(peer, who.p1, 'Consent:RemoveDelegate', ['p1', 'p2']);
    expect(missing.code).to.equal('MEDREC_NOT_FOUND');
    expect(missing.detail).to.contain('p2').and.to.contain('p1');
  });
});

describe('Delegates: arguments', () => {
  const cases: [string, string[], RegExp][] = [
    ['Consent:AddDelegate', ['bad id', 'p2'], /^patientId/],
    ['Consent:AddDelegate', ['p1', 'bad id'], /^delegateId/],
    ['Consent:AcceptDelegate', ['bad id', 'p2'], /^patientId/],
    ['Consent:AcceptDelegate', ['p1', 'bad id'], /^delegateId/],
    ['Consent:RemoveDelegate', ['bad id', 'p2'], /^patientId/],
    ['Consent:RemoveDelegate', ['p1', 'bad id'], /^delegateId/],
  ];
  for (const [fcn, args, named] of cases) {
    it(`${fcn}(${args.join(', ')}) names the malformed argument`, async () => {
      const { peer } = await freshPeer();
      const refused = await callFails(peer, who.p1, fcn, args);
      expect(refused.code).to.equal('MEDREC_INVALID_ARGUMENT');
      expect(refused.detail).to.match(named);
    });
  }
});
