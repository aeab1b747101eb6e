import type { Context } from 'fabric-contract-api';
import { KEY, key } from '../common/keys';
import { readState, requireState, writeState } from '../common/state';
import { txTime } from '../common/time';
import { recordSchema, relationshipSchema, type RecordPointer, type Relationship } from './records-schema';

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

export function readRelationship(
  ctx: Context,
  patientId: string,
  custodianMsp: string,
): Promise<Relationship | undefined> {
  return readState(ctx, key(ctx, KEY.relationship, patientId, custodianMsp), relationshipSchema, 'relationship');
}

/**
 * A new record opens the relationship as 'new', or asks the patient again ('pending-update') once they have
 * decided. `added` is 1 for a new record, 0 for a new version of an existing one.
 */
export async function touchRelationship(
  ctx: Context,
  patientId: string,
  custodianMsp: string,
  added: number,
): Promise<Relationship> {
  const existing = await readRelationship(ctx, patientId, custodianMsp);
  const { iso } = txTime(ctx);
  const relationship: Relationship = {
    patientId,
    custodianMsp,
    status: existing === undefined || existing.status === 'new' ? 'new' : 'pending-update',
    recordCount: (existing?.recordCount ?? 0) + added,
    createdAt: existing?.createdAt ?? iso,
    updatedAt: iso,
    txId: ctx.stub.getTxID(),
  };
  await writeState(ctx, key(ctx, KEY.relationship, patientId, custodianMsp), relationship);
  return relationship;
}
