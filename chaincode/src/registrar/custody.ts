import type { Context } from 'fabric-contract-api';
import type { Caller } from '../common/caller';
import { KEY, key } from '../common/keys';
import { readState } from '../common/state';
import { readRelationship } from '../records/records-store';
import { participantSchema } from './registrar-schema';

/**
 * Whether a patient is in an organisation's custody: registered there, or admitted there (whatever the patient
 * decided since, the organisation keeps its duty to oversee what it held). This is the reach of that
 * organisation's compliance officers: least privilege across organisations, so one organisation's staff never
 * oversee another's patients (docs/permission-model.md, "Organisation scope").
 */
export async function inCustodyOf(ctx: Context, mspId: string, patientId: string): Promise<boolean> {
  const patient = await readState(ctx, key(ctx, KEY.participant, patientId), participantSchema, 'participant');
  if (patient?.role === 'patient' && patient.mspId === mspId) {
    return true;
  }
  return (await readRelationship(ctx, patientId, mspId)) !== undefined;
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
