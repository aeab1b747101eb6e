import { z } from 'zod';
import { idSchema, isoTimeSchema, mspIdSchema, pageFields, txIdSchema } from '../common/schemas';

/** At most this many endorsements per ClaimEndorsements transaction: bounds its reads, writes and CPU. */
export const MAX_CLAIMS_PER_TX = 20;
/** The claims argument may be larger than other JSON arguments: it carries up to 20 proposal response payloads. */
export const MAX_CLAIMS_ARGUMENT_BYTES = 1_048_576;

/** Non-negative integer amounts as decimal strings (BigInt inside, never floating point), at most 38 digits. */
export const amountSchema = z.string().regex(/^(0|[1-9][0-9]{0,37})$/, 'must be a non-negative integer string');
export const positiveAmountSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,37}$/, 'must be a positive integer string of at most 38 digits, e.g. "50"');

function base64Schema(maxChars: number): z.ZodType<string> {
  return z
    .string()
    .min(4)
    .max(maxChars)
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'must be standard base64 (padded)');
}

export const initializeInputSchema = z.strictObject({
  initialReward: positiveAmountSchema,
  halvingInterval: z.string().regex(/^[1-9][0-9]{0,11}$/, 'must be a positive integer string of at most 12 digits'),
});

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
  initializedBy: z.strictObject({ mspId: mspIdSchema, participantId: idSchema }),
  initializedAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
  txId: txIdSchema,
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const balanceSchema = z.strictObject({
  holder: holderSchema,
  amount: amountSchema,
  updatedAt: isoTimeSchema,
  txId: txIdSchema,
});
export type Balance = z.infer<typeof balanceSchema>;

/** One per (claimed transaction, organisation); keeps what an auditor needs to compare the claim with the block. */
export const claimRecordSchema = z.strictObject({
  txId: txIdSchema,
  mspId: mspIdSchema,
  endorserCertSha256: z.string().regex(/^[0-9a-f]{64}$/),
  signatureSha256: z.string().regex(/^[0-9a-f]{64}$/),
  claimNumber: amountSchema,
  reward: amountSchema,
  claimedBy: idSchema,
  claimedAt: isoTimeSchema,
  claimTxId: txIdSchema,
});
export type ClaimRecord = z.infer<typeof claimRecordSchema>;

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
