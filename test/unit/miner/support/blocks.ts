/** Synthetic blocks as the peer delivers them: real protobufs, real peer certificates and ECDSA signatures. */
import { StatusCode } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import { auditEventKey, extractEndorsements } from '../../../../network/src/miner/endorsement-extractor';
import type { PendingClaim } from '../../../../sdk/src/chaincode-types';
import { orgPki } from '../../chaincode/support/certs';
import {
  attestationOf,
  peerSign,
  proposalResponsePayload,
  serializedIdentity,
  type ClaimBody,
  type Endorser,
} from '../../chaincode/support/endorsement';

export const H1 = 'Hospital1MSP';
export const H2 = 'Hospital2MSP';
export const RESEARCH = 'ResearchMSP';
export const VALID = 0;
export const MVCC = StatusCode.MVCC_READ_CONFLICT;

/** Each organisation's peer0: a certificate its own CA issued (OU=peer) and the key it endorses with. */
export function peerOf(mspId: string): Endorser {
  return { mspId, ...orgPki(mspId).peer };
}

export function certOf(mspId: string): string {
  return peerOf(mspId).certPem;
}

export interface TxSpec {
  readonly txId: string;
  readonly type?: common.HeaderTypeMap[keyof common.HeaderTypeMap];
  readonly chaincode?: string;
  /** Audit event type written under the transaction's own audit key; undefined writes no audit event. */
  readonly auditType?: string;
  /** Write the audit event under another transaction's key. */
  readonly auditOf?: string;
  /** MSP ids endorsing with their peer0, or explicit endorsers (another peer certificate of the organisation). */
  readonly endorsers: readonly (string | Endorser)[];
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
    spec.endorsers.map((who) => {
      const endorser = typeof who === 'string' ? peerOf(who) : who;
      const identity = serializedIdentity(endorser.mspId, endorser.certPem);
      const endorsement = new peer.Endorsement();
      endorsement.setEndorser(identity);
      endorsement.setSignature(peerSign(endorser.privateKey, responsePayload, identity));
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

/** The endorsement `mspId` endorsed `txId` with in this block, in the claim format (as its miner extracts it). */
export function claimIn(b: common.Block, txId: string, mspId: string): ClaimBody {
  const found = extractEndorsements(b, mspId).claims.find((c) => c.claim.txId === txId);
  if (found === undefined) throw new Error(`${mspId} has no claimable endorsement of ${txId} in the block`);
  return found.claim;
}

/**
 * The pending claim record the chaincode keeps for a claim: the claimant (the endorser's MSP) and the SHA-256 of
 * its certificate and signature, as ClaimEndorsements computes them.
 */
export function pendingClaimFrom(claim: ClaimBody, overrides: Partial<PendingClaim> = {}): PendingClaim {
  const { txId, mspId, endorserCertSha256, signatureSha256 } = attestationOf(claim);
  return {
    txId,
    mspId,
    endorserCertSha256,
    signatureSha256,
    claimedBy: `adm-${mspId}`,
    claimedAt: '2030-01-01T00:00:00.000Z',
    claimTxId: 'f'.repeat(64),
    attestedBy: [],
    status: 'pending',
    ...overrides,
  };
}
