import { expect } from 'chai';
import { call, callFails } from './support/client';
import { freshPeer, who } from './support/world';

interface Page {
  items: { txId: string }[];
  bookmark: string;
}

/** A window after everything the seeded world did: nothing of anyone's is in it. */
const FUTURE = '2150-01-01T00:00:00.000Z';

describe('Audit queries with no results', () => {
  it("gives a patient's empty window as an empty page with no bookmark; another patient is still refused", async () => {
    const { peer } = await freshPeer();
    const own = await call<Page>(peer, who.p1, 'Audit:QueryByPatient', [{ patientId: 'p1', from: FUTURE }]);
    expect(own).to.deep.equal({ items: [], bookmark: '' });
    const compliance = await call<Page>(peer, who.co1, 'Audit:QueryByPatient', [{ patientId: 'p1', from: FUTURE }]);
    expect(compliance).to.deep.equal({ items: [], bookmark: '' });
    const foreign = await callFails(peer, who.p2, 'Audit:QueryByPatient', [{ patientId: 'p1', from: FUTURE }]);
    expect(foreign.code).to.equal('MEDREC_FORBIDDEN');
  });

  it("gives an actor's empty trail as an empty page; another organisation's staff is still refused", async () => {
    const { peer } = await freshPeer();
    // co1 has never written anything: its own trail is empty.
    expect(await call<Page>(peer, who.co1, 'Audit:QueryByActor', [{ actorId: 'co1' }])).to.deep.equal({
      items: [],
      bookmark: '',
    });
    const staffWindow = await call<Page>(peer, who.co1, 'Audit:QueryByActor', [{ actorId: 'c1', from: FUTURE }]);
    expect(staffWindow).to.deep.equal({ items: [], bookmark: '' });
    expect((await callFails(peer, who.co1, 'Audit:QueryByActor', [{ actorId: 'c2' }])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
  });

  it('answers an unknown patient with not found (as Records:ListRecords does), for compliance and patients', async () => {
    const { peer } = await freshPeer();
    for (const caller of [who.co1, who.p1]) {
      const unknown = await callFails(peer, caller, 'Audit:QueryByPatient', [{ patientId: 'nobody' }]);
      expect(unknown.code).to.equal('MEDREC_NOT_FOUND');
      expect(unknown.detail).to.equal('patient nobody does not exist; check the id');
    }
    // A participant who is not a patient is no patient either.
    expect((await callFails(peer, who.co1, 'Audit:QueryByPatient', [{ patientId: 'c1' }])).code).to.equal(
      'MEDREC_NOT_FOUND',
    );
    // A known patient outside the caller's custody is still a refusal, not a not-found.
    const p1 = await call<Page>(peer, who.co1, 'Audit:QueryByPatient', [{ patientId: 'p1' }]);
    expect(p1.items.length).to.be.greaterThan(0);
    expect((await callFails(peer, who.co2, 'Audit:QueryByPatient', [{ patientId: 'p1' }])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
  });
});
