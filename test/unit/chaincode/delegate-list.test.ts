// Consent:ListDelegates: the patient's current delegates, for the patient and their organisation's registrar and
// admin; each permit next to the refusal of the same role on someone else's patient.
import { expect } from 'chai';
import type { Delegate } from '../../../contract/src';
import { call, callFails } from './support/client';
import { freshPeer, who } from './support/world';

interface DelegatePage {
  items: Delegate[];
  bookmark: string;
}

const list = (patientId: string, extra: object = {}): object[] => [{ patientId, ...extra }];

describe('Consent:ListDelegates', () => {
  it('lists the active and proposed delegates of the patient, and no removed one', async () => {
    const { peer } = await freshPeer();
    // The world's p1 appointed g1; p1's registrar proposes p2.
    await call(peer, who.reg1, 'Consent:AddDelegate', ['p1', 'p2']);
    const page = await call<DelegatePage>(peer, who.p1, 'Consent:ListDelegates', list('p1'));
    expect(page.items.map((d) => [d.delegateId, d.status])).to.deep.equal([
      ['g1', 'active'],
      ['p2', 'proposed'],
    ]);
    await call(peer, who.p1, 'Consent:RemoveDelegate', ['p1', 'g1']);
    const after = await call<DelegatePage>(peer, who.adm1, 'Consent:ListDelegates', list('p1'));
    expect(after.items.map((d) => d.delegateId)).to.deep.equal(['p2']);
  });

  it('pages: a page of one, then the next with its bookmark', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.reg1, 'Consent:AddDelegate', ['p1', 'p2']);
    const first = await call<DelegatePage>(peer, who.reg1, 'Consent:ListDelegates', list('p1', { pageSize: 1 }));
    expect(first.items.map((d) => d.delegateId)).to.deep.equal(['g1']);
    const second = await call<DelegatePage>(
      peer,
      who.reg1,
      'Consent:ListDelegates',
      list('p1', { pageSize: 1, bookmark: first.bookmark }),
    );
    expect(second.items.map((d) => d.delegateId)).to.deep.equal(['p2']);
  });

  it("refuses another patient, a delegate, and another organisation's registrar and admin", async () => {
    const { peer } = await freshPeer();
    for (const caller of [who.p2, who.g1, who.reg2, who.adm2]) {
      expect((await callFails(peer, caller, 'Consent:ListDelegates', list('p1'))).code).to.equal('MEDREC_FORBIDDEN');
    }
    for (const caller of [who.c1, who.co1, who.gk1, who.r1]) {
      expect((await callFails(peer, caller, 'Consent:ListDelegates', list('p1'))).code).to.equal('MEDREC_FORBIDDEN');
    }
  });
});
