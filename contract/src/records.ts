import { z } from 'zod';
import {
  categorySchema,
  idSchema,
  isoTimeSchema,
  locatorSchema,
  mspIdSchema,
  pageFields,
  sha256HexSchema,
  txIdSchema,
} from './primitives';

export const recordInputSchema = z.strictObject({
  recordId: idSchema,
  patientId: idSchema,
  category: categorySchema,
  contentHash: sha256HexSchema,
  locator: locatorSchema,
});

export const amendmentInputSchema = z.strictObject({
  recordId: idSchema,
  newRecordId: idSchema,
  contentHash: sha256HexSchema,
  locator: locatorSchema,
  category: categorySchema.optional(),
});

/** A pointer to a record held by its custodian: hash and locator only, never content. */
export const recordSchema = z.strictObject({
  recordId: idSchema,
  patientId: idSchema,
  custodianMsp: mspIdSchema,
  category: categorySchema,
  contentHash: sha256HexSchema,
  locator: locatorSchema,
  version: z.int().min(1),
  supersedes: idSchema.nullable(),
  supersededBy: idSchema.nullable(),
  registeredBy: idSchema,
  registeredAt: isoTimeSchema,
  txId: txIdSchema,
});
export type RecordPointer = z.infer<typeof recordSchema>;

/** MedRec's patient-provider relationship states; the patient moves it to accepted or rejected. */
export const RELATIONSHIP_STATUSES = ['new', 'accepted', 'rejected'] as const;

/**
 * The admission and the patient's decision on it, and nothing else: adding or amending a record never writes it, so
 * concurrent registrations for one patient share no hot key. How many records an organisation holds is what
 * Records:ListRecords answers; what is new since the patient last looked, their 'new-record' notifications.
 */
export const relationshipSchema = z.strictObject({
  patientId: idSchema,
  custodianMsp: mspIdSchema,
  status: z.enum(RELATIONSHIP_STATUSES),
  createdAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
  txId: txIdSchema,
});
export type Relationship = z.infer<typeof relationshipSchema>;

export const listRecordsQuerySchema = z.strictObject({
  patientId: idSchema,
  custodianMsp: mspIdSchema.optional(),
  ...pageFields,
});
