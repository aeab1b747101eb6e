/**
 * The OpenAPI 3.1 document: the single source of truth of this API. The router registers exactly its operations,
 * requests are validated against its schemas, and the unit tests check every response against it.
 */
import type { OpenApiDocument, OperationObject } from './openapi-types';
import { EVENT_ID_PATTERN } from '../http/event-stream';
import { contractPaths } from './contract-paths';
import { contractSchemas } from './contract-schemas';
import { accountingPaths, accountingSchemas } from './accounting-paths';
import { networkPaths, networkSchemas } from './network-paths';
import { trendPaths, trendSchemas } from './trend-paths';
import {
  AUDIT_VERIFY_BODY_LIMIT,
  body,
  COMMON,
  json,
  JSON_TYPE,
  NDJSON_TYPE,
  pageParams,
  pathParam,
  PROBLEM_TYPE,
  problems,
  query,
  READ,
  WRITE,
} from './document-parts';
import { ID_PATTERN, ref, schemas } from './schemas';

export { AUDIT_VERIFY_BODY_LIMIT, AUDIT_VERIFY_CONTENT_TYPES } from './document-parts';

const PUBLIC: OperationObject['security'] = [];

export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  info: {
    title: 'MedRec REST API',
    version: '1.0.0',
    description:
      'Patient-controlled access to medical records across a hospital consortium on Hyperledger Fabric. Every ' +
      "request acts as the enrolled user its bearer token belongs to: its transactions are signed with that user's " +
      'own Fabric identity. Writes answer after the transaction has committed, with its transactionId. Errors are ' +
      'RFC 9457 problem details.',
  },
  tags: [
    { name: 'identity', description: 'The caller, participants and API tokens.' },
    { name: 'relationships', description: 'Patient-provider relationships and delegates acting for patients.' },
    { name: 'records', description: 'Record pointers on the ledger and their content at the custodian.' },
    { name: 'consents', description: "The patient's grants of access." },
    { name: 'access', description: 'Tickets and break-glass.' },
    { name: 'patients', description: 'Summary and notifications.' },
    { name: 'audit', description: 'The audit trail on the ledger.' },
    { name: 'organisations', description: 'The member organisations of the consortium and their nodes.' },
    { name: 'incentive', description: 'Endorsement rewards: the schedule, balances and transfers of credits.' },
    {
      name: 'trends',
      description: 'Differentially private trend queries paid with credits, and the patient research choice.',
    },
    { name: 'operations', description: 'Health, metrics and this document.' },
  ],
  security: [{ bearerAuth: [] }],
  paths: {
    ...contractPaths,
    ...trendPaths,
    ...accountingPaths,
    ...networkPaths,
    '/healthz': {
      get: {
        operationId: 'getHealth',
        summary: 'Liveness and readiness',
        description:
          'Checks, by name: "peer" (the peer answers qscc GetChainInfo for the channel; detail: the channel height), ' +
          '"gatekeeper" (the organisation\'s gatekeeper answers its /healthz over HTTPS with the pinned CA root) and ' +
          '"record-store" (the record store answers a read). 503 names each failing check. Results are cached for ' +
          'a few seconds.',
        tags: ['operations'],
        security: PUBLIC,
        responses: {
          '200': json('The server is up and its dependencies answer.', 'Health'),
          '503': json('The server is up but a dependency does not answer.', 'Health'),
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This document',
        tags: ['operations'],
        security: PUBLIC,
        responses: { '200': { description: 'OpenAPI 3.1', content: { [JSON_TYPE]: { schema: { type: 'object' } } } } },
      },
    },
    '/metrics': {
      get: {
        operationId: 'getMetrics',
        summary: 'Prometheus metrics',
        description:
          'Public when MEDREC_API_METRICS_TOKEN is unset (development); otherwise the scraper sends that token as ' +
          '"Authorization: Bearer <token>" (it is not a user API token).',
        tags: ['operations'],
        security: PUBLIC,
        responses: {
          '200': {
            description: 'Prometheus text exposition format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          '401': {
            description: 'A metrics token is configured and the request did not carry it.',
            content: { [PROBLEM_TYPE]: { schema: ref('Problem') } },
          },
        },
      },
    },
    '/v1/me': {
      get: {
        operationId: 'getMe',
        summary: 'The caller: the enrolled user of the token, and its participant on the ledger',
        tags: ['identity'],
        responses: { '200': json('The caller', 'Me'), ...problems(...COMMON) },
      },
    },
    '/v1/participants': {
      post: {
        operationId: 'registerParticipant',
        summary: "Register a user at the caller's organisation (registrar or admin)",
        description:
          'Generates a pseudonymous participant id (never chosen by the client, so no MRN, name or e-mail reaches ' +
          "the ledger), registers and enrolls a new identity with it at the organisation's Fabric CA (attributes " +
          'medrec.role and medrec.id), registers the participant on the ledger as the caller, bound to that identity, ' +
          'and issues its first API token (returned once, stored only as a hash). A patient registered here is ' +
          'admitted to this organisation. Registrars register patients, clinicians, compliance officers and ' +
          'researchers; admins also registrars and admins; the gatekeeper role is never given to a person.',
        tags: ['identity'],
        requestBody: body('ParticipantRegistration', 'Who to register'),
        responses: { '201': json('Registered', 'ParticipantRegistered'), ...problems(...WRITE) },
      },
      get: {
        operationId: 'findParticipant',
        summary: "Look a participant of the caller's organisation up by the organisation's own identifier",
        tags: ['identity'],
        parameters: [
          query('externalId', { type: 'string', pattern: '^[\\x21-\\x7e]{1,64}$' }, 'Your identifier (MRN).', true),
        ],
        responses: { '200': json('The participant', 'Participant'), ...problems(...READ) },
      },
    },
    '/v1/participants/{participantId}': {
      get: {
        operationId: 'getParticipant',
        summary: 'A participant on the ledger',
        tags: ['identity'],
        parameters: [pathParam('participantId', 'Participant id')],
        responses: { '200': json('The participant', 'Participant'), ...problems(...READ) },
      },
      delete: {
        operationId: 'deactivateParticipant',
        summary: "Deactivate a participant (registrar or admin of its organisation) and revoke this server's tokens",
        tags: ['identity'],
        parameters: [pathParam('participantId', 'Participant id')],
        responses: { '200': json('Deactivated', 'ParticipantDeactivated'), ...problems(...WRITE) },
      },
    },
    '/v1/participants/{participantId}/tokens': {
      get: {
        operationId: 'listParticipantTokens',
        summary: "A participant's API tokens at this server (the participant, or an admin of its organisation)",
        tags: ['identity'],
        parameters: [pathParam('participantId', 'Participant id')],
        responses: { '200': json('Tokens, without their secrets', 'TokenList'), ...problems(...READ) },
      },
      post: {
        operationId: 'issueParticipantToken',
        summary: 'Issue a new API token to a participant (the participant itself, or an admin of its organisation)',
        description:
          'For rotation (the participant asks for a fresh token, then revokes the old one) or for a lost token (an ' +
          "admin issues one). The token's user and role are the participant's record on the ledger; the token " +
          'expires after MEDREC_API_TOKEN_TTL_DAYS and is returned once.',
        tags: ['identity'],
        parameters: [pathParam('participantId', 'Participant id')],
        responses: { '201': json('Issued', 'IssuedToken'), ...problems(...WRITE) },
      },
    },
    '/v1/tokens/{tokenId}': {
      delete: {
        operationId: 'revokeToken',
        summary: "Revoke an API token (its owner, or an admin of the owner's organisation)",
        tags: ['identity'],
        parameters: [pathParam('tokenId', 'Token id (not the token itself)')],
        responses: { '200': json('Revoked (revoking again is a no-op)', 'TokenInfo'), ...problems(...READ) },
      },
    },
    '/v1/patients/{patientId}/records': {
      post: {
        operationId: 'createRecord',
        summary: "Store a FHIR resource at this organisation's gatekeeper and register it on the ledger (clinician)",
        tags: ['records'],
        parameters: [pathParam('patientId', 'Patient participant id')],
        requestBody: body('FhirResource', 'One FHIR R4 resource about the patient'),
        responses: { '201': json('Stored and registered', 'RecordRegistered'), ...problems(...WRITE, '422', '502') },
      },
      get: {
        operationId: 'listRecords',
        summary: "The patient's record pointers on the ledger",
        tags: ['records'],
        parameters: [
          pathParam('patientId', 'Patient participant id'),
          query('custodianMsp', { type: 'string', pattern: ID_PATTERN }, 'Only records held by this organisation.'),
          ...pageParams,
        ],
        responses: { '200': json('One page', 'RecordPage'), ...problems(...READ) },
      },
    },
    '/v1/patients/{patientId}/admission': {
      post: {
        operationId: 'admitPatient',
        summary: "Admit a patient to the caller's organisation (registrar or admin)",
        description:
          "Opens the patient-provider relationship: only then may this organisation's clinicians add records for " +
          'the patient. The patient is notified and accepts or rejects; admitting again never undoes a rejection.',
        tags: ['relationships'],
        parameters: [pathParam('patientId', 'Patient participant id')],
        responses: { '200': json('The relationship', 'RelationshipResult'), ...problems(...WRITE) },
      },
    },
    '/v1/patients/{patientId}/relationships/{custodianMsp}': {
      get: {
        operationId: 'getRelationship',
        summary: "A patient's relationship with an organisation (the patient, or that organisation's staff)",
        tags: ['relationships'],
        parameters: [
          pathParam('patientId', 'Patient participant id'),
          pathParam('custodianMsp', 'MSP id of the organisation'),
        ],
        responses: { '200': json('The relationship', 'Relationship'), ...problems(...READ) },
      },
    },
    '/v1/patients/{patientId}/relationships/{custodianMsp}/accept': {
      post: {
        operationId: 'acceptRelationship',
        summary: 'The patient (or an active delegate) accepts the relationship',
        tags: ['relationships'],
        parameters: [
          pathParam('patientId', 'Patient participant id'),
          pathParam('custodianMsp', 'MSP id of the organisation'),
        ],
        responses: { '200': json('The relationship', 'RelationshipResult'), ...problems(...WRITE) },
      },
    },
    '/v1/patients/{patientId}/relationships/{custodianMsp}/reject': {
      post: {
        operationId: 'rejectRelationship',
        summary: 'The patient (or an active delegate) rejects the relationship',
        description:
          "Rejected means the organisation's clinicians may add no new records and lose access to the patient's " +
          'records there, including on tickets already issued.',
        tags: ['relationships'],
        parameters: [
          pathParam('patientId', 'Patient participant id'),
          pathParam('custodianMsp', 'MSP id of the organisation'),
        ],
        responses: { '200': json('The relationship', 'RelationshipResult'), ...problems(...WRITE) },
      },
    },
    '/v1/patients/{patientId}/delegates': {
      get: {
        operationId: 'listDelegates',
        summary: "The patient's current delegates, proposed and active (the patient, or their registrar or admin)",
        description:
          'A removed delegate is no longer listed (the audit trail keeps the appointment and the removal). A ' +
          "registrar or admin sees only the delegates of their own organisation's patients.",
        tags: ['relationships'],
        parameters: [pathParam('patientId', 'Patient participant id'), ...pageParams],
        responses: { '200': json('One page', 'DelegatePage'), ...problems(...READ) },
      },
      post: {
        operationId: 'addDelegate',
        summary: "Appoint a delegate (the patient), or propose one (the patient's registrar or admin)",
        description:
          "A patient's appointment takes effect at once; a registrar's is a proposal the patient must accept. The " +
          'patient is notified either way. The delegate must be a registered patient-role participant.',
        tags: ['relationships'],
        parameters: [pathParam('patientId', 'Patient participant id')],
        requestBody: body('DelegateRequest', 'Who will act for the patient'),
        responses: { '200': json('The delegate', 'DelegateResult'), ...problems(...WRITE) },
      },
    },
    '/v1/patients/{patientId}/delegates/{delegateId}/accept': {
      post: {
        operationId: 'acceptDelegate',
        summary: 'The patient accepts a delegate their registrar proposed',
        tags: ['relationships'],
        parameters: [pathParam('patientId', 'Patient participant id'), pathParam('delegateId', 'Delegate id')],
        responses: { '200': json('The delegate', 'DelegateResult'), ...problems(...WRITE) },
      },
    },
    '/v1/patients/{patientId}/delegates/{delegateId}': {
      delete: {
        operationId: 'removeDelegate',
        summary: "Remove a delegate (the patient, or the patient's registrar or admin)",
        description: "The delegate's access ends at once, including open notification streams and issued tickets.",
        tags: ['relationships'],
        parameters: [pathParam('patientId', 'Patient participant id'), pathParam('delegateId', 'Delegate id')],
        responses: { '200': json('Removed', 'DelegateRemoved'), ...problems(...WRITE) },
      },
    },
    '/v1/records/{recordId}': {
      get: {
        operationId: 'getRecordContent',
        summary: 'The content of a record, from its custodian, checked against the ledger',
        description:
          'Requests an access ticket by a transaction (recorded on the ledger, also when denied), fetches the ' +
          "content from the custodian's gatekeeper with proof of possession, and checks its hash against the ledger.",
        tags: ['records'],
        parameters: [
          pathParam('recordId', 'Record id'),
          query('purpose', ref('PurposeOfUse'), 'Purpose of use (HL7 v3).', true),
          query(
            'ticketId',
            { type: 'string', pattern: ID_PATTERN },
            'Use this permit already issued to the caller (e.g. a break-glass ticket) instead of requesting one.',
          ),
        ],
        responses: { '200': json('The content', 'RecordContent'), ...problems(...READ, '502') },
      },
    },
    '/v1/records/{recordId}/break-glass': {
      post: {
        operationId: 'breakGlass',
        summary: 'Emergency access to a record without consent, time-boxed and flagged for review (clinician)',
        tags: ['access'],
        parameters: [pathParam('recordId', 'Record id')],
        requestBody: body('BreakGlassRequest', 'Coded justification and duration'),
        responses: { '201': json('The break-glass ticket', 'TicketIssued'), ...problems(...WRITE) },
      },
    },
    '/v1/break-glass': {
      get: {
        operationId: 'listBreakGlass',
        summary: 'Break-glass tickets by review status (compliance)',
        tags: ['access'],
        parameters: [
          query(
            'reviewStatus',
            { type: 'string', enum: ['pending', 'justified', 'unjustified'] },
            'Only tickets with this status.',
          ),
          ...pageParams,
        ],
        responses: { '200': json('One page', 'TicketPage'), ...problems(...READ) },
      },
    },
    '/v1/break-glass/{ticketId}/review': {
      post: {
        operationId: 'reviewBreakGlass',
        summary: 'Review a break-glass access (compliance)',
        tags: ['access'],
        parameters: [pathParam('ticketId', 'Break-glass ticket id')],
        requestBody: body('BreakGlassReview', 'Outcome'),
        responses: { '200': json('The reviewed ticket', 'TicketIssued'), ...problems(...WRITE) },
      },
    },
    '/v1/tickets/{ticketId}': {
      get: {
        operationId: 'getTicket',
        summary: 'An access ticket',
        tags: ['access'],
        parameters: [pathParam('ticketId', 'Ticket id (the transaction id that issued it)')],
        responses: { '200': json('The ticket', 'Ticket'), ...problems(...READ) },
      },
    },
    '/v1/patients/{patientId}/consents': {
      post: {
        operationId: 'grantConsent',
        summary: 'Grant consent (the patient, or a delegate)',
        tags: ['consents'],
        parameters: [pathParam('patientId', 'Patient participant id')],
        requestBody: body('ConsentRequest', 'The grant'),
        responses: { '201': json('Granted', 'ConsentResult'), ...problems(...WRITE) },
      },
      get: {
        operationId: 'listConsents',
        summary: "The patient's consents",
        tags: ['consents'],
        parameters: [pathParam('patientId', 'Patient participant id'), ...pageParams],
        responses: { '200': json('One page', 'ConsentPage'), ...problems(...READ) },
      },
    },
    '/v1/consents/{consentId}': {
      get: {
        operationId: 'getConsent',
        summary: 'A consent',
        tags: ['consents'],
        parameters: [pathParam('consentId', 'Consent id')],
        responses: { '200': json('The consent', 'Consent'), ...problems(...READ) },
      },
      delete: {
        operationId: 'revokeConsent',
        summary: 'Revoke a consent (the patient, or a delegate)',
        tags: ['consents'],
        parameters: [pathParam('consentId', 'Consent id')],
        responses: { '200': json('Revoked', 'ConsentResult'), ...problems(...WRITE) },
      },
    },
    '/v1/patients/{patientId}/summary': {
      get: {
        operationId: 'getPatientSummary',
        summary: "The patient's relationships with custodians and unseen notifications",
        tags: ['patients'],
        parameters: [pathParam('patientId', 'Patient participant id')],
        responses: { '200': json('The summary', 'PatientSummary'), ...problems(...READ) },
      },
    },
    '/v1/patients/{patientId}/notifications': {
      get: {
        operationId: 'streamNotifications',
        summary: "Server-Sent Events: the patient's ledger events as they commit",
        description:
          'Each event has `event:` the chaincode event name (e.g. RecordRegistered), `id:` its ledger position ' +
          '`<blockNumber>:<transactionId>` and `data:` JSON {transactionId, blockNumber, payload}. Comment lines are ' +
          'sent as heartbeats. A client that reconnects with `Last-Event-ID` (EventSource does so by itself) gets ' +
          'every event committed after that one, so a dropped connection loses nothing.',
        tags: ['patients'],
        parameters: [
          pathParam('patientId', 'Patient participant id'),
          {
            name: 'Last-Event-ID',
            in: 'header',
            required: false,
            description: 'The id of the last event received: the stream resumes right after it.',
            schema: { type: 'string', pattern: EVENT_ID_PATTERN },
          },
        ],
        responses: {
          '200': { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...problems(...READ),
        },
      },
    },
    '/v1/audit/events': {
      get: {
        operationId: 'listAuditEvents',
        summary: 'Audit events by patient or by actor, in time order',
        description: 'Give exactly one of patientId and actorId. The window is [from, to).',
        tags: ['audit'],
        parameters: [
          query('patientId', { type: 'string', pattern: ID_PATTERN }, 'Events about this patient.'),
          query('actorId', { type: 'string', pattern: ID_PATTERN }, 'Events caused by this participant.'),
          query('from', { type: 'string', format: 'date-time' }, 'Inclusive start (UTC ISO 8601).'),
          query('to', { type: 'string', format: 'date-time' }, 'Exclusive end (UTC ISO 8601).'),
          ...pageParams,
        ],
        responses: { '200': json('One page', 'AuditPage'), ...problems(...READ) },
      },
    },

    '/v1/audit/export': {
      get: {
        operationId: 'exportAuditTrail',
        summary: 'Export the audit trail with ledger proofs and a signed manifest (compliance; a patient: their own)',
        description:
          'Streams the events the filters select, page by page, each with its ledger proof (channel, block number, ' +
          'transaction id, validation code), then a manifest (filters, generation time, exporter, event count, ' +
          "SHA-256 of the content) signed with the caller's own Fabric identity. Give exactly one of patientId and " +
          'actorId; the window is [from, to). Formats: `json` JSON Lines (one {event, proof} per line, then ' +
          '{manifest}), `csv` (one row per event, spreadsheet-safe), `fhir` ' +
          '(a FHIR R4 Bundle of IHE BALP AuditEvents, the manifest in Bundle.signature). Every format also carries the ' +
          'signed manifest, base64 JSON, in the HTTP trailer X-Medrec-Manifest. The caller is authorised by a ledger ' +
          'read before anything is sent; a failure after that truncates the stream (no manifest). Every format is ' +
          'verifiable with POST /v1/audit/verify.',
        tags: ['audit'],
        parameters: [
          query('patientId', { type: 'string', pattern: ID_PATTERN }, "The patient's trail."),
          query('actorId', { type: 'string', pattern: ID_PATTERN }, 'What this participant did.'),
          query('organisation', { type: 'string', pattern: ID_PATTERN }, 'Only events whose actor is of this MSP.'),
          query(
            'eventType',
            { type: 'string', pattern: '^[A-Za-z]{1,64}(,[A-Za-z]{1,64}){0,31}$' },
            'Only these event types, comma-separated (e.g. RecordRegistered,AccessDecided).',
          ),
          query('format', { type: 'string', enum: ['json', 'csv', 'fhir'], default: 'json' }, 'The export format.'),
          query('from', { type: 'string', format: 'date-time' }, 'Inclusive start (UTC ISO 8601).'),
          query('to', { type: 'string', format: 'date-time' }, 'Exclusive end (UTC ISO 8601).'),
        ],
        responses: {
          '200': {
            description: 'The export, streamed; the signed manifest also in the X-Medrec-Manifest trailer.',
            content: {
              'application/x-ndjson': { schema: { type: 'string' } },
              'text/csv': { schema: { type: 'string' } },
              'application/fhir+json': { schema: { type: 'object' } },
            },
          },
          ...problems(...READ),
        },
      },
    },
    '/v1/audit/verify': {
      post: {
        operationId: 'verifyAuditExport',
        summary: 'Verify an export (JSON Lines, CSV or FHIR) against the ledger (compliance; a patient: their own)',
        description:
          'The body is the export as GET /v1/audit/export produced it (at most ' +
          `${AUDIT_VERIFY_BODY_LIMIT}), its format told by the content type: application/x-ndjson (json), ` +
          'application/fhir+json (fhir: the Bundle, its signed manifest in Bundle.signature) or text/csv (csv: its ' +
          'signed manifest, which CSV has no room for, in the X-Medrec-Manifest header exactly as the export sent it ' +
          'in its trailer). Reads the blocks it names from the peer as the caller and checks that every ' +
          'event is exactly what a committed, valid transaction wrote, the order, the filters, the manifest hash and ' +
          'its signature (with the CA roots of the ledger’s organisation records) and, for an export that claims to be ' +
          'complete, that no event of its block range matching its filters is missing; for FHIR, also that each ' +
          'AuditEvent shows what the entry embedded in it says (`fhir-mismatch`). An invalid export is a 200 ' +
          'with `valid: false` and every discrepancy; a CSV export without its manifest, or a manifest header with ' +
          'another format, is a 400.',
        tags: ['audit'],
        parameters: [
          {
            name: 'X-Medrec-Manifest',
            in: 'header',
            required: false,
            description:
              'text/csv only: the signed manifest, base64 of its JSON (the X-Medrec-Manifest trailer of the export, ' +
              'or the base64 of the sidecar <export>.manifest.json the CLI writes).',
            schema: { type: 'string', pattern: '^[A-Za-z0-9+/]+={0,2}$', maxLength: 16384 },
          },
        ],
        requestBody: {
          required: true,
          description: 'The export, in the media type of its format',
          content: {
            [NDJSON_TYPE]: { schema: { type: 'string' } },
            'text/csv': { schema: { type: 'string' } },
            'application/fhir+json': { schema: { type: 'string' } },
          },
        },
        responses: { '200': json('The verification report', 'VerificationReport'), ...problems(...WRITE) },
      },
    },
  },
  components: {
    schemas: { ...schemas, ...contractSchemas, ...trendSchemas, ...accountingSchemas, ...networkSchemas },
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        description: 'An API token (mrk_…) issued when the user was registered.',
      },
    },
  },
};
