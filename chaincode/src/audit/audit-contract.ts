import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { parseArg, parseJsonArg } from '../common/args';
import { authorize } from '../common/caller';
import { forbidden, notFound } from '../common/errors';
import { AUDIT_INDEX, KEY, auditIndexBound, key } from '../common/keys';
import { toJson } from '../common/marshal';
import { MedRecContract } from '../common/medrec-contract';
import {
  txIdSchema,
  actorAuditQuerySchema,
  auditEventSchema,
  participantSchema,
  patientAuditQuerySchema,
} from '@medrec/contract';
import { pageByRange, readState, requireState } from '../common/state';
import { actsForPatient, assertActsForPatient } from '../consent/acts-for-patient';
import { complianceCovers, isStaffOfAnother } from '../registrar/custody';

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
    // As Records:ListRecords: participants are public to every member, so "no such patient" leaks nothing, and an
    // auditor told "not in your custody" about a mistyped id would look for the patient in the wrong place.
    // A patient reading their own trail was read and checked by authorize: one read of the key, not two.
    const patient =
      caller.participantId === input.patientId
        ? caller.participant
        : await readState(ctx, key(ctx, KEY.participant, input.patientId), participantSchema, 'participant');
    if (patient?.role !== 'patient') {
      throw notFound(`patient ${input.patientId} does not exist; check the id`);
    }
    if (caller.role !== 'compliance') {
      await assertActsForPatient(ctx, caller, input.patientId);
    } else if (!(await complianceCovers(ctx, caller, input.patientId))) {
      throw forbidden(
        `patient ${input.patientId} is not in the custody of ${caller.mspId}; ask that organisation's compliance`,
      );
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
    const own = input.actorId === caller.participantId;
    if (!own && (caller.role !== 'compliance' || (await isStaffOfAnother(ctx, caller.mspId, input.actorId)))) {
      throw forbidden(
        "only your own trail, or (for compliance) the trail of your own organisation's staff; query your own participant id",
      );
    }
    const start = auditIndexBound(AUDIT_INDEX.actor, input.actorId, input.from);
    const end = auditIndexBound(AUDIT_INDEX.actor, input.actorId, input.to);
    const page = await pageByRange(ctx, start, end, input, auditEventSchema, 'audit event');
    // Unregistered actors (an organisation's admin) are not anyone's staff record: keep only the caller's own MSP.
    return toJson(own ? page : { ...page, items: page.items.filter((event) => event.actor.mspId === caller.mspId) });
  }

  @Transaction(false)
  @Param('txId', 'string', 'the transaction whose audit event to read')
  @Returns('string')
  public async GetEvent(ctx: Context, txId: string): Promise<string> {
    const caller = await authorize(ctx, 'Audit:GetEvent');
    const id = parseArg(txIdSchema, txId, 'txId');
    const event = await requireState(ctx, key(ctx, KEY.audit, id), auditEventSchema, `audit event ${id}`);
    const complianceReach =
      caller.role === 'compliance' &&
      (event.actor.mspId === caller.mspId ||
        (event.patientId !== undefined && (await complianceCovers(ctx, caller, event.patientId))));
    const allowed =
      complianceReach || (event.patientId !== undefined && (await actsForPatient(ctx, caller, event.patientId)));
    if (!allowed) {
      throw forbidden(`${caller.participantId} may read only audit events about a patient they act for`);
    }
    return toJson(event);
  }
}
