/**
 * Trend analysis and the patient's research choice: a researcher's differentially private aggregate queries (paid
 * with its organisation's credits, within its epsilon budget), their combined results, and the opt-out every
 * custodian honours. The rules are the chaincode's; these operations sign as the caller.
 */
import { z } from 'zod';
import {
  balanceViewSchema,
  budgetSchema,
  pageSchema,
  researchOptOutSchema,
  trendQueryInputSchema,
  trendQuerySchema,
  trendResultSchema,
  trendSettingsSchema,
  trendSettingsVoteSchema,
  txIdSchema,
} from '@medrec/contract';
import { fromContract } from './contract-schemas';
import { body, json, pageParams, pathParam, problems, READ, WRITE } from './document-parts';
import type { JsonSchema, OpenApiDocument } from './openapi-types';

const QUERY_ID = fromContract(txIdSchema);

export const trendSchemas: Readonly<Record<string, JsonSchema>> = {
  TrendQueryRequest: fromContract(
    trendQueryInputSchema,
    'A statistic over one coded concept, a window, optional coarse strata, and the epsilon (in thousandths) it spends.',
  ),
  TrendQuery: fromContract(trendQuerySchema),
  TrendQuerySubmitted: fromContract(z.strictObject({ query: trendQuerySchema, transactionId: z.string() })),
  TrendQueryPage: fromContract(pageSchema(trendQuerySchema)),
  TrendResult: fromContract(trendResultSchema),
  TrendQueryOutcome: fromContract(
    z.strictObject({
      queryId: txIdSchema,
      status: z.enum(['open', 'combined']),
      result: trendResultSchema.nullable(),
    }),
    'The result once every custodian answered or the deadline passed (status combined); null while open.',
  ),
  TrendQueryClosed: fromContract(z.strictObject({ result: trendResultSchema, transactionId: z.string() })),
  TrendAccount: fromContract(
    z.strictObject({ budget: budgetSchema, balance: balanceViewSchema, settings: trendSettingsSchema }),
    "The researcher's epsilon budget this period, its organisation's credits, and the consortium's settings.",
  ),
  TrendSettings: fromContract(trendSettingsSchema),
  TrendSettingsVote: fromContract(
    trendSettingsVoteSchema,
    "The settings in effect, each organisation's current approval of new settings, and the majority it takes.",
  ),
  TrendSettingsApproved: fromContract(
    z.strictObject({ vote: trendSettingsVoteSchema, transactionId: z.string() }),
    'The vote after this approval; adopted is true when it completed the majority and the settings took effect.',
  ),
  ResearchChoiceRequest: fromContract(z.strictObject({ optedOut: z.boolean() })),
  ResearchChoice: fromContract(
    z.strictObject({
      patientId: z.string(),
      optedOut: z.boolean(),
      choice: researchOptOutSchema.nullable(),
    }),
    'Whether the patient opted out of research use; choice is null when the patient never chose (not opted out).',
  ),
  ResearchChoiceSet: fromContract(z.strictObject({ choice: researchOptOutSchema, transactionId: z.string() })),
};

export const trendPaths: OpenApiDocument['paths'] = {
  '/v1/trends/queries': {
    post: {
      operationId: 'submitTrendQuery',
      summary: 'Submit a trend query (a researcher); pays its price in credits and spends epsilon from the budget',
      description:
        "Refused with 409 MEDREC_BUDGET_EXHAUSTED when the researcher's epsilon budget for the period would be " +
        "exceeded, and 409 MEDREC_INSUFFICIENT_FUNDS when the organisation's credits do not cover the price " +
        '(GET /v1/trends/account shows both before submitting).',
      tags: ['trends'],
      requestBody: body('TrendQueryRequest', 'The query'),
      responses: { '201': json('Submitted', 'TrendQuerySubmitted'), ...problems(...WRITE) },
    },
    get: {
      operationId: 'listTrendQueries',
      summary: "The caller's trend queries (compliance officers and admins: everyone's)",
      tags: ['trends'],
      parameters: [...pageParams],
      responses: { '200': json('One page', 'TrendQueryPage'), ...problems(...READ) },
    },
  },
  '/v1/trends/queries/{queryId}': {
    get: {
      operationId: 'getTrendQuery',
      summary: 'A trend query: its spec, price, custodians asked, deadline and status',
      tags: ['trends'],
      parameters: [pathParam('queryId', 'Query id (its transaction id)', QUERY_ID)],
      responses: { '200': json('The query', 'TrendQuery'), ...problems(...READ) },
    },
  },
  '/v1/trends/queries/{queryId}/result': {
    get: {
      operationId: 'getTrendResult',
      summary: 'The combined result: noisy counts (and means) per cell with 95 % intervals, suppressed cells marked',
      tags: ['trends'],
      parameters: [pathParam('queryId', 'Query id', QUERY_ID)],
      responses: { '200': json('The outcome so far', 'TrendQueryOutcome'), ...problems(...READ) },
    },
  },
  '/v1/trends/queries/{queryId}/close': {
    post: {
      operationId: 'closeTrendQuery',
      summary: 'After the deadline: combine with the custodians that answered (the others are marked missing)',
      tags: ['trends'],
      parameters: [pathParam('queryId', 'Query id', QUERY_ID)],
      responses: { '200': json('Combined', 'TrendQueryClosed'), ...problems(...WRITE) },
    },
  },
  '/v1/trends/account': {
    get: {
      operationId: 'getTrendAccount',
      summary: "The researcher's epsilon budget this period, its organisation's credits, and the settings",
      tags: ['trends'],
      responses: { '200': json('The account', 'TrendAccount'), ...problems(...READ) },
    },
  },
  '/v1/trends/settings': {
    get: {
      operationId: 'getTrendSettings',
      summary: "The consortium's trend settings (budget per period, k, prices, answer time)",
      tags: ['trends'],
      responses: { '200': json('The settings', 'TrendSettings'), ...problems(...READ) },
    },
  },
  '/v1/trends/settings/vote': {
    get: {
      operationId: 'getTrendSettingsVote',
      summary: "The vote on new trend settings: each organisation's approval and the majority it takes",
      tags: ['trends'],
      responses: { '200': json('The vote', 'TrendSettingsVote'), ...problems(...READ) },
    },
    post: {
      operationId: 'approveTrendSettings',
      summary: "An organisation admin approves a complete set of trend settings for the caller's organisation",
      description:
        'Each registered organisation holds one current approval (approving other settings replaces it). Identical ' +
        'settings approved by a strict majority of the organisations take effect in the same transaction. Settings ' +
        'already in effect, or approved again by the same organisation, are 409.',
      tags: ['trends'],
      requestBody: body('TrendSettings', 'The complete settings'),
      responses: { '200': json('Approved', 'TrendSettingsApproved'), ...problems(...WRITE) },
    },
  },
  '/v1/patients/{patientId}/research-choice': {
    get: {
      operationId: 'getResearchChoice',
      summary: 'Whether the patient opted out of research use of their records (the patient, a delegate, staff)',
      tags: ['trends'],
      parameters: [pathParam('patientId', 'Patient id')],
      responses: { '200': json('The choice', 'ResearchChoice'), ...problems(...READ) },
    },
    put: {
      operationId: 'setResearchChoice',
      summary: 'Opt out of, or back into, research use (the patient or an active delegate); honoured by the next query',
      tags: ['trends'],
      parameters: [pathParam('patientId', 'Patient id')],
      requestBody: body('ResearchChoiceRequest', 'The choice'),
      responses: { '200': json('Recorded', 'ResearchChoiceSet'), ...problems(...WRITE) },
    },
  },
};
