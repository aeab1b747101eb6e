import type { Context } from 'fabric-contract-api';
import { recordAudit } from '../audit/audit-log';
import type { Caller } from '../common/caller';
import { conflict, forbidden, invalidArgument, notFound } from '../common/errors';
import { KEY, key } from '../common/keys';
import { pageByPartialKey, readState, writeState, type Page } from '../common/state';
import { txTime } from '../common/time';
import { requireActiveParticipant } from '../registrar/participants';
import { notifyPatient } from '../summary/notify';
import { delegateSchema, type Delegate, type ListDelegatesQuery } from '@medrec/contract';

/**
 * Who manages a patient's delegates: the patient themself (never a delegate: a delegate cannot appoint more), or
 * the registrar or admin of the patient's organisation, whose appointment is only a proposal until the patient
 * accepts it. Returns whether the caller is the patient.
 */
async function assertMayManageDelegates(ctx: Context, caller: Caller, patientId: string): Promise<boolean> {
  if (caller.role === 'patient') {
    if (caller.participantId !== patientId) {
      throw forbidden('a patient manages only their own delegates; a delegate cannot appoint or remove others');
    }
    return true;
  }
  const patient = await requireActiveParticipant(ctx, patientId, 'patient', 'patientId');
  if (patient.mspId !== caller.mspId) {
    throw forbidden(`patient ${patientId} is registered at ${patient.mspId}; its registrar manages their delegates`);
  }
  return false;
}

/** The patient's current delegates, for those who manage them: the patient, and their organisation's registrar and admin. */
export async function listDelegates(ctx: Context, caller: Caller, query: ListDelegatesQuery): Promise<Page<Delegate>> {
  await assertMayManageDelegates(ctx, caller, query.patientId);
  return pageByPartialKey(ctx, KEY.delegate, [query.patientId], query, delegateSchema, 'delegate');
}

export async function addDelegate(
  ctx: Context,
  caller: Caller,
  patientId: string,
  delegateId: string,
): Promise<Delegate> {
  const byPatient = await assertMayManageDelegates(ctx, caller, patientId);
  if (delegateId === patientId) {
    throw invalidArgument('delegateId: a patient cannot be their own delegate');
  }
  await requireActiveParticipant(ctx, patientId, 'patient', 'patientId');
  await requireActiveParticipant(ctx, delegateId, 'patient', 'delegateId');
  const delegateKey = key(ctx, KEY.delegate, patientId, delegateId);
  const existing = await readState(ctx, delegateKey, delegateSchema, 'delegate');
  if (existing !== undefined && (existing.status === 'active' || !byPatient)) {
    return existing;
  }
  if (existing !== undefined) {
    // The patient appointing someone a registrar proposed is the acceptance.
    return activate(ctx, caller, existing);
  }
  const { iso } = txTime(ctx);
  const saved: Delegate = {
    patientId,
    delegateId,
    status: byPatient ? 'active' : 'proposed',
    addedBy: caller.participantId,
    addedAt: iso,
    ...(byPatient ? { acceptedAt: iso } : {}),
    txId: ctx.stub.getTxID(),
  };
  await writeState(ctx, delegateKey, saved);
  await notifyPatient(ctx, patientId, 'delegate', delegateId);
  await recordAudit(ctx, caller, {
    type: byPatient ? 'DelegateAdded' : 'DelegateProposed',
    patientId,
    subject: { kind: 'delegate', id: delegateId },
  });
  return saved;
}

/** The patient accepts a delegate their registrar proposed. */
export async function acceptDelegate(
  ctx: Context,
  caller: Caller,
  patientId: string,
  delegateId: string,
): Promise<Delegate> {
  if (caller.role !== 'patient' || caller.participantId !== patientId) {
    throw forbidden('only the patient accepts a proposed delegate');
  }
  const existing = await readState(ctx, key(ctx, KEY.delegate, patientId, delegateId), delegateSchema, 'delegate');
  if (existing === undefined) {
    throw notFound(`${delegateId} is not a proposed delegate of patient ${patientId}`);
  }
  if (existing.status === 'active') {
    return existing;
  }
  await requireActiveParticipant(ctx, delegateId, 'patient', 'delegateId');
  return activate(ctx, caller, existing);
}

async function activate(ctx: Context, caller: Caller, proposed: Delegate): Promise<Delegate> {
  if (proposed.status !== 'proposed') {
    throw conflict(`delegate ${proposed.delegateId} is already ${proposed.status}`);
  }
  const saved: Delegate = { ...proposed, status: 'active', acceptedAt: txTime(ctx).iso, txId: ctx.stub.getTxID() };
  await writeState(ctx, key(ctx, KEY.delegate, proposed.patientId, proposed.delegateId), saved);
  await notifyPatient(ctx, proposed.patientId, 'delegate', proposed.delegateId);
  await recordAudit(ctx, caller, {
    type: 'DelegateAdded',
    patientId: proposed.patientId,
    subject: { kind: 'delegate', id: proposed.delegateId },
  });
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
  await notifyPatient(ctx, patientId, 'delegate', delegateId);
  await recordAudit(ctx, caller, { type: 'DelegateRemoved', patientId, subject: { kind: 'delegate', id: delegateId } });
  return { patientId, delegateId, removed: true };
}
