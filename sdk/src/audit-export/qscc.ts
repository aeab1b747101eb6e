import type { Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { AuditExportError } from './audit-export-errors';

/** The query system chaincode functions the audit export uses; each returns serialized protobuf bytes. */
export interface Qscc {
  readonly channel: string;
  /** A serialized common.Block. */
  getBlockByNumber(blockNumber: number): Promise<Uint8Array>;
  /** A serialized common.Block. */
  getBlockByTxId(txId: string): Promise<Uint8Array>;
  /** A serialized peer.ProcessedTransaction. */
  getTransactionById(txId: string): Promise<Uint8Array>;
  /** The channel's height: the number of blocks committed on this peer. */
  getHeight(): Promise<number>;
}

/** qscc through the Fabric Gateway: `gateway.getNetwork(channel).getContract('qscc')`. */
export function createGatewayQscc(gateway: Gateway, channel: string): Qscc {
  const contract = gateway.getNetwork(channel).getContract('qscc');
  const call = async (fn: string, arg: string): Promise<Uint8Array> => {
    try {
      return await (arg === ''
        ? contract.evaluateTransaction(fn, channel)
        : contract.evaluateTransaction(fn, channel, arg));
    } catch (error) {
      throw new AuditExportError({
        code: fn === 'GetBlockByNumber' ? 'AUDIT_EXPORT_BLOCK_UNAVAILABLE' : 'AUDIT_EXPORT_PROOF_UNAVAILABLE',
        message:
          `qscc ${fn}(${channel}, ${arg}) failed: ${error instanceof Error ? error.message : String(error)}; ` +
          'check that the peer is up and that this identity may query the channel ledger',
        cause: error,
      });
    }
  };
  return {
    channel,
    getBlockByNumber: (blockNumber) => call('GetBlockByNumber', String(blockNumber)),
    getBlockByTxId: (txId) => call('GetBlockByTxID', txId),
    getTransactionById: (txId) => call('GetTransactionByID', txId),
    getHeight: async () => common.BlockchainInfo.deserializeBinary(await call('GetChainInfo', '')).getHeight(),
  };
}
