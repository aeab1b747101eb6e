import { z } from 'zod';
import {
  categorySchema,
  idSchema,
  isoTimeSchema,
  locatorSchema,
  mspIdSchema,
  pageFields,
  purposeSchema,
  roleSchema,
  sha256HexSchema,
  txIdSchema,
} from './primitives';

export const accessRequestSchema = z.strictObject({ recordId: idSchema, purpose: purposeSchema });

/**
 * A read in one ordered transaction (Access:Disclose): the requester signs this request with its enrolment key and
 * sends it to the custodian's gatekeeper, which submits it; the chaincode verifies the signature and certificate,
 * decides, and records the disclosure, all in that one transaction. Signed bytes: {@link readRequestBytes}.
 */
export const READ_REQUEST_CONTEXT = 'medrec/direct-read/v1';

/** How far a read request's timestamp may be from the transaction's time, either way. */
export const READ_REQUEST_WINDOW_MS = 60_000;

export const readRequestSchema = z.strictObject({
  recordId: idSchema,
  purpose: purposeSchema,
  /** The organisation holding the record: a request is good at that custodian's gatekeeper only. */
  custodianMsp: mspIdSchema,
  /** The requester's organisation, whose registered CA roots must have issued certPem. */
  requesterMsp: mspIdSchema,
  /** The requester's enrolment certificate (PEM); the identity is read from it, never from other fields. */
  certPem: z.string().min(1).max(16_384),
  /** Milliseconds since the Unix epoch when the request was signed. */
  timestamp: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** 128 random bits, base64url: every request is unique and is accepted once. */
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'nonce must be 16 random bytes as base64url (22 characters)'),
});
export type ReadRequest = z.infer<typeof readRequestSchema>;

export const signedReadRequestSchema = readRequestSchema.extend({
  /** Base64 DER ECDSA (P-256, SHA-256) signature over readRequestBytes by certPem's key. */
  signature: z.string().regex(/^[A-Za-z0-9+/]{8,200}={0,2}$/, 'signature must be a base64 DER ECDSA signature'),
});
export type SignedReadRequest = z.infer<typeof signedReadRequestSchema>;

/**
 * The exact bytes a read request's signature covers: the RFC 8785 canonical JSON (UTF-8) of the request without the
 * certificate (the signature is verified with the certificate's key, so it binds it anyway), plus a context string
 * that keeps the signature from being valid for anything else the key signs. Every value is a string or a safe
 * integer and the keys are written in sorted order, so JSON.stringify produces the canonical form itself.
 */
export function readRequestBytes(request: Readonly<Omit<ReadRequest, 'certPem'>>): Uint8Array {
  const canonical = JSON.stringify({
    context: READ_REQUEST_CONTEXT,
    custodianMsp: request.custodianMsp,
    nonce: request.nonce,
    purpose: request.purpose,
    recordId: request.recordId,
    requesterMsp: request.requesterMsp,
    timestamp: request.timestamp,
  });
  return new TextEncoder().encode(canonical);
}

/**
 * A coded reason plus an optional reference to the custodian's own incident record: free-text justifications
 * would invite PHI onto the ledger, where it can never be erased.
 */
export const BREAK_GLASS_REASONS = [
  'life-threatening-emergency',
  'patient-unconscious',
  'patient-unable-to-consent',
  'urgent-continuity-of-care',
] as const;

export const breakGlassRequestSchema = z.strictObject({
  recordId: idSchema,
  reason: z.enum(BREAK_GLASS_REASONS),
  incidentRef: idSchema.optional(),
  durationMinutes: z.int().min(5).max(240),
});

export const REVIEW_STATUSES = ['pending', 'justified', 'unjustified'] as const;

export const reviewSchema = z.strictObject({
  ticketId: txIdSchema,
  outcome: z.enum(['justified', 'unjustified']),
  reviewRef: idSchema.optional(),
});

export const listBreakGlassQuerySchema = z.strictObject({
  reviewStatus: z.enum(REVIEW_STATUSES).default('pending'),
  ...pageFields,
});

export const DECISION_REASONS = [
  'own-record',
  'delegate',
  'custodian',
  'consent',
  'break-glass',
  'record-superseded',
  'no-covering-consent',
] as const;

/** The requester's identity as the ticket binds it: a gatekeeper verifies signatures against certPem. */
export const requesterSchema = z.strictObject({
  participantId: idSchema,
  mspId: mspIdSchema,
  role: roleSchema,
  certSha256: sha256HexSchema,
  certPem: z.string().max(16_384),
});

const disclosureSchema = z.strictObject({ confirmedBy: idSchema, confirmedAt: isoTimeSchema, txId: txIdSchema });

export const ticketSchema = z.strictObject({
  ticketId: txIdSchema,
  kind: z.enum(['access', 'break-glass']),
  decision: z.enum(['permit', 'deny']),
  reason: z.enum(DECISION_REASONS),
  consentId: idSchema.optional(),
  recordId: idSchema,
  patientId: idSchema,
  custodianMsp: mspIdSchema,
  category: categorySchema,
  purpose: purposeSchema,
  /** Present on permits only: what the requester verifies the served content against, and where it lives. */
  contentHash: sha256HexSchema.optional(),
  locator: locatorSchema.optional(),
  requester: requesterSchema,
  issuedAt: isoTimeSchema,
  expiresAt: isoTimeSchema,
  txId: txIdSchema,
  breakGlass: z
    .strictObject({
      reason: z.enum(BREAK_GLASS_REASONS),
      incidentRef: idSchema.optional(),
      reviewStatus: z.enum(REVIEW_STATUSES),
      reviewedBy: idSchema.optional(),
      reviewedAt: isoTimeSchema.optional(),
      reviewRef: idSchema.optional(),
    })
    .optional(),
  /** The first disclosure on this ticket. */
  disclosure: disclosureSchema.optional(),
  /** Every served read is a disclosure of its own: how many, and the latest. */
  disclosureCount: z.int().min(1).optional(),
  lastDisclosure: disclosureSchema.optional(),
});
export type Ticket = z.infer<typeof ticketSchema>;
export type DecisionReason = (typeof DECISION_REASONS)[number];
