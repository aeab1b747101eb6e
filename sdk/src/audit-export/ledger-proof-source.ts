import { peer } from '@hyperledger/fabric-protos';
import { validationCodeName } from '../errors';
import { AuditExportError } from './audit-export-errors';
import { decodeBlock } from './block-decoder';
import type { LedgerProof } from './export-types';
import type { Qscc } from './qscc';

/** The ledger proof of the transaction that wrote an audit event. */
export interface LedgerProofSource {
  proofOf(txId: string): Promise<LedgerProof>;
}

export interface QsccProofSourceOptions {
  /** Blocks whose transactions stay indexed (least recently used evicted); default 64. */
  readonly cachedBlocks?: number;
}

/**
 * Proofs from qscc: GetTransactionByID gives the committed validation code, GetBlockByTxID the block number. A block
 * is fetched once: every transaction in it is indexed, so the other events of that block cost one call each
 * (GetTransactionByID, which confirms the code) instead of two.
 */
export function createQsccProofSource(qscc: Qscc, options: Readonly<QsccProofSourceOptions> = {}): LedgerProofSource {
  return new QsccProofSource(qscc, Math.max(1, options.cachedBlocks ?? 64));
}

class QsccProofSource implements LedgerProofSource {
  readonly #qscc: Qscc;
  readonly #capacity: number;
  /** block number -> txIds of that block, in least-recently-used order. */
  readonly #blocks = new Map<number, ReadonlySet<string>>();

  constructor(qscc: Qscc, capacity: number) {
    this.#qscc = qscc;
    this.#capacity = capacity;
  }

  async proofOf(txId: string): Promise<LedgerProof> {
    const processed = peer.ProcessedTransaction.deserializeBinary(await this.#qscc.getTransactionById(txId));
    const blockNumber = this.#cachedBlockOf(txId) ?? (await this.#fetchBlockOf(txId));
    return {
      channel: this.#qscc.channel,
      blockNumber,
      transactionId: txId,
      validationCode: validationCodeName(processed.getValidationcode()),
    };
  }

  #cachedBlockOf(txId: string): number | undefined {
    for (const [blockNumber, txIds] of this.#blocks) {
      if (txIds.has(txId)) {
        this.#blocks.delete(blockNumber);
        this.#blocks.set(blockNumber, txIds);
        return blockNumber;
      }
    }
    return undefined;
  }

  async #fetchBlockOf(txId: string): Promise<number> {
    const block = decodeBlock(await this.#qscc.getBlockByTxId(txId));
    if (!block.transactions.some((tx) => tx.txId === txId)) {
      throw new AuditExportError({
        code: 'AUDIT_EXPORT_PROOF_UNAVAILABLE',
        message: `qscc returned block ${block.number} for transaction ${txId}, which does not contain it; retry on another peer`,
      });
    }
    this.#blocks.set(block.number, new Set(block.transactions.map((tx) => tx.txId)));
    while (this.#blocks.size > this.#capacity) {
      const oldest = this.#blocks.keys().next();
      if (oldest.done === true) break;
      this.#blocks.delete(oldest.value);
    }
    return block.number;
  }
}
