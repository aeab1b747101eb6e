/**
 * Component schemas generated from the contract module (contract/src), the definitions the chaincode validates
 * with: these bodies cannot drift from what the ledger accepts and returns. Generated in zod's "input" view, so a
 * time is the string the ledger stores and a field with a default is optional in a request.
 */
import { z } from 'zod';
import {
  balanceViewSchema,
  consentHistorySchema,
  holderSchema,
  organisationInputSchema,
  organisationSchema,
  retirementVoteSchema,
  pageSchema,
  positiveAmountSchema,
  purposeSchema,
  scheduleParametersSchema,
  scheduleProposalsSchema,
  scheduleViewSchema,
  scheduleVoteSchema,
  transferSchema,
  notificationSchema,
  acknowledgementResultSchema,
  auditEventSchema,
  recordSchema,
  acknowledgementSchema,
  roleSchema,
  participantSchema,
  ticketSchema,
  granteeSchema,
  consentSchema,
  consentInputSchema,
  breakGlassRequestSchema,
  reviewSchema,
  relationshipSchema,
  delegateSchema,
  patientSummarySchema,
  idSchema,
} from '@medrec/contract';
import type { JsonSchema } from './openapi-types';

/** One contract schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), without its `$schema` marker. */
export function fromContract(schema: z.ZodType, description?: string): JsonSchema {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });
  // OpenAPI names the dialect once, for the whole document (jsonSchemaDialect).
  const rest: Record<string, unknown> = { ...generated };
  delete rest.$schema;
  return description === undefined ? rest : { ...rest, description };
}

/** A write's result: the object as the ledger now holds it, and the transaction that wrote it. */
function written(key: string, schema: z.ZodType): JsonSchema {
  return fromContract(z.strictObject({ [key]: schema, transactionId: z.string() }));
}

const CONSENT_ID_PATTERN = /^consent-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const contractSchemas: Readonly<Record<string, JsonSchema>> = {
  Role: fromContract(roleSchema),
  PurposeOfUse: fromContract(purposeSchema, 'HL7 v3 purpose of use.'),
  Participant: fromContract(participantSchema),
  RecordPointer: fromContract(recordSchema, 'A record pointer as the ledger holds it (no content).'),
  Ticket: fromContract(ticketSchema),
  Grantee: fromContract(granteeSchema),
  Consent: fromContract(consentSchema),
  ConsentRequest: fromContract(
    consentInputSchema.omit({ consentId: true, patientId: true }).extend({
      consentId: z
        .string()
        .regex(CONSENT_ID_PATTERN)
        .optional()
        .describe(
          'consent-<random UUID>, chosen by the client so a retried request is idempotent; generated when omitted. ' +
            'Only this shape is accepted, so no identifier or other PHI can ride on a ledger id.',
        ),
    }),
  ),
  BreakGlassRequest: fromContract(
    breakGlassRequestSchema.omit({ recordId: true }).extend({
      incidentRef: idSchema
        .optional()
        .describe(
          'Your own incident number. The ledger receives only a keyed hash of it (incident-<32 hex>, HMAC-SHA256 ' +
            "under this organisation's key), so it can be an internal number without reaching the ledger as given.",
        ),
    }),
  ),
  BreakGlassReview: fromContract(
    reviewSchema.omit({ ticketId: true }).extend({
      reviewRef: idSchema
        .optional()
        .describe('Your own case number; the ledger receives only its keyed hash (review-…).'),
    }),
  ),
  Relationship: fromContract(relationshipSchema),
  Notification: fromContract(notificationSchema),
  Delegate: fromContract(
    delegateSchema,
    "Only an active delegate acts for the patient; a registrar's proposal waits for the patient to accept.",
  ),
  DelegateRequest: fromContract(z.strictObject({ delegateId: idSchema })),
  DelegatePage: fromContract(pageSchema(delegateSchema)),
  PatientSummary: fromContract(patientSummarySchema),
  AuditEvent: fromContract(auditEventSchema, 'One audit event exactly as the ledger holds it.'),
  Organisation: fromContract(organisationSchema, 'A member organisation as the ledger registered it.'),
  OrganisationRegistration: fromContract(organisationInputSchema),
  OrganisationRegistered: written('organisation', organisationSchema),
  OrganisationPage: fromContract(pageSchema(organisationSchema)),
  RetirementApproved: fromContract(
    z.strictObject({ vote: retirementVoteSchema, transactionId: z.string() }),
    "The vote after this approval: retired is true once the organisation has left (its own admin's decision, or a " +
      'strict majority of the other members).',
  ),
  ConsentHistory: fromContract(consentHistorySchema),
  NotificationPage: fromContract(pageSchema(notificationSchema)),
  NotificationAcknowledgement: fromContract(
    acknowledgementSchema.omit({ patientId: true }),
    'The unseen notifications to mark as seen.',
  ),
  NotificationsAcknowledged: fromContract(acknowledgementResultSchema.extend({ transactionId: z.string() })),
  AccessRequest: fromContract(z.strictObject({ purpose: purposeSchema })),
  IncentiveSchedule: fromContract(scheduleViewSchema),
  ScheduleParameters: fromContract(scheduleParametersSchema),
  ScheduleProposals: fromContract(scheduleProposalsSchema),
  ScheduleVoteResult: written('vote', scheduleVoteSchema),
  Balance: fromContract(balanceViewSchema),
  TransferRequest: fromContract(z.strictObject({ to: holderSchema, amount: positiveAmountSchema })),
  CreditTransfer: fromContract(transferSchema),
  TransferResult: written('transfer', transferSchema),
  TransferPage: fromContract(pageSchema(transferSchema)),
};
