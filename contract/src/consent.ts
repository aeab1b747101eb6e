import { z } from 'zod';
import {
  categorySchema,
  idSchema,
  isoTimeSchema,
  mspIdSchema,
  pageFields,
  purposeSchema,
  roleSchema,
  txIdSchema,
} from './primitives';

const MAX_PERIOD_MS = 10 * 366 * 24 * 3600 * 1000;

function unique(values: readonly unknown[]): boolean {
  return new Set(values).size === values.length;
}

const NO_REPEATS = { message: 'must not repeat values' };

export const granteeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('participant'), participantId: idSchema }),
  z.strictObject({ kind: z.literal('role'), role: roleSchema, mspId: mspIdSchema }),
  z.strictObject({ kind: z.literal('organisation'), mspId: mspIdSchema }),
]);
export type Grantee = z.infer<typeof granteeSchema>;

/** Custodians are required: a consent never silently covers every organisation. Absent lists mean "all". */
export const scopeSchema = z.strictObject({
  custodians: z.array(mspIdSchema).min(1).max(20).refine(unique, NO_REPEATS),
  categories: z.array(categorySchema).min(1).max(12).refine(unique, NO_REPEATS).optional(),
  recordIds: z.array(idSchema).min(1).max(100).refine(unique, NO_REPEATS).optional(),
});

export const periodSchema = z
  .strictObject({ notBefore: isoTimeSchema, notAfter: isoTimeSchema })
  .refine((period) => period.notBefore < period.notAfter, {
    message: 'notBefore must be earlier than notAfter',
    path: ['notAfter'],
  })
  .refine((period) => Date.parse(period.notAfter) - Date.parse(period.notBefore) <= MAX_PERIOD_MS, {
    message: 'a consent may last at most 10 years',
    path: ['notAfter'],
  });

export const consentInputSchema = z.strictObject({
  consentId: idSchema,
  patientId: idSchema,
  grantee: granteeSchema,
  scope: scopeSchema,
  purposes: z.array(purposeSchema).min(1).max(6).refine(unique, NO_REPEATS),
  period: periodSchema,
});
export type ConsentInput = z.infer<typeof consentInputSchema>;

export const consentSchema = z.strictObject({
  ...consentInputSchema.shape,
  status: z.enum(['active', 'revoked']),
  grantedBy: idSchema,
  grantedAt: isoTimeSchema,
  txId: txIdSchema,
  revokedBy: idSchema.optional(),
  revokedAt: isoTimeSchema.optional(),
});
export type Consent = z.infer<typeof consentSchema>;

export const listConsentsQuerySchema = z.strictObject({ patientId: idSchema, ...pageFields });
