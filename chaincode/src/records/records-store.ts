import type { Context } from 'fabric-contract-api';
import { z } from 'zod';
import { forbidden } from '../common/errors';
import { KEY, key } from '../common/keys';
import { readState, requireState, writeState } from '../common/state';
import { txTime } from '../common/time';
import {
  RELATIONSHIP_STATUSES,
  recordSchema,
  relationshipSchema,
  type RecordPointer,
  type Relationship,
} from '@medrec/contract';

export function requireRecord(ctx: Context, recordId: string): Promise<RecordPointer> {
  return requireState(ctx, key(ctx, KEY.record, recordId), recordSchema, `record ${recordId}`);
}

export function readRecord(ctx: Context, recordId: string): Promise<RecordPointer | undefined> {
  return readState(ctx, key(ctx, KEY.record, recordId), recordSchema, 'record');
}

/** Writes the pointer and its patient index entry, which holds a full copy so listing needs no second read. */
export async function writeRecord(ctx: Context, record: RecordPointer): Promise<void> {
  await writeState(ctx, key(ctx, KEY.record, record.recordId), record);
  await writeState(ctx, key(ctx, KEY.recordByPatient, record.patientId, record.custodianMsp, record.recordId), record);
}

/**
 * A relationship as it may be stored. Relationships written before records stopped rewriting them (to keep a hot key
 * off the record path) carry a `recordCount` and may be 'pending-update', an accepted relationship with records added
 * since. Read as the current shape, so a ledger upgraded in place (upgrade-chaincode) stays readable; the patient's
 * next decision rewrites it in that shape.
 */
export const storedRelationshipSchema = z
  .strictObject({
    ...relationshipSchema.shape,
    status: z.enum([...RELATIONSHIP_STATUSES, 'pending-update']),
    recordCount: z.int().min(0).optional(),
  })
  .transform(({ patientId, custodianMsp, status, createdAt, updatedAt, txId }): Relationship => ({
    patientId,
    custodianMsp,
    status: status === 'pending-update' ? 'accepted' : status,
    createdAt,
    updatedAt,
    txId,
  }));

export function readRelationship(
  ctx: Context,
  patientId: string,
  custodianMsp: string,
): Promise<Relationship | undefined> {
  return readState(ctx, key(ctx, KEY.relationship, patientId, custodianMsp), storedRelationshipSchema, 'relationship');
}

/**
 * Admits a patient to a custodian organisation: the relationship opens as 'new' until the patient accepts or
 * rejects it. Admitting again changes nothing, so a registrar can never undo the patient's decision.
 */
export async function admitPatient(ctx: Context, patientId: string, custodianMsp: string): Promise<Relationship> {
  const existing = await readRelationship(ctx, patientId, custodianMsp);
  if (existing !== undefined) {
    return existing;
  }
  const { iso } = txTime(ctx);
  const relationship: Relationship = {
    patientId,
    custodianMsp,
    status: 'new',
    createdAt: iso,
    updatedAt: iso,
    txId: ctx.stub.getTxID(),
  };
  await writeState(ctx, key(ctx, KEY.relationship, patientId, custodianMsp), relationship);
  return relationship;
}

/**
 * The relationship under which a custodian may add records for a patient: admitted, and not rejected by the
 * patient. Rejected means no new records and no access for the custodian's clinicians. The record path only reads
 * it: a read conflicts only with a write, and only admission and the patient's decisions write it.
 */
export async function requireOpenRelationship(
  ctx: Context,
  patientId: string,
  custodianMsp: string,
): Promise<Relationship> {
  const relationship = await readRelationship(ctx, patientId, custodianMsp);
  if (relationship === undefined) {
    throw forbidden(
      `patient ${patientId} is not admitted to ${custodianMsp}; its registrar admits the patient (Records:AdmitPatient) first`,
    );
  }
  if (relationship.status === 'rejected') {
    throw forbidden(`patient ${patientId} rejected the relationship with ${custodianMsp}; no records may be added`);
  }
  return relationship;
}

/** True when the custodian's clinicians may act on the patient's records: admitted and not rejected. */
export async function relationshipOpen(ctx: Context, patientId: string, custodianMsp: string): Promise<boolean> {
  const relationship = await readRelationship(ctx, patientId, custodianMsp);
  return relationship !== undefined && relationship.status !== 'rejected';
}
