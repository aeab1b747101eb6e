import { z } from 'zod';
import { idSchema, isoTimeSchema, mspIdSchema, pageFields, txIdSchema } from './primitives';

/** At most this many endorsements per ClaimEndorsements transaction: bounds its reads, writes and CPU. */
export const MAX_CLAIMS_PER_TX = 20;
/** The claims argument may be larger than other JSON arguments: it carries up to 20 proposal response payloads. */
export const MAX_CLAIMS_ARGUMENT_BYTES = 1_048_576;

/** Non-negative integer amounts as decimal strings (BigInt inside, never floating point), at most 38 digits. */
export const amountSchema = z.string().regex(/^(0|[1-9][0-9]{0,37})$/, 'must be a non-negative integer string');
export const positiveAmountSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,37}$/, 'must be a positive integer string of at most 38 digits, e.g. "50"');

function base64Schema(maxChars: number): z.ZodString {
  return z
    .string()
    .min(4)
    .max(maxChars)
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'must be standard base64 (padded)');
}

/**
 * Bounds of the schedule's parameters, so that no amount the incentive layer ever computes leaves the 38-digit
 * amount schema. With R = initialReward < 10^18 and H = halvingInterval < 10^12:
 *
 * - the n-th claim (n from 0) earns R >> floor(n / H) = floor(R / 2^k) in era k, and each era has H claims, so
 *   everything ever minted is at most H * Σ_{k=0..K} floor(R / 2^k) <= H * R * (2 - 2^-K) < 2 * R * H
 *   (K = bit length of R - 1; later eras earn 0), i.e. minted <= cap < 2 * 10^18 * 10^12 = 2 * 10^30 < 10^38;
 * - every balance is credited only from minted rewards and transfers move credits without creating any, so the
 *   sum of all balances equals minted, hence every balance and every transfer amount is < 2 * 10^30 too;
 * - a single reward is <= R < 10^18; the claim counter grows by one per (committed transaction, organisation)
 *   pair of a committed Fabric transaction: even 10^6 transactions per second for 10^10 years are < 10^24
 *   transactions, each claimable once per organisation of the channel (< 10^4), far below 10^38.
 */
export const MAX_INITIAL_REWARD_DIGITS = 18;
/** A consortium is small: the vote reads every registered organisation's approval, at most this many. */
export const MAX_VOTING_ORGANISATIONS = 64;
export const MAX_HALVING_INTERVAL_DIGITS = 12;

export const initialRewardSchema = z
  .string()
  .regex(
    new RegExp(`^[1-9][0-9]{0,${MAX_INITIAL_REWARD_DIGITS - 1}}$`),
    `must be a positive integer string of at most ${MAX_INITIAL_REWARD_DIGITS} digits (below 10^${MAX_INITIAL_REWARD_DIGITS})`,
  );
export const halvingIntervalSchema = z
  .string()
  .regex(
    new RegExp(`^[1-9][0-9]{0,${MAX_HALVING_INTERVAL_DIGITS - 1}}$`),
    `must be a positive integer string of at most ${MAX_HALVING_INTERVAL_DIGITS} digits (below 10^${MAX_HALVING_INTERVAL_DIGITS})`,
  );

/** What the consortium votes on: the parameters of the one halving schedule. */
export const scheduleParametersSchema = z.strictObject({
  initialReward: initialRewardSchema,
  halvingInterval: halvingIntervalSchema,
});
export type ScheduleParameters = z.infer<typeof scheduleParametersSchema>;

/** A proposal is identified by its content: the SHA-256 of the canonical JSON of its parameters. */
export const proposalIdSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a proposal id: 64 lowercase hex characters (Incentive:ListScheduleProposals)');

/** A schedule proposal; it exists while at least one organisation approves it. */
export const scheduleProposalSchema = z.strictObject({
  proposalId: proposalIdSchema,
  initialReward: initialRewardSchema,
  halvingInterval: halvingIntervalSchema,
  proposedBy: z.strictObject({ mspId: mspIdSchema, participantId: idSchema }),
  proposedAt: isoTimeSchema,
  txId: txIdSchema,
});
export type ScheduleProposal = z.infer<typeof scheduleProposalSchema>;

/** An organisation's one current approval: the proposal it supports (approving another one moves it). */
export const scheduleApprovalSchema = z.strictObject({
  mspId: mspIdSchema,
  proposalId: proposalIdSchema,
  approvedBy: idSchema,
  approvedAt: isoTimeSchema,
  txId: txIdSchema,
});
export type ScheduleApproval = z.infer<typeof scheduleApprovalSchema>;

export const claimSchema = z.strictObject({
  txId: txIdSchema,
  /** base64 of msp.SerializedIdentity {mspid, id_bytes (PEM)}: the endorser bytes of the endorsement. */
  endorserIdentity: base64Schema(16_384),
  /** base64 of the DER ECDSA signature over proposalResponsePayload || endorserIdentity. */
  signature: base64Schema(256),
  /** base64 of the peer.ProposalResponsePayload the peer signed. */
  proposalResponsePayload: base64Schema(65_536),
});
export type Claim = z.infer<typeof claimSchema>;

export const claimsInputSchema = z.strictObject({
  claims: z.array(claimSchema).min(1).max(MAX_CLAIMS_PER_TX),
});

export const holderSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('organisation'), mspId: mspIdSchema }),
  z.strictObject({ kind: z.literal('participant'), participantId: idSchema }),
]);
export type Holder = z.infer<typeof holderSchema>;

export const transferInputSchema = z.strictObject({ to: holderSchema, amount: positiveAmountSchema });

export const transfersQuerySchema = z.strictObject({ holder: holderSchema, ...pageFields });

export const scheduleSchema = z.strictObject({
  initialReward: positiveAmountSchema,
  halvingInterval: positiveAmountSchema,
  claims: amountSchema,
  minted: amountSchema,
  /** The admin whose approval completed the majority. */
  initializedBy: z.strictObject({ mspId: mspIdSchema, participantId: idSchema }),
  initializedAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
  txId: txIdSchema,
  /** The proposal that took effect and the organisations that approved it (absent on pre-vote schedules). */
  proposalId: proposalIdSchema.optional(),
  approvedBy: z.array(mspIdSchema).max(MAX_VOTING_ORGANISATIONS).optional(),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const balanceSchema = z.strictObject({
  holder: holderSchema,
  amount: amountSchema,
  updatedAt: isoTimeSchema,
  txId: txIdSchema,
});
export type Balance = z.infer<typeof balanceSchema>;

const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256: 64 lowercase hex characters');

/** At most this many attestations per AttestClaims transaction: bounds its reads and writes. */
export const MAX_ATTESTATIONS_PER_TX = 50;

/**
 * Attestations a claim needs before it is paid, with `organisations` registered: a strict majority of the other
 * organisations (the claimant's own never counts), floor((n - 1) / 2) + 1. With 2 organisations that is 1 (the
 * other one), with 3 it is 2 (both others), with 4 it is 2 of 3, with 5 it is 3 of 4. With 1 organisation nobody can
 * attest, so its claims stay pending until another organisation registers.
 */
export function attestationsRequired(organisations: number): number {
  return Math.floor(Math.max(organisations - 1, 0) / 2) + 1;
}

/** What every claim record holds, pending or paid. */
const claimRecordFields = {
  txId: txIdSchema,
  /** The claimant: the organisation whose peer signed the endorsement. */
  mspId: mspIdSchema,
  /** SHA-256 of the endorser certificate's DER and of the signature bytes: what attesters look for in the block. */
  endorserCertSha256: sha256HexSchema,
  signatureSha256: sha256HexSchema,
  claimedBy: idSchema,
  claimedAt: isoTimeSchema,
  claimTxId: txIdSchema,
  /** The other organisations that found this endorsement in their own copy of the block (MSP id order). */
  attestedBy: z.array(mspIdSchema).max(MAX_VOTING_ORGANISATIONS),
};

/** Recorded by ClaimEndorsements: nothing is paid and no claim number is taken until enough attestations arrive. */
export const pendingClaimRecordSchema = z.strictObject({ ...claimRecordFields, status: z.literal('pending') });
export type PendingClaimRecord = z.infer<typeof pendingClaimRecordSchema>;

/** Paid by the AttestClaims transaction whose attestation completed the majority (`paidTxId`). */
export const paidClaimRecordSchema = z.strictObject({
  ...claimRecordFields,
  status: z.literal('paid'),
  claimNumber: amountSchema,
  reward: amountSchema,
  paidAt: isoTimeSchema,
  paidTxId: txIdSchema,
});
export type PaidClaimRecord = z.infer<typeof paidClaimRecordSchema>;

/**
 * One per (claimed transaction, claimant organisation), whatever its state; keeps what an auditor needs to compare
 * the claim with the block. `claimNumber` and `reward` exist only once it is paid.
 */
export const claimRecordSchema = z.discriminatedUnion('status', [pendingClaimRecordSchema, paidClaimRecordSchema]);
export type ClaimRecord = z.infer<typeof claimRecordSchema>;

/**
 * An organisation's miner vouches that it found the claimed endorsement in its own copy of the block, in a VALID
 * transaction: the endorser certificate's and the signature's SHA-256 must equal the pending claim's exactly.
 */
export const attestationSchema = z.strictObject({
  txId: txIdSchema,
  /** The claimant organisation (never the attester's own). */
  mspId: mspIdSchema,
  endorserCertSha256: sha256HexSchema,
  signatureSha256: sha256HexSchema,
});
export type Attestation = z.infer<typeof attestationSchema>;

export const attestationsInputSchema = z.strictObject({
  attestations: z.array(attestationSchema).min(1).max(MAX_ATTESTATIONS_PER_TX),
});

export const pendingClaimsQuerySchema = z.strictObject({ ...pageFields });

export const transferSchema = z.strictObject({
  transferId: txIdSchema,
  from: holderSchema,
  to: holderSchema,
  amount: positiveAmountSchema,
  transferredBy: idSchema,
  time: isoTimeSchema,
  txId: txIdSchema,
});
export type Transfer = z.infer<typeof transferSchema>;
