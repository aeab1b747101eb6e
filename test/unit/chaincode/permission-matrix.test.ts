import { expect } from 'chai';
import { DEFAULT_TREND_SETTINGS } from '../../../contract/src/trends';
import { PERMISSIONS, type TxName } from '../../../chaincode/src/common/permissions';
import { ROLES, type Role } from '../../../contract/src/primitives';
import { proposalIdOf } from '../../../chaincode/src/incentive/schedule-vote';
import { documentedMatrix } from '../../support/documented-permission-matrix';
import { orgPki } from './support/certs';
import { attestationOf, endorse, type ClaimBody } from './support/endorsement';
import { claimAndPay } from './support/incentive';
import { requester, signedRead } from './support/read-requests';
import { answer, countQuery, gkR, prepareTrends, r2, suppressed } from './support/trends';
import type { FakeIdentity, FakePeer } from './support/fake-peer';
import { H1, H2, HASH_B, consentBody, freshPeer, orgBody, who, type World } from './support/world';

type Args = (string | object)[];

/** The identity used for an allowed cell unless a case says otherwise. */
const DEFAULT_CALLER: Record<Role, FakeIdentity> = {
  patient: who.p1,
  clinician: who.c1,
  registrar: who.reg1,
  gatekeeper: who.gk1,
  compliance: who.co1,
  researcher: who.r1,
  admin: who.adm1,
};

interface Variant {
  who: FakeIdentity;
  args: Args;
}

interface Case {
  /** Valid arguments for the allowed callers (and used unchanged for the forbidden roles). */
  args: (w: World) => Args;
  /** Allowed callers differing from DEFAULT_CALLER, with their own arguments when needed. */
  allowed?: Partial<Record<Role, (w: World) => Variant>>;
  /** For every `own` cell: the same role on somebody else's subject, which must be forbidden. */
  notOwn?: Partial<Record<Role, (w: World) => Variant>>;
  /** State the transaction needs before it can succeed (run before every cell's call). */
  setup?: (peer: FakePeer, w: World) => Promise<void>;
}

const schedule = { initialReward: '50', halvingInterval: '10' };
const h1Peer = { mspId: H1, ...orgPki(H1).peer };
let rec1Endorsement: ClaimBody | undefined;
/** H1's endorsement of rec1's registration, made once: ECDSA signatures are randomised, attestations name one. */
const rec1Body = (w: World): ClaimBody => (rec1Endorsement ??= endorse(w.ledger, w.p1EventTxId, h1Peer));
const rec1Claim = (w: World): object => ({ claims: [rec1Body(w)] });
const rec1Attestation = (w: World): object => ({ attestations: [attestationOf(rec1Body(w))] });

/** Two of the three organisations approve identical parameters: the schedule takes effect. */
async function initialise(peer: FakePeer): Promise<void> {
  for (const admin of [who.adm1, who.adm2]) {
    await peer.invoke(admin, 'Incentive:ProposeSchedule', [JSON.stringify(schedule)]);
  }
}

/** The trend query the last trend setup submitted (r1's, answered by nobody yet). */
let trendQueryId = '';

/** r2 and gkR registered, ResearchMSP funded, r1's query submitted; `pastDeadline` moves the clock past its deadline. */
function openTrendQuery(pastDeadline = false): (peer: FakePeer) => Promise<void> {
  return async (peer) => {
    await prepareTrends(peer, 50);
    const outcome = await peer.invoke(who.r1, 'Trends:SubmitQuery', [JSON.stringify(countQuery())]);
    expect(outcome.message).to.equal('');
    trendQueryId = outcome.txId;
    if (pastDeadline) {
      peer.ledger.clockMs += 10 * 60_000;
    }
  };
}

/** The other researcher and the gatekeeper of an organisation the query does not ask. */
const notTheirs = {
  researcher: () => ({ who: r2, args: [trendQueryId] }),
  gatekeeper: () => ({ who: gkR, args: [trendQueryId] }),
};

const newParticipant = { participantId: 'new-1', role: 'clinician', enrollmentId: 'new-1' };
const newRecord = { recordId: 'rec-new', patientId: 'p1', category: 'note', contentHash: HASH_B, locator: 'urn:x' };
const amendment = { recordId: 'rec1', newRecordId: 'rec1-v2', contentHash: HASH_B, locator: 'urn:h1:rec1-v2' };
const window = (subject: Record<string, string>): object => ({ ...subject, pageSize: 10 });

const CASES: Record<TxName, Case> = {
  'Registrar:RegisterOrganisation': {
    args: () => [orgBody(H1)],
    notOwn: { admin: () => ({ who: who.adm2, args: [orgBody(H1)] }) },
  },
  'Registrar:GetOrganisation': { args: () => [H1] },
  'Registrar:ListOrganisations': { args: () => [{}] },
  'Registrar:ApproveRetirement': { args: () => [H2] },
  'Registrar:RegisterParticipant': {
    args: () => [newParticipant],
    notOwn: {
      registrar: () => ({ who: who.reg1, args: [{ ...newParticipant, role: 'registrar' }] }),
    },
  },
  'Registrar:DeactivateParticipant': {
    args: () => ['c1'],
    notOwn: {
      registrar: () => ({ who: who.reg2, args: ['c1'] }),
      admin: () => ({ who: who.adm2, args: ['c1'] }),
    },
  },
  'Registrar:GetParticipant': { args: () => ['p1'] },
  'Registrar:WhoAmI': { args: () => [] },
  'Records:RegisterRecord': { args: () => [newRecord] },
  'Records:AmendRecord': {
    args: () => [amendment],
    notOwn: { clinician: () => ({ who: who.c2, args: [amendment] }) },
  },
  'Records:GetRecord': {
    args: () => ['rec1'],
    notOwn: {
      patient: () => ({ who: who.p2, args: ['rec1'] }),
      clinician: () => ({ who: who.c2, args: ['rec1'] }),
      gatekeeper: () => ({ who: who.gk2, args: ['rec1'] }),
      compliance: () => ({ who: who.co2, args: ['rec1'] }),
    },
  },
  'Records:ListRecords': {
    args: () => [{ patientId: 'p1' }],
    notOwn: {
      patient: () => ({ who: who.p2, args: [{ patientId: 'p1' }] }),
      clinician: () => ({ who: who.c2, args: [{ patientId: 'p1', custodianMsp: H1 }] }),
      gatekeeper: () => ({ who: who.gk2, args: [{ patientId: 'p1', custodianMsp: H1 }] }),
      compliance: () => ({ who: who.co2, args: [{ patientId: 'p1', custodianMsp: H1 }] }),
    },
  },
  'Records:AdmitPatient': { args: () => ['p1'] },
  'Records:GetRelationship': {
    args: () => ['p1', H1],
    notOwn: {
      patient: () => ({ who: who.p2, args: ['p1', H1] }),
      clinician: () => ({ who: who.c2, args: ['p1', H1] }),
      registrar: () => ({ who: who.reg2, args: ['p1', H1] }),
      compliance: () => ({ who: who.co2, args: ['p1', H1] }),
      admin: () => ({ who: who.adm2, args: ['p1', H1] }),
    },
  },
  'Records:AcceptRelationship': {
    args: () => ['p1', H1],
    notOwn: { patient: () => ({ who: who.p2, args: ['p1', H1] }) },
  },
  'Records:RejectRelationship': {
    args: () => ['p1', H1],
    notOwn: { patient: () => ({ who: who.p2, args: ['p1', H1] }) },
  },
  'Consent:AddDelegate': {
    args: () => ['p1', 'p2'],
    notOwn: {
      patient: () => ({ who: who.g1, args: ['p1', 'p2'] }),
      registrar: () => ({ who: who.reg2, args: ['p1', 'p2'] }),
      admin: () => ({ who: who.adm2, args: ['p1', 'p2'] }),
    },
  },
  'Consent:AcceptDelegate': {
    args: () => ['p1', 'p2'],
    setup: async (peer) => {
      await peer.invoke(who.reg1, 'Consent:AddDelegate', ['p1', 'p2']);
    },
    notOwn: { patient: () => ({ who: who.g1, args: ['p1', 'p2'] }) },
  },
  'Consent:RemoveDelegate': {
    args: () => ['p1', 'g1'],
    notOwn: {
      patient: () => ({ who: who.p2, args: ['p1', 'g1'] }),
      registrar: () => ({ who: who.reg2, args: ['p1', 'g1'] }),
      admin: () => ({ who: who.adm2, args: ['p1', 'g1'] }),
    },
  },
  'Consent:ListDelegates': {
    args: () => [{ patientId: 'p1' }],
    notOwn: {
      patient: () => ({ who: who.p2, args: [{ patientId: 'p1' }] }),
      registrar: () => ({ who: who.reg2, args: [{ patientId: 'p1' }] }),
      admin: () => ({ who: who.adm2, args: [{ patientId: 'p1' }] }),
    },
  },
  'Consent:GrantConsent': {
    args: () => [consentBody({ consentId: 'consent-new' })],
    notOwn: { patient: () => ({ who: who.p2, args: [consentBody({ consentId: 'consent-new' })] }) },
  },
  'Consent:RevokeConsent': {
    args: () => ['consent-c2'],
    notOwn: { patient: () => ({ who: who.p2, args: ['consent-c2'] }) },
  },
  'Consent:GetConsent': {
    args: () => ['consent-c2'],
    allowed: {
      clinician: () => ({ who: who.c2, args: ['consent-c2'] }),
      researcher: () => ({ who: who.r1, args: ['consent-research'] }),
    },
    notOwn: {
      patient: () => ({ who: who.p2, args: ['consent-c2'] }),
      clinician: () => ({ who: who.c1, args: ['consent-c2'] }),
      researcher: () => ({ who: who.r1, args: ['consent-c2'] }),
      compliance: () => ({ who: who.co2, args: ['consent-c2'] }),
    },
  },
  'Consent:ListConsents': {
    args: () => [{ patientId: 'p1' }],
    notOwn: {
      patient: () => ({ who: who.p2, args: [{ patientId: 'p1' }] }),
      compliance: () => ({ who: who.co2, args: [{ patientId: 'p1' }] }),
    },
  },
  'Consent:GetConsentHistory': {
    args: () => ['consent-c2'],
    notOwn: {
      patient: () => ({ who: who.p2, args: ['consent-c2'] }),
      compliance: () => ({ who: who.co2, args: ['consent-c2'] }),
    },
  },
  'Consent:SetResearchOptOut': {
    args: () => [{ patientId: 'p1', optedOut: true }],
    notOwn: { patient: () => ({ who: who.p2, args: [{ patientId: 'p1', optedOut: true }] }) },
  },
  'Consent:GetResearchOptOut': {
    args: () => ['p1'],
    notOwn: {
      patient: () => ({ who: who.p2, args: ['p1'] }),
      compliance: () => ({ who: who.co2, args: ['p1'] }),
    },
  },
  'Consent:ListResearchOptOuts': { args: () => [{}] },
  'Access:RequestAccess': { args: () => [{ recordId: 'rec1', purpose: 'TREAT' }] },
  'Access:BreakGlass': { args: () => [{ recordId: 'rec1', reason: 'patient-unconscious', durationMinutes: 30 }] },
  'Access:ReviewBreakGlass': {
    args: (w) => [{ ticketId: w.breakGlassTicketId, outcome: 'justified' }],
    notOwn: { compliance: (w) => ({ who: who.co2, args: [{ ticketId: w.breakGlassTicketId, outcome: 'justified' }] }) },
  },
  'Access:ListBreakGlass': { args: () => [{}] },
  'Access:ConfirmDisclosure': {
    args: (w) => [w.permitTicketId],
    notOwn: { gatekeeper: (w) => ({ who: who.gk2, args: [w.permitTicketId] }) },
  },
  'Access:Disclose': {
    args: () => [signedRead(requester(H2, 'c2', 'clinician'))],
    notOwn: { gatekeeper: () => ({ who: who.gk2, args: [signedRead(requester(H2, 'c2', 'clinician'))] }) },
  },
  'Access:GetTicket': {
    args: (w) => [w.permitTicketId],
    allowed: {
      clinician: (w) => ({ who: who.c2, args: [w.permitTicketId] }),
      researcher: (w) => ({ who: who.r1, args: [w.researcherTicketId] }),
    },
    notOwn: {
      patient: (w) => ({ who: who.p2, args: [w.permitTicketId] }),
      clinician: (w) => ({ who: who.c1, args: [w.permitTicketId] }),
      gatekeeper: (w) => ({ who: who.gk2, args: [w.permitTicketId] }),
      researcher: (w) => ({ who: who.r1, args: [w.permitTicketId] }),
      compliance: (w) => ({ who: who.co2, args: [w.researcherTicketId] }),
    },
  },
  'Summary:GetSummary': { args: () => ['p1'], notOwn: { patient: () => ({ who: who.p2, args: ['p1'] }) } },
  'Summary:ListNotifications': {
    args: () => [{ patientId: 'p1' }],
    notOwn: { patient: () => ({ who: who.p2, args: [{ patientId: 'p1' }] }) },
  },
  'Summary:AcknowledgeNotifications': {
    args: () => [{ patientId: 'p1', notificationIds: ['nothing-to-ack'] }],
    notOwn: { patient: () => ({ who: who.p2, args: [{ patientId: 'p1', notificationIds: ['nothing-to-ack'] }] }) },
  },
  'Audit:QueryByPatient': {
    args: () => [window({ patientId: 'p1' })],
    notOwn: {
      patient: () => ({ who: who.p2, args: [window({ patientId: 'p1' })] }),
      compliance: () => ({ who: who.co2, args: [window({ patientId: 'p1' })] }),
    },
  },
  'Audit:QueryByActor': {
    args: () => [window({ actorId: 'c1' })],
    allowed: Object.fromEntries(
      ROLES.map((role) => [
        role,
        () => ({
          who: DEFAULT_CALLER[role],
          args: [window({ actorId: DEFAULT_CALLER[role].attrs['medrec.id'] ?? '' })],
        }),
      ]),
    ),
    notOwn: Object.fromEntries(
      ROLES.map((role) => [
        role,
        // Compliance reads its own organisation's staff only: c1 is hospital1's, co2 is hospital2's.
        role === 'compliance'
          ? () => ({ who: who.co2, args: [window({ actorId: 'c1' })] })
          : () => ({ who: DEFAULT_CALLER[role], args: [window({ actorId: 'someone-else' })] }),
      ]),
    ),
  },
  'Audit:GetEvent': {
    args: (w) => [w.p1EventTxId],
    notOwn: {
      patient: (w) => ({ who: who.p2, args: [w.p1EventTxId] }),
      compliance: (w) => ({ who: who.co2, args: [w.p1EventTxId] }),
    },
  },
  'Incentive:ProposeSchedule': { args: () => [schedule] },
  'Incentive:ApproveSchedule': {
    args: () => [proposalIdOf(schedule)],
    setup: async (peer) => {
      await peer.invoke(who.adm2, 'Incentive:ProposeSchedule', [JSON.stringify(schedule)]);
    },
  },
  'Incentive:ListScheduleProposals': { args: () => [] },
  'Incentive:ClaimEndorsements': { args: (w) => [rec1Claim(w)], setup: initialise },
  'Incentive:AttestClaims': {
    args: (w) => [rec1Attestation(w)],
    // H1's claim is attested by another organisation: its own admin's attestation is refused (not a role question).
    allowed: { admin: (w) => ({ who: who.adm2, args: [rec1Attestation(w)] }) },
    setup: async (peer, w) => {
      await initialise(peer);
      await peer.invoke(who.adm1, 'Incentive:ClaimEndorsements', [JSON.stringify(rec1Claim(w))]);
    },
  },
  'Incentive:ListPendingClaims': { args: () => [{}] },
  'Incentive:GetSchedule': { args: () => [], setup: initialise },
  'Incentive:GetBalance': { args: () => [{ kind: 'organisation', mspId: H1 }] },
  'Incentive:Transfer': {
    args: () => [{ to: { kind: 'organisation', mspId: H2 }, amount: '1' }],
    setup: async (peer, w) => {
      await initialise(peer);
      await claimAndPay(peer, who.adm1, [rec1Body(w)]);
    },
  },
  'Incentive:GetTransfers': { args: () => [{ holder: { kind: 'organisation', mspId: H1 } }] },
  'Trends:SubmitQuery': {
    args: () => [countQuery()],
    setup: async (peer) => {
      await prepareTrends(peer, 50);
    },
  },
  'Trends:SubmitAnswer': {
    args: () => [answer(trendQueryId, [suppressed([])])],
    setup: openTrendQuery(),
    notOwn: { gatekeeper: () => ({ who: gkR, args: [answer(trendQueryId, [suppressed([])])] }) },
  },
  'Trends:CloseQuery': { args: () => [trendQueryId], setup: openTrendQuery(true), notOwn: notTheirs },
  'Trends:GetQuery': { args: () => [trendQueryId], setup: openTrendQuery(), notOwn: notTheirs },
  'Trends:GetResult': {
    args: () => [trendQueryId],
    setup: openTrendQuery(),
    notOwn: { researcher: notTheirs.researcher },
  },
  'Trends:ListQueries': { args: () => [{}] },
  'Trends:GetBudget': { args: () => [] },
  'Trends:GetSettings': { args: () => [] },
  'Trends:ApproveSettings': { args: () => [{ ...DEFAULT_TREND_SETTINGS, k: 12 }] },
  'Trends:GetSettingsVote': { args: () => [] },
  'Consent:IndexGrantees': { args: () => [] },
};

describe('permission matrix (chaincode/README.md) enforced cell by cell', () => {
  const documented = documentedMatrix();

  it('documents exactly the transactions the code gates, with the same roles', () => {
    expect([...documented.keys()].sort()).to.deep.equal(Object.keys(PERMISSIONS).sort());
    for (const [tx, row] of documented) {
      const allowed: readonly Role[] = PERMISSIONS[tx as TxName];
      for (const role of ROLES) {
        expect(row[role] !== '—', `${tx} / ${role}`).to.equal(allowed.includes(role));
      }
    }
  });

  for (const tx of Object.keys(CASES) as TxName[]) {
    const testCase = CASES[tx];
    describe(tx, () => {
      for (const role of ROLES) {
        const cell = documented.get(tx)?.[role];
        if (cell === '—') {
          it(`${role}: forbidden, writes nothing`, async () => {
            const { peer, world } = await freshPeer();
            await testCase.setup?.(peer, world);
            const before = peer.ledger.snapshot();
            const outcome = await peer.invoke(DEFAULT_CALLER[role], tx, stringify(testCase.args(world)));
            expect(JSON.parse(outcome.message)).to.have.property('code', 'MEDREC_FORBIDDEN');
            expect(peer.ledger.snapshot()).to.equal(before);
          });
          continue;
        }
        it(`${role}: allowed (${cell ?? 'undocumented'})`, async () => {
          const { peer, world } = await freshPeer();
          await testCase.setup?.(peer, world);
          const variant = testCase.allowed?.[role]?.(world) ?? {
            who: DEFAULT_CALLER[role],
            args: testCase.args(world),
          };
          const outcome = await peer.invoke(variant.who, tx, stringify(variant.args));
          expect(outcome.message, `${tx} as ${role}`).to.equal('');
          expect(outcome.ok).to.equal(true);
        });
        if (cell === 'own') {
          it(`${role}: forbidden on somebody else's subject, writes nothing`, async () => {
            const { peer, world } = await freshPeer();
            await testCase.setup?.(peer, world);
            const notOwn = testCase.notOwn?.[role];
            expect(notOwn, `${tx}: an 'own' cell needs a notOwn case for ${role}`).to.not.equal(undefined);
            const variant = notOwn!(world);
            const before = peer.ledger.snapshot();
            const outcome = await peer.invoke(variant.who, tx, stringify(variant.args));
            expect(outcome.message, `${tx} as another ${role}`).to.contain('MEDREC_FORBIDDEN');
            expect(peer.ledger.snapshot()).to.equal(before);
          });
        }
      }
    });
  }
});

function stringify(args: Args): string[] {
  return args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg)));
}
