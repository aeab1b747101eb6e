import { z } from 'zod';
import { idSchema, isoTimeSchema, mspIdSchema, txIdSchema } from './primitives';

/** Probe ids are chosen by the operator's client: 1-64 characters of A-Z a-z 0-9 . _ - */
export const probeIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ -');

/** The last heartbeat written to one (slot, organisation) key. */
export const heartbeatSchema = z.strictObject({
  probeId: probeIdSchema,
  mspId: mspIdSchema,
  /** The operator (medrec.id of an admin certificate) who sent it. */
  participantId: idSchema,
  txId: txIdSchema,
  time: isoTimeSchema,
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;
