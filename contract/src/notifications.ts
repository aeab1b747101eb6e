import { z } from 'zod';
import { idSchema, isoTimeSchema, pageFields, txIdSchema } from './primitives';

export const NOTIFICATION_KINDS = [
  'new-record',
  'access',
  'disclosure',
  'break-glass',
  'relationship',
  'delegate',
] as const;

/** Something the patient has not seen yet; the id sorts in time order. */
export const notificationSchema = z.strictObject({
  notificationId: idSchema,
  patientId: idSchema,
  kind: z.enum(NOTIFICATION_KINDS),
  subjectId: idSchema,
  txId: txIdSchema,
  time: isoTimeSchema,
});
export type Notification = z.infer<typeof notificationSchema>;

export const listNotificationsQuerySchema = z.strictObject({ patientId: idSchema, ...pageFields });

export const acknowledgementSchema = z.strictObject({
  patientId: idSchema,
  notificationIds: z.array(idSchema).min(1).max(200),
});
