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
export const RELATIONSHIP_STATUSES = ['new', 'pending-update', 'accepted', 'rejected'] as const;

export const relationshipSchema = z.strictObject({
  patientId: idSchema,
  custodianMsp: mspIdSchema,
  status: z.enum(RELATIONSHIP_STATUSES),
  recordCount: z.int().min(0),
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
