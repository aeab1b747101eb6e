/**
 * Shapes of the MedRec chaincode's arguments and results, inferred from the contract module (contract/src), the
 * one definition the chaincode validates with. Nothing here is written by hand, so the SDK cannot drift from what
 * the ledger accepts and returns. Results are deeply read-only: they are the ledger's, not the caller's to edit.
 */
import type { z } from 'zod';
import type {
  accessRequestSchema,
  actorAuditQuerySchema,
  amendmentInputSchema,
  attestationSchema,
  attestResultSchema,
  auditEventSchema,
  balanceViewSchema,
  breakGlassRequestSchema,
  claimRecordSchema,
  claimResultSchema,
  claimSchema,
  consentHistorySchema,
  consentIndexStatusSchema,
  consentInputSchema,
  consentSchema,
  delegateSchema,
  holderSchema,
  listBreakGlassQuerySchema,
  notificationSchema,
  organisationInputSchema,
  organisationSchema,
  participantInputSchema,
  participantSchema,
  retirementVoteSchema,
  patientSummarySchema,
  pendingClaimRecordSchema,
  readRequestSchema,
  recordInputSchema,
  signedReadRequestSchema,
  recordSchema,
  relationshipSchema,
  reviewSchema,
  scheduleApprovalSchema,
  scheduleParametersSchema,
  scheduleProposalsSchema,
  scheduleViewSchema,
  scheduleVoteSchema,
  ticketSchema,
  transferSchema,
  whoAmISchema,
  proposalViewSchema,
  granteeSchema,
  heartbeatSchema,
  identitySchema,
  delegateRemovalSchema,
  acknowledgementResultSchema,
  budgetSchema,
  researchChoiceSchema,
  researchOptOutSchema,
  trendAnswerInputSchema,
  trendAnswerSchema,
  trendQueryInputSchema,
  trendQuerySchema,
  trendResultSchema,
  trendSettingsSchema,
  trendSettingsVoteSchema,
} from '@medrec/contract';

export { ID_PATTERN, NOTIFICATION_KINDS, ROLES, PURPOSES, BREAK_GLASS_REASONS } from '@medrec/contract';
export type { Role, Purpose as PurposeOfUse, Category, MedRecErrorCode } from '@medrec/contract';

/** Deeply read-only view of a value parsed from the ledger. */
export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

type Out<S extends z.ZodType> = DeepReadonly<z.output<S>>;
type In<S extends z.ZodType> = DeepReadonly<z.input<S>>;

export interface Page<T> {
  readonly items: readonly T[];
  /** Empty when there are no more items. */
  readonly bookmark: string;
}

export interface PageQuery {
  readonly pageSize?: number;
  readonly bookmark?: string;
}

export type OrganisationInput = In<typeof organisationInputSchema>;
export type Organisation = Out<typeof organisationSchema>;
/** Registrar:ApproveRetirement's answer: the approvals so far, the majority needed, and whether it is retired. */
export type RetirementVote = Out<typeof retirementVoteSchema>;
export type ParticipantInput = In<typeof participantInputSchema>;
export type Participant = Out<typeof participantSchema>;
/** Someone acting for a patient; only an 'active' delegate acts (a registrar's proposal waits for the patient). */
export type Delegate = Out<typeof delegateSchema>;
export type WhoAmI = Out<typeof whoAmISchema>;

export type RecordInput = In<typeof recordInputSchema>;
export type RecordAmendment = In<typeof amendmentInputSchema>;
export type RecordPointer = Out<typeof recordSchema>;
export type Relationship = Out<typeof relationshipSchema>;

export type Grantee = In<typeof granteeSchema>;
export type ConsentInput = In<typeof consentInputSchema>;
export type Consent = Out<typeof consentSchema>;
export type ConsentHistory = Out<typeof consentHistorySchema>;
export type ConsentIndexStatus = Out<typeof consentIndexStatusSchema>;

export type AccessRequest = In<typeof accessRequestSchema>;
/** A read in one ordered transaction: what the requester signs (ReadRequest) and sends (SignedReadRequest). */
export type ReadRequest = In<typeof readRequestSchema>;
export type SignedReadRequest = In<typeof signedReadRequestSchema>;
export type BreakGlassRequest = In<typeof breakGlassRequestSchema>;
export type BreakGlassReason = BreakGlassRequest['reason'];
export type BreakGlassReview = In<typeof reviewSchema>;
export type ReviewStatus = NonNullable<In<typeof listBreakGlassQuerySchema>['reviewStatus']>;
export type Ticket = Out<typeof ticketSchema>;

export type Notification = Out<typeof notificationSchema>;
export type PatientSummary = Out<typeof patientSummarySchema>;

export type AuditEvent = Out<typeof auditEventSchema>;
/** A half-open window [from, to) of transaction time, and a page. */
export type AuditQuery = PageQuery & Pick<In<typeof actorAuditQuerySchema>, 'from' | 'to'>;

/** One endorsement as a miner extracts it from a block (all byte fields base64). */
export type EndorsementClaim = In<typeof claimSchema>;
export type Holder = In<typeof holderSchema>;
/** Amounts and counters are decimal integer strings (never floating point). */
export type IncentiveSchedule = Out<typeof scheduleViewSchema>;
/** Bounded: initialReward below 10^18, halvingInterval below 10^12 (positive integer strings). */
export type IncentiveScheduleParameters = In<typeof scheduleParametersSchema>;
export type ScheduleApproval = Out<typeof scheduleApprovalSchema>;
/** proposalId = SHA-256 (hex) of the canonical JSON {"halvingInterval":"…","initialReward":"…"}. */
export type ScheduleProposal = Out<typeof proposalViewSchema>;
export type ScheduleVote = Out<typeof scheduleVoteSchema>;
export type ScheduleProposals = Out<typeof scheduleProposalsSchema>;
/** A claim of one organisation on one transaction: pending until other organisations attest it, then paid. */
export type ClaimRecord = Out<typeof claimRecordSchema>;
export type PendingClaim = Out<typeof pendingClaimRecordSchema>;
/** The claims ClaimEndorsements recorded (all pending) and how many attestations each needs. */
export type ClaimResult = Out<typeof claimResultSchema>;
/** What an attester vouches for: the claimed endorsement (its hashes) is in its own copy of the block, VALID. */
export type ClaimAttestation = In<typeof attestationSchema>;
/** The attested claims after AttestClaims, how many it paid and what it minted. */
export type AttestResult = Out<typeof attestResultSchema>;
/** A holder that never held credits reads as amount "0" with updatedAt and txId null. */
export type Balance = Out<typeof balanceViewSchema>;
export type CreditTransfer = Out<typeof transferSchema>;

export type Heartbeat = Out<typeof heartbeatSchema>;
export type DelegateRemoval = Out<typeof delegateRemovalSchema>;
export type NotificationAcknowledgement = Out<typeof acknowledgementResultSchema>;
/** The caller's certificate attributes as the chaincode reads them. */
export type CertificateIdentity = Out<typeof identitySchema>;

/** A patient's choice about research use of their records; absent (never set) means not opted out. */
export type ResearchChoice = In<typeof researchChoiceSchema>;
export type ResearchOptOut = Out<typeof researchOptOutSchema>;

/** A trend query as a researcher writes it: a statistic, a window, optional strata and the epsilon it spends. */
export type TrendQueryInput = In<typeof trendQueryInputSchema>;
/** A query on the ledger: its spec, price, custodians asked, deadline and status. */
export type TrendQuery = Out<typeof trendQuerySchema>;
/** A custodian's noisy answer (noisy integers per cell, the noise scales). */
export type TrendAnswerInput = In<typeof trendAnswerInputSchema>;
export type TrendAnswer = Out<typeof trendAnswerSchema>;
/** The combined result: per cell the noisy count (and mean), a 95 % interval, suppressed cells marked. */
export type TrendResult = Out<typeof trendResultSchema>;
/** The researcher's privacy budget (epsilon in thousandths) in the current accounting period. */
export type TrendBudget = Out<typeof budgetSchema>;
export type TrendSettings = Out<typeof trendSettingsSchema>;
/** The consortium's vote on trend settings: what is in effect, each organisation's approval, the majority. */
export type TrendSettingsVote = Out<typeof trendSettingsVoteSchema>;
