/** Synthetic blocks as the peer delivers them: real protobufs, real ECDSA endorsement signatures. */
import { generateKeyPairSync } from 'node:crypto';
import { StatusCode } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import { auditEventKey } from '../../../../network/src/miner/endorsement-extractor';
import { peerSign, proposalResponsePayload, serializedIdentity } from '../../chaincode/support/endorsement';

export const H1 = 'Hospital1MSP';
export const H2 = 'Hospital2MSP';
export const RESEARCH = 'ResearchMSP';
export const VALID = 0;
export const MVCC = StatusCode.MVCC_READ_CONFLICT;

const keys = new Map(
  [H1, H2, RESEARCH].map((mspId) => [mspId, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey]),
);

export function certOf(mspId: string): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(`peer0 of ${mspId}`).toString('base64')}\n-----END CERTIFICATE-----\n`;
}

export interface TxSpec {
  readonly txId: string;
  readonly type?: common.HeaderTypeMap[keyof common.HeaderTypeMap];
  readonly chaincode?: string;
  /** Audit event type written under the transaction's own audit key; undefined writes no audit event. */
  readonly auditType?: string;
  /** Write the audit event under another transaction's key. */
  readonly auditOf?: string;
  readonly endorsers: readonly string[];
  readonly code?: number;
}

function envelope(spec: TxSpec): Uint8Array {
  const writes =
    spec.auditType === undefined
      ? [{ key: '\u0000medrec.record\u0000r1\u0000', value: Buffer.from('{}') }]
      : [
          {
            key: auditEventKey(spec.auditOf ?? spec.txId),
            value: Buffer.from(JSON.stringify({ txId: spec.txId, type: spec.auditType })),
          },
        ];
  let responsePayload = proposalResponsePayload(spec.txId, writes);
  if (spec.chaincode !== undefined && spec.chaincode !== 'medrec') {
    const response = peer.ProposalResponsePayload.deserializeBinary(responsePayload);
    const action = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
    const id = new peer.ChaincodeID();
    id.setName(spec.chaincode);
    action.setChaincodeId(id);
    response.setExtension$(action.serializeBinary());
    responsePayload = Buffer.from(response.serializeBinary());
  }
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayload);
  endorsed.setEndorsementsList(
    spec.endorsers.map((mspId) => {
      const identity = serializedIdentity(mspId, certOf(mspId));
      const endorsement = new peer.Endorsement();
      endorsement.setEndorser(identity);
      const key = keys.get(mspId);
      if (key === undefined) throw new Error(`no key for ${mspId}`);
      endorsement.setSignature(peerSign(key, responsePayload, identity));
      return endorsement;
    }),
  );
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsed);
  const txAction = new peer.TransactionAction();
  txAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([txAction]);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(spec.type ?? common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setTxId(spec.txId);
  channelHeader.setChannelId('medrec');
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(spec.type === undefined ? transaction.serializeBinary() : new Uint8Array([1, 2, 3]));
  const env = new common.Envelope();
  env.setPayload(payload.serializeBinary());
  env.setSignature(new Uint8Array([0]));
  return env.serializeBinary();
}

export function block(number: number, txs: readonly TxSpec[]): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  const data = new common.BlockData();
  data.setDataList(txs.map(envelope));
  const metadata = new common.BlockMetadata();
  const list: Uint8Array[] = [new Uint8Array(), new Uint8Array(), new Uint8Array(), new Uint8Array(), new Uint8Array()];
  list[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = new Uint8Array(txs.map((t) => t.code ?? VALID));
  metadata.setMetadataList(list);
  const b = new common.Block();
  b.setHeader(header);
  b.setData(data);
  b.setMetadata(metadata);
  // Round-trip through bytes, as blocks arrive from the peer.
  return common.Block.deserializeBinary(b.serializeBinary());
}
