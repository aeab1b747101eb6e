/**
 * Operations that expose contract transactions one to one (organisations, consent history, single audit events,
 * unseen notifications, standalone access requests, record pointers, the incentive layer). Every rule is the
 * chaincode's: these operations sign as the caller and return what the ledger answers.
 */
import { mspIdSchema, proposalIdSchema, txIdSchema } from '@medrec/contract';
import { fromContract } from './contract-schemas';
import { body, json, pageParams, pathParam, problems, query, READ, WRITE } from './document-parts';
import type { OpenApiDocument, ParameterObject } from './openapi-types';
import { ID_PATTERN } from './schemas';

// Path and query rules are the contract's own (generated, like the bodies), not copies of its patterns.
const MSP_ID = fromContract(mspIdSchema);
const TX_ID = fromContract(txIdSchema);
const PROPOSAL_ID = fromContract(proposalIdSchema);

const holderParams: readonly ParameterObject[] = [
  query('mspId', MSP_ID, 'An organisation holder (give this or participantId).'),
  query('participantId', { type: 'string', pattern: ID_PATTERN }, 'A participant holder (give this or mspId).'),
];

export const contractPaths: OpenApiDocument['paths'] = {
  '/v1/organisations': {
    get: {
      operationId: 'listOrganisations',
      summary: 'The member organisations of the consortium',
      tags: ['organisations'],
      parameters: [...pageParams],
      responses: { '200': json('One page', 'OrganisationPage'), ...problems(...READ) },
    },
    put: {
      operationId: 'registerOrganisation',
      summary: "Register or update the caller's own organisation (its admin)",
      description:
        'Idempotent: the same body again changes nothing. The gatekeeper URL must be https and the CA roots are the ' +
        "organisation's TLS CA certificates (PEM), with which other organisations pin its gatekeeper.",
      tags: ['organisations'],
      requestBody: body('OrganisationRegistration', 'The organisation'),
      responses: { '200': json('Registered', 'OrganisationRegistered'), ...problems(...WRITE) },
    },
  },
  '/v1/organisations/{mspId}': {
    get: {
      operationId: 'getOrganisation',
      summary: 'A member organisation',
      tags: ['organisations'],
      parameters: [pathParam('mspId', 'MSP id, e.g. Hospital1MSP', MSP_ID)],
      responses: { '200': json('The organisation', 'Organisation'), ...problems(...READ) },
    },
  },
  '/v1/organisations/{mspId}/retirement': {
    post: {
      operationId: 'approveRetirement',
      summary: "An organisation's admin approves that an organisation leave the consortium (its own: at once)",
      description:
        'Another organisation is retired once a strict majority of the other members has approved, each by its ' +
        'admin. A retired organisation no longer votes, attests, answers trend queries or receives consents, and ' +
        "its people's read requests are refused; its records' pointers and history stay. Run it after (or with) the " +
        'channel configuration update that removes the organisation (`medrec org remove`). An organisation that is ' +
        'not registered is 400; one already retired is 409.',
      tags: ['organisations'],
      parameters: [pathParam('mspId', 'MSP id of the organisation to retire', MSP_ID)],
      responses: { '200': json('Approved', 'RetirementApproved'), ...problems(...WRITE) },
    },
  },
  '/v1/records/{recordId}/pointer': {
    get: {
      operationId: 'getRecordPointer',
      summary: "A record's pointer on the ledger (custodian, category, hash, versions), not its content",
      tags: ['records'],
      parameters: [pathParam('recordId', 'Record id')],
      responses: { '200': json('The pointer', 'RecordPointer'), ...problems(...READ) },
    },
  },
  '/v1/records/{recordId}/amendments': {
    post: {
      operationId: 'amendRecord',
      summary: 'Store a new version of a record this organisation holds and register it as the amendment (clinician)',
      description:
        "The record named in the path must be the current version, held by the caller's organisation; the new " +
        'resource must be about the same patient. The old version stays on the ledger and in the store, marked as ' +
        'superseded (supersededBy), and the patient is notified of the new version.',
      tags: ['records'],
      parameters: [pathParam('recordId', 'Record id of the current version')],
      requestBody: body('FhirResource', 'The new version: one FHIR R4 resource about the same patient'),
      responses: { '201': json('Stored and registered', 'RecordRegistered'), ...problems(...WRITE, '422', '502') },
    },
  },
  '/v1/records/{recordId}/access-requests': {
    post: {
      operationId: 'requestAccess',
      summary: 'Ask the ledger for a ticket to read a record later; a denial is recorded too',
      description:
        'The ticket (permit or deny) is an ordered transaction on the ledger. Read the content with GET ' +
        '/v1/records/{recordId}?ticketId=… while the ticket is valid.',
      tags: ['access'],
      parameters: [pathParam('recordId', 'Record id')],
      requestBody: body('AccessRequest', 'The purpose of use'),
      responses: { '201': json('The ticket issued', 'TicketIssued'), ...problems(...WRITE) },
    },
  },
  '/v1/consents/{consentId}/history': {
    get: {
      operationId: 'getConsentHistory',
      summary: 'Every version of a consent the ledger keeps (granted, revoked)',
      tags: ['consents'],
      parameters: [pathParam('consentId', 'Consent id')],
      responses: { '200': json('The history, oldest first', 'ConsentHistory'), ...problems(...READ) },
    },
  },
  '/v1/audit/events/{txId}': {
    get: {
      operationId: 'getAuditEvent',
      summary: 'One audit event, by the transaction that wrote it',
      tags: ['audit'],
      parameters: [pathParam('txId', 'Fabric transaction id', TX_ID)],
      responses: { '200': json('The event', 'AuditEvent'), ...problems(...READ) },
    },
  },
  '/v1/patients/{patientId}/unseen-notifications': {
    get: {
      operationId: 'listUnseenNotifications',
      summary: "The patient's notifications not yet marked seen, oldest first",
      tags: ['patients'],
      parameters: [pathParam('patientId', 'Patient participant id'), ...pageParams],
      responses: { '200': json('One page', 'NotificationPage'), ...problems(...READ) },
    },
  },
  '/v1/patients/{patientId}/unseen-notifications/acknowledge': {
    post: {
      operationId: 'acknowledgeNotifications',
      summary: 'Mark notifications seen (the patient, or a delegate); ids already seen are skipped',
      tags: ['patients'],
      parameters: [pathParam('patientId', 'Patient participant id')],
      requestBody: body('NotificationAcknowledgement', 'The notifications'),
      responses: { '200': json('Acknowledged', 'NotificationsAcknowledged'), ...problems(...WRITE) },
    },
  },
  '/v1/incentive/schedule': {
    get: {
      operationId: 'getIncentiveSchedule',
      summary: 'The halving schedule of endorsement rewards, with the current era, reward and supply cap',
      tags: ['incentive'],
      responses: { '200': json('The schedule', 'IncentiveSchedule'), ...problems(...READ) },
    },
  },
  '/v1/incentive/proposals': {
    get: {
      operationId: 'listScheduleProposals',
      summary: 'Schedule proposals and their approvals (before a schedule is in effect)',
      tags: ['incentive'],
      responses: { '200': json('The proposals', 'ScheduleProposals'), ...problems(...READ) },
    },
    post: {
      operationId: 'proposeIncentiveSchedule',
      summary: "Propose schedule parameters, or approve identical ones already proposed (an organisation's admin)",
      tags: ['incentive'],
      requestBody: body('ScheduleParameters', 'The parameters'),
      responses: { '200': json('The vote', 'ScheduleVoteResult'), ...problems(...WRITE) },
    },
  },
  '/v1/incentive/proposals/{proposalId}/approval': {
    post: {
      operationId: 'approveIncentiveSchedule',
      summary: "Approve a proposal by its id (an organisation's admin); a strict majority puts it in effect",
      tags: ['incentive'],
      parameters: [pathParam('proposalId', 'Proposal id (SHA-256 of its parameters)', PROPOSAL_ID)],
      responses: { '200': json('The vote', 'ScheduleVoteResult'), ...problems(...WRITE) },
    },
  },
  '/v1/incentive/balance': {
    get: {
      operationId: 'getBalance',
      summary: "A holder's credits (an organisation or a participant); a holder that never held any reads 0",
      tags: ['incentive'],
      parameters: [...holderParams],
      responses: { '200': json('The balance', 'Balance'), ...problems(...READ) },
    },
  },
  '/v1/incentive/transfers': {
    get: {
      operationId: 'listTransfers',
      summary: "A holder's transfers, in and out",
      tags: ['incentive'],
      parameters: [...holderParams, ...pageParams],
      responses: { '200': json('One page', 'TransferPage'), ...problems(...READ) },
    },
    post: {
      operationId: 'transferCredits',
      summary: "Transfer credits from the caller's organisation (its admin) or from the caller",
      tags: ['incentive'],
      requestBody: body('TransferRequest', 'The transfer'),
      responses: { '201': json('Transferred', 'TransferResult'), ...problems(...WRITE) },
    },
  },
};
