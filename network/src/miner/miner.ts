import { checkpointers, type Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { MAX_CLAIMS_PER_TX } from '@medrec/contract';
import {
  ChaincodeError,
  type ClaimRecord,
  createMedrecClient,
  type MedrecClient,
  TransactionInvalidError,
} from '@medrec/sdk';
import { extractEndorsements, type ClaimableEndorsement } from './endorsement-extractor';

/** The chaincode accepts at most this many endorsements per ClaimEndorsements transaction (the contract's bound). */
export { MAX_CLAIMS_PER_TX };

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
  /** A gateway signing as the organisation's admin (medrec.role=admin): the chaincode requires it for claims. */
  readonly gateway: Gateway;
  /** The miner's organisation: only its peers' endorsements are claimed. */
  readonly mspId: string;
  /** File holding the checkpoint (the next block to process); created when missing. */
  readonly checkpointFile: string;
  /** Block to start from when the checkpoint file is new (default 0: the whole chain). */
  readonly startBlock?: bigint;
  /** Endorsements per claim transaction, 1-20 (default 20). */
  readonly batchSize?: number;
  /** Stop once every block below this height is processed; undefined follows the chain until stop(). */
  readonly untilHeight?: bigint;
  readonly onProgress?: (progress: MinerProgress) => void;
  readonly channel?: string;
  readonly chaincode?: string;
  /** Attempts for a claim transaction that keeps failing transiently (MVCC conflicts, lagging peers). Default 12. */
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
      readonly claimed: readonly ClaimRecord[];
      /** Transactions this organisation had already claimed (a restart after a crash): done, nothing new. */
      readonly alreadyClaimed: readonly string[];
      /** Claims the chaincode refused for good, with its code (they never earn; the miner moves on). */
      readonly refused: readonly { readonly txId: string; readonly code: string }[];
      readonly earned: string;
      readonly balance: string;
    };

export interface MinerSummary {
  readonly mspId: string;
  /** First block processed in this run and the checkpoint (next block to process) at the end. */
  readonly fromBlock: bigint;
  readonly nextBlock: bigint;
  readonly blocks: number;
  readonly claimed: number;
  readonly alreadyClaimed: number;
  readonly refused: number;
  /** Credits earned in this run and the organisation's balance at the end (integer strings). */
  readonly earned: string;
  readonly balance: string;
}

export interface Miner {
  /** Processes blocks until `untilHeight` (or until stop()); resolves with what this run did. */
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

/** The MedRec code (`MEDREC_...`) a failed call carries, if the chaincode refused it. */
export function medrecCodeOf(err: unknown): string | undefined {
  return err instanceof ChaincodeError ? err.code : undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class MinerImpl implements Miner {
  readonly #options: Readonly<MinerOptions>;
  readonly #batchSize: number;
  readonly #client: MedrecClient;
  readonly #channel: string;
  #stopped = false;
  #closeStream: (() => void) | undefined;
  #height = 0n;
  #claimed = 0;
  #alreadyClaimed = 0;
  #refused = 0;
  #earned = 0n;
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
  }

  stop(): void {
    this.#stopped = true;
    this.#closeStream?.();
  }

  async run(): Promise<MinerSummary> {
    const { mspId, untilHeight } = this.#options;
    const checkpointer = await checkpointers.file(this.#options.checkpointFile);
    const fromBlock = checkpointer.getBlockNumber() ?? this.#options.startBlock ?? 0n;
    let nextBlock = fromBlock;
    let blocks = 0;
    this.#balance = BigInt((await this.#client.getBalance({ kind: 'organisation', mspId })).amount);
    this.#height = await chainHeight(this.#options.gateway, this.#channel);
    const summary = (): MinerSummary => ({
      mspId,
      fromBlock,
      nextBlock,
      blocks,
      claimed: this.#claimed,
      alreadyClaimed: this.#alreadyClaimed,
      refused: this.#refused,
      earned: this.#earned.toString(),
      balance: this.#balance.toString(),
    });
    if ((untilHeight !== undefined && fromBlock >= untilHeight) || this.#stopped) return summary();

    const stream = await this.#options.gateway
      .getNetwork(this.#channel)
      .getBlockEvents({ checkpoint: checkpointer, startBlock: fromBlock });
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
          nextBlock = blockNumber + 1n;
        }
        blocks += 1;
        if (untilHeight !== undefined && blockNumber + 1n >= untilHeight) break;
      }
    } catch (err) {
      if (!this.#isStopped()) throw err;
    } finally {
      stream.close();
      this.#closeStream = undefined;
    }
    return summary();
  }

  #isStopped(): boolean {
    return this.#stopped;
  }

  /**
   * Adds the block's claims to `pending` and claims full batches; at the chain's tip (or the last block wanted)
   * the rest goes too, while catching up it waits for a full batch. The block may be checkpointed only when
   * nothing is pending: every claim of it and of the blocks before it is committed.
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
    if (pending.length > 0 && (last || (await this.#atTip(blockNumber)))) {
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

  /**
   * Claims a batch. A batch refused as a whole because one claim is already done (a restart after a crash between
   * commit and checkpoint) or can never succeed is claimed again one by one, so the other claims still land.
   */
  async #claim(batch: readonly ClaimableEndorsement[]): Promise<void> {
    try {
      await this.#submit(batch);
    } catch (err) {
      const code = medrecCodeOf(err);
      if (code !== ALREADY_CLAIMED && !(code !== undefined && PERMANENT_REFUSALS.has(code))) throw err;
      if (batch.length === 1) {
        this.#refusedOne(batch[0]?.claim.txId ?? '', code);
        return;
      }
      for (const one of batch) {
        try {
          await this.#submit([one]);
        } catch (oneErr) {
          const oneCode = medrecCodeOf(oneErr);
          if (oneCode !== ALREADY_CLAIMED && !(oneCode !== undefined && PERMANENT_REFUSALS.has(oneCode))) {
            throw oneErr;
          }
          this.#refusedOne(one.claim.txId, oneCode);
        }
      }
    }
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
      earned: '0',
      balance: this.#balance.toString(),
    });
  }

  /**
   * One ClaimEndorsements transaction. Every claim updates the one schedule key, so concurrent miners conflict:
   * the client re-runs MVCC-invalidated transactions, and this loop adds randomised back-off on top, also for
   * endorsing peers that have not yet committed the claimed block (MEDREC_NOT_COMMITTED) or disagree for that
   * reason. Refusals with any other code are final and thrown at once.
   */
  async #submit(batch: readonly ClaimableEndorsement[]): Promise<void> {
    const attempts = this.#options.attempts ?? 12;
    for (let attempt = 1; ; attempt++) {
      try {
        const { value } = await this.#client.claimEndorsements(batch.map((c) => c.claim));
        const earned = BigInt(value.earned);
        this.#claimed += value.claims.length;
        this.#earned += earned;
        this.#balance = BigInt(value.balance);
        this.#report({
          kind: 'batch',
          claimed: value.claims,
          alreadyClaimed: [],
          refused: [],
          earned: value.earned,
          balance: value.balance,
        });
        return;
      } catch (err) {
        const code = medrecCodeOf(err);
        const transient = err instanceof TransactionInvalidError || code === NOT_COMMITTED || code === undefined;
        if (!transient || attempt >= attempts) throw err;
        await sleep(Math.min(250 * 2 ** Math.min(attempt, 4), 4000) * (0.5 + Math.random()));
      }
    }
  }
}
