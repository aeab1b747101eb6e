import { z } from 'zod';
import { idSchema, isoTimeSchema, txIdSchema } from '../common/schemas';

/** A guardian or custodian registered to act for a patient (grant, revoke, read as the patient would). */
export const delegateSchema = z.strictObject({
  patientId: idSchema,
  delegateId: idSchema,
  addedBy: idSchema,
  addedAt: isoTimeSchema,
  txId: txIdSchema,
});
export type Delegate = z.infer<typeof delegateSchema>;
