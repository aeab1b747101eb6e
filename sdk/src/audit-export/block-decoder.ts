/**
 * Decodes the parts of a Fabric block the audit verifier needs: each transaction's id, validation code (from the
 * block's TRANSACTIONS_FILTER metadata) and the public key-value writes of its endorsed chaincode actions.
 */
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { validationCodeName } from '../errors';
import { AuditExportError } from './audit-export-errors';

export interface DecodedWrite {
  readonly namespace: string;
  readonly key: string;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

export interface DecodedTransaction {
  readonly txId: string;
  readonly channel: string;
  /** Position of the transaction in the block. */
  readonly index: number;
  readonly validationCode: number;
  readonly validationCodeName: string;
  readonly writes: readonly DecodedWrite[];
}

export interface DecodedBlock {
  readonly number: number;
  readonly transactions: readonly DecodedTransaction[];
}

/** The `medrec.audit` composite key [txId], as fabric-shim builds it. */
export function auditEventKey(txId: string): string {
  return `\u0000medrec.audit\u0000${txId}\u0000`;
}

/** The txId of an audit-event key, or undefined for any other key. */
export function txIdOfAuditEventKey(key: string): string | undefined {
  const prefix = '\u0000medrec.audit\u0000';
  if (!key.startsWith(prefix) || !key.endsWith('\u0000')) return undefined;
  const txId = key.slice(prefix.length, -1);
  return txId.includes('\u0000') ? undefined : txId;
}

function malformed(message: string, cause?: unknown): AuditExportError {
  return new AuditExportError({
    code: 'AUDIT_EXPORT_MALFORMED_BLOCK',
    message: `${message}; the block bytes are not a Fabric block: fetch the block again from a peer`,
    cause,
  });
}

function endorsedWrites(transactionBytes: Uint8Array): DecodedWrite[] {
  const writes: DecodedWrite[] = [];
  const transaction = peer.Transaction.deserializeBinary(transactionBytes);
  for (const action of transaction.getActionsList()) {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = actionPayload.getAction();
    if (!endorsed) continue;
    const responsePayload = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
    for (const ns of rwset.getNsRwsetList()) {
      const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
      for (const write of kv.getWritesList()) {
        writes.push({
          namespace: ns.getNamespace(),
          key: write.getKey(),
          isDelete: write.getIsDelete(),
          value: write.getValue_asU8(),
        });
      }
    }
  }
  return writes;
}

function decodeEnvelope(envelopeBytes: Uint8Array, index: number, filter: Uint8Array): DecodedTransaction {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader();
  if (!header) throw malformed(`transaction ${index} has no header`);
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const code = filter[index];
  if (code === undefined) throw malformed(`the TRANSACTIONS_FILTER has no entry for transaction ${index}`);
  const isEndorser = channelHeader.getType() === common.HeaderType.ENDORSER_TRANSACTION;
  return {
    txId: channelHeader.getTxId(),
    channel: channelHeader.getChannelId(),
    index,
    validationCode: code,
    validationCodeName: validationCodeName(code),
    writes: isEndorser ? endorsedWrites(payload.getData_asU8()) : [],
  };
}

/** Decodes a serialized common.Block. Throws AUDIT_EXPORT_MALFORMED_BLOCK when the bytes are not a block. */
export function decodeBlock(bytes: Uint8Array): DecodedBlock {
  try {
    const block = common.Block.deserializeBinary(bytes);
    const header = block.getHeader();
    if (!header) throw malformed('the block has no header');
    const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
    if (!filter) throw malformed('the block has no TRANSACTIONS_FILTER metadata');
    const envelopes = block.getData()?.getDataList_asU8() ?? [];
    return {
      number: header.getNumber(),
      transactions: envelopes.map((envelope, index) => decodeEnvelope(envelope, index, filter)),
    };
  } catch (error) {
    if (error instanceof AuditExportError) throw error;
    throw malformed(`cannot decode the block (${error instanceof Error ? error.message : String(error)})`, error);
  }
}
