// The consent rules one by one, each permit next to the denial that differs from it in one thing: who a grantee
// names, the scope, the period's edges, the patient, the scan bound. Written against the mutation survivors listed in
// docs/mutation-testing.md.
import { expect } from 'chai';
import type { Caller } from '../../../chaincode/src/common/caller';
import { KEY } from '../../../chaincode/src/common/keys';
import { decideAccess } from '../../../chaincode/src/access/decide-access';
import { ConsentContract } from '../../../chaincode/src/consent/consent-contract';
import { actsForPatient, isActiveDelegate } from '../../../chaincode/src/consent/acts-for-patient';
import type { Consent } from '../../../contract/src/consent';
import {
  MAX_CONSENTS_EVALUATED,
  consentCovers,
  findCoveringConsent,
  granteeMatches,
} from '../../../chaincode/src/consent/consent-store';
import type { RecordPointer } from '../../../contract/src/records';
import { call, callFails } from './support/client';
import { identity } from './support/fake-peer';
import { compositeKey, directContext, lastEvent, putCommitted } from './support/direct';
import type { FakeStub } from './support/fake-stub';
import type { Ledger } from './support/ledger';
import { DAY, H1, H2, HASH_A, RES, T0, consentBody, freshPeer, who } from './support/world';

const NOW = '2030-01-01T00:01:00.000Z';

function caller(role: Caller['role'], mspId: string, participantId: string): Caller {
  return { role, mspId, participantId, participant: undefined };
}

const record: RecordPointer = {
  recordId: 'rec1',
  patientId: 'p1',
  custodianMsp: H1,
  category: 'laboratory',
  contentHash: HASH_A,
  locator: 'urn:h1:rec1',
  version: 1,
  supersedes: null,
  supersededBy: null,
  registeredBy: 'c1',
  registeredAt: '2029-11-01T00:00:00.000Z',
  txId: 'e'.repeat(64),
};

function consent(overrides: Partial<Consent> = {}): Consent {
  return {
    consentId: 'consent-x',
    patientId: 'p1',
    grantee: { kind: 'participant', participantId: 'c2' },
    scope: { custodians: [H1] },
    purposes: ['TREAT'],
    period: { notBefore: '2029-12-01T00:00:00.000Z', notAfter: '2030-06-01T00:00:00.000Z' },
    status: 'active',
    grantedBy: 'p1',
    grantedAt: '2029-11-15T00:00:00.000Z',
    txId: 'f'.repeat(64),
    ...overrides,
  };
}

const c2 = caller('clinician', H2, 'c2');

describe('Consent rules: who a grantee names', () => {
  it('a participant grantee is that participant only', () => {
    const grantee = { kind: 'participant', participantId: 'c2' } as const;
    expect(granteeMatches(grantee, c2)).to.equal(true);
    expect(granteeMatches(grantee, caller('clinician', H2, 'c3'))).to.equal(false);
  });

  it('a role grantee covers that role at that organisation, not another role there nor that role elsewhere', () => {
    const grantee = { kind: 'role', role: 'clinician', mspId: H2 } as const;
    expect(granteeMatches(grantee, c2)).to.equal(true);
    expect(granteeMatches(grantee, caller('researcher', H2, 'rs9')), 'researcher of H2').to.equal(false);
    expect(granteeMatches(grantee, caller('clinician', H1, 'c1')), 'clinician of H1').to.equal(false);
    expect(granteeMatches(grantee, caller('researcher', RES, 'r1')), 'researcher of RES').to.equal(false);
  });

  it('an organisation grantee covers every member of that organisation and no one else', () => {
    const grantee = { kind: 'organisation', mspId: H2 } as const;
    expect(granteeMatches(grantee, c2)).to.equal(true);
    expect(granteeMatches(grantee, caller('researcher', H2, 'rs9'))).to.equal(true);
    expect(granteeMatches(grantee, caller('clinician', H1, 'c1'))).to.equal(false);
  });

  it('through RequestAccess: a role grant to clinicians of H2 opens nothing to a researcher of H2', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.adm2, 'Registrar:RegisterParticipant', [
      { participantId: 'rs2', role: 'researcher', enrollmentId: 'rs2' },
    ]);
    await call(peer, who.p1, 'Consent:RevokeConsent', ['consent-c2']);
    await call(peer, who.p1, 'Consent:GrantConsent', [
      consentBody({ consentId: 'consent-role', grantee: { kind: 'role', role: 'clinician', mspId: H2 } }),
    ]);
    const rs2 = identity(H2, 'researcher', 'rs2');
    const denied = await call<{ decision: string }>(peer, rs2, 'Access:RequestAccess', [
      { recordId: 'rec1', purpose: 'TREAT' },
    ]);
    expect(denied.decision).to.equal('deny');
    const permitted = await call<{ decision: string; consentId: string }>(peer, who.c2, 'Access:RequestAccess', [
      { recordId: 'rec1', purpose: 'TREAT' },
    ]);
    expect(permitted).to.include({ decision: 'permit', consentId: 'consent-role' });
  });
});

describe('Consent rules: when a consent covers a request', () => {
  it('covers the request it names', () => {
    expect(consentCovers(consent(), c2, 'TREAT', record, NOW)).to.equal(true);
  });

  it("never applies one patient's consent to another patient's record", () => {
    expect(consentCovers(consent({ patientId: 'p2' }), c2, 'TREAT', record, NOW)).to.equal(false);
  });

  it('is in force from exactly notBefore, and no longer at exactly notAfter', () => {
    const period = { notBefore: NOW, notAfter: '2030-01-01T00:02:00.000Z' };
    expect(consentCovers(consent({ period }), c2, 'TREAT', record, NOW)).to.equal(true);
    expect(consentCovers(consent({ period }), c2, 'TREAT', record, '2030-01-01T00:00:59.999Z')).to.equal(false);
    expect(consentCovers(consent({ period }), c2, 'TREAT', record, '2030-01-01T00:02:00.000Z')).to.equal(false);
    expect(consentCovers(consent({ period }), c2, 'TREAT', record, '2030-01-01T00:01:59.999Z')).to.equal(true);
  });

  it('covers only the listed records when it lists records', () => {
    const listed = consent({ scope: { custodians: [H1], recordIds: ['rec1'] } });
    const other = consent({ scope: { custodians: [H1], recordIds: ['rec-other'] } });
    expect(consentCovers(listed, c2, 'TREAT', record, NOW)).to.equal(true);
    expect(consentCovers(other, c2, 'TREAT', record, NOW)).to.equal(false);
  });

  it('covers only the listed categories when it lists categories', () => {
    const listed = consent({ scope: { custodians: [H1], categories: ['laboratory'] } });
    const other = consent({ scope: { custodians: [H1], categories: ['imaging'] } });
    expect(consentCovers(listed, c2, 'TREAT', record, NOW)).to.equal(true);
    expect(consentCovers(other, c2, 'TREAT', record, NOW)).to.equal(false);
  });

  it('covers only the listed custodians, purposes and an active status', () => {
    expect(consentCovers(consent({ scope: { custodians: [H2] } }), c2, 'TREAT', record, NOW)).to.equal(false);
    expect(consentCovers(consent(), c2, 'HPAYMT', record, NOW)).to.equal(false);
    expect(consentCovers(consent({ status: 'revoked' }), c2, 'TREAT', record, NOW)).to.equal(false);
  });
});

/** Writes `count` consents of `patientId` that cover nothing (a grantee no one is), ids sorting before 'consent-c'. */
/**
 * Consents granted to c2 that do not cover a treatment read (payment only), in both indexes, sorting before
 * consent-c2: each is scanned before c2's covering consent is reached.
 */
function fillConsents(ledger: Ledger, patientId: string, count: number): void {
  for (let index = 0; index < count; index += 1) {
    const consentId = `consent-a${String(index).padStart(5, '0')}`;
    const value = consent({ consentId, patientId, purposes: ['HPAYMT'] });
    putCommitted(ledger, compositeKey(ledger, who.c2, KEY.consentByPatient, patientId, consentId), value);
    putCommitted(
      ledger,
      compositeKey(ledger, who.c2, KEY.consentByGrantee, patientId, 'participant', 'c2', consentId),
      value,
    );
  }
}

describe('Consent rules: the scan for a covering consent', () => {
  it(`finds a covering consent that is the ${MAX_CONSENTS_EVALUATED}th of the patient's consents`, async () => {
    const { peer } = await freshPeer();
    fillConsents(peer.ledger, 'p1', MAX_CONSENTS_EVALUATED - 1);
    const found = await findCoveringConsent(directContext(peer.ledger, who.c2), c2, 'TREAT', record, NOW);
    expect(found?.consentId).to.equal('consent-c2');
  });

  it(`evaluates no more than ${MAX_CONSENTS_EVALUATED} consents of a grantee partition, and closes a scan it leaves`, async () => {
    const { peer } = await freshPeer();
    fillConsents(peer.ledger, 'p1', MAX_CONSENTS_EVALUATED);
    const ctx = directContext(peer.ledger, who.c2);
    const closed: boolean[] = [];
    const stub = ctx.stub as unknown as FakeStub;
    const scan = stub.getStateByPartialCompositeKey.bind(stub);
    stub.getStateByPartialCompositeKey = async (objectType: string, attributes: string[]) => {
      const iterator = await scan(objectType, attributes);
      const close = iterator.close.bind(iterator);
      iterator.close = async () => {
        closed.push(true);
        await close();
      };
      return iterator;
    };
    expect(await findCoveringConsent(ctx, c2, 'TREAT', record, NOW)).to.equal(undefined);
    // The participant partition is left at the bound: closed. The role and organisation partitions are read to
    // their (empty) end, which the peer releases by itself.
    expect(closed).to.deep.equal([true]);
  });

  it("scans only the record's patient's consents", async () => {
    const { peer } = await freshPeer();
    // Another patient whose id sorts first, with enough consents to exhaust the bound if they were scanned.
    fillConsents(peer.ledger, 'a-patient', MAX_CONSENTS_EVALUATED);
    const found = await findCoveringConsent(directContext(peer.ledger, who.c2), c2, 'TREAT', record, NOW);
    expect(found?.consentId).to.equal('consent-c2');
  });
});

describe('Consent rules: acting for a patient, decided below the role gate', () => {
  it('only a patient-role caller is the patient or their delegate', async () => {
    const { peer } = await freshPeer();
    const ctx = directContext(peer.ledger, who.c1);
    expect(await actsForPatient(ctx, caller('patient', H1, 'p1'), 'p1')).to.equal(true);
    expect(await actsForPatient(ctx, caller('patient', H1, 'g1'), 'p1')).to.equal(true);
    // The same ids under another role act for no one.
    expect(await actsForPatient(ctx, caller('clinician', H1, 'p1'), 'p1')).to.equal(false);
    expect(await actsForPatient(ctx, caller('registrar', H1, 'g1'), 'p1')).to.equal(false);
    expect(await actsForPatient(ctx, caller('patient', H1, 'p2'), 'p1')).to.equal(false);
    expect(await isActiveDelegate(ctx, 'p1', 'g1')).to.equal(true);
    expect(await isActiveDelegate(ctx, 'p1', 'p2')).to.equal(false);
  });

  it('decideAccess grants own-record and delegate only to patient-role callers', async () => {
    const { peer } = await freshPeer();
    const ctx = directContext(peer.ledger, who.c1);
    expect(await decideAccess(ctx, caller('patient', H1, 'p1'), record, 'TREAT', NOW)).to.deep.equal({
      decision: 'permit',
      reason: 'own-record',
    });
    expect(await decideAccess(ctx, caller('patient', H1, 'g1'), record, 'TREAT', NOW)).to.deep.equal({
      decision: 'permit',
      reason: 'delegate',
    });
    // A researcher whose id happens to be the patient's or the delegate's is judged on consent only.
    expect(await decideAccess(ctx, caller('researcher', RES, 'p1'), record, 'TREAT', NOW)).to.deep.equal({
      decision: 'deny',
      reason: 'no-covering-consent',
    });
    expect(await decideAccess(ctx, caller('researcher', RES, 'g1'), record, 'TREAT', NOW)).to.deep.equal({
      decision: 'deny',
      reason: 'no-covering-consent',
    });
    expect(
      await decideAccess(ctx, caller('patient', H1, 'p1'), { ...record, supersededBy: 'rec2' }, 'TREAT', NOW),
    ).to.deep.equal({ decision: 'deny', reason: 'record-superseded' });
  });
});

describe('Consent contract: reads and grants', () => {
  it("lists only the asked patient's consents, to a compliance officer too", async () => {
    const { peer } = await freshPeer();
    await call(peer, who.p2, 'Consent:GrantConsent', [consentBody({ consentId: 'consent-p2', patientId: 'p2' })]);
    for (const asker of [who.p1, who.co1]) {
      const page = await call<{ items: { consentId: string; patientId: string }[] }>(
        peer,
        asker,
        'Consent:ListConsents',
        [{ patientId: 'p1' }],
      );
      expect(page.items.map((item) => item.consentId)).to.deep.equal(['consent-c2', 'consent-research']);
    }
  });

  it("keeps a patient who is the grantee of another patient's consent out of it", async () => {
    const { peer } = await freshPeer();
    await call(peer, who.p1, 'Consent:GrantConsent', [
      consentBody({ consentId: 'consent-to-p2', grantee: { kind: 'participant', participantId: 'p2' } }),
    ]);
    const refused = await callFails(peer, who.p2, 'Consent:GetConsent', ['consent-to-p2']);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain('p2');
    // The clinician grantee reads it; the patient reads their own.
    await call(peer, who.c2, 'Consent:GetConsent', ['consent-c2']);
    await call(peer, who.p1, 'Consent:GetConsent', ['consent-to-p2']);
  });

  it('refuses a consent ending exactly at the transaction time, and accepts one ending 1 ms later', async () => {
    const { peer } = await freshPeer();
    const at = T0 + 5 * 60_000;
    const ending = (notAfter: number, consentId: string): Record<string, unknown> =>
      consentBody({
        consentId,
        period: { notBefore: '2029-12-01T00:00:00.000Z', notAfter: new Date(notAfter).toISOString() },
      });
    const refused = await callFails(peer, who.p1, 'Consent:GrantConsent', [ending(at, 'consent-now')], at);
    expect(refused.code).to.equal('MEDREC_INVALID_ARGUMENT');
    expect(refused.detail).to.contain('notAfter');
    await call(peer, who.p1, 'Consent:GrantConsent', [ending(at + 1, 'consent-later')], at);
  });

  it('names the consent id that already exists with another body', async () => {
    const { peer } = await freshPeer();
    const refused = await callFails(peer, who.p1, 'Consent:GrantConsent', [consentBody({ purposes: ['HPAYMT'] })]);
    expect(refused.code).to.equal('MEDREC_CONFLICT');
    expect(refused.detail).to.contain('consent-c2');
  });

  it('refuses a grant naming a grantee or a patient that is not an active participant, naming the argument', async () => {
    const { peer } = await freshPeer();
    const refused = await callFails(peer, who.p1, 'Consent:GrantConsent', [
      consentBody({ consentId: 'consent-ghost', grantee: { kind: 'participant', participantId: 'ghost' } }),
    ]);
    expect(refused.code).to.equal('MEDREC_INVALID_ARGUMENT');
    expect(refused.detail).to.contain('consent.grantee.participantId: ghost is not a registered participant');
    // A delegate still acting for a patient who has since been deactivated.
    await call(peer, who.reg1, 'Registrar:DeactivateParticipant', ['p1']);
    const forGone = await callFails(peer, who.g1, 'Consent:GrantConsent', [consentBody({ consentId: 'consent-g' })]);
    expect(forGone.code).to.equal('MEDREC_CONFLICT');
    expect(forGone.detail).to.contain('consent.patientId');
  });

  it("refuses a compliance officer outside the patient's custody, naming patient and organisation", async () => {
    const { peer } = await freshPeer();
    const refused = await callFails(peer, who.co2, 'Consent:ListConsents', [{ patientId: 'p1' }]);
    expect(refused.code).to.equal('MEDREC_FORBIDDEN');
    expect(refused.detail).to.contain('p1').and.to.contain(H2);
  });

  it('dates each history entry with its transaction time to the millisecond, newest first, and closes the scan', async () => {
    const { peer } = await freshPeer();
    const grantedAt = T0 + 7 * DAY + 123_456;
    await call(peer, who.p1, 'Consent:GrantConsent', [consentBody({ consentId: 'consent-h' })], grantedAt - 5_000);
    await call(peer, who.p1, 'Consent:RevokeConsent', ['consent-h'], grantedAt);
    const history = await call<{ entries: { time: string; consent: { status: string } }[] }>(
      peer,
      who.p1,
      'Consent:GetConsentHistory',
      ['consent-h'],
    );
    expect(history.entries.map((entry) => [entry.time, entry.consent.status])).to.deep.equal([
      [new Date(grantedAt).toISOString(), 'revoked'],
      [new Date(grantedAt - 5_000).toISOString(), 'active'],
    ]);
  });

  it('closes the history scan', async () => {
    const { peer } = await freshPeer();
    const ctx = directContext(peer.ledger, who.p1);
    const stub = ctx.stub as unknown as FakeStub;
    const closed: boolean[] = [];
    const history = stub.getHistoryForKey.bind(stub);
    stub.getHistoryForKey = async (stateKey: string) => {
      const iterator = await history(stateKey);
      const close = iterator.close.bind(iterator);
      iterator.close = async () => {
        closed.push(true);
        await close();
      };
      return iterator;
    };
    const answer = JSON.parse(await new ConsentContract().GetConsentHistory(ctx, 'consent-c2')) as {
      consentId: string;
    };
    expect(answer.consentId).to.equal('consent-c2');
    expect(closed).to.deep.equal([true]);
  });

  it('names the consent it cannot find', async () => {
    const { peer } = await freshPeer();
    const missing = await callFails(peer, who.p1, 'Consent:GetConsent', ['consent-none']);
    expect(missing.code).to.equal('MEDREC_NOT_FOUND');
    expect(missing.detail).to.contain('consent consent-none');
  });

  it('returns at most 100 history entries', async () => {
    const { peer } = await freshPeer();
    const stateKey = compositeKey(peer.ledger, who.p1, KEY.consent, 'consent-c2');
    const entries = peer.ledger.history.get(stateKey) ?? [];
    const value = peer.ledger.state.get(stateKey)!;
    for (let index = entries.length; index < 150; index += 1) {
      entries.push({ txId: String(index).padStart(64, '0'), timestampMs: T0 + index, isDelete: false, value });
    }
    peer.ledger.history.set(stateKey, entries);
    const history = await call<{ entries: unknown[] }>(peer, who.p1, 'Consent:GetConsentHistory', ['consent-c2']);
    expect(history.entries).to.have.length(100);
  });

  it('audits a grant and a revocation against the patient and the consent', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.p1, 'Consent:GrantConsent', [consentBody({ consentId: 'consent-e' })]);
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'ConsentGranted',
      patientId: 'p1',
      subject: { kind: 'consent', id: 'consent-e' },
    });
    await call(peer, who.p1, 'Consent:RevokeConsent', ['consent-e']);
    expect(lastEvent(peer.ledger).payload).to.deep.include({
      type: 'ConsentRevoked',
      patientId: 'p1',
      subject: { kind: 'consent', id: 'consent-e' },
    });
  });
});
