import type { Context } from 'fabric-contract-api';
import type { Caller } from '../common/caller';
import { forbidden } from '../common/errors';
import { KEY, key } from '../common/keys';
import { readState } from '../common/state';
import { delegateSchema } from '@medrec/contract';

/** True when `delegateId` is an active delegate of the patient (a proposal the patient has not accepted is not). */
export async function isActiveDelegate(ctx: Context, patientId: string, delegateId: string): Promise<boolean> {
  const delegate = await readState(ctx, key(ctx, KEY.delegate, patientId, delegateId), delegateSchema, 'delegate');
  return delegate?.status === 'active';
}

/** True when the caller is the patient, or a patient-role participant the patient made their active delegate. */
export async function actsForPatient(ctx: Context, caller: Caller, patientId: string): Promise<boolean> {
  if (caller.role !== 'patient') {
    return false;
  }
  if (caller.participantId === patientId) {
    return true;
  }
  return isActiveDelegate(ctx, patientId, caller.participantId);
}

export async function assertActsForPatient(ctx: Context, caller: Caller, patientId: string): Promise<void> {
  if (!(await actsForPatient(ctx, caller, patientId))) {
    throw forbidden(`${caller.participantId} is neither patient ${patientId} nor an active delegate of theirs`);
  }
}
