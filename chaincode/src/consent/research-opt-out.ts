import type { Context } from 'fabric-contract-api';
import type { z } from 'zod';
import { researchOptOutSchema, type PageQuery, type ResearchOptOut, type researchChoiceSchema } from '@medrec/contract';
import { recordAudit } from '../audit/audit-log';
import type { Caller } from '../common/caller';
import { forbidden } from '../common/errors';
import { KEY, key } from '../common/keys';
import { pageByPartialKey, readState, writeState, type Page } from '../common/state';
import { txTime } from '../common/time';
import { complianceCovers } from '../registrar/custody';
import { actsForPatient, assertActsForPatient } from './acts-for-patient';

/**
 * A patient's research choice. `medrec.research-opt-out` [patient] keeps the latest choice either way; the index
 * `medrec.research-opted-out` [patient] holds a copy only while the patient is opted out (written on opting out,
 * deleted on opting back in), so that the custodians' list pages exactly the patients currently opted out and never
 * scans everyone. Nothing here is clinical: the pseudonymous patient id and a boolean.
 */
export async function readResearchOptOut(ctx: Context, patientId: string): Promise<ResearchOptOut | undefined> {
  return readState(ctx, key(ctx, KEY.researchOptOut, patientId), researchOptOutSchema, 'research opt-out');
}

/** The patient or their active delegate records the choice; repeating the current choice writes nothing. */
export async function setResearchOptOut(
  ctx: Context,
  caller: Caller,
  choice: z.output<typeof researchChoiceSchema>,
): Promise<ResearchOptOut> {
  await assertActsForPatient(ctx, caller, choice.patientId);
  const existing = await readResearchOptOut(ctx, choice.patientId);
  if (existing?.optedOut === choice.optedOut) {
    return existing;
  }
  const txId = ctx.stub.getTxID();
  const saved: ResearchOptOut = {
    patientId: choice.patientId,
    optedOut: choice.optedOut,
    updatedBy: caller.participantId,
    updatedAt: txTime(ctx).iso,
    txId,
  };
  await writeState(ctx, key(ctx, KEY.researchOptOut, choice.patientId), saved);
  const indexKey = key(ctx, KEY.researchOptedOut, choice.patientId);
  if (choice.optedOut) {
    await writeState(ctx, indexKey, saved);
  } else if (existing !== undefined) {
    await ctx.stub.deleteState(indexKey);
  }
  await recordAudit(ctx, caller, {
    type: 'ResearchOptOutChanged',
    patientId: choice.patientId,
    subject: { kind: 'research-opt-out', id: choice.patientId },
    reason: choice.optedOut ? 'opted-out' : 'opted-in',
  });
  return saved;
}

/**
 * The patient (or an active delegate), any gatekeeper (custodians honour the choice when they answer a trend
 * query), or a compliance officer of an organisation that has the patient in custody. Undefined: never chosen.
 */
export async function getResearchOptOut(
  ctx: Context,
  caller: Caller,
  patientId: string,
): Promise<ResearchOptOut | undefined> {
  const allowed =
    caller.role === 'gatekeeper' ||
    (await actsForPatient(ctx, caller, patientId)) ||
    (await complianceCovers(ctx, caller, patientId));
  if (!allowed) {
    throw forbidden(
      `${caller.participantId} is neither patient ${patientId}, an active delegate of theirs, a gatekeeper, nor ` +
        `compliance of an organisation that has the patient in custody`,
    );
  }
  return readResearchOptOut(ctx, patientId);
}

/** One bounded page of the patients currently opted out, in patient id order. */
export async function listResearchOptOuts(ctx: Context, query: PageQuery): Promise<Page<ResearchOptOut>> {
  return pageByPartialKey(ctx, KEY.researchOptedOut, [], query, researchOptOutSchema, 'research opt-out');
}
