/**
 * JSON Schemas (2020-12) of every request and response body. Ledger objects mirror chaincode/README.md; they allow
 * additional properties so that a chaincode adding a field does not break clients, while request bodies are closed
 * (an unknown field is a mistake the caller should hear about).
 */
import { ID_PATTERN as LEDGER_ID, NOTIFICATION_KINDS } from '../../../sdk/src';
import type { JsonSchema } from './openapi-types';

export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** The ledger's own id rule (one definition, in the chaincode's schemas). */
export const ID_PATTERN = LEDGER_ID.source;
const ROLES = ['patient', 'clinician', 'registrar', 'gatekeeper', 'compliance', 'researcher', 'admin'];
const PURPOSES = ['TREAT', 'ETREAT', 'HPAYMT', 'HOPERAT', 'HRESCH', 'PUBHLTH'];
const BREAK_GLASS_REASONS = [
  'life-threatening-emergency',
  'patient-unconscious',
  'patient-unable-to-consent',
  'urgent-continuity-of-care',
];

const id: JsonSchema = { type: 'string', pattern: ID_PATTERN };
const time: JsonSchema = { type: 'string', format: 'date-time' };
const str: JsonSchema = { type: 'string' };
const bookmark: JsonSchema = {
  type: 'string',
  description: 'Pass it back to get the next page; empty on the last page.',
};

function page(item: string): JsonSchema {
  return {
    type: 'object',
    required: ['items', 'bookmark'],
    properties: { items: { type: 'array', items: ref(item) }, bookmark },
  };
}

function closed(required: readonly string[], properties: Readonly<Record<string, JsonSchema>>): JsonSchema {
  return { type: 'object', required, properties, additionalProperties: false };
}

function open(required: readonly string[], properties: Readonly<Record<string, JsonSchema>>): JsonSchema {
  return { type: 'object', required, properties };
}

export const schemas: Readonly<Record<string, JsonSchema>> = {
  Id: { ...id, description: '1-128 of A-Z a-z 0-9 . _ : -, starting with a letter or digit (never an e-mail).' },
  Role: { type: 'string', enum: ROLES },
  PurposeOfUse: { type: 'string', enum: PURPOSES, description: 'HL7 v3 purpose of use.' },
  Problem: open(['type', 'title', 'status', 'detail', 'instance'], {
    type: { type: 'string', format: 'uri-reference' },
    title: str,
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: str,
    instance: { type: 'string', format: 'uri-reference' },
    code: { type: 'string', description: 'Stable machine-readable code, e.g. MEDREC_FORBIDDEN.' },
    transactionId: { type: 'string', description: 'The Fabric transaction the failure belongs to, when known.' },
    requestId: str,
    errors: {
      type: 'array',
      items: closed(['in', 'path', 'message'], {
        in: { type: 'string', enum: ['path', 'query', 'header', 'body'] },
        path: str,
        message: str,
      }),
    },
  }),
  Health: open(['status', 'checks'], {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: {
      type: 'array',
      items: open(['name', 'ok'], { name: str, ok: { type: 'boolean' }, detail: str }),
    },
  }),
  Participant: open(
    ['participantId', 'role', 'enrollmentId', 'mspId', 'status', 'registeredBy', 'registeredAt', 'txId'],
    {
      participantId: id,
      role: ref('Role'),
      enrollmentId: str,
      mspId: str,
      enrollmentIssuer: { type: 'string', description: 'DN of the CA that issued the bound identity.' },
      status: { type: 'string', enum: ['active', 'inactive'] },
      registeredBy: str,
      registeredAt: time,
      txId: str,
      deactivatedBy: str,
      deactivatedAt: time,
    },
  ),
  Me: open(
    ['org', 'mspId', 'enrollmentId', 'participantId', 'role', 'tokenId', 'registered', 'active', 'participant'],
    {
      org: str,
      mspId: str,
      enrollmentId: str,
      participantId: str,
      role: ref('Role'),
      tokenId: str,
      registered: { type: 'boolean', description: 'Whether the ledger knows this user as a participant.' },
      active: { type: 'boolean' },
      participant: { oneOf: [ref('Participant'), { type: 'null' }] },
    },
  ),
  ParticipantRegistration: closed(['role'], {
    role: ref('Role'),
    externalId: {
      type: 'string',
      pattern: '^[\\x21-\\x7e]{1,64}$',
      description:
        "Your organisation's own identifier for the person (an MRN, a staff number). Kept only in this " +
        "organisation's database, never on the ledger; look participants up by it with GET /v1/participants.",
    },
  }),
  IssuedToken: open(['tokenId', 'token', 'createdAt', 'expiresAt'], {
    tokenId: str,
    token: { type: 'string', description: 'The bearer token. Shown only in this response: store it now.' },
    createdAt: time,
    expiresAt: { ...time, description: 'After this instant the token no longer authenticates.' },
  }),
  ParticipantRegistered: open(['participant', 'transactionId', 'token'], {
    participant: ref('Participant'),
    transactionId: str,
    token: ref('IssuedToken'),
  }),
  ParticipantDeactivated: open(['participant', 'transactionId', 'revokedTokens'], {
    participant: ref('Participant'),
    transactionId: str,
    revokedTokens: { type: 'integer', minimum: 0 },
  }),
  TokenInfo: open(
    ['tokenId', 'org', 'mspId', 'participantId', 'enrollmentId', 'role', 'createdAt', 'expiresAt', 'revokedAt'],
    {
      tokenId: str,
      org: str,
      mspId: str,
      participantId: str,
      enrollmentId: str,
      role: ref('Role'),
      createdAt: time,
      expiresAt: time,
      revokedAt: { oneOf: [time, { type: 'null' }] },
    },
  ),
  TokenList: open(['items'], { items: { type: 'array', items: ref('TokenInfo') } }),
  FhirResource: {
    type: 'object',
    required: ['resourceType'],
    properties: { resourceType: { type: 'string', pattern: '^[A-Z][A-Za-z]{1,63}$' } },
    description: 'One FHIR R4 resource (JSON). It is validated in full by the custodian before it is stored.',
  },
  RecordPointer: open(
    [
      'recordId',
      'patientId',
      'custodianMsp',
      'category',
      'contentHash',
      'locator',
      'version',
      'supersedes',
      'supersededBy',
      'registeredBy',
      'registeredAt',
      'txId',
    ],
    {
      recordId: id,
      patientId: id,
      custodianMsp: str,
      category: str,
      contentHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      locator: str,
      version: { type: 'integer', minimum: 1 },
      supersedes: { type: ['string', 'null'] },
      supersededBy: { type: ['string', 'null'] },
      registeredBy: str,
      registeredAt: time,
      txId: str,
    },
  ),
  RecordRegistered: open(['record', 'transactionId'], { record: ref('RecordPointer'), transactionId: str }),
  RecordPage: page('RecordPointer'),
  Ticket: open(
    [
      'ticketId',
      'kind',
      'decision',
      'reason',
      'recordId',
      'patientId',
      'custodianMsp',
      'category',
      'purpose',
      'requester',
      'issuedAt',
      'expiresAt',
      'txId',
    ],
    {
      ticketId: str,
      kind: { type: 'string', enum: ['access', 'break-glass'] },
      decision: { type: 'string', enum: ['permit', 'deny'] },
      reason: str,
      consentId: str,
      recordId: str,
      patientId: str,
      custodianMsp: str,
      category: str,
      purpose: ref('PurposeOfUse'),
      contentHash: str,
      locator: str,
      requester: open(['participantId', 'mspId', 'role'], {
        participantId: str,
        mspId: str,
        role: ref('Role'),
        certSha256: str,
        certPem: str,
      }),
      issuedAt: time,
      expiresAt: time,
      txId: str,
      breakGlass: open(['reason', 'reviewStatus'], {
        reason: { type: 'string', enum: BREAK_GLASS_REASONS },
        incidentRef: str,
        reviewStatus: { type: 'string', enum: ['pending', 'justified', 'unjustified'] },
        reviewedBy: str,
        reviewedAt: time,
        reviewRef: str,
      }),
      disclosure: open(['confirmedBy', 'confirmedAt', 'txId'], { confirmedBy: str, confirmedAt: time, txId: str }),
    },
  ),
  TicketIssued: open(['ticket', 'transactionId'], { ticket: ref('Ticket'), transactionId: str }),
  TicketPage: page('Ticket'),
  RecordContent: open(['resource', 'ticket'], {
    resource: ref('FhirResource'),
    pointer: ref('RecordPointer'),
    ticket: ref('Ticket'),
  }),
  BreakGlassRequest: closed(['reason', 'durationMinutes'], {
    reason: { type: 'string', enum: BREAK_GLASS_REASONS },
    incidentRef: {
      ...id,
      description:
        'Your own incident number. The ledger receives only a keyed hash of it (incident-<32 hex>, HMAC-SHA256 ' +
        "under this organisation's key), so it can be an internal number without reaching the ledger as given.",
    },
    durationMinutes: { type: 'integer', minimum: 5, maximum: 240 },
  }),
  BreakGlassReview: closed(['outcome'], {
    outcome: { type: 'string', enum: ['justified', 'unjustified'] },
    reviewRef: { ...id, description: 'Your own case number; the ledger receives only its keyed hash (review-…).' },
  }),
  Grantee: {
    oneOf: [
      closed(['kind', 'participantId'], { kind: { const: 'participant' }, participantId: id }),
      closed(['kind', 'role', 'mspId'], { kind: { const: 'role' }, role: ref('Role'), mspId: id }),
      closed(['kind', 'mspId'], { kind: { const: 'organisation' }, mspId: id }),
    ],
  },
  ConsentRequest: closed(['grantee', 'scope', 'purposes', 'period'], {
    consentId: {
      type: 'string',
      pattern: '^consent-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
      description:
        'consent-<random UUID>, chosen by the client so a retried request is idempotent; generated when omitted. ' +
        'Only this shape is accepted, so no identifier or other PHI can ride on a ledger id.',
    },
    grantee: ref('Grantee'),
    scope: closed(['custodians'], {
      custodians: { type: 'array', items: id, minItems: 1, maxItems: 20, uniqueItems: true },
      categories: { type: 'array', items: str, maxItems: 50, uniqueItems: true },
      recordIds: { type: 'array', items: id, maxItems: 200, uniqueItems: true },
    }),
    purposes: { type: 'array', items: ref('PurposeOfUse'), minItems: 1, uniqueItems: true },
    period: closed(['notBefore', 'notAfter'], { notBefore: time, notAfter: time }),
  }),
  Consent: open(['consentId', 'patientId', 'grantee', 'scope', 'purposes', 'period', 'status', 'grantedBy', 'txId'], {
    consentId: str,
    patientId: str,
    grantee: { type: 'object', required: ['kind'], properties: { kind: str } },
    scope: { type: 'object', required: ['custodians'], properties: { custodians: { type: 'array', items: str } } },
    purposes: { type: 'array', items: ref('PurposeOfUse') },
    period: open(['notBefore', 'notAfter'], { notBefore: time, notAfter: time }),
    status: { type: 'string', enum: ['active', 'revoked'] },
    grantedBy: str,
    grantedAt: time,
    txId: str,
    revokedBy: str,
    revokedAt: time,
  }),
  ConsentResult: open(['consent', 'transactionId'], { consent: ref('Consent'), transactionId: str }),
  ConsentPage: page('Consent'),
  Relationship: open(['patientId', 'custodianMsp', 'status', 'recordCount'], {
    patientId: str,
    custodianMsp: str,
    status: { type: 'string', enum: ['new', 'pending-update', 'accepted', 'rejected'] },
    recordCount: { type: 'integer', minimum: 0 },
    createdAt: time,
    updatedAt: time,
    txId: str,
  }),
  Notification: open(['notificationId', 'patientId', 'kind', 'subjectId', 'txId', 'time'], {
    notificationId: str,
    patientId: str,
    kind: { type: 'string', enum: [...NOTIFICATION_KINDS] },
    subjectId: str,
    txId: str,
    time,
  }),
  Delegate: open(['patientId', 'delegateId', 'status'], {
    patientId: id,
    delegateId: id,
    status: {
      type: 'string',
      enum: ['proposed', 'active'],
      description: "Only an active delegate acts for the patient; a registrar's proposal waits for the patient.",
    },
    addedBy: str,
    addedAt: time,
    acceptedAt: time,
    txId: str,
  }),
  DelegateRequest: closed(['delegateId'], { delegateId: id }),
  DelegateResult: open(['delegate', 'transactionId'], { delegate: ref('Delegate'), transactionId: str }),
  DelegateRemoved: open(['patientId', 'delegateId', 'removed', 'transactionId'], {
    patientId: id,
    delegateId: id,
    removed: { type: 'boolean' },
    transactionId: str,
  }),
  RelationshipResult: open(['relationship', 'transactionId'], {
    relationship: ref('Relationship'),
    transactionId: str,
  }),
  PatientSummary: open(['patientId', 'relationships', 'moreRelationships', 'notifications', 'notificationsBookmark'], {
    patientId: str,
    relationships: { type: 'array', items: ref('Relationship') },
    moreRelationships: { type: 'boolean' },
    notifications: { type: 'array', items: ref('Notification') },
    notificationsBookmark: str,
  }),
  AuditEvent: open(['eventId', 'txId', 'time', 'type', 'actor', 'subject'], {
    eventId: str,
    txId: str,
    time,
    type: str,
    actor: open(['participantId', 'mspId', 'role'], { participantId: str, mspId: str, role: ref('Role') }),
    patientId: str,
    subject: open(['kind', 'id'], { kind: str, id: str }),
    outcome: { type: 'string', enum: ['permit', 'deny'] },
    reason: str,
  }),
  AuditPage: page('AuditEvent'),
  ExportManifest: open(
    [
      'format',
      'filters',
      'generatedAt',
      'generatedBy',
      'channel',
      'eventCount',
      'complete',
      'blockRange',
      'contentSha256',
      'signature',
    ],
    {
      format: { type: 'string', const: 'medrec-audit-export/1' },
      filters: { type: 'object' },
      generatedAt: str,
      generatedBy: open(['participantId', 'mspId', 'certificatePem'], {
        participantId: str,
        mspId: str,
        certificatePem: str,
      }),
      channel: str,
      eventCount: { type: 'integer', minimum: 0 },
      complete: { type: 'boolean' },
      blockRange: {
        oneOf: [open(['first', 'last'], { first: { type: 'integer' }, last: { type: 'integer' } }), { type: 'null' }],
      },
      contentSha256: str,
      signature: { type: 'string', description: 'ECDSA P-256 SHA-256, DER, base64, over the canonical JSON.' },
    },
  ),
  Discrepancy: open(['kind', 'message'], {
    kind: {
      type: 'string',
      enum: [
        'malformed',
        'field-mismatch',
        'not-on-ledger',
        'invalid-transaction',
        'proof-mismatch',
        'out-of-order',
        'filter-mismatch',
        'missing-event',
        'count-mismatch',
        'hash-mismatch',
        'signature',
        'block-unavailable',
      ],
    },
    eventIndex: { type: 'integer', minimum: 0, description: '0-based position of the event in the export.' },
    txId: str,
    field: str,
    expected: str,
    found: str,
    message: str,
  }),
  VerificationReport: open(['valid', 'eventCount', 'discrepancies'], {
    valid: { type: 'boolean', description: 'True when there is no discrepancy.' },
    eventCount: { type: 'integer', minimum: 0 },
    manifest: ref('ExportManifest'),
    discrepancies: { type: 'array', items: ref('Discrepancy') },
  }),
};
