import type { Context } from 'fabric-contract-api';
import { recordAudit } from '../audit/audit-log';
import type { Caller } from '../common/caller';
import { forbidden, invalidArgument, notFound } from '../common/errors';
import { KEY, key } from '../common/keys';
import { readState, writeState } from '../common/state';
import { txTime } from '../common/time';
import { requireActiveParticipant } from '../registrar/participants';
import { delegateSchema, type Delegate } from './delegate-schema';

/** The patient names their own delegates; their organisation's registrar or admin may do it for them. */
async function assertMayManageDelegates(ctx: Context, caller: Caller, patientId: string): Promise<void> {
  if (caller.role === 'patient') {
    if (caller.participantId !== patientId) {
      throw forbidden('a patient manages only their own delegates');
    }
    return;
  }
  const patient = await requireActiveParticipant(ctx, patientId, 'patient', 'patientId');
  if (patient.mspId !== caller.mspId) {
    throw forbidden(`patient ${patientId} is registered at ${patient.mspId}; its registrar manages their delegates`);
  }
}

export async function addDelegate(
  ctx: Context,
  caller: Caller,
  patientId: string,
  delegateId: string,
): Promise<Delegate> {
  await assertMayManageDelegates(ctx, caller, patientId);
  if (delegateId === patientId) {
    throw invalidArgument('delegateId: a patient cannot be their own delegate');
  }
  await requireActiveParticipant(ctx, patientId, 'patient', 'patientId');
  await requireActiveParticipant(ctx, delegateId, 'patient', 'delegateId');
  const delegateKey = key(ctx, KEY.delegate, patientId, delegateId);
  const existing = await readState(ctx, delegateKey, delegateSchema, 'delegate');
  if (existing !== undefined) {
    return existing;
  }
  const saved: Delegate = {
    patientId,
    delegateId,
    addedBy: caller.participantId,
    addedAt: txTime(ctx).iso,
    txId: ctx.stub.getTxID(),
  };
  await writeState(ctx, delegateKey, saved);
  await recordAudit(ctx, caller, { type: 'DelegateAdded', patientId, subject: { kind: 'delegate', id: delegateId } });
  return saved;
}

export async function removeDelegate(
  ctx: Context,
  caller: Caller,
  patientId: string,
  delegateId: string,
): Promise<{ patientId: string; delegateId: string; removed: boolean }> {
  await assertMayManageDelegates(ctx, caller, patientId);
  const delegateKey = key(ctx, KEY.delegate, patientId, delegateId);
  if ((await readState(ctx, delegateKey, delegateSchema, 'delegate')) === undefined) {
    throw notFound(`${delegateId} is not a delegate of patient ${patientId}`);
  }
  await ctx.stub.deleteState(delegateKey);
  await recordAudit(ctx, caller, { type: 'DelegateRemoved', patientId, subject: { kind: 'delegate', id: delegateId } });
  return { patientId, delegateId, removed: true };
}
