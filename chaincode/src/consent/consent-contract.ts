import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { recordAudit } from '../audit/audit-log';
import { parseArg, parseJsonArg } from '../common/args';
import { authorize, type Caller } from '../common/caller';
import { forbidden, invalidArgument, conflict } from '../common/errors';
import { KEY, key } from '../common/keys';
import { toJson, unmarshal } from '../common/marshal';
import { MedRecContract } from '../common/medrec-contract';
import {
  idSchema,
  consentInputSchema,
  consentSchema,
  listConsentsQuerySchema,
  listDelegatesQuerySchema,
  listOptOutsQuerySchema,
  researchChoiceSchema,
  type Consent,
  type ConsentInput,
} from '@medrec/contract';
import { pageByPartialKey, writeState } from '../common/state';
import { txTime } from '../common/time';
import { complianceCovers } from '../registrar/custody';
import { requireActiveParticipant, requireOrganisation } from '../registrar/participants';
import { actsForPatient, assertActsForPatient } from './acts-for-patient';
import { granteeIndexComplete, granteeIndexKey, granteeMatches, requireConsent, writeConsent } from './consent-store';
import { acceptDelegate, addDelegate, listDelegates, removeDelegate } from './delegates';
import { getResearchOptOut, listResearchOptOuts, setResearchOptOut } from './research-opt-out';

/** Entries of GetConsentHistory: a consent changes a handful of times (grant, revoke), so this bound is generous. */
const MAX_HISTORY_ENTRIES = 100;
/** Consent:IndexGrantees: entries written per pass (a bounded transaction), and consents read per pass. */
const MAX_INDEXED_PER_PASS = 500;
const MAX_SCANNED_PER_PASS = 20_000;

/** The patient's grants: who may see which records for which purposes, and when. */
@Info({ title: 'Consent', description: 'Consent grants, revocations and delegates acting for patients' })
export class ConsentContract extends MedRecContract {
  public constructor() {
    super('Consent');
  }

  @Transaction()
  @Param('patientId', 'string', 'the patient')
  @Param('delegateId', 'string', 'a registered patient-role participant who will act for the patient')
  @Returns('string')
  public async AddDelegate(ctx: Context, patientId: string, delegateId: string): Promise<string> {
    const caller = await authorize(ctx, 'Consent:AddDelegate');
    return toJson(
      await addDelegate(
        ctx,
        caller,
        parseArg(idSchema, patientId, 'patientId'),
        parseArg(idSchema, delegateId, 'delegateId'),
      ),
    );
  }

  @Transaction()
  @Param('patientId', 'string', 'the patient (the caller)')
  @Param('delegateId', 'string', 'the delegate their registrar proposed')
  @Returns('string')
  public async AcceptDelegate(ctx: Context, patientId: string, delegateId: string): Promise<string> {
    const caller = await authorize(ctx, 'Consent:AcceptDelegate');
    return toJson(
      await acceptDelegate(
        ctx,
        caller,
        parseArg(idSchema, patientId, 'patientId'),
        parseArg(idSchema, delegateId, 'delegateId'),
      ),
    );
  }

  @Transaction()
  @Param('patientId', 'string', 'the patient')
  @Param('delegateId', 'string', 'the delegate to remove')
  @Returns('string')
  public async RemoveDelegate(ctx: Context, patientId: string, delegateId: string): Promise<string> {
    const caller = await authorize(ctx, 'Consent:RemoveDelegate');
    return toJson(
      await removeDelegate(
        ctx,
        caller,
        parseArg(idSchema, patientId, 'patientId'),
        parseArg(idSchema, delegateId, 'delegateId'),
      ),
    );
  }

  @Transaction(false)
  @Param('query', 'string', 'JSON {patientId, pageSize?: 1-200, bookmark?}')
  @Returns('string')
  public async ListDelegates(ctx: Context, query: string): Promise<string> {
    const caller = await authorize(ctx, 'Consent:ListDelegates');
    return toJson(await listDelegates(ctx, caller, parseJsonArg(listDelegatesQuerySchema, query, 'query')));
  }

  @Transaction()
  @Param(
    'consent',
    'string',
    'JSON {consentId, patientId, grantee: {kind:"participant",participantId}|{kind:"role",role,mspId}|{kind:"organisation",mspId}, scope: {custodians[], categories?[], recordIds?[]}, purposes[], period: {notBefore, notAfter}}',
  )
  @Returns('string')
  public async GrantConsent(ctx: Context, consent: string): Promise<string> {
    const caller = await authorize(ctx, 'Consent:GrantConsent');
    const input = parseJsonArg(consentInputSchema, consent, 'consent');
    await assertActsForPatient(ctx, caller, input.patientId);
    const existing = await readConsent(ctx, input.consentId);
    if (existing !== undefined) {
      if (toJson(pickInput(existing)) === toJson(input)) {
        return toJson(existing);
      }
      throw conflict(`consent ${input.consentId} already exists with a different body; choose another consentId`);
    }
    await checkReferences(ctx, input);
    const { iso } = txTime(ctx);
    if (input.period.notAfter <= iso) {
      throw invalidArgument(`consent.period.notAfter: must be later than the transaction time ${iso}`);
    }
    const saved: Consent = {
      ...input,
      status: 'active',
      grantedBy: caller.participantId,
      grantedAt: iso,
      txId: ctx.stub.getTxID(),
    };
    await writeConsent(ctx, saved);
    await recordAudit(ctx, caller, {
      type: 'ConsentGranted',
      patientId: input.patientId,
      subject: { kind: 'consent', id: input.consentId },
    });
    return toJson(saved);
  }

  @Transaction()
  @Param('consentId', 'string', 'the consent to revoke')
  @Returns('string')
  public async RevokeConsent(ctx: Context, consentId: string): Promise<string> {
    const caller = await authorize(ctx, 'Consent:RevokeConsent');
    const id = parseArg(idSchema, consentId, 'consentId');
    const existing = await requireConsent(ctx, id);
    await assertActsForPatient(ctx, caller, existing.patientId);
    if (existing.status === 'revoked') {
      return toJson(existing);
    }
    const saved: Consent = {
      ...existing,
      status: 'revoked',
      revokedBy: caller.participantId,
      revokedAt: txTime(ctx).iso,
    };
    await writeConsent(ctx, saved);
    await recordAudit(ctx, caller, {
      type: 'ConsentRevoked',
      patientId: existing.patientId,
      subject: { kind: 'consent', id },
    });
    return toJson(saved);
  }

  /**
   * Builds the consent-by-grantee index on a ledger written by an earlier chaincode, then marks it complete so that
   * access decisions use it (until then they scan all of a patient's consents, which stays correct). Idempotent and
   * bounded: each pass writes at most MAX_INDEXED_PER_PASS entries; the network tooling repeats it until complete.
   * It changes no consent and decides nothing, so it records no audit event (as Health:Heartbeat).
   */
  @Transaction()
  @Returns('string')
  public async IndexGrantees(ctx: Context): Promise<string> {
    await authorize(ctx, 'Consent:IndexGrantees');
    if (await granteeIndexComplete(ctx)) {
      return toJson({ complete: true, indexed: 0 });
    }
    let indexed = 0;
    const iterator = await ctx.stub.getStateByPartialCompositeKey(KEY.consentByPatient, []);
    try {
      for (let scanned = 0; ; scanned += 1) {
        if (scanned >= MAX_SCANNED_PER_PASS) {
          throw conflict(
            `more than ${MAX_SCANNED_PER_PASS} consents on the ledger: this migration indexes at most that many; ` +
              'decisions keep scanning each patient’s consents, which stays correct',
          );
        }
        const next = await iterator.next();
        if (next.done) break;
        const consent = unmarshal(next.value.value, consentSchema, 'consent');
        if (consent.status !== 'active') continue;
        const entry = granteeIndexKey(ctx, consent);
        if ((await ctx.stub.getState(entry)).length > 0) continue;
        if (indexed === MAX_INDEXED_PER_PASS) return toJson({ complete: false, indexed });
        await writeState(ctx, entry, consent);
        indexed += 1;
      }
    } finally {
      await iterator.close();
    }
    await writeState(ctx, key(ctx, KEY.consentGranteeIndexComplete), { completedAt: txTime(ctx).iso });
    return toJson({ complete: true, indexed });
  }

  @Transaction(false)
  @Param('consentId', 'string', 'the consent')
  @Returns('string')
  public async GetConsent(ctx: Context, consentId: string): Promise<string> {
    const caller = await authorize(ctx, 'Consent:GetConsent');
    const consent = await requireConsent(ctx, parseArg(idSchema, consentId, 'consentId'));
    const allowed =
      (await complianceCovers(ctx, caller, consent.patientId)) ||
      (await actsForPatient(ctx, caller, consent.patientId)) ||
      (caller.role !== 'patient' && granteeMatches(consent.grantee, caller));
    if (!allowed) {
      throw forbidden(`${caller.participantId} is not the patient, a delegate, the grantee or compliance`);
    }
    return toJson(consent);
  }

  @Transaction(false)
  @Param('query', 'string', 'JSON {patientId, pageSize?: 1-200, bookmark?}')
  @Returns('string')
  public async ListConsents(ctx: Context, query: string): Promise<string> {
    const caller = await authorize(ctx, 'Consent:ListConsents');
    const input = parseJsonArg(listConsentsQuerySchema, query, 'query');
    await assertPatientOrCompliance(ctx, caller, input.patientId);
    return toJson(
      await pageByPartialKey(ctx, KEY.consentByPatient, [input.patientId], input, consentSchema, 'consent'),
    );
  }

  @Transaction(false)
  @Param('consentId', 'string', 'the consent')
  @Returns('string')
  public async GetConsentHistory(ctx: Context, consentId: string): Promise<string> {
    const caller = await authorize(ctx, 'Consent:GetConsentHistory');
    const id = parseArg(idSchema, consentId, 'consentId');
    const current = await requireConsent(ctx, id);
    await assertPatientOrCompliance(ctx, caller, current.patientId);
    const iterator = await ctx.stub.getHistoryForKey(key(ctx, KEY.consent, id));
    const entries: { txId: string; time: string; isDelete: boolean; consent: Consent | null }[] = [];
    try {
      while (entries.length < MAX_HISTORY_ENTRIES) {
        const next = await iterator.next();
        if (next.done) {
          break;
        }
        const { txId, isDelete, value, timestamp } = next.value;
        const ms = Number(timestamp.seconds.toString()) * 1000 + Math.floor(timestamp.nanos / 1_000_000);
        entries.push({
          txId,
          time: new Date(ms).toISOString(),
          isDelete,
          consent: isDelete ? null : unmarshal(value, consentSchema, 'consent'),
        });
      }
    } finally {
      await iterator.close();
    }
    return toJson({ consentId: id, entries });
  }

  /** The patient (or an active delegate) opts out of research use of their records, or back in. */
  @Transaction()
  @Param('choice', 'string', 'JSON {patientId, optedOut: boolean}')
  @Returns('string')
  public async SetResearchOptOut(ctx: Context, choice: string): Promise<string> {
    const caller = await authorize(ctx, 'Consent:SetResearchOptOut');
    return toJson(await setResearchOptOut(ctx, caller, parseJsonArg(researchChoiceSchema, choice, 'choice')));
  }

  /** The patient's research choice, or "" when they never made one (not opted out). */
  @Transaction(false)
  @Param('patientId', 'string', 'the patient')
  @Returns('string')
  public async GetResearchOptOut(ctx: Context, patientId: string): Promise<string> {
    const caller = await authorize(ctx, 'Consent:GetResearchOptOut');
    const choice = await getResearchOptOut(ctx, caller, parseArg(idSchema, patientId, 'patientId'));
    return choice === undefined ? '' : toJson(choice);
  }

  /** The patients currently opted out of research, one page at a time (custodians' gatekeepers). */
  @Transaction(false)
  @Param('query', 'string', 'JSON {pageSize?: 1-200, bookmark?}')
  @Returns('string')
  public async ListResearchOptOuts(ctx: Context, query: string): Promise<string> {
    await authorize(ctx, 'Consent:ListResearchOptOuts');
    return toJson(await listResearchOptOuts(ctx, parseJsonArg(listOptOutsQuerySchema, query, 'query')));
  }
}

async function readConsent(ctx: Context, consentId: string): Promise<Consent | undefined> {
  const bytes = await ctx.stub.getState(key(ctx, KEY.consent, consentId));
  return bytes.length === 0 ? undefined : unmarshal(bytes, consentSchema, 'consent');
}

/** Everything a consent names must exist: a grant to a typo would silently never match. */
async function checkReferences(ctx: Context, input: ConsentInput): Promise<void> {
  await requireActiveParticipant(ctx, input.patientId, 'patient', 'consent.patientId');
  const { grantee } = input;
  if (grantee.kind === 'participant') {
    await requireActiveParticipant(ctx, grantee.participantId, undefined, 'consent.grantee.participantId');
  } else {
    await requireOrganisation(ctx, grantee.mspId, 'consent.grantee.mspId');
  }
  for (const mspId of input.scope.custodians) {
    await requireOrganisation(ctx, mspId, 'consent.scope.custodians');
  }
}

/** The patient (or an active delegate), or a compliance officer of an organisation holding the patient in custody. */
async function assertPatientOrCompliance(ctx: Context, caller: Caller, patientId: string): Promise<void> {
  if (caller.role !== 'compliance') {
    await assertActsForPatient(ctx, caller, patientId);
  } else if (!(await complianceCovers(ctx, caller, patientId))) {
    throw forbidden(
      `patient ${patientId} is not in the custody of ${caller.mspId}; ask that organisation's compliance`,
    );
  }
}

function pickInput(consent: Consent): ConsentInput {
  const { consentId, patientId, grantee, scope, purposes, period } = consent;
  return { consentId, patientId, grantee, scope, purposes, period };
}
