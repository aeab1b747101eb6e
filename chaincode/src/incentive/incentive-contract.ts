import { createHash, type X509Certificate } from 'node:crypto';
import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { parseArg, parseJsonArg } from '../common/args';
import { authorize, type Caller } from '../common/caller';
import { certificateSha256, chainsToAnyRoot, organizationalUnits, parseCertificate, validAt } from '../common/certs';
import { incentiveError, internal, invalidArgument } from '../common/errors';
import { KEY, key } from '../common/keys';
import { toJson } from '../common/marshal';
import { MedRecContract } from '../common/medrec-contract';
import { exists, pageByPartialKey, readState, requireState, writeState } from '../common/state';
import { txTime } from '../common/time';
import { recordAudit } from '../audit/audit-log';
import {
  INCENTIVE_AUDIT_TYPES,
  attestationsInputSchema,
  attestationsRequired,
  auditEventSchema,
  type Organisation,
  MAX_CLAIMS_ARGUMENT_BYTES,
  balanceSchema,
  claimsInputSchema,
  holderSchema,
  pendingClaimsQuerySchema,
  proposalIdSchema,
  scheduleParametersSchema,
  transferInputSchema,
  transferSchema,
  transfersQuerySchema,
  type Claim,
  type ClaimRecord,
  type Holder,
  type PendingClaimRecord,
  type Schedule,
  type Transfer,
} from '@medrec/contract';
import { requireActiveParticipant, requireOrganisation } from '../registrar/participants';
import { attestClaims, claimKey, listPendingClaims, recordPendingClaims } from './attestation';
import { MEDREC_NAMESPACE, checkEndorsementSignature, decodeSerializedIdentity, payloadWrites } from './endorsement';
import { balanceKey, credit, holderParts } from './balances';
import { requireSchedule, rewardFor, supplyCap } from './rewards';
import { approveSchedule, listProposals, proposalIdOf, votingOrganisations, type VoteOutcome } from './schedule-vote';

export { rewardFor, supplyCap } from './rewards';

/**
 * Proof-of-endorsement rewards: an organisation earns credits for its peers' endorsements of committed MedRec
 * business transactions, once a majority of the other organisations attest them from their own copy of the block,
 * on a halving schedule with a capped supply, and may pass them on. The rules, the claim and attestation checks and
 * the threat model are in chaincode/README.md, "Incentive".
 */
@Info({
  title: 'Incentive',
  description: 'Endorsement claims and attestations, halving reward schedule, balances and transfers',
})
export class IncentiveContract extends MedRecContract {
  public constructor() {
    super('Incentive');
  }

  /**
   * An organisation's admin proposes schedule parameters; the proposal counts as its organisation's approval.
   * Proposing parameters that are already proposed approves that proposal.
   */
  @Transaction()
  @Param(
    'parameters',
    'string',
    'JSON {initialReward: positive integer string < 10^18, halvingInterval: positive integer string < 10^12}',
  )
  @Returns('string')
  public async ProposeSchedule(ctx: Context, parameters: string): Promise<string> {
    const caller = await authorize(ctx, 'Incentive:ProposeSchedule');
    const input = parseJsonArg(scheduleParametersSchema, parameters, 'parameters');
    return describeVote(await approveSchedule(ctx, caller, { proposalId: proposalIdOf(input), parameters: input }));
  }

  /** An organisation's admin approves an existing proposal (its id is the SHA-256 of its parameters). */
  @Transaction()
  @Param('proposalId', 'string', 'the proposal id: 64 lowercase hex characters (Incentive:ListScheduleProposals)')
  @Returns('string')
  public async ApproveSchedule(ctx: Context, proposalId: string): Promise<string> {
    const caller = await authorize(ctx, 'Incentive:ApproveSchedule');
    const id = parseArg(proposalIdSchema, proposalId, 'proposalId');
    return describeVote(await approveSchedule(ctx, caller, { proposalId: id }));
  }

  /** The live proposals with their approvals, and how many approvals take a proposal into effect. */
  @Transaction(false)
  @Returns('string')
  public async ListScheduleProposals(ctx: Context): Promise<string> {
    await authorize(ctx, 'Incentive:ListScheduleProposals');
    return toJson(await listProposals(ctx));
  }

  /**
   * Records the caller's organisation's claims as pending: each is verified here (checks 1-7 in chaincode/README.md)
   * but pays nothing until a majority of the other organisations attest it (AttestClaims).
   */
  @Transaction()
  @Param('claims', 'string', 'JSON {claims: [{txId, endorserIdentity, signature, proposalResponsePayload}] (1-20)}')
  @Returns('string')
  public async ClaimEndorsements(ctx: Context, claims: string): Promise<string> {
    const caller = await authorize(ctx, 'Incentive:ClaimEndorsements');
    const input = parseJsonArg(claimsInputSchema, claims, 'claims', MAX_CLAIMS_ARGUMENT_BYTES);
    const org = await requireOwnOrganisation(ctx, caller);
    // Claims wait for the consortium's schedule: before it there is no rule to pay them by.
    await requireSchedule(ctx);
    const organisations = await votingOrganisations(ctx);
    const { iso } = txTime(ctx);
    const claimTxId = ctx.stub.getTxID();
    const seen = new Set<string>();
    const records: PendingClaimRecord[] = [];
    for (const [index, claim] of input.claims.entries()) {
      const proof = await verifyClaim(ctx, org, claim, `claims.claims[${index}]`);
      if (seen.has(claim.txId)) {
        throw incentiveError('MEDREC_ALREADY_CLAIMED', `claims.claims[${index}]: ${claim.txId} appears twice`);
      }
      seen.add(claim.txId);
      records.push({
        ...proof,
        claimedBy: caller.participantId,
        claimedAt: iso,
        claimTxId,
        attestedBy: [],
        status: 'pending',
      });
    }
    await recordPendingClaims(ctx, records);
    await recordAudit(ctx, caller, { type: 'EndorsementsClaimed', subject: { kind: 'incentive', id: caller.mspId } });
    return toJson({
      mspId: caller.mspId,
      claims: records,
      organisations: organisations.length,
      required: attestationsRequired(organisations.length),
    });
  }

  /**
   * The caller's organisation attests other organisations' pending claims, each found by its miner in its own peer's
   * copy of the block; a claim is paid by the attestation that completes a strict majority of the other organisations.
   */
  @Transaction()
  @Param(
    'attestations',
    'string',
    'JSON {attestations: [{txId, mspId (the claimant), endorserCertSha256, signatureSha256}] (1-50)}',
  )
  @Returns('string')
  public async AttestClaims(ctx: Context, attestations: string): Promise<string> {
    const caller = await authorize(ctx, 'Incentive:AttestClaims');
    const input = parseJsonArg(attestationsInputSchema, attestations, 'attestations');
    const outcome = await attestClaims(ctx, caller, input.attestations);
    await recordAudit(ctx, caller, { type: 'EndorsementsAttested', subject: { kind: 'incentive', id: caller.mspId } });
    return toJson(outcome);
  }

  /** The claims waiting for attestations, oldest first, with the organisations that attested each so far. */
  @Transaction(false)
  @Param('query', 'string', 'JSON {pageSize?: 1-200, bookmark?}')
  @Returns('string')
  public async ListPendingClaims(ctx: Context, query: string): Promise<string> {
    await authorize(ctx, 'Incentive:ListPendingClaims');
    const input = parseJsonArg(pendingClaimsQuerySchema, query, 'query');
    return toJson(await listPendingClaims(ctx, input));
  }

  @Transaction(false)
  @Returns('string')
  public async GetSchedule(ctx: Context): Promise<string> {
    await authorize(ctx, 'Incentive:GetSchedule');
    return toJson(describeSchedule(await requireSchedule(ctx)));
  }

  @Transaction(false)
  @Param('holder', 'string', 'JSON {kind: "organisation", mspId} | {kind: "participant", participantId}')
  @Returns('string')
  public async GetBalance(ctx: Context, holder: string): Promise<string> {
    await authorize(ctx, 'Incentive:GetBalance');
    const input = parseJsonArg(holderSchema, holder, 'holder');
    const balance = await readState(ctx, balanceKey(ctx, input), balanceSchema, 'balance');
    return toJson(balance ?? { holder: input, amount: '0', updatedAt: null, txId: null });
  }

  @Transaction()
  @Param(
    'transfer',
    'string',
    'JSON {to: {kind: "organisation", mspId} | {kind: "participant", participantId}, amount}',
  )
  @Returns('string')
  public async Transfer(ctx: Context, transfer: string): Promise<string> {
    const caller = await authorize(ctx, 'Incentive:Transfer');
    const input = parseJsonArg(transferInputSchema, transfer, 'transfer');
    const from: Holder = { kind: 'organisation', mspId: caller.mspId };
    if (input.to.kind === 'organisation') {
      if (input.to.mspId === caller.mspId) {
        throw invalidArgument('transfer.to: an organisation cannot transfer to itself');
      }
      await requireOrganisation(ctx, input.to.mspId, 'transfer.to.mspId');
    } else {
      await requireActiveParticipant(ctx, input.to.participantId, 'researcher', 'transfer.to.participantId');
    }
    const { iso } = txTime(ctx);
    const txId = ctx.stub.getTxID();
    const amount = BigInt(input.amount);
    const source = await readState(ctx, balanceKey(ctx, from), balanceSchema, 'balance');
    const available = BigInt(source?.amount ?? '0');
    if (available < amount) {
      throw incentiveError(
        'MEDREC_INSUFFICIENT_FUNDS',
        `${caller.mspId} holds ${available.toString()}, less than ${input.amount}`,
      );
    }
    await writeState(ctx, balanceKey(ctx, from), {
      holder: from,
      amount: (available - amount).toString(),
      updatedAt: iso,
      txId,
    });
    await credit(ctx, input.to, amount, iso);
    const saved: Transfer = {
      transferId: txId,
      from,
      to: input.to,
      amount: input.amount,
      transferredBy: caller.participantId,
      time: iso,
      txId,
    };
    for (const holder of [from, input.to]) {
      await writeState(ctx, key(ctx, KEY.transferByHolder, ...holderParts(holder), iso, txId), saved);
    }
    await recordAudit(ctx, caller, { type: 'CreditsTransferred', subject: { kind: 'transfer', id: txId } });
    return toJson(saved);
  }

  @Transaction(false)
  @Param('query', 'string', 'JSON {holder, pageSize?: 1-200, bookmark?}')
  @Returns('string')
  public async GetTransfers(ctx: Context, query: string): Promise<string> {
    await authorize(ctx, 'Incentive:GetTransfers');
    const input = parseJsonArg(transfersQuerySchema, query, 'query');
    return toJson(
      await pageByPartialKey(ctx, KEY.transferByHolder, holderParts(input.holder), input, transferSchema, 'transfer'),
    );
  }
}

function describeSchedule(schedule: Schedule): unknown {
  const claims = BigInt(schedule.claims);
  return {
    initialReward: schedule.initialReward,
    halvingInterval: schedule.halvingInterval,
    claims: schedule.claims,
    era: (claims / BigInt(schedule.halvingInterval)).toString(),
    currentReward: rewardFor(schedule, claims).toString(),
    minted: schedule.minted,
    cap: supplyCap(schedule).toString(),
    initializedBy: schedule.initializedBy,
    initializedAt: schedule.initializedAt,
    updatedAt: schedule.updatedAt,
    txId: schedule.txId,
    ...(schedule.proposalId === undefined ? {} : { proposalId: schedule.proposalId }),
    ...(schedule.approvedBy === undefined ? {} : { approvedBy: schedule.approvedBy }),
  };
}

function describeVote(outcome: VoteOutcome): string {
  return toJson({ ...outcome, schedule: outcome.schedule === null ? null : describeSchedule(outcome.schedule) });
}

async function requireOwnOrganisation(ctx: Context, caller: Caller): Promise<Organisation> {
  const org = await requireOrganisation(ctx, caller.mspId, 'caller');
  return org;
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Checks 1-3: who signed (a peer of the claiming organisation) and that the signature holds. */
function verifyEndorser(org: Organisation, claim: Claim, at: string): { cert: X509Certificate; signature: Buffer } {
  const endorser = Buffer.from(claim.endorserIdentity, 'base64');
  const signature = Buffer.from(claim.signature, 'base64');
  const payload = Buffer.from(claim.proposalResponsePayload, 'base64');
  const identity = decodeSerializedIdentity(endorser);
  if (identity === undefined) {
    throw invalidArgument(`${at}.endorserIdentity: is not a serialized msp.SerializedIdentity`);
  }
  if (identity.mspId !== org.mspId) {
    throw incentiveError(
      'MEDREC_WRONG_ORGANISATION',
      `${at}: the endorser belongs to ${identity.mspId || 'no MSP'}, not to the claiming organisation ${org.mspId}`,
    );
  }
  const cert = parseCertificate(identity.idBytes);
  if (cert === undefined) {
    throw invalidArgument(`${at}.endorserIdentity: its id_bytes are not an X.509 certificate`);
  }
  if (!chainsToAnyRoot(cert, org.caRootCertsPem)) {
    throw incentiveError(
      'MEDREC_WRONG_ORGANISATION',
      `${at}: the endorser certificate is not issued by a CA root registered for ${org.mspId}`,
    );
  }
  if (!organizationalUnits(cert).includes('peer')) {
    throw incentiveError('MEDREC_NOT_A_PEER', `${at}: the endorser certificate has no NodeOU peer (OU=peer)`);
  }
  const signatureCheck = checkEndorsementSignature(cert, payload, endorser, signature);
  if (signatureCheck !== 'ok') {
    throw incentiveError('MEDREC_BAD_SIGNATURE', `${at}.signature: ${signatureCheck} ECDSA endorsement signature`);
  }
  return { cert, signature };
}

/** Checks 4-7: the endorsed effect is the committed one, of a business transaction, endorsed while valid, unclaimed. */
async function verifyEndorsedEffect(
  ctx: Context,
  org: Organisation,
  claim: Claim,
  cert: X509Certificate,
  at: string,
): Promise<void> {
  const payload = Buffer.from(claim.proposalResponsePayload, 'base64');
  const auditKey = key(ctx, KEY.audit, claim.txId);
  const writes = payloadWrites(payload, MEDREC_NAMESPACE);
  if (writes === undefined) {
    throw incentiveError(
      'MEDREC_PAYLOAD_MISMATCH',
      `${at}.proposalResponsePayload: is not a chaincode proposal response`,
    );
  }
  const auditWrite = writes.find((write) => write.key === auditKey && !write.isDelete);
  if (auditWrite === undefined) {
    throw incentiveError(
      'MEDREC_PAYLOAD_MISMATCH',
      `${at}.proposalResponsePayload: does not write the audit event of transaction ${claim.txId}`,
    );
  }
  const committed = await ctx.stub.getState(auditKey);
  if (committed.length === 0) {
    throw incentiveError('MEDREC_NOT_COMMITTED', `${at}: transaction ${claim.txId} has no committed effect`);
  }
  const event = await requireState(ctx, auditKey, auditEventSchema, `audit event ${claim.txId}`);
  if (event.txId !== claim.txId) {
    throw internal(`audit event under ${claim.txId} names transaction ${event.txId}`);
  }
  if (!Buffer.from(committed).equals(auditWrite.value)) {
    throw incentiveError(
      'MEDREC_PAYLOAD_MISMATCH',
      `${at}.proposalResponsePayload: its audit event differs from the committed one of ${claim.txId}`,
    );
  }
  // Judged at the endorsed transaction's own time, from the ledger: an expired peer certificate endorses nothing
  // new, yet what it endorsed while valid stays claimable.
  if (!validAt(cert, event.time)) {
    throw incentiveError(
      'MEDREC_CERTIFICATE_NOT_VALID',
      `${at}: the endorser certificate (valid ${cert.validFrom} to ${cert.validTo}) was not valid at ${event.time}, ` +
        `when transaction ${claim.txId} was endorsed`,
    );
  }
  if ((INCENTIVE_AUDIT_TYPES as readonly string[]).includes(event.type)) {
    throw incentiveError(
      'MEDREC_NOT_CLAIMABLE',
      `${at}: ${event.type} transactions of the incentive layer earn nothing`,
    );
  }
  if (await exists(ctx, claimKey(ctx, claim.txId, org.mspId))) {
    throw incentiveError('MEDREC_ALREADY_CLAIMED', `${at}: ${org.mspId} already claimed transaction ${claim.txId}`);
  }
}

/**
 * Every check of one claim, in this order, each refused with its own code (chaincode/README.md, Incentive).
 * Deterministic: it depends only on the claim bytes and committed state.
 */
async function verifyClaim(
  ctx: Context,
  org: Organisation,
  claim: Claim,
  at: string,
): Promise<Pick<ClaimRecord, 'txId' | 'mspId' | 'endorserCertSha256' | 'signatureSha256'>> {
  const { cert, signature } = verifyEndorser(org, claim, at);
  await verifyEndorsedEffect(ctx, org, claim, cert, at);
  return {
    txId: claim.txId,
    mspId: org.mspId,
    endorserCertSha256: certificateSha256(cert),
    signatureSha256: sha256Hex(signature),
  };
}
