// Registrar:ApproveRetirement: leaving the consortium. Each permit (its own admin; a majority of the others) sits
// next to the refusal it must not become (one other member alone; a non-member; a departed organisation's approval),
// and every place membership is counted is checked after a retirement.
import { expect } from 'chai';
import type { Organisation, RetirementVote, TrendQuery } from '../../../contract/src';
import { call, callFails } from './support/client';
import { requester, signedRead } from './support/read-requests';
import { countQuery, prepareTrends } from './support/trends';
import { H1, H2, RES, consentBody, freshPeer, orgBody, who } from './support/world';

describe('Registrar:ApproveRetirement: an organisation leaves the consortium', () => {
  it('retires another organisation only once a strict majority of the other members approved', async () => {
    const { peer } = await freshPeer();
    const first = await call<RetirementVote>(peer, who.adm1, 'Registrar:ApproveRetirement', [H2]);
    expect([first.retired, first.approvals, first.required]).to.deep.equal([false, [H1], 2]);
    expect(first.organisation.retirement).to.equal(undefined);
    // The same organisation approving again is still one approval, and writes nothing.
    const again = await peer.invoke(who.adm1, 'Registrar:ApproveRetirement', [H2]);
    expect([again.ok, again.writes, again.eventCalls.length]).to.deep.equal([true, 0, 0]);
    expect((JSON.parse(again.payload) as RetirementVote).approvals).to.deep.equal([H1]);
    expect((await call<Organisation>(peer, who.c1, 'Registrar:GetOrganisation', [H2])).retirement).to.equal(undefined);

    const second = await call<RetirementVote>(peer, who.admR, 'Registrar:ApproveRetirement', [H2]);
    expect([second.retired, second.approvals, second.required]).to.deep.equal([true, [H1, RES], 2]);
    const stored = await call<Organisation>(peer, who.c1, 'Registrar:GetOrganisation', [H2]);
    expect(stored.retirement?.decidedBy).to.deep.equal([H1, RES]);
    expect(stored.retirement?.txId).to.be.a('string');
    // Already retired: a further approval is a conflict, not a second retirement.
    const late = await callFails(peer, who.adm1, 'Registrar:ApproveRetirement', [H2]);
    expect(late.code).to.equal('MEDREC_CONFLICT');
  });

  it("retires the caller's own organisation at once", async () => {
    const { peer } = await freshPeer();
    const vote = await call<RetirementVote>(peer, who.adm2, 'Registrar:ApproveRetirement', [H2]);
    expect([vote.retired, vote.required, vote.organisation.retirement?.decidedBy]).to.deep.equal([true, 1, [H2]]);
  });

  it('refuses non-admins, unknown organisations, and the admins of an organisation that has left', async () => {
    const { peer } = await freshPeer();
    expect((await callFails(peer, who.reg1, 'Registrar:ApproveRetirement', [H2])).code).to.equal('MEDREC_FORBIDDEN');
    expect((await callFails(peer, who.adm1, 'Registrar:ApproveRetirement', ['NobodyMSP'])).code).to.equal(
      'MEDREC_INVALID_ARGUMENT',
    );
    await call(peer, who.adm2, 'Registrar:ApproveRetirement', [H2]);
    const departed = await callFails(peer, who.adm2, 'Registrar:ApproveRetirement', [RES]);
    expect(departed.code).to.equal('MEDREC_FORBIDDEN');
    // A departed organisation cannot make itself a member again by registering anew, nor register people.
    const back = await callFails(peer, who.adm2, 'Registrar:RegisterOrganisation', [orgBody(H2)]);
    expect(back.code).to.equal('MEDREC_CONFLICT');
    const person = await callFails(peer, who.reg2, 'Registrar:RegisterParticipant', [
      { participantId: 'late-1', role: 'clinician', enrollmentId: 'late-1' },
    ]);
    expect([person.code, person.detail]).to.deep.equal([
      'MEDREC_CONFLICT',
      `organisation ${H2} left the consortium at ${
        (await call<Organisation>(peer, who.c1, 'Registrar:GetOrganisation', [H2])).retirement?.retiredAt ?? ''
      }`,
    ]);
    // A member's registrar still registers people.
    await call(peer, who.reg1, 'Registrar:RegisterParticipant', [
      { participantId: 'late-2', role: 'clinician', enrollmentId: 'late-2' },
    ]);
  });

  it('does not count the approval of an organisation that has left since', async () => {
    const { peer } = await freshPeer();
    // H1 approves retiring RES (the others are H1 and H2: two are needed), then H1 leaves itself.
    await call(peer, who.adm1, 'Registrar:ApproveRetirement', [RES]);
    await call(peer, who.adm1, 'Registrar:ApproveRetirement', [H1]);
    // Now H2 is the only other member: its approval alone is the majority, H1's no longer counts.
    const vote = await call<RetirementVote>(peer, who.adm2, 'Registrar:ApproveRetirement', [RES]);
    expect([vote.retired, vote.approvals, vote.required]).to.deep.equal([true, [H2], 1]);
  });

  it("ends a departed organisation's reads, consents and trend answers; its record stays", async () => {
    const { peer } = await freshPeer();
    await prepareTrends(peer, 50);
    // Before: H2's clinician reads rec1 under consent through H1's gatekeeper.
    const c2 = requester(H2, 'c2', 'clinician');
    await call(peer, who.gk1, 'Access:Disclose', [signedRead(c2)]);
    await call(peer, who.adm1, 'Registrar:ApproveRetirement', [H2]);
    await call(peer, who.admR, 'Registrar:ApproveRetirement', [H2]);

    // Its certificates still chain to the roots it registered, but its people's read requests are refused.
    const read = await callFails(peer, who.gk1, 'Access:Disclose', [signedRead(c2)]);
    expect(read.code).to.equal('MEDREC_FORBIDDEN');
    expect(read.detail).to.include('left the consortium');
    // A consent can no longer name it.
    const consent = await callFails(peer, who.p1, 'Consent:GrantConsent', [
      consentBody({ consentId: 'consent-after', grantee: { kind: 'organisation', mspId: H2 } }),
    ]);
    expect(consent.code).to.equal('MEDREC_CONFLICT');
    // A trend query asks the members only.
    const submitted = await peer.invoke(who.r1, 'Trends:SubmitQuery', [JSON.stringify(countQuery())]);
    expect(submitted.ok, submitted.message).to.equal(true);
    const query = await call<TrendQuery>(peer, who.r1, 'Trends:GetQuery', [submitted.txId]);
    expect(query.custodians).to.deep.equal([H1]);
    // Its record pointer and its history stay readable.
    expect(await call(peer, who.c1, 'Registrar:GetOrganisation', [H2])).to.include({ mspId: H2 });
  });

  it("stops a departed organisation's clinicians requesting access or breaking glass, even while still on the channel", async () => {
    const { peer } = await freshPeer();
    // Before: c2 (H2) is permitted under its consent.
    const before = await call<{ decision: string }>(peer, who.c2, 'Access:RequestAccess', [
      { recordId: 'rec1', purpose: 'TREAT' },
    ]);
    expect(before.decision).to.equal('permit');
    await call(peer, who.adm2, 'Registrar:ApproveRetirement', [H2]);
    const request = await callFails(peer, who.c2, 'Access:RequestAccess', [{ recordId: 'rec1', purpose: 'TREAT' }]);
    expect([request.code, request.detail]).to.include.members(['MEDREC_FORBIDDEN']);
    expect(request.detail).to.include(`${H2} left the consortium`);
    const glass = await callFails(peer, who.c2, 'Access:BreakGlass', [
      { recordId: 'rec1', reason: 'patient-unconscious', durationMinutes: 60 },
    ]);
    expect(glass.code).to.equal('MEDREC_FORBIDDEN');
    // A member's clinician still breaks glass.
    await call(peer, who.c1, 'Access:BreakGlass', [
      { recordId: 'rec1', reason: 'patient-unconscious', durationMinutes: 60 },
    ]);
  });

  it('leaves the departed organisation out of the consortium vote on the incentive schedule', async () => {
    const { peer } = await freshPeer();
    await call(peer, who.adm2, 'Registrar:ApproveRetirement', [H2]);
    const schedule = { initialReward: '50', halvingInterval: '10' };
    expect((await callFails(peer, who.adm2, 'Incentive:ProposeSchedule', [schedule])).code).to.equal(
      'MEDREC_FORBIDDEN',
    );
    const proposed = await call<{ organisations: number; required: number; schedule: unknown }>(
      peer,
      who.adm1,
      'Incentive:ProposeSchedule',
      [schedule],
    );
    expect([proposed.organisations, proposed.required, proposed.schedule]).to.deep.equal([2, 2, null]);
    // The two members left decide: the second approval puts the schedule in effect.
    const adopted = await call<{ schedule: unknown }>(peer, who.admR, 'Incentive:ProposeSchedule', [schedule]);
    expect(adopted.schedule).to.not.equal(null);
  });
});
