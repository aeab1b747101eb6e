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
