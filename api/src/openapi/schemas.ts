/**
 * JSON Schemas (2020-12) of the API's own bodies: problems, health, tokens, exports, and the envelopes around ledger
 * objects. The ledger objects themselves (participants, records, tickets, consents, ...) are generated from the
 * contract module in contract-schemas.ts; none is written here a second time.
 */
import { DISCREPANCY_KINDS, ID_PATTERN as LEDGER_ID } from '@medrec/sdk';
import type { JsonSchema } from './openapi-types';

export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** The ledger's own id rule (one definition, in the contract module). */
export const ID_PATTERN = LEDGER_ID.source;
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
  RecordRegistered: open(['record', 'transactionId'], { record: ref('RecordPointer'), transactionId: str }),
  RecordPage: page('RecordPointer'),
  TicketIssued: open(['ticket', 'transactionId'], { ticket: ref('Ticket'), transactionId: str }),
  TicketPage: page('Ticket'),
  RecordContent: open(['resource', 'ticket'], {
    resource: ref('FhirResource'),
    pointer: ref('RecordPointer'),
    ticket: ref('Ticket'),
  }),
  ConsentResult: open(['consent', 'transactionId'], { consent: ref('Consent'), transactionId: str }),
  ConsentPage: page('Consent'),
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
      format: { type: 'string', enum: ['medrec-audit-export/1', 'medrec-audit-export/2'] },
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
      ledgerHeight: {
        type: 'integer',
        minimum: 1,
        description: 'Format 2: the channel height when the export began; complete up to block ledgerHeight - 1.',
      },
      blockRange: {
        oneOf: [open(['first', 'last'], { first: { type: 'integer' }, last: { type: 'integer' } }), { type: 'null' }],
      },
      contentSha256: str,
      signature: { type: 'string', description: 'ECDSA P-256 SHA-256, DER, base64, over the canonical JSON.' },
    },
  ),
  Discrepancy: open(['kind', 'message'], {
    kind: { type: 'string', enum: [...DISCREPANCY_KINDS] },
    eventIndex: {
      type: 'integer',
      minimum: 0,
      description:
        '0-based position of the event in the export; messages number events the same way ("event at index 2").',
    },
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
    complete: {
      type: 'boolean',
      description: 'True when the export holds every event its filters select up to its ledger height, checked.',
    },
    warnings: {
      type: 'array',
      items: str,
      description: 'What could not be established although nothing was wrong, e.g. an incomplete export.',
    },
    trustedBy: { type: 'string', enum: ['genesis', 'ledger'] },
    chain: open(['channel', 'height', 'transactions'], {
      channel: str,
      height: { type: 'integer' },
      transactions: { type: 'integer' },
      ledgerHeightTime: { ...str, description: 'When the last block below the manifest ledger height was made.' },
    }),
  }),
};
