import { expect } from 'chai';
import type { FakeIdentity } from './support/fake-peer';
import { ChaincodeError } from './support/client';
import { H1, HASH_A, PEM, consentBody, freshPeer, orgBody, who } from './support/world';

const rec = { recordId: 'r9', patientId: 'p1', category: 'note', contentHash: HASH_A, locator: 'urn:x' };
const amend = { recordId: 'rec1', newRecordId: 'r9', contentHash: HASH_A, locator: 'urn:x' };
const TICKET = 'f'.repeat(64);

/** [caller, transaction, arguments, text the message must start with] */
const CASES: [FakeIdentity, string, (string | object)[], string][] = [
  [who.adm1, 'Registrar:RegisterOrganisation', ['{not json'], 'organisation: is not valid JSON'],
  [who.adm1, 'Registrar:RegisterOrganisation', [{ ...orgBody(H1), extra: 1 }], 'organisation: Unrecognized key'],
  [
    who.adm1,
    'Registrar:RegisterOrganisation',
    [{ ...orgBody(H1), gatekeeperUrl: 'ftp://x' }],
    'organisation.gatekeeperUrl',
  ],
  [who.adm1, 'Registrar:RegisterOrganisation', [{ ...orgBody(H1), caRootCertsPem: [] }], 'organisation.caRootCertsPem'],
  [
    who.adm1,
    'Registrar:RegisterOrganisation',
    [{ ...orgBody(H1), caRootCertsPem: ['not a pem'] }],
    'organisation.caRootCertsPem[0]',
  ],
  [
    who.adm1,
    'Registrar:RegisterOrganisation',
    [{ ...orgBody(H1), displayName: 'tab\there' }],
    'organisation.displayName',
  ],
  [who.adm1, 'Registrar:RegisterOrganisation', [{ ...orgBody(H1), mspId: 'bad msp' }], 'organisation.mspId'],
  [
    who.adm1,
    'Registrar:RegisterOrganisation',
    [{ ...orgBody(H1), legalName: ' Leading space' }],
    'organisation.legalName',
  ],
  [
    who.adm1,
    'Registrar:RegisterOrganisation',
    [{ ...orgBody(H1), legalName: 'x'.repeat(201) }],
    'organisation.legalName',
  ],
  [
    who.adm1,
    'Registrar:RegisterOrganisation',
    [{ ...orgBody(H1), postalAddress: { lines: ['1 Road'], city: 'Town', postalCode: 'EX1', country: 'gb' } }],
    'organisation.postalAddress.country',
  ],
  [
    who.adm1,
    'Registrar:RegisterOrganisation',
    [{ ...orgBody(H1), postalAddress: { lines: [], city: 'Town', postalCode: 'EX1', country: 'GB' } }],
    'organisation.postalAddress.lines',
  ],
  [
    who.adm1,
    'Registrar:RegisterOrganisation',
    [
      {
        ...orgBody(H1),
        postalAddress: { lines: ['a', 'b', 'c', 'd', 'e'], city: 'T', postalCode: 'E', country: 'GB' },
      },
    ],
    'organisation.postalAddress.lines',
  ],
  [
    who.adm1,
    'Registrar:RegisterOrganisation',
    [{ ...orgBody(H1), contact: { name: 'Privacy Office' } }],
    'organisation.contact',
  ],
  [
    who.adm1,
    'Registrar:RegisterOrganisation',
    [{ ...orgBody(H1), contact: { email: 'not an address' } }],
    'organisation.contact.email',
  ],
  [who.p1, 'Registrar:GetOrganisation', ['a\u0000b'], 'mspId'],
  [who.p1, 'Registrar:ListOrganisations', [{ pageSize: 0 }], 'query.pageSize'],
  [who.p1, 'Registrar:ListOrganisations', [{ pageSize: 201 }], 'query.pageSize'],
  [who.p1, 'Registrar:ListOrganisations', [{ pageSize: 1.5 }], 'query.pageSize'],
  [who.p1, 'Registrar:ListOrganisations', [{ bookmark: 'not base64url!' }], 'query.bookmark'],
  [who.p1, 'Registrar:ListOrganisations', [{ bookmark: 'Zm9v' }], 'bookmark: does not belong'],
  [who.p1, 'Registrar:ListOrganisations', ['[]'], 'query: Invalid input'],
  [
    who.reg1,
    'Registrar:RegisterParticipant',
    [{ participantId: 'x', role: 'doctor', enrollmentId: 'x' }],
    'participant.role',
  ],
  [
    who.reg1,
    'Registrar:RegisterParticipant',
    [{ participantId: 'x/y', role: 'patient', enrollmentId: 'x' }],
    'participant.participantId',
  ],
  [who.reg1, 'Registrar:RegisterParticipant', [{ participantId: 'x', role: 'patient' }], 'participant.enrollmentId'],
  [who.reg1, 'Registrar:DeactivateParticipant', [''], 'participantId'],
  [who.p1, 'Registrar:GetParticipant', ['x'.repeat(129)], 'participantId'],
  [who.c1, 'Records:RegisterRecord', [{ ...rec, contentHash: 'A'.repeat(64) }], 'record.contentHash'],
  [who.c1, 'Records:RegisterRecord', [{ ...rec, contentHash: 'a'.repeat(63) }], 'record.contentHash'],
  [who.c1, 'Records:RegisterRecord', [{ ...rec, category: 'diagnosis of flu' }], 'record.category'],
  [who.c1, 'Records:RegisterRecord', [{ ...rec, locator: 'has space' }], 'record.locator'],
  [who.c1, 'Records:RegisterRecord', [{ ...rec, custodianMsp: H1 }], 'record: Unrecognized key'],
  [who.c1, 'Records:AmendRecord', [{ ...amend, newRecordId: '' }], 'amendment.newRecordId'],
  [who.p1, 'Records:GetRecord', ['\u0001'], 'recordId'],
  [who.p1, 'Records:ListRecords', [{ patientId: 'p1', custodianMsp: '' }], 'query.custodianMsp'],
  [who.p1, 'Records:AcceptRelationship', ['p1', 'bad msp'], 'custodianMsp'],
  [who.p1, 'Records:RejectRelationship', ['', H1], 'patientId'],
  [who.p1, 'Consent:AddDelegate', ['p1', ''], 'delegateId'],
  [who.p1, 'Consent:RemoveDelegate', ['', 'g1'], 'patientId'],
  [who.p1, 'Consent:GrantConsent', [consentBody({ purposes: [] })], 'consent.purposes'],
  [
    who.p1,
    'Consent:GrantConsent',
    [consentBody({ purposes: ['TREAT', 'TREAT'] })],
    'consent.purposes: must not repeat',
  ],
  [who.p1, 'Consent:GrantConsent', [consentBody({ purposes: ['SHOPPING'] })], 'consent.purposes[0]'],
  [who.p1, 'Consent:GrantConsent', [consentBody({ grantee: { kind: 'everyone' } })], 'consent.grantee'],
  [
    who.p1,
    'Consent:GrantConsent',
    [consentBody({ grantee: { kind: 'participant', participantId: 'c2', mspId: H1 } })],
    'consent.grantee',
  ],
  [who.p1, 'Consent:GrantConsent', [consentBody({ scope: { custodians: [] } })], 'consent.scope.custodians'],
  [
    who.p1,
    'Consent:GrantConsent',
    [consentBody({ scope: { custodians: [H1], categories: [] } })],
    'consent.scope.categories',
  ],
  [
    who.p1,
    'Consent:GrantConsent',
    [consentBody({ period: { notBefore: '2030-02-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' } })],
    'consent.period.notAfter: notBefore must be earlier',
  ],
  [
    who.p1,
    'Consent:GrantConsent',
    [consentBody({ period: { notBefore: '2030-01-01T00:00:00Z', notAfter: '2045-01-01T00:00:00Z' } })],
    'consent.period.notAfter: a consent may last at most 10 years',
  ],
  [
    who.p1,
    'Consent:GrantConsent',
    [consentBody({ period: { notBefore: 'yesterday', notAfter: '2030-01-01T00:00:00Z' } })],
    'consent.period.notBefore',
  ],
  [who.p1, 'Consent:RevokeConsent', [''], 'consentId'],
  [who.p1, 'Consent:GetConsent', ['a b'], 'consentId'],
  [who.p1, 'Consent:ListConsents', [{}], 'query.patientId'],
  [who.p1, 'Consent:GetConsentHistory', ['\u0000'], 'consentId'],
  [who.c2, 'Access:RequestAccess', [{ recordId: 'rec1' }], 'request.purpose'],
  [who.c2, 'Access:RequestAccess', [{ recordId: 'rec1', purpose: 'treat' }], 'request.purpose'],
  [who.c2, 'Access:BreakGlass', [{ recordId: 'rec1', reason: 'curious', durationMinutes: 10 }], 'request.reason'],
  [
    who.c2,
    'Access:BreakGlass',
    [{ recordId: 'rec1', reason: 'patient-unconscious', durationMinutes: 241 }],
    'request.durationMinutes',
  ],
  [who.c2, 'Access:BreakGlass', [{ recordId: 'rec1', reason: 'patient-unconscious' }], 'request.durationMinutes'],
  [who.co1, 'Access:ReviewBreakGlass', [{ ticketId: 'short', outcome: 'justified' }], 'review.ticketId'],
  [who.co1, 'Access:ReviewBreakGlass', [{ ticketId: TICKET, outcome: 'maybe' }], 'review.outcome'],
  [who.co1, 'Access:ListBreakGlass', [{ reviewStatus: 'done' }], 'query.reviewStatus'],
  [who.gk1, 'Access:ConfirmDisclosure', ['not-a-tx-id'], 'ticketId'],
  [who.co1, 'Access:GetTicket', [TICKET.toUpperCase()], 'ticketId'],
  [who.p1, 'Summary:GetSummary', [''], 'patientId'],
  [who.p1, 'Summary:ListNotifications', [{ patientId: 'p1', pageSize: -1 }], 'query.pageSize'],
  [
    who.p1,
    'Summary:AcknowledgeNotifications',
    [{ patientId: 'p1', notificationIds: [] }],
    'acknowledgement.notificationIds',
  ],
  [
    who.p1,
    'Audit:QueryByPatient',
    [{ patientId: 'p1', from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' }],
    'query.to: from must be earlier',
  ],
  [who.p1, 'Audit:QueryByPatient', [{ patientId: 'p1', from: '2030-13-01T00:00:00Z' }], 'query.from'],
  [who.co1, 'Audit:QueryByActor', [{ actorId: 'c1', to: '2300-01-01T00:00:00Z' }], 'query.to'],
  [who.co1, 'Audit:GetEvent', ['xyz'], 'txId'],
];

describe('argument validation: MEDREC_INVALID_ARGUMENT naming the field, nothing written', () => {
  for (const [caller, tx, args, text] of CASES) {
    it(`${tx} ${JSON.stringify(args).slice(0, 90)}`, async () => {
      const { peer } = await freshPeer();
      const before = peer.ledger.snapshot();
      const outcome = await peer.invoke(
        caller,
        tx,
        args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))),
      );
      const error = new ChaincodeError(outcome);
      expect(error.code, error.message).to.equal('MEDREC_INVALID_ARGUMENT');
      expect(error.detail.startsWith(text), error.detail).to.equal(true);
      expect(peer.ledger.snapshot()).to.equal(before);
    });
  }

  it('uses a PEM fixture that the schema accepts', () => {
    expect(PEM).to.match(/^-----BEGIN CERTIFICATE-----\n/);
  });
});
