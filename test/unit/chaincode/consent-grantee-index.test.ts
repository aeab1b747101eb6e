import { expect } from 'chai';
import { call, callFails } from './support/client';
import type { FakePeer } from './support/fake-peer';
import { compositeKey, putCommitted } from './support/direct';
import { H1, H2, consentBody, freshPeer, who } from './support/world';

interface Ticket {
  decision: string;
  reason: string;
  consentId?: string;
}
interface IndexStatus {
  complete: boolean;
  indexed: number;
}

const TREAT = { recordId: 'rec1', purpose: 'TREAT' };
const GRANTEE_INDEX = 'medrec.consent-by-grantee';
const MARKER = (peer: FakePeer): string => compositeKey(peer.ledger, who.p1, 'medrec.consent-grantee-index-complete');

describe('Consent: the grantee index access decisions scan', () => {
  it('decides as before once indexed: participant, role and organisation grantees; a revocation removes the entry', async () => {
    const { peer } = await freshPeer();
    expect(await call<IndexStatus>(peer, who.adm1, 'Consent:IndexGrantees', [])).to.deep.equal({
      complete: true,
      indexed: 0,
    });
    expect(peer.ledger.state.has(MARKER(peer))).to.equal(true);
    expect(await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT])).to.include({
      decision: 'permit',
      consentId: 'consent-c2',
    });
    await call(peer, who.p1, 'Consent:GrantConsent', [
      consentBody({ consentId: 'by-role', grantee: { kind: 'role', role: 'clinician', mspId: H2 } }),
    ]);
    await call(peer, who.p1, 'Consent:GrantConsent', [
      consentBody({ consentId: 'a-by-org', grantee: { kind: 'organisation', mspId: H2 } }),
    ]);
    // The first covering consent in id order across the caller's three partitions, as a full scan would find it.
    expect((await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT])).consentId).to.equal('a-by-org');
    const entry = compositeKey(peer.ledger, who.p1, GRANTEE_INDEX, 'p1', 'organisation', H2, 'a-by-org');
    expect(peer.ledger.state.has(entry)).to.equal(true);
    await call(peer, who.p1, 'Consent:RevokeConsent', ['a-by-org']);
    expect(peer.ledger.state.has(entry)).to.equal(false);
    expect((await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT])).consentId).to.equal('by-role');
    await call(peer, who.p1, 'Consent:RevokeConsent', ['by-role']);
    await call(peer, who.p1, 'Consent:RevokeConsent', ['consent-c2']);
    expect(await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT])).to.include({
      decision: 'deny',
      reason: 'no-covering-consent',
    });
    // The researcher's own partitions hold a consent for research only: treatment is refused, research permitted.
    expect((await call<Ticket>(peer, who.r1, 'Access:RequestAccess', [TREAT])).decision).to.equal('deny');
    expect(
      (await call<Ticket>(peer, who.r1, 'Access:RequestAccess', [{ ...TREAT, purpose: 'HRESCH' }])).decision,
    ).to.equal('permit');
  });

  it('migrates a ledger from an earlier chaincode: a consent missing from the index is found by the full scan, then indexed', async () => {
    const { peer } = await freshPeer();
    // As an earlier chaincode left it: the consent and its patient entry, no grantee entry and no marker.
    const entry = compositeKey(peer.ledger, who.p1, GRANTEE_INDEX, 'p1', 'participant', 'c2', 'consent-c2');
    peer.ledger.state.delete(entry);
    peer.ledger.state.delete(MARKER(peer));
    expect((await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT])).consentId).to.equal('consent-c2');
    expect((await callFails(peer, who.c2, 'Consent:IndexGrantees', [])).code).to.equal('MEDREC_FORBIDDEN');
    expect(await call<IndexStatus>(peer, who.adm1, 'Consent:IndexGrantees', [])).to.deep.equal({
      complete: true,
      indexed: 1,
    });
    expect(peer.ledger.state.has(entry)).to.equal(true);
    expect((await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT])).consentId).to.equal('consent-c2');
    expect(await call<IndexStatus>(peer, who.adm2, 'Consent:IndexGrantees', [])).to.deep.equal({
      complete: true,
      indexed: 0,
    });
    // Once complete, decisions read the index alone: an entry missing from it is not found.
    peer.ledger.state.delete(entry);
    expect((await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT])).decision).to.equal('deny');
  });

  it("finds the caller's consent however many the patient gave others (the full scan stopped at 1,000)", async () => {
    const { peer } = await freshPeer();
    peer.ledger.state.delete(MARKER(peer));
    await call(peer, who.p1, 'Consent:RevokeConsent', ['consent-c2']);
    const granted = await call(peer, who.p1, 'Consent:GetConsent', ['consent-c2']);
    for (let i = 0; i < 1000; i += 1) {
      const consentId = `other-${String(i).padStart(4, '0')}`;
      const other: Record<string, unknown> = {
        ...granted,
        consentId,
        status: 'active',
        grantee: { kind: 'participant', participantId: 'c9' },
      };
      delete other.revokedAt;
      delete other.revokedBy;
      putCommitted(peer.ledger, compositeKey(peer.ledger, who.p1, 'medrec.consent', consentId), other);
      putCommitted(peer.ledger, compositeKey(peer.ledger, who.p1, 'medrec.consent-by-patient', 'p1', consentId), other);
      putCommitted(
        peer.ledger,
        compositeKey(peer.ledger, who.p1, GRANTEE_INDEX, 'p1', 'participant', 'c9', consentId),
        other,
      );
    }
    await call(peer, who.p1, 'Consent:GrantConsent', [consentBody({ consentId: 'zz-last' })]);
    expect((await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT])).decision).to.equal('deny');
    await call(peer, who.adm1, 'Consent:IndexGrantees', []);
    expect((await call<Ticket>(peer, who.c2, 'Access:RequestAccess', [TREAT])).consentId).to.equal('zz-last');
    expect(H1).to.equal('Hospital1MSP');
  });
});
