import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { recordAudit } from '../audit/audit-log';
import { parseArg, parseJsonArg } from '../common/args';
import { authorize, type Caller } from '../common/caller';
import { conflict, forbidden, notFound } from '../common/errors';
import { KEY, key } from '../common/keys';
import { toJson } from '../common/marshal';
import { MedRecContract } from '../common/medrec-contract';
import {
  idSchema,
  mspIdSchema,
  participantSchema,
  amendmentInputSchema,
  listRecordsQuerySchema,
  recordInputSchema,
  recordSchema,
  type RecordPointer,
  type Relationship,
} from '@medrec/contract';
import { pageByPartialKey, readState, writeState } from '../common/state';
import { txTime } from '../common/time';
import { actsForPatient, assertActsForPatient } from '../consent/acts-for-patient';
import { complianceCovers, holdsRecordsOf } from '../registrar/custody';
import { requireActiveParticipant } from '../registrar/participants';
import { notifyPatient } from '../summary/notify';
import {
  admitPatient,
  readRecord,
  readRelationship,
  relationshipOpen,
  requireOpenRelationship,
  requireRecord,
  writeRecord,
} from './records-store';

/** Which records exist where: pointers and hashes registered by the custodian, relationships the patient rules on. */
@Info({ title: 'Records', description: 'Patient-provider relationships and record pointers' })
export class RecordsContract extends MedRecContract {
  public constructor() {
    super('Records');
  }

  @Transaction()
  @Param(
    'record',
    'string',
    "JSON {recordId, patientId, category, contentHash, locator}; custodian is the caller's MSP",
  )
  @Returns('string')
  public async RegisterRecord(ctx: Context, record: string): Promise<string> {
    const caller = await authorize(ctx, 'Records:RegisterRecord');
    const input = parseJsonArg(recordInputSchema, record, 'record');
    await requireActiveParticipant(ctx, input.patientId, 'patient', 'record.patientId');
    await requireOpenRelationship(ctx, input.patientId, caller.mspId);
    const existing = await readRecord(ctx, input.recordId);
    if (existing !== undefined) {
      if (existing.custodianMsp === caller.mspId && toJson(pickInput(existing)) === toJson(input)) {
        return toJson(existing);
      }
      throw conflict(`record ${input.recordId} already exists with different details; choose another recordId`);
    }
    const saved: RecordPointer = {
      ...input,
      custodianMsp: caller.mspId,
      version: 1,
      supersedes: null,
      supersededBy: null,
      registeredBy: caller.participantId,
      registeredAt: txTime(ctx).iso,
      txId: ctx.stub.getTxID(),
    };
    // Writes only this record's and this transaction's keys (pointer, index, notification, audit) and only reads the
    // relationship, so concurrent registrations about one patient share no written key and do not conflict.
    await writeRecord(ctx, saved);
    await notifyPatient(ctx, input.patientId, 'new-record', input.recordId);
    await recordAudit(ctx, caller, {
      type: 'RecordRegistered',
      patientId: input.patientId,
      subject: { kind: 'record', id: input.recordId },
    });
    return toJson(saved);
  }

  @Transaction()
  @Param('amendment', 'string', 'JSON {recordId (current version), newRecordId, contentHash, locator, category?}')
  @Returns('string')
  public async AmendRecord(ctx: Context, amendment: string): Promise<string> {
    const caller = await authorize(ctx, 'Records:AmendRecord');
    const input = parseJsonArg(amendmentInputSchema, amendment, 'amendment');
    const current = await requireRecord(ctx, input.recordId);
    if (current.custodianMsp !== caller.mspId) {
      throw forbidden(`record ${input.recordId} is held by ${current.custodianMsp}; only its clinicians amend it`);
    }
    await requireOpenRelationship(ctx, current.patientId, current.custodianMsp);
    const replacement = await readRecord(ctx, input.newRecordId);
    if (current.supersededBy !== null) {
      if (current.supersededBy === input.newRecordId && replacement && sameAmendment(replacement, input)) {
        return toJson(replacement);
      }
      throw conflict(
        `record ${input.recordId} was already amended by ${current.supersededBy}; amend the current version`,
      );
    }
    if (replacement !== undefined) {
      throw conflict(`record ${input.newRecordId} already exists; choose another newRecordId`);
    }
    const { iso } = txTime(ctx);
    const txId = ctx.stub.getTxID();
    const saved: RecordPointer = {
      recordId: input.newRecordId,
      patientId: current.patientId,
      custodianMsp: current.custodianMsp,
      category: input.category ?? current.category,
      contentHash: input.contentHash,
      locator: input.locator,
      version: current.version + 1,
      supersedes: current.recordId,
      supersededBy: null,
      registeredBy: caller.participantId,
      registeredAt: iso,
      txId,
    };
    await writeRecord(ctx, { ...current, supersededBy: saved.recordId });
    await writeRecord(ctx, saved);
    await notifyPatient(ctx, current.patientId, 'new-record', saved.recordId);
    await recordAudit(ctx, caller, {
      type: 'RecordAmended',
      patientId: current.patientId,
      subject: { kind: 'record', id: saved.recordId },
    });
    return toJson(saved);
  }

  @Transaction(false)
  @Param('recordId', 'string', 'id of the record pointer')
  @Returns('string')
  public async GetRecord(ctx: Context, recordId: string): Promise<string> {
    const caller = await authorize(ctx, 'Records:GetRecord');
    const id = parseArg(idSchema, recordId, 'recordId');
    const record = await requireRecord(ctx, id);
    if (!(await maySeeRecords(ctx, caller, record.patientId, record.custodianMsp))) {
      throw forbidden(`${caller.participantId} may not read record ${id}`);
    }
    return toJson(record);
  }

  @Transaction(false)
  @Param('query', 'string', 'JSON {patientId, custodianMsp?, pageSize?: 1-200, bookmark?}')
  @Returns('string')
  public async ListRecords(ctx: Context, query: string): Promise<string> {
    const caller = await authorize(ctx, 'Records:ListRecords');
    const input = parseJsonArg(listRecordsQuerySchema, query, 'query');
    // Participants are public to every member (Registrar:GetParticipant), so saying "no such patient" leaks nothing.
    const patient = await readState(ctx, key(ctx, KEY.participant, input.patientId), participantSchema, 'participant');
    if (patient?.role !== 'patient') {
      throw notFound(`patient ${input.patientId} does not exist; check the id`);
    }
    // Clinicians, gatekeepers and compliance officers see only what their own organisation holds.
    const scoped = caller.role === 'clinician' || caller.role === 'gatekeeper' || caller.role === 'compliance';
    const custodianMsp = scoped ? (input.custodianMsp ?? caller.mspId) : input.custodianMsp;
    if (!(await maySeeRecords(ctx, caller, input.patientId, custodianMsp))) {
      throw forbidden(`${caller.participantId} may not list these records of patient ${input.patientId}`);
    }
    const attributes = custodianMsp === undefined ? [input.patientId] : [input.patientId, custodianMsp];
    return toJson(await pageByPartialKey(ctx, KEY.recordByPatient, attributes, input, recordSchema, 'record'));
  }

  /**
   * A registrar (or admin) admits a patient, of any organisation, to its own: only then may its clinicians
   * register records for them. The patient is notified and accepts or rejects.
   */
  @Transaction()
  @Param('patientId', 'string', 'the patient to admit to the caller organisation')
  @Returns('string')
  public async AdmitPatient(ctx: Context, patientId: string): Promise<string> {
    const caller = await authorize(ctx, 'Records:AdmitPatient');
    const id = parseArg(idSchema, patientId, 'patientId');
    await requireActiveParticipant(ctx, id, 'patient', 'patientId');
    const existing = await readRelationship(ctx, id, caller.mspId);
    if (existing !== undefined) {
      return toJson(existing);
    }
    const saved = await admitPatient(ctx, id, caller.mspId);
    await notifyPatient(ctx, id, 'relationship', caller.mspId);
    await recordAudit(ctx, caller, {
      type: 'PatientAdmitted',
      patientId: id,
      subject: { kind: 'relationship', id: caller.mspId },
    });
    return toJson(saved);
  }

  @Transaction(false)
  @Param('patientId', 'string', 'the patient')
  @Param('custodianMsp', 'string', 'MSP id of the custodian organisation')
  @Returns('string')
  public async GetRelationship(ctx: Context, patientId: string, custodianMsp: string): Promise<string> {
    const caller = await authorize(ctx, 'Records:GetRelationship');
    const id = parseArg(idSchema, patientId, 'patientId');
    const msp = parseArg(mspIdSchema, custodianMsp, 'custodianMsp');
    const allowed =
      (await actsForPatient(ctx, caller, id)) ||
      (caller.role !== 'patient' && caller.mspId === msp) ||
      (await complianceCovers(ctx, caller, id));
    if (!allowed) {
      throw forbidden(`${caller.participantId} may see only relationships of its own organisation or own patients`);
    }
    const relationship = await readRelationship(ctx, id, msp);
    if (relationship === undefined) {
      throw notFound(`patient ${id} is not admitted to ${msp}`);
    }
    return toJson(relationship);
  }

  @Transaction()
  @Param('patientId', 'string', 'the patient')
  @Param('custodianMsp', 'string', 'MSP id of the custodian organisation')
  @Returns('string')
  public async AcceptRelationship(ctx: Context, patientId: string, custodianMsp: string): Promise<string> {
    return toJson(await decide(ctx, patientId, custodianMsp, 'accepted'));
  }

  @Transaction()
  @Param('patientId', 'string', 'the patient')
  @Param('custodianMsp', 'string', 'MSP id of the custodian organisation')
  @Returns('string')
  public async RejectRelationship(ctx: Context, patientId: string, custodianMsp: string): Promise<string> {
    return toJson(await decide(ctx, patientId, custodianMsp, 'rejected'));
  }
}

async function decide(
  ctx: Context,
  patientIdArg: string,
  custodianMspArg: string,
  status: 'accepted' | 'rejected',
): Promise<Relationship> {
  const caller = await authorize(
    ctx,
    status === 'accepted' ? 'Records:AcceptRelationship' : 'Records:RejectRelationship',
  );
  const patientId = parseArg(idSchema, patientIdArg, 'patientId');
  const custodianMsp = parseArg(mspIdSchema, custodianMspArg, 'custodianMsp');
  await assertActsForPatient(ctx, caller, patientId);
  const existing = await readRelationship(ctx, patientId, custodianMsp);
  if (existing === undefined) {
    throw notFound(`patient ${patientId} has no relationship with ${custodianMsp}`);
  }
  if (existing.status === status) {
    return existing;
  }
  const saved: Relationship = { ...existing, status, updatedAt: txTime(ctx).iso, txId: ctx.stub.getTxID() };
  await writeState(ctx, key(ctx, KEY.relationship, patientId, custodianMsp), saved);
  await recordAudit(ctx, caller, {
    type: status === 'accepted' ? 'RelationshipAccepted' : 'RelationshipRejected',
    patientId,
    subject: { kind: 'relationship', id: custodianMsp },
  });
  return saved;
}

/** Patient (or delegate) sees all; clinicians and gatekeepers see their organisation's; compliance its custody's. */
async function maySeeRecords(
  ctx: Context,
  caller: Caller,
  patientId: string,
  custodianMsp: string | undefined,
): Promise<boolean> {
  switch (caller.role) {
    case 'patient':
      return actsForPatient(ctx, caller, patientId);
    case 'clinician':
      // A patient who rejected the relationship has closed the custodian's clinicians out.
      return custodianMsp === caller.mspId && relationshipOpen(ctx, patientId, caller.mspId);
    case 'gatekeeper':
      return custodianMsp === caller.mspId;
    case 'compliance':
      // The records its organisation holds, whatever the patient decided about the relationship since.
      return custodianMsp === caller.mspId && holdsRecordsOf(ctx, caller.mspId, patientId);
    default:
      return false;
  }
}

function pickInput(record: RecordPointer): unknown {
  const { recordId, patientId, category, contentHash, locator } = record;
  return { recordId, patientId, category, contentHash, locator };
}

function sameAmendment(
  replacement: RecordPointer,
  input: { contentHash: string; locator: string; category?: string | undefined },
): boolean {
  return (
    replacement.contentHash === input.contentHash &&
    replacement.locator === input.locator &&
    (input.category === undefined || input.category === replacement.category)
  );
}
