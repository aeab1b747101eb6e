import type { Context } from 'fabric-contract-api';
import type { Caller } from '../common/caller';
import { AUDIT_INDEX, KEY, auditIndexKey, key } from '../common/keys';
import { marshal } from '../common/marshal';
import { writeState } from '../common/state';
import { txTime } from '../common/time';
import type { AuditEvent, AuditType } from '@medrec/contract';

export interface AuditInput {
  type: AuditType;
  patientId?: string | undefined;
  subject: AuditEvent['subject'];
  outcome?: 'permit' | 'deny';
  reason?: string;
}

/**
 * Writes the transaction's audit event (primary copy + patient and actor time indexes) and emits the
 * transaction's one chaincode event. Every state-changing transaction calls this exactly once, last:
 * Fabric keeps only the last setEvent of a transaction.
 */
export async function recordAudit(ctx: Context, caller: Caller, input: AuditInput): Promise<AuditEvent> {
  const txId = ctx.stub.getTxID();
  const { iso } = txTime(ctx);
  const event: AuditEvent = {
    eventId: txId,
    txId,
    time: iso,
    type: input.type,
    actor: { participantId: caller.participantId, mspId: caller.mspId, role: caller.role },
    subject: input.subject,
    ...(input.patientId === undefined ? {} : { patientId: input.patientId }),
    ...(input.outcome === undefined ? {} : { outcome: input.outcome }),
    ...(input.reason === undefined ? {} : { reason: input.reason }),
  };
  await writeState(ctx, key(ctx, KEY.audit, txId), event);
  await writeState(ctx, auditIndexKey(AUDIT_INDEX.actor, caller.participantId, iso, txId), event);
  if (input.patientId !== undefined) {
    await writeState(ctx, auditIndexKey(AUDIT_INDEX.patient, input.patientId, iso, txId), event);
  }
  // Listeners get ids and codes only; they fetch details through authorised queries.
  ctx.stub.setEvent(
    input.type,
    marshal({
      txId,
      type: input.type,
      subject: input.subject,
      ...(input.patientId === undefined ? {} : { patientId: input.patientId }),
      ...(input.outcome === undefined ? {} : { outcome: input.outcome }),
    }),
  );
  return event;
}
