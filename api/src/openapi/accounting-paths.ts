/**
 * GET /v1/patients/{patientId}/accounting: the HIPAA accounting of disclosures (45 CFR 164.528) as JSON, CSV or PDF.
 * The JSON schema is written from the contract's organisation shapes, so the covered entity's and recipients'
 * addresses are documented exactly as the ledger holds them.
 */
import { z } from 'zod';
import { idSchema, mspIdSchema, organisationContactSchema, postalAddressSchema, purposeSchema } from '@medrec/contract';
import { EXEMPTIONS } from '@medrec/sdk';
import { fromContract } from './contract-schemas';
import { pathParam, problems, query, READ } from './document-parts';
import type { JsonSchema, OpenApiDocument } from './openapi-types';
import { ref } from './schemas';

const time = z.string().describe('UTC ISO 8601 time');
const paragraphs = Object.keys(EXEMPTIONS) as [string, ...string[]];

const accountingEntrySchema = z.strictObject({
  recipientName: z
    .string()
    .describe("The recipient organisation's legal name (its display name if it registered none)."),
  recipientAddress: postalAddressSchema
    .optional()
    .describe("The recipient's postal address from its ledger record; absent when it registered none."),
  recipientMspId: mspIdSchema,
  custodianMspId: mspIdSchema.describe('The organisation that held and released the record.'),
  purpose: purposeSchema,
  description: z
    .string()
    .describe(
      'What was disclosed: the resource type and code from the custodian\'s own store (e.g. "Observation: Serum ' +
        'iron") when this organisation holds the record, else its category.',
    ),
  exempt: z.boolean(),
  exemption: z.enum(paragraphs).optional().describe('The paragraph of 45 CFR 164.528(a)(1) that exempts it.'),
  firstDate: time,
  lastDate: time,
  count: z.int().min(1).describe('Disclosures this entry summarises (164.528(b)(3)).'),
  ticketIds: z.array(z.string()),
});

const accountingReportSchema = z.strictObject({
  patientId: idSchema,
  coveredEntity: z.strictObject({
    mspId: mspIdSchema,
    name: z.string(),
    postalAddress: postalAddressSchema.optional(),
    contact: organisationContactSchema.optional(),
  }),
  from: time,
  to: time,
  generatedAt: time,
  entries: z.array(accountingEntrySchema).describe('The disclosures the accounting must list, oldest first.'),
  exemptEntries: z.array(accountingEntrySchema).describe('Disclosures exempt under 164.528(a)(1), oldest first.'),
});

export const accountingSchemas: Readonly<Record<string, JsonSchema>> = {
  AccountingOfDisclosures: fromContract(
    accountingReportSchema,
    'A HIPAA accounting of disclosures (45 CFR 164.528) by the covered entity answering the request.',
  ),
};

export const accountingPaths: OpenApiDocument['paths'] = {
  '/v1/patients/{patientId}/accounting': {
    get: {
      operationId: 'getAccountingOfDisclosures',
      summary: 'HIPAA accounting of disclosures of a patient (the patient, a delegate, or compliance)',
      description:
        "Every release of the patient's records in the period [from, to) (default: the six years before now), by " +
        'the organisation answering (the covered entity, named with its legal name, address and contact from its ' +
        'ledger record): date, recipient (legal name and postal address from its ledger record), what was ' +
        'disclosed and the purpose; repeated disclosures to one recipient for one purpose are summarised with ' +
        'their first and last date and count. Disclosures exempt under 164.528(a)(1) are listed apart, each with ' +
        'its paragraph: (i) treatment, payment, operations; (ii) to the patient or their delegate; (iv) under a ' +
        "consent the patient granted for another purpose (an authorization). Who may ask is the ledger's decision " +
        '(Audit:QueryByPatient): the patient, their active delegate, or a compliance officer of an organisation ' +
        'with the patient in custody. An unknown patient is a 404; a patient with nothing disclosed an empty ' +
        'accounting. Formats: `json` (default), `csv` (one row per entry, ISO dates), `pdf` (the document to hand ' +
        'to the patient).',
      tags: ['audit'],
      parameters: [
        pathParam('patientId', 'Patient participant id'),
        query('from', { type: 'string', format: 'date-time' }, 'Inclusive start (default: six years before `to`).'),
        query('to', { type: 'string', format: 'date-time' }, 'Exclusive end (default, and at most: now).'),
        query('format', { type: 'string', enum: ['json', 'csv', 'pdf'], default: 'json' }, 'The representation.'),
      ],
      responses: {
        '200': {
          description: 'The accounting.',
          content: {
            'application/json': { schema: ref('AccountingOfDisclosures') },
            'text/csv': { schema: { type: 'string' } },
            'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } },
          },
        },
        ...problems(...READ),
      },
    },
  },
};
