import type { Context } from 'fabric-contract-api';
import { forbidden } from '../common/errors';
import { KEY, key } from '../common/keys';
import { readState, requireState, writeState } from '../common/state';
import { txTime } from '../common/time';
import { recordSchema, relationshipSchema, type RecordPointer, type Relationship } from '@medrec/contract';

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
    recordCount: 0,
    createdAt: iso,
    updatedAt: iso,
    txId: ctx.stub.getTxID(),
  };
  await writeState(ctx, key(ctx, KEY.relationship, patientId, custodianMsp), relationship);
  return relationship;
}

/**
 * The relationship under which a custodian may add records for a patient: admitted, and not rejected by the
 * patient. Rejected means no new records and no access for the custodian's clinicians.
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

/**
 * A new record (or version) on an open relationship: counts it, and asks the patient again ('pending-update')
 * once they have accepted. `added` is 1 for a new record, 0 for a new version of an existing one.
 */
export async function touchRelationship(ctx: Context, existing: Relationship, added: number): Promise<void> {
  const { iso } = txTime(ctx);
  const relationship: Relationship = {
    ...existing,
    status: existing.status === 'new' ? 'new' : 'pending-update',
    recordCount: existing.recordCount + added,
    updatedAt: iso,
    txId: ctx.stub.getTxID(),
  };
  await writeState(ctx, key(ctx, KEY.relationship, existing.patientId, existing.custodianMsp), relationship);
}
