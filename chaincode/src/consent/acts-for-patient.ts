import type { Context } from 'fabric-contract-api';
import type { Caller } from '../common/caller';
import { forbidden } from '../common/errors';
import { KEY, key } from '../common/keys';
import { exists } from '../common/state';

/** True when the caller is the patient, or a patient-role participant registered as that patient's delegate. */
export async function actsForPatient(ctx: Context, caller: Caller, patientId: string): Promise<boolean> {
  if (caller.role !== 'patient') {
    return false;
  }
  if (caller.participantId === patientId) {
    return true;
  }
  return exists(ctx, key(ctx, KEY.delegate, patientId, caller.participantId));
}

export async function assertActsForPatient(ctx: Context, caller: Caller, patientId: string): Promise<void> {
  if (!(await actsForPatient(ctx, caller, patientId))) {
    throw forbidden(`${caller.participantId} is neither patient ${patientId} nor a delegate registered for them`);
  }
}
