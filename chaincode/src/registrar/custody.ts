import type { Context } from 'fabric-contract-api';
import type { Caller } from '../common/caller';
import { KEY, key } from '../common/keys';
import { readState } from '../common/state';
import { readRelationship } from '../records/records-store';
import { participantSchema } from '@medrec/contract';

/**
 * Whether a patient is in an organisation's custody: registered there, or admitted there and accepted by the
 * patient (a later rejection ends it; the records the organisation holds stay in its reach, see holdsRecordsOf).
 * An admission alone does not count: any registrar may admit any patient, and that must
 * not open the patient's consents and whole trail to the admitting organisation's compliance officers. This is
 * the reach of those officers over a patient (docs/permission-model.md, "Organisation scope").
 */
export async function inCustodyOf(ctx: Context, mspId: string, patientId: string): Promise<boolean> {
  const patient = await readState(ctx, key(ctx, KEY.participant, patientId), participantSchema, 'participant');
  if (patient?.role === 'patient' && patient.mspId === mspId) {
    return true;
  }
  // Only the patient's own decisions set or leave 'accepted'; a new record never changes the status.
  return (await readRelationship(ctx, patientId, mspId))?.status === 'accepted';
}

/**
 * Whether the organisation holds anything of the patient's: admitted there, whatever the patient decided. Its
 * compliance officers oversee the records it holds (and only those) on this ground.
 */
export async function holdsRecordsOf(ctx: Context, mspId: string, patientId: string): Promise<boolean> {
  return (await inCustodyOf(ctx, mspId, patientId)) || (await readRelationship(ctx, patientId, mspId)) !== undefined;
}

/** Whether a registered participant (the actor of an audit event, say) belongs to another organisation. */
export async function isStaffOfAnother(ctx: Context, mspId: string, participantId: string): Promise<boolean> {
  const participant = await readState(ctx, key(ctx, KEY.participant, participantId), participantSchema, 'participant');
  return participant !== undefined && participant.mspId !== mspId;
}

/** A compliance officer's reach over one patient: only patients in their own organisation's custody. */
export async function complianceCovers(ctx: Context, caller: Caller, patientId: string): Promise<boolean> {
  return caller.role === 'compliance' && inCustodyOf(ctx, caller.mspId, patientId);
}
