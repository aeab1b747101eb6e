import { X509Certificate, createHash } from 'node:crypto';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { MAX_ATTESTATIONS_PER_TX } from '@medrec/contract';
import type { ClaimAttestation, ClaimRecord, MedrecClient, PendingClaim } from '@medrec/sdk';
import { findTransaction, transactionIds, type BlockEndorsement, type SkipReason } from './endorsement-extractor';
import { submitBatch, withRetries } from './submission';

export { MAX_ATTESTATIONS_PER_TX };

/**
 * Where the attester reads blocks: its own organisation's peer, whose committed copy of the ledger it trusts, never
 * anything the claimant supplies.
 */
export interface BlockSource {
  /** The block holding transaction `txId` as this organisation's peer committed it; undefined if it has none (yet). */
  blockOfTransaction(txId: string): Promise<common.Block | undefined>;
}

/**
 * The organisation's own peer through its own gateway (qscc GetBlockByTxID; the gateway evaluates on a peer of its
 * own organisation). Any failure reads as "not known yet": the claim is judged again on the next sweep, never
 * refused on a peer's hiccup.
 */
export function peerBlockSource(gateway: Gateway, channel: string): BlockSource {
  const qscc = gateway.getNetwork(channel).getContract('qscc');
  return {
    async blockOfTransaction(txId: string): Promise<common.Block | undefined> {
      try {
        return common.Block.deserializeBinary(await qscc.evaluateTransaction('GetBlockByTxID', channel, txId));
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Why the attester will not vouch for a claim, judged from its own peer's block: the block does not hold the
 * transaction, the peer did not validate it (`invalid`), it is no business transaction of MedRec (the other skip
 * reasons of the extractor), or none of its endorsements has the claimed certificate and signature (`not-endorsed`:
 * a signature made after the fact, with a key the claimant's CA certified, is never in the block).
 */
export type AttestRefusal = Exclude<SkipReason, 'not-endorsed-by-org'> | 'not-in-block' | 'not-endorsed';

/** A claim as the attester names it: the claimed transaction and the claimant organisation. */
export interface ClaimRef {
  readonly txId: string;
  readonly mspId: string;
}

export interface AttestProgress {
  readonly kind: 'attest';
  /** Claims this organisation attested in one AttestClaims transaction. */
  readonly attested: readonly ClaimRef[];
  /** Of those, how many that attestation paid (it completed the majority). */
  readonly paid: number;
  /** The attested claims as the transaction left them: the paid ones with their claim number and reward. */
  readonly claims: readonly ClaimRecord[];
  /**
   * Claims it will not attest, with the reason from its block (AttestRefusal) or the chaincode's code when the
   * chaincode refused the attestation for good.
   */
  readonly refused: readonly (ClaimRef & { readonly reason: string })[];
}

export interface SweepSummary {
  /** Attested by this organisation in this sweep, and how many of those its attestation paid. */
  readonly attested: number;
  readonly paid: number;
  /** Claims refused in this sweep (each is judged once per attester; see AttestProgress). */
  readonly refused: number;
  /** Claims whose transaction this organisation's peer does not know yet: judged again on the next sweep. */
  readonly unknown: number;
  /** This organisation's own claims still waiting for other organisations' attestations. */
  readonly ownPending: number;
}

export interface AttesterOptions {
  /** Signs as the organisation's admin (medrec.role=admin), like the claims. */
  readonly client: MedrecClient;
  readonly blocks: BlockSource;
  /** The attesting organisation: it never attests its own claims. */
  readonly mspId: string;
  /** Attestations per AttestClaims transaction, 1-50 (default 50). */
  readonly batchSize?: number;
  /** Attempts for an attestation transaction that keeps failing transiently (MVCC conflicts). Default 12. */
  readonly attempts?: number;
  readonly onProgress?: (progress: AttestProgress) => void;
}

/** Pending claims read per ListPendingClaims call (the contract's largest page). */
const PAGE_SIZE = 200;
/** Transaction ids whose block is kept: the claims of several organisations on one block read it once. */
const BLOCK_CACHE_ENTRIES = 4096;

/**
 * Refusals of an attestation that retrying cannot change: it is dropped (and reported); any other refusal stops the
 * sweep. MEDREC_ALREADY_ATTESTED means it is done already (a commit whose status was lost, or a second sweep).
 */
const FINAL_REFUSALS: ReadonlySet<string> = new Set([
  'MEDREC_ALREADY_ATTESTED',
  'MEDREC_NOT_FOUND',
  'MEDREC_PAYLOAD_MISMATCH',
  'MEDREC_WRONG_ORGANISATION',
  'MEDREC_INVALID_ARGUMENT',
]);
const ALREADY_ATTESTED = 'MEDREC_ALREADY_ATTESTED';

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256 of the certificate's DER, as the chaincode hashes the endorser certificate of a claim; undefined if none. */
function certificateSha256(idBytes: Uint8Array): string | undefined {
  try {
    return sha256Hex(new X509Certificate(Buffer.from(idBytes)).raw);
  } catch {
    return undefined;
  }
}

function endorses(endorsement: BlockEndorsement, claim: PendingClaim): boolean {
  return (
    endorsement.mspId === claim.mspId &&
    sha256Hex(endorsement.signature) === claim.signatureSha256 &&
    certificateSha256(endorsement.certificate) === claim.endorserCertSha256
  );
}

/**
 * The attester's verdict on a claim from the block its own peer committed: 'ok' only when the block holds the
 * claimed transaction, the peer validated it (TRANSACTIONS_FILTER VALID), it is a MedRec business transaction, and
 * one of its endorsements is by the claimant's MSP with exactly the claimed certificate and signature hashes.
 */
export function judgeClaim(block: common.Block, claim: PendingClaim): 'ok' | AttestRefusal {
  const transaction = findTransaction(block, claim.txId);
  if (transaction === undefined) return 'not-in-block';
  if (typeof transaction === 'string') return transaction === 'not-endorsed-by-org' ? 'not-endorsed' : transaction;
  return transaction.endorsements.some((endorsement) => endorses(endorsement, claim)) ? 'ok' : 'not-endorsed';
}

function refOf(claim: ClaimRef): string {
  return JSON.stringify([claim.txId, claim.mspId]);
}

/**
 * The attesting half of an organisation's miner: pages the pending claims, skips its own organisation's and those
 * it attested already, judges each against its own peer's block, and attests the ones it finds in batches. A claim
 * it refused is not judged again by the same Attester (a verdict from a committed block does not change).
 */
export class Attester {
  readonly #options: Readonly<AttesterOptions>;
  readonly #batchSize: number;
  readonly #refused = new Set<string>();
  readonly #blocks = new Map<string, common.Block>();

  constructor(options: Readonly<AttesterOptions>) {
    const batchSize = options.batchSize ?? MAX_ATTESTATIONS_PER_TX;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_ATTESTATIONS_PER_TX) {
      throw new RangeError(
        `the attestation batch size must be a whole number from 1 to ${MAX_ATTESTATIONS_PER_TX}, not ${batchSize}`,
      );
    }
    this.#options = options;
    this.#batchSize = batchSize;
  }

  /** One pass over every pending claim: attests what this organisation's peer shows, refuses what it contradicts. */
  async sweep(): Promise<SweepSummary> {
    const { client, mspId } = this.#options;
    const totals = { attested: 0, paid: 0, refused: 0, unknown: 0, ownPending: 0 };
    let bookmark = '';
    do {
      const page = await client.listPendingClaims({ pageSize: PAGE_SIZE, bookmark });
      const found: ClaimAttestation[] = [];
      const refused: (ClaimRef & { reason: string })[] = [];
      for (const claim of page.items) {
        if (claim.mspId === mspId) {
          totals.ownPending += 1;
          continue;
        }
        if (claim.attestedBy.includes(mspId) || this.#refused.has(refOf(claim))) continue;
        const block = await this.#blockOf(claim.txId);
        if (block === undefined) {
          totals.unknown += 1;
          continue;
        }
        const verdict = judgeClaim(block, claim);
        if (verdict === 'ok') {
          const { txId, endorserCertSha256, signatureSha256 } = claim;
          found.push({ txId, mspId: claim.mspId, endorserCertSha256, signatureSha256 });
        } else {
          this.#refused.add(refOf(claim));
          refused.push({ txId: claim.txId, mspId: claim.mspId, reason: verdict });
        }
      }
      if (refused.length > 0) {
        totals.refused += refused.length;
        this.#options.onProgress?.({ kind: 'attest', attested: [], paid: 0, claims: [], refused });
      }
      for (let start = 0; start < found.length; start += this.#batchSize) {
        const outcome = await this.#attest(found.slice(start, start + this.#batchSize));
        totals.attested += outcome.attested;
        totals.paid += outcome.paid;
        totals.refused += outcome.refused;
      }
      bookmark = page.bookmark;
    } while (bookmark !== '');
    return totals;
  }

  /** The block of `txId` from this organisation's peer, through a bounded cache keyed by every id the block holds. */
  async #blockOf(txId: string): Promise<common.Block | undefined> {
    const cached = this.#blocks.get(txId);
    if (cached !== undefined) return cached;
    const block = await this.#options.blocks.blockOfTransaction(txId);
    if (block === undefined) return undefined;
    if (this.#blocks.size >= BLOCK_CACHE_ENTRIES) this.#blocks.clear();
    for (const id of transactionIds(block)) this.#blocks.set(id, block);
    return block;
  }

  /**
   * One AttestClaims transaction (retried while transient: concurrent attesters of one claim conflict on its key).
   * A batch refused for good is attested one by one, so that the other attestations still land.
   */
  async #attest(batch: readonly ClaimAttestation[]): Promise<{ attested: number; paid: number; refused: number }> {
    const totals = { attested: 0, paid: 0, refused: 0 };
    await submitBatch(
      batch,
      async (items) => {
        const { value } = await withRetries(this.#options.attempts ?? 12, () =>
          this.#options.client.attestClaims(items),
        );
        totals.attested += items.length;
        totals.paid += value.paid;
        this.#options.onProgress?.({
          kind: 'attest',
          attested: items.map(({ txId, mspId }) => ({ txId, mspId })),
          paid: value.paid,
          claims: value.claims,
          refused: [],
        });
      },
      (code) => FINAL_REFUSALS.has(code),
      (item, code) => {
        this.#refused.add(refOf(item));
        if (code === ALREADY_ATTESTED) return;
        totals.refused += 1;
        this.#options.onProgress?.({
          kind: 'attest',
          attested: [],
          paid: 0,
          claims: [],
          refused: [{ txId: item.txId, mspId: item.mspId, reason: code }],
        });
      },
    );
    return totals;
  }
}
