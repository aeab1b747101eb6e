import { z } from 'zod';
import { idSchema, isoTimeSchema, mspIdSchema, pageFields, roleSchema, txIdSchema } from './primitives';

/** The incentive layer's own events: transactions of these types can never be claimed (no self-feeding). */
export const INCENTIVE_AUDIT_TYPES = [
  'IncentiveScheduleProposed',
  'IncentiveScheduleApproved',
  'IncentiveInitialized',
  'EndorsementsClaimed',
  'EndorsementsAttested',
  'CreditsTransferred',
] as const;

export const AUDIT_TYPES = [
  'OrganisationRegistered',
  'OrganisationRetirementApproved',
  'OrganisationRetired',
  'ParticipantRegistered',
  'ParticipantDeactivated',
  'RecordRegistered',
  'RecordAmended',
  'PatientAdmitted',
  'RelationshipAccepted',
  'RelationshipRejected',
  'DelegateProposed',
  'DelegateAdded',
  'DelegateRemoved',
  'ConsentGranted',
  'ConsentRevoked',
  'AccessDecided',
  'BreakGlassGranted',
  'BreakGlassReviewed',
  'DisclosureConfirmed',
  'NotificationsAcknowledged',
  'ResearchOptOutChanged',
  'TrendQuerySubmitted',
  'TrendAnswerSubmitted',
  'TrendQueryCombined',
  'TrendSettingsApproved',
  'TrendSettingsChanged',
  ...INCENTIVE_AUDIT_TYPES,
] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];

export const SUBJECT_KINDS = [
  'organisation',
  'participant',
  'record',
  'relationship',
  'delegate',
  'consent',
  'ticket',
  'notification',
  'incentive',
  'transfer',
  'research-opt-out',
  'trend-query',
  'trend-settings',
] as const;

export const actorSchema = z.strictObject({ participantId: idSchema, mspId: mspIdSchema, role: roleSchema });

/** One per state change and per access decision; ids and codes only, never PHI. */
export const auditEventSchema = z.strictObject({
  eventId: txIdSchema,
  txId: txIdSchema,
  time: isoTimeSchema,
  type: z.enum(AUDIT_TYPES),
  actor: actorSchema,
  patientId: idSchema.optional(),
  subject: z.strictObject({ kind: z.enum(SUBJECT_KINDS), id: z.string().max(256) }),
  outcome: z.enum(['permit', 'deny']).optional(),
  reason: z.string().max(256).optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

const EARLIEST = '2000-01-01T00:00:00.000Z';
const LATEST = '2199-12-31T23:59:59.999Z';

/** A half-open window [from, to) over transaction time. */
const windowFields = {
  from: isoTimeSchema.default(EARLIEST),
  to: isoTimeSchema.default(LATEST),
  ...pageFields,
};

function fromBeforeTo(query: { from: string; to: string }): boolean {
  return query.from < query.to;
}

export const patientAuditQuerySchema = z
  .strictObject({ patientId: idSchema, ...windowFields })
  .refine(fromBeforeTo, { message: 'from must be earlier than to', path: ['to'] });

export const actorAuditQuerySchema = z
  .strictObject({ actorId: idSchema, ...windowFields })
  .refine(fromBeforeTo, { message: 'from must be earlier than to', path: ['to'] });
