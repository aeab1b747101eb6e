import { z } from 'zod';
import { idSchema, isoTimeSchema, pageFields, txIdSchema } from './primitives';

/**
 * A guardian or carer acting for a patient (grant, revoke, read as the patient would). Only an 'active'
 * delegate acts: one the patient appointed, or one a registrar proposed and the patient then accepted.
 */
export const delegateSchema = z.strictObject({
  patientId: idSchema,
  delegateId: idSchema,
  status: z.enum(['proposed', 'active']),
  addedBy: idSchema,
  addedAt: isoTimeSchema,
  acceptedAt: isoTimeSchema.optional(),
  txId: txIdSchema,
});
export type Delegate = z.infer<typeof delegateSchema>;

/** A patient's current delegates (proposed and active; removed ones are gone), a page at a time. */
export const listDelegatesQuerySchema = z.strictObject({ patientId: idSchema, ...pageFields });
export type ListDelegatesQuery = z.infer<typeof listDelegatesQuerySchema>;
