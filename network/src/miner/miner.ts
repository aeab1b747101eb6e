import { checkpointers, type Checkpointer, type Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { MAX_CLAIMS_PER_TX } from '@medrec/contract';
import { createMedrecClient, type MedrecClient, type PendingClaim } from '@medrec/sdk';
import { Attester, peerBlockSource, type AttestProgress, type SweepSummary } from './attester';
import { extractEndorsements, type ClaimableEndorsement } from './endorsement-extractor';
import { submitBatch, withRetries } from './submission';

/** The chaincode accepts at most this many endorsements per ClaimEndorsements transaction (the contract's bound). */
export { MAX_CLAIMS_PER_TX };
export { medrecCodeOf } from './submission';

/**
 * Refusals that say the claim itself can never succeed (retrying it is pointless). MEDREC_ALREADY_CLAIMED is handled
 * apart: it means the claim is already done (for example by a run that crashed before its checkpoint).
 */
const PERMANENT_REFUSALS: ReadonlySet<string> = new Set([
  'MEDREC_BAD_SIGNATURE',
  'MEDREC_WRONG_ORGANISATION',
  'MEDREC_NOT_A_PEER',
  'MEDREC_CERTIFICATE_NOT_VALID',
  'MEDREC_PAYLOAD_MISMATCH',
  'MEDREC_NOT_CLAIMABLE',
  'MEDREC_INVALID_ARGUMENT',
]);
const ALREADY_CLAIMED = 'MEDREC_ALREADY_CLAIMED';
/** An endorsing peer that has not committed the claimed block yet answers this; it clears once it catches up. */
const NOT_COMMITTED = 'MEDREC_NOT_COMMITTED';

export interface MinerOptions {
  /**
   * A gateway signing as the organisation's admin (medrec.role=admin): the chaincode requires it for claims and
   * attestations. Its peer is the one whose blocks the attester trusts.
   */
  readonly gateway: Gateway;
  /** The miner's organisation: only its peers' endorsements are claimed, and only other organisations' attested. */
  readonly mspId: string;
  /** File holding the checkpoint (the next block to process); created when missing. */
  readonly checkpointFile: string;
  /** Block to start from when the checkpoint file is new (default 0: the whole chain). */
  readonly startBlock?: bigint;
  /** Endorsements per claim transaction, 1-20 (default 20). */
  readonly batchSize?: number;
  /** Attestations per AttestClaims transaction, 1-50 (default 50). */
  readonly attestBatchSize?: number;
  /**
   * Stop once every block below this height is processed and the claims then pending are attested; undefined
   * follows the chain until stop().
   */
  readonly untilHeight?: bigint;
  readonly onProgress?: (progress: MinerProgress) => void;
  readonly channel?: string;
  readonly chaincode?: string;
  /** Attempts for a claim or attestation that keeps failing transiently (MVCC conflicts, lagging peers). Default 12. */
  readonly attempts?: number;
}

export type MinerProgress =
  | {
      readonly kind: 'block';
      readonly blockNumber: bigint;
      /** Chain height last seen (blocks 0 .. height-1 exist). */
      readonly height: bigint;
      /** Claimable endorsements of this organisation found in the block. */
      readonly found: number;
      /** Claims extracted but not yet committed (the block is checkpointed once this is 0). */
      readonly pending: number;
      readonly checkpointed: boolean;
    }
  | {
      readonly kind: 'batch';
      /** Claims recorded by one ClaimEndorsements transaction: pending until other organisations attest them. */
      readonly claimed: readonly PendingClaim[];
      /** Transactions this organisation had already claimed (a restart after a crash): done, nothing new. */
      readonly alreadyClaimed: readonly string[];
      /** Claims the chaincode refused for good, with its code (they never earn; the miner moves on). */
      readonly refused: readonly { readonly txId: string; readonly code: string }[];
    }
  | AttestProgress
  | {
      readonly kind: 'sweep';
      /** What one pass over the pending claims did. */
      readonly sweep: SweepSummary;
      /** The organisation's balance after it (integer string). */
      readonly balance: string;
    };

export interface MinerSummary {
  readonly mspId: string;
  /** First block processed in this run and the checkpoint (next block to process) at the end. */
  readonly fromBlock: bigint;
  readonly nextBlock: bigint;
  readonly blocks: number;
  /** Claims recorded in this run (pending: they pay once other organisations attest them). */
  readonly claimed: number;
  readonly alreadyClaimed: number;
  readonly refused: number;
  /** Other organisations' claims this one attested in this run, and how many of them its attestation paid. */
  readonly attested: number;
  readonly paid: number;
  /** Other organisations' claims it refused to attest: its own peer's block does not show them, valid. */
  readonly attestRefused: number;
  /** At the last pass: claims whose transaction its peer did not know yet, and its own claims still pending. */
  readonly unknown: number;
  readonly ownPending: number;
  /** The organisation's balance at the end (integer string): its claims are paid by others' attestations. */
  readonly balance: string;
}

export interface Miner {
  /**
   * Processes blocks until `untilHeight` (or until stop()), claiming this organisation's endorsements and attesting
   * other organisations' pending claims; resolves with what this run did.
   */
  run(): Promise<MinerSummary>;
  /** Stops following blocks; claims not yet committed are redone from the checkpoint on the next run. */
  stop(): void;
}

export function createMiner(options: Readonly<MinerOptions>): Miner {
  const batchSize = options.batchSize ?? MAX_CLAIMS_PER_TX;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_CLAIMS_PER_TX) {
    throw new RangeError(`batchSize must be a whole number from 1 to ${MAX_CLAIMS_PER_TX}, not ${batchSize}`);
  }
  return new MinerImpl(options, batchSize);
}

/** The channel height (number of blocks) as the gateway's peer sees it, from qscc GetChainInfo. */
export async function chainHeight(gateway: Gateway, channel = 'medrec'): Promise<bigint> {
  const bytes = await gateway.getNetwork(channel).getContract('qscc').evaluateTransaction('GetChainInfo', channel);
  return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
}

class MinerImpl implements Miner {
  readonly #options: Readonly<MinerOptions>;
  readonly #batchSize: number;
  readonly #client: MedrecClient;
  readonly #attester: Attester;
  readonly #channel: string;
  #stopped = false;
  #closeStream: (() => void) | undefined;
  #height = 0n;
  #claimed = 0;
  #alreadyClaimed = 0;
  #refused = 0;
  #attested = 0;
  #paid = 0;
  #attestRefused = 0;
  #unknown = 0;
  #ownPending = 0;
  #balance = 0n;

  constructor(options: Readonly<MinerOptions>, batchSize: number) {
    this.#options = options;
    this.#batchSize = batchSize;
    this.#channel = options.channel ?? 'medrec';
    this.#client = createMedrecClient(options.gateway, {
      channel: this.#channel,
      ...(options.chaincode === undefined ? {} : { chaincode: options.chaincode }),
      mvccAttempts: 5,
    });
    this.#attester = new Attester({
      client: this.#client,
      blocks: peerBlockSource(options.gateway, this.#channel),
      mspId: options.mspId,
      ...(options.attestBatchSize === undefined ? {} : { batchSize: options.attestBatchSize }),
      ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
      onProgress: (progress) => {
        this.#report(progress);
      },
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#closeStream?.();
  }

  async run(): Promise<MinerSummary> {
    const { mspId, untilHeight } = this.#options;
    const checkpointer = await checkpointers.file(this.#options.checkpointFile);
    const fromBlock = checkpointer.getBlockNumber() ?? this.#options.startBlock ?? 0n;
    const progress = { nextBlock: fromBlock, blocks: 0 };
    this.#balance = await this.#readBalance();
    this.#height = await chainHeight(this.#options.gateway, this.#channel);
    const summary = (): MinerSummary => ({
      mspId,
      fromBlock,
      ...progress,
      claimed: this.#claimed,
      alreadyClaimed: this.#alreadyClaimed,
      refused: this.#refused,
      attested: this.#attested,
      paid: this.#paid,
      attestRefused: this.#attestRefused,
      unknown: this.#unknown,
      ownPending: this.#ownPending,
      balance: this.#balance.toString(),
    });
    if (this.#isStopped()) return summary();
    // Following the chain, attest what is pending now: new claims come in new blocks, each at the tip brings a pass.
    if (untilHeight === undefined) await this.#sweep();
    if (untilHeight === undefined || fromBlock < untilHeight) await this.#processBlocks(checkpointer, progress);
    // A bounded run ends with one pass over the pending claims, also when it had no block to process: `--once`
    // attests what other organisations claimed meanwhile, and terminates.
    if (untilHeight !== undefined && !this.#isStopped()) await this.#sweep();
    return summary();
  }

  /** Follows the blocks from `progress.nextBlock`, checkpointing each block whose claims are all committed. */
  async #processBlocks(checkpointer: Checkpointer, progress: { nextBlock: bigint; blocks: number }): Promise<void> {
    const { untilHeight } = this.#options;
    const stream = await this.#options.gateway
      .getNetwork(this.#channel)
      .getBlockEvents({ checkpoint: checkpointer, startBlock: progress.nextBlock });
    this.#closeStream = () => {
      stream.close();
    };
    const pending: ClaimableEndorsement[] = [];
    try {
      for await (const block of stream) {
        if (this.#isStopped()) break;
        const { blockNumber, checkpointed } = await this.#processBlock(block, pending);
        if (checkpointed) {
          await checkpointer.checkpointBlock(blockNumber);
          progress.nextBlock = blockNumber + 1n;
        }
        progress.blocks += 1;
        if (untilHeight !== undefined && blockNumber + 1n >= untilHeight) break;
      }
    } catch (err) {
      if (!this.#isStopped()) throw err;
    } finally {
      stream.close();
      this.#closeStream = undefined;
    }
  }

  #isStopped(): boolean {
    return this.#stopped;
  }

  /**
   * Adds the block's claims to `pending` and claims full batches; at the chain's tip (or the last block wanted)
   * the rest goes too, while catching up it waits for a full batch. The block may be checkpointed only when
   * nothing is pending: every claim of it and of the blocks before it is committed. Following the chain, a block at
   * the tip also brings a pass over the pending claims of other organisations.
   */
  async #processBlock(
    block: common.Block,
    pending: ClaimableEndorsement[],
  ): Promise<{ blockNumber: bigint; checkpointed: boolean }> {
    const extracted = extractEndorsements(block, this.#options.mspId);
    const { blockNumber } = extracted;
    pending.push(...extracted.claims);
    while (pending.length >= this.#batchSize) await this.#claim(pending.splice(0, this.#batchSize));
    const { untilHeight } = this.#options;
    const last = untilHeight !== undefined && blockNumber + 1n >= untilHeight;
    const atTip = !last && (pending.length > 0 || untilHeight === undefined) && (await this.#atTip(blockNumber));
    if (pending.length > 0 && (last || atTip)) {
      await this.#claim(pending.splice(0));
    }
    const checkpointed = pending.length === 0;
    this.#report({
      kind: 'block',
      blockNumber,
      height: this.#height > blockNumber ? this.#height : blockNumber + 1n,
      found: extracted.claims.length,
      pending: pending.length,
      checkpointed,
    });
    if (untilHeight === undefined && atTip) await this.#sweep();
    return { blockNumber, checkpointed };
  }

  async #atTip(blockNumber: bigint): Promise<boolean> {
    if (blockNumber + 1n < this.#height) return false;
    this.#height = await chainHeight(this.#options.gateway, this.#channel);
    return blockNumber + 1n >= this.#height;
  }

  #report(progress: MinerProgress): void {
    this.#options.onProgress?.(progress);
  }

  async #readBalance(): Promise<bigint> {
    return BigInt((await this.#client.getBalance({ kind: 'organisation', mspId: this.#options.mspId })).amount);
  }

  /** One attester pass over the pending claims, then the balance (others' attestations pay this organisation). */
  async #sweep(): Promise<void> {
    const sweep = await this.#attester.sweep();
    this.#attested += sweep.attested;
    this.#paid += sweep.paid;
    this.#attestRefused += sweep.refused;
    this.#unknown = sweep.unknown;
    this.#ownPending = sweep.ownPending;
    this.#balance = await this.#readBalance();
    this.#report({ kind: 'sweep', sweep, balance: this.#balance.toString() });
  }

  /**
   * Claims a batch. A batch refused as a whole because one claim is already done (a restart after a crash between
   * commit and checkpoint) or can never succeed is claimed again one by one, so the other claims still land.
   */
  async #claim(batch: readonly ClaimableEndorsement[]): Promise<void> {
    await submitBatch(
      batch,
      (items) => this.#submit(items),
      (code) => code === ALREADY_CLAIMED || PERMANENT_REFUSALS.has(code),
      (item, code) => {
        this.#refusedOne(item.claim.txId, code);
      },
    );
  }

  #refusedOne(txId: string, code: string): void {
    const already = code === ALREADY_CLAIMED;
    if (already) this.#alreadyClaimed += 1;
    else this.#refused += 1;
    this.#report({
      kind: 'batch',
      claimed: [],
      alreadyClaimed: already ? [txId] : [],
      refused: already ? [] : [{ txId, code }],
    });
  }

  /**
   * One ClaimEndorsements transaction, retried with back-off while transient (see withRetries), also while the
   * endorsing peers have not yet committed the claimed block (MEDREC_NOT_COMMITTED) or disagree for that reason.
   * Refusals with any other code are final and thrown at once.
   */
  async #submit(batch: readonly ClaimableEndorsement[]): Promise<void> {
    const { value } = await withRetries(
      this.#options.attempts ?? 12,
      () => this.#client.claimEndorsements(batch.map((c) => c.claim)),
      (code) => code === NOT_COMMITTED,
    );
    this.#claimed += value.claims.length;
    this.#report({ kind: 'batch', claimed: value.claims, alreadyClaimed: [], refused: [] });
  }
}
