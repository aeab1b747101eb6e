import { z } from 'zod';
import {
  accessRequestSchema,
  breakGlassRequestSchema,
  listBreakGlassQuerySchema,
  reviewSchema,
  signedReadRequestSchema,
  ticketSchema,
} from './access';
import { actorAuditQuerySchema, auditEventSchema, patientAuditQuerySchema } from './audit';
import { consentInputSchema, consentSchema, listConsentsQuerySchema } from './consent';
import { delegateSchema, listDelegatesQuerySchema } from './delegates';
import { heartbeatSchema, probeIdSchema } from './health';
import {
  attestationsInputSchema,
  claimsInputSchema,
  holderSchema,
  pendingClaimRecordSchema,
  pendingClaimsQuerySchema,
  proposalIdSchema,
  scheduleParametersSchema,
  transferInputSchema,
  transferSchema,
  transfersQuerySchema,
} from './incentive';
import {
  budgetSchema,
  listOptOutsQuerySchema,
  listTrendQueriesSchema,
  researchChoiceSchema,
  researchOptOutSchema,
  trendAnswerInputSchema,
  trendAnswerSchema,
  trendQueryInputSchema,
  trendQuerySchema,
  trendResultSchema,
  trendSettingsSchema,
  trendSettingsVoteSchema,
} from './trends';
import { acknowledgementSchema, listNotificationsQuerySchema, notificationSchema } from './notifications';
import { idSchema, mspIdSchema, txIdSchema } from './primitives';
import {
  amendmentInputSchema,
  listRecordsQuerySchema,
  recordInputSchema,
  recordSchema,
  relationshipSchema,
} from './records';
import {
  listOrganisationsQuerySchema,
  organisationInputSchema,
  organisationSchema,
  participantInputSchema,
  participantSchema,
  retirementVoteSchema,
} from './registrar';
import {
  acknowledgementResultSchema,
  attestResultSchema,
  balanceViewSchema,
  claimResultSchema,
  consentHistorySchema,
  consentIndexStatusSchema,
  delegateRemovalSchema,
  identitySchema,
  pageSchema,
  patientSummarySchema,
  scheduleProposalsSchema,
  scheduleViewSchema,
  scheduleVoteSchema,
  whoAmISchema,
} from './results';

/** One argument of a transaction: a plain string (an id) or the JSON text of an object. */
export interface ParamSpec {
  readonly name: string;
  readonly encoding: 'string' | 'json';
  readonly schema: z.ZodType;
}

/**
 * A chaincode transaction as clients see it: submitted (ordered, writes) or evaluated (a peer's answer, no
 * writes), its arguments in order, and the JSON shape of its result. `emptyWhenAbsent`: an empty result means
 * "none yet" rather than a value of the result's shape.
 */
export interface TransactionSpec {
  readonly submit: boolean;
  readonly params: readonly ParamSpec[];
  readonly result: z.ZodType;
  readonly emptyWhenAbsent?: boolean;
}

const str = (name: string, schema: z.ZodType): ParamSpec => ({ name, encoding: 'string', schema });
const json = (name: string, schema: z.ZodType): ParamSpec => ({ name, encoding: 'json', schema });
interface Declared<S extends boolean, R extends z.ZodType> {
  readonly submit: S;
  readonly params: readonly ParamSpec[];
  readonly result: R;
}

function submit<R extends z.ZodType>(params: readonly ParamSpec[], result: R): Declared<true, R> {
  return { submit: true as const, params, result };
}
function evaluate<R extends z.ZodType>(params: readonly ParamSpec[], result: R): Declared<false, R> {
  return { submit: false as const, params, result };
}

/**
 * Every transaction of the MedRec chaincode, named `Contract:Transaction` as Fabric routes them. The chaincode's
 * contracts must declare exactly these (a unit test compares them with the contract classes' metadata), the SDK
 * calls only these names, and the API exposes each one or lists it as deliberately internal.
 */
export const TRANSACTIONS = {
  'Registrar:RegisterOrganisation': submit([json('organisation', organisationInputSchema)], organisationSchema),
  'Registrar:GetOrganisation': evaluate([str('mspId', mspIdSchema)], organisationSchema),
  'Registrar:ListOrganisations': evaluate(
    [json('query', listOrganisationsQuerySchema)],
    pageSchema(organisationSchema),
  ),
  'Registrar:ApproveRetirement': submit([str('mspId', mspIdSchema)], retirementVoteSchema),
  'Registrar:RegisterParticipant': submit([json('participant', participantInputSchema)], participantSchema),
  'Registrar:DeactivateParticipant': submit([str('participantId', idSchema)], participantSchema),
  'Registrar:GetParticipant': evaluate([str('participantId', idSchema)], participantSchema),
  'Registrar:WhoAmI': evaluate([], whoAmISchema),

  'Records:RegisterRecord': submit([json('record', recordInputSchema)], recordSchema),
  'Records:AmendRecord': submit([json('amendment', amendmentInputSchema)], recordSchema),
  'Records:GetRecord': evaluate([str('recordId', idSchema)], recordSchema),
  'Records:ListRecords': evaluate([json('query', listRecordsQuerySchema)], pageSchema(recordSchema)),
  'Records:AdmitPatient': submit([str('patientId', idSchema)], relationshipSchema),
  'Records:GetRelationship': evaluate(
    [str('patientId', idSchema), str('custodianMsp', mspIdSchema)],
    relationshipSchema,
  ),
  'Records:AcceptRelationship': submit(
    [str('patientId', idSchema), str('custodianMsp', mspIdSchema)],
    relationshipSchema,
  ),
  'Records:RejectRelationship': submit(
    [str('patientId', idSchema), str('custodianMsp', mspIdSchema)],
    relationshipSchema,
  ),

  'Consent:AddDelegate': submit([str('patientId', idSchema), str('delegateId', idSchema)], delegateSchema),
  'Consent:AcceptDelegate': submit([str('patientId', idSchema), str('delegateId', idSchema)], delegateSchema),
  'Consent:RemoveDelegate': submit([str('patientId', idSchema), str('delegateId', idSchema)], delegateRemovalSchema),
  'Consent:ListDelegates': evaluate([json('query', listDelegatesQuerySchema)], pageSchema(delegateSchema)),
  'Consent:GrantConsent': submit([json('consent', consentInputSchema)], consentSchema),
  'Consent:RevokeConsent': submit([str('consentId', idSchema)], consentSchema),
  'Consent:GetConsent': evaluate([str('consentId', idSchema)], consentSchema),
  'Consent:ListConsents': evaluate([json('query', listConsentsQuerySchema)], pageSchema(consentSchema)),
  'Consent:GetConsentHistory': evaluate([str('consentId', idSchema)], consentHistorySchema),
  'Consent:IndexGrantees': submit([], consentIndexStatusSchema),
  'Consent:SetResearchOptOut': submit([json('choice', researchChoiceSchema)], researchOptOutSchema),
  'Consent:GetResearchOptOut': {
    ...evaluate([str('patientId', idSchema)], researchOptOutSchema),
    emptyWhenAbsent: true,
  },
  'Consent:ListResearchOptOuts': evaluate([json('query', listOptOutsQuerySchema)], pageSchema(researchOptOutSchema)),

  'Access:RequestAccess': submit([json('request', accessRequestSchema)], ticketSchema),
  'Access:BreakGlass': submit([json('request', breakGlassRequestSchema)], ticketSchema),
  'Access:ReviewBreakGlass': submit([json('review', reviewSchema)], ticketSchema),
  'Access:ListBreakGlass': evaluate([json('query', listBreakGlassQuerySchema)], pageSchema(ticketSchema)),
  'Access:ConfirmDisclosure': submit([str('ticketId', txIdSchema)], ticketSchema),
  'Access:Disclose': submit([json('request', signedReadRequestSchema)], ticketSchema),
  'Access:GetTicket': evaluate([str('ticketId', txIdSchema)], ticketSchema),

  'Audit:QueryByPatient': evaluate([json('query', patientAuditQuerySchema)], pageSchema(auditEventSchema)),
  'Audit:QueryByActor': evaluate([json('query', actorAuditQuerySchema)], pageSchema(auditEventSchema)),
  'Audit:GetEvent': evaluate([str('txId', txIdSchema)], auditEventSchema),

  'Summary:GetSummary': evaluate([str('patientId', idSchema)], patientSummarySchema),
  'Summary:ListNotifications': evaluate([json('query', listNotificationsQuerySchema)], pageSchema(notificationSchema)),
  'Summary:AcknowledgeNotifications': submit(
    [json('acknowledgement', acknowledgementSchema)],
    acknowledgementResultSchema,
  ),

  'Incentive:ProposeSchedule': submit([json('parameters', scheduleParametersSchema)], scheduleVoteSchema),
  'Incentive:ApproveSchedule': submit([str('proposalId', proposalIdSchema)], scheduleVoteSchema),
  'Incentive:ListScheduleProposals': evaluate([], scheduleProposalsSchema),
  'Incentive:ClaimEndorsements': submit([json('claims', claimsInputSchema)], claimResultSchema),
  'Incentive:AttestClaims': submit([json('attestations', attestationsInputSchema)], attestResultSchema),
  'Incentive:ListPendingClaims': evaluate(
    [json('query', pendingClaimsQuerySchema)],
    pageSchema(pendingClaimRecordSchema),
  ),
  'Incentive:GetSchedule': evaluate([], scheduleViewSchema),
  'Incentive:GetBalance': evaluate([json('holder', holderSchema)], balanceViewSchema),
  'Incentive:Transfer': submit([json('transfer', transferInputSchema)], transferSchema),
  'Incentive:GetTransfers': evaluate([json('query', transfersQuerySchema)], pageSchema(transferSchema)),

  'Trends:SubmitQuery': submit([json('query', trendQueryInputSchema)], trendQuerySchema),
  'Trends:SubmitAnswer': submit([json('answer', trendAnswerInputSchema)], trendAnswerSchema),
  'Trends:CloseQuery': submit([str('queryId', txIdSchema)], trendResultSchema),
  'Trends:GetQuery': evaluate([str('queryId', txIdSchema)], trendQuerySchema),
  'Trends:GetResult': { ...evaluate([str('queryId', txIdSchema)], trendResultSchema), emptyWhenAbsent: true },
  'Trends:ListQueries': evaluate([json('query', listTrendQueriesSchema)], pageSchema(trendQuerySchema)),
  'Trends:GetBudget': evaluate([], budgetSchema),
  'Trends:GetSettings': evaluate([], trendSettingsSchema),
  'Trends:ApproveSettings': submit([json('settings', trendSettingsSchema)], trendSettingsVoteSchema),
  'Trends:GetSettingsVote': evaluate([], trendSettingsVoteSchema),

  'Health:Heartbeat': submit([str('probeId', probeIdSchema)], heartbeatSchema),
  'Health:GetHeartbeat': { ...evaluate([str('probeId', probeIdSchema)], heartbeatSchema), emptyWhenAbsent: true },
  'Health:Identity': evaluate([], identitySchema),
} as const satisfies Readonly<Record<string, TransactionSpec>>;

export type TransactionName = keyof typeof TRANSACTIONS;
export const TRANSACTION_NAMES = Object.keys(TRANSACTIONS) as readonly TransactionName[];

/** The names of the transactions that are submitted (ordered) and of those that are only evaluated. */
export type SubmitTransactionName = {
  [K in TransactionName]: (typeof TRANSACTIONS)[K]['submit'] extends true ? K : never;
}[TransactionName];
export type EvaluateTransactionName = Exclude<TransactionName, SubmitTransactionName>;

/** The parsed result type of a transaction. */
export type ResultOf<K extends TransactionName> = z.output<(typeof TRANSACTIONS)[K]['result']>;
