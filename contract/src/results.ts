import { z } from 'zod';
import { consentSchema } from './consent';
import {
  amountSchema,
  claimRecordSchema,
  holderSchema,
  pendingClaimRecordSchema,
  scheduleApprovalSchema,
  scheduleProposalSchema,
  scheduleSchema,
} from './incentive';
import { notificationSchema } from './notifications';
import { idSchema, isoTimeSchema, mspIdSchema, roleSchema, txIdSchema } from './primitives';
import { relationshipSchema } from './records';
import { participantSchema } from './registrar';

/**
 * Shapes of the results that are not stored objects themselves: pages, views computed by a transaction and
 * small acknowledgements. Stored objects (participant, record, consent, ticket, ...) are their own results.
 */

/** One page of a list; the bookmark is empty when there is nothing more. */
export function pageSchema<T extends z.ZodType>(
  item: T,
): z.ZodObject<{ items: z.ZodArray<T>; bookmark: z.ZodString }, z.core.$strict> {
  return z.strictObject({ items: z.array(item), bookmark: z.string() });
}

/** The caller's certificate attributes as the chaincode reads them (no ledger state). */
export const identitySchema = z.strictObject({
  /** As the certificate's MSP names it: Fabric has already checked it belongs to the channel. */
  mspId: z.string(),
  role: z.string().nullable(),
  participantId: z.string().nullable(),
});

/** The caller as the ledger knows it: registered only when the certificate is the identity bound to the participant. */
export const whoAmISchema = z.strictObject({
  mspId: z.string(),
  role: roleSchema.nullable(),
  participantId: idSchema.nullable(),
  registered: z.boolean(),
  active: z.boolean(),
  participant: participantSchema.nullable(),
});
export type WhoAmI = z.infer<typeof whoAmISchema>;

export const patientSummarySchema = z.strictObject({
  patientId: idSchema,
  relationships: z.array(relationshipSchema),
  moreRelationships: z.boolean(),
  notifications: z.array(notificationSchema),
  notificationsBookmark: z.string(),
});
export type PatientSummary = z.infer<typeof patientSummarySchema>;

/** Every version of a consent as the ledger's history keeps it (bounded by the chaincode). */
/**
 * Consent:IndexGrantees: how far the consent-by-grantee index was built. Decisions use the index once `complete`;
 * until then they scan every consent of the patient.
 */
export const consentIndexStatusSchema = z.strictObject({
  complete: z.boolean(),
  /** Index entries written by this pass. */
  indexed: z.number().int().nonnegative(),
});

export const consentHistorySchema = z.strictObject({
  consentId: idSchema,
  entries: z.array(
    z.strictObject({ txId: txIdSchema, time: isoTimeSchema, isDelete: z.boolean(), consent: consentSchema.nullable() }),
  ),
});
export type ConsentHistory = z.infer<typeof consentHistorySchema>;

export const delegateRemovalSchema = z.strictObject({
  patientId: idSchema,
  delegateId: idSchema,
  removed: z.literal(true),
});

export const acknowledgementResultSchema = z.strictObject({ patientId: idSchema, acknowledged: z.array(idSchema) });

/** The schedule with what follows from it: the current era and reward, and the supply cap. */
export const scheduleViewSchema = scheduleSchema.extend({
  era: amountSchema,
  currentReward: amountSchema,
  cap: amountSchema,
});
export type ScheduleView = z.infer<typeof scheduleViewSchema>;

/** A proposal with the approvals that currently support it (in MSP id order). */
export const proposalViewSchema = scheduleProposalSchema.extend({ approvals: z.array(scheduleApprovalSchema) });
export type ProposalView = z.infer<typeof proposalViewSchema>;

/** After proposing or approving: the schedule is set once `required` organisations approve one proposal. */
export const scheduleVoteSchema = z.strictObject({
  proposal: proposalViewSchema,
  organisations: z.int().min(0),
  required: z.int().min(0),
  schedule: scheduleViewSchema.nullable(),
});
export type ScheduleVote = z.infer<typeof scheduleVoteSchema>;

export const scheduleProposalsSchema = z.strictObject({
  organisations: z.int().min(0),
  required: z.int().min(0),
  items: z.array(proposalViewSchema),
});
export type ScheduleProposals = z.infer<typeof scheduleProposalsSchema>;

/**
 * After ClaimEndorsements: the claims it recorded, all pending. None is paid, and none takes a claim number, until
 * `required` other organisations (of the `organisations` registered) attest it with AttestClaims.
 */
export const claimResultSchema = z.strictObject({
  mspId: mspIdSchema,
  claims: z.array(pendingClaimRecordSchema),
  organisations: z.int().min(0),
  required: z.int().min(1),
});
export type ClaimResult = z.infer<typeof claimResultSchema>;

/**
 * After AttestClaims: the attested claims as the transaction leaves them (paid once `required` other organisations
 * attested), how many it paid and the credits it minted for them.
 */
export const attestResultSchema = z.strictObject({
  /** The attesting organisation. */
  mspId: mspIdSchema,
  organisations: z.int().min(0),
  required: z.int().min(1),
  claims: z.array(claimRecordSchema),
  paid: z.int().min(0),
  minted: amountSchema,
});
export type AttestResult = z.infer<typeof attestResultSchema>;

/** A holder's balance; a holder that never held credits reads as amount "0" with no time and no transaction. */
export const balanceViewSchema = z.strictObject({
  holder: holderSchema,
  amount: amountSchema,
  updatedAt: isoTimeSchema.nullable(),
  txId: txIdSchema.nullable(),
});
export type BalanceView = z.infer<typeof balanceViewSchema>;
