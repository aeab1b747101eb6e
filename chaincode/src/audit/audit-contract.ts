import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { parseArg, parseJsonArg } from '../common/args';
import { authorize } from '../common/caller';
import { forbidden } from '../common/errors';
import { AUDIT_INDEX, KEY, auditIndexBound, key } from '../common/keys';
import { toJson } from '../common/marshal';
import { MedRecContract } from '../common/medrec-contract';
import { txIdSchema } from '../common/schemas';
import { pageByRange, requireState } from '../common/state';
import { actsForPatient, assertActsForPatient } from '../consent/acts-for-patient';
import { actorAuditQuerySchema, auditEventSchema, patientAuditQuerySchema } from './audit-schema';

/** The immutable trail: who did what, to whose data, when (transaction time) and in which transaction. */
@Info({ title: 'Audit', description: 'Audit events by patient, actor and time' })
export class AuditContract extends MedRecContract {
  public constructor() {
    super('Audit');
  }

  @Transaction(false)
  @Param('query', 'string', 'JSON {patientId, from?, to? (ISO UTC, window [from, to)), pageSize?: 1-200, bookmark?}')
  @Returns('string')
  public async QueryByPatient(ctx: Context, query: string): Promise<string> {
    const caller = await authorize(ctx, 'Audit:QueryByPatient');
    const input = parseJsonArg(patientAuditQuerySchema, query, 'query');
    if (caller.role !== 'compliance') {
      await assertActsForPatient(ctx, caller, input.patientId);
    }
    const start = auditIndexBound(AUDIT_INDEX.patient, input.patientId, input.from);
    const end = auditIndexBound(AUDIT_INDEX.patient, input.patientId, input.to);
    return toJson(await pageByRange(ctx, start, end, input, auditEventSchema, 'audit event'));
  }

  @Transaction(false)
  @Param('query', 'string', 'JSON {actorId, from?, to? (ISO UTC, window [from, to)), pageSize?: 1-200, bookmark?}')
  @Returns('string')
  public async QueryByActor(ctx: Context, query: string): Promise<string> {
    const caller = await authorize(ctx, 'Audit:QueryByActor');
    const input = parseJsonArg(actorAuditQuerySchema, query, 'query');
    if (caller.role !== 'compliance' && input.actorId !== caller.participantId) {
      throw forbidden('only compliance reads the trail of another actor; query your own participant id');
    }
    const start = auditIndexBound(AUDIT_INDEX.actor, input.actorId, input.from);
    const end = auditIndexBound(AUDIT_INDEX.actor, input.actorId, input.to);
    return toJson(await pageByRange(ctx, start, end, input, auditEventSchema, 'audit event'));
  }

  @Transaction(false)
  @Param('txId', 'string', 'the transaction whose audit event to read')
  @Returns('string')
  public async GetEvent(ctx: Context, txId: string): Promise<string> {
    const caller = await authorize(ctx, 'Audit:GetEvent');
    const id = parseArg(txIdSchema, txId, 'txId');
    const event = await requireState(ctx, key(ctx, KEY.audit, id), auditEventSchema, `audit event ${id}`);
    const allowed =
      caller.role === 'compliance' ||
      (event.patientId !== undefined && (await actsForPatient(ctx, caller, event.patientId)));
    if (!allowed) {
      throw forbidden(`${caller.participantId} may read only audit events about a patient they act for`);
    }
    return toJson(event);
  }
}
