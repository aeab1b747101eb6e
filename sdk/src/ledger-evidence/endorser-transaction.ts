/**
 * The parts of an endorser transaction that decide its validity, decoded once: creator and its signature over the
 * payload, the transaction id as Fabric derives it (hex SHA-256 of nonce || creator, fabric protoutil/txutils.go
 * ComputeTxID), each action's endorsements over proposal-response-payload || endorser, and the read-write sets.
 */
import crypto from 'node:crypto';
import { common, ledger, peer } from '@hyperledger/fabric-protos';

export interface Endorsement {
  readonly endorser: Uint8Array;
  readonly signature: Uint8Array;
  /** proposal-response-payload || endorser: what the endorser signed. */
  readonly signed: Uint8Array;
}

export interface PublicRead {
  readonly namespace: string;
  readonly key: string;
  /** `block:tx` of the version read; undefined when the key did not exist. */
  readonly version: string | undefined;
}

export interface NamespaceWrites {
  readonly namespace: string;
  readonly writes: readonly { readonly key: string; readonly isDelete: boolean; readonly value: Uint8Array }[];
  readonly metadataKeys: readonly string[];
  /** Collections with hashed (private data) writes. */
  readonly collections: readonly string[];
}

export interface EndorserTransaction {
  readonly txId: string;
  readonly channel: string;
  readonly creator: Uint8Array;
  readonly creatorSigned: Uint8Array;
  readonly creatorSignature: Uint8Array;
  /** False when the channel header's transaction id is not the one Fabric derives from nonce and creator. */
  readonly txIdDerived: boolean;
  readonly endorsements: readonly Endorsement[];
  readonly reads: readonly PublicRead[];
  /** True when validity also depends on reads this verifier does not replay (range queries, private data). */
  readonly unreplayedReads: boolean;
  readonly namespaces: readonly NamespaceWrites[];
}

export function versionOf(blockNumber: number, txNumber: number): string {
  return `${blockNumber}:${txNumber}`;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  return Buffer.concat([a, b]);
}

/** Decodes an ENDORSER_TRANSACTION envelope; throws when it is not one. */
export function decodeEndorserTransaction(envelope: common.Envelope, payload: common.Payload): EndorserTransaction {
  const header = payload.getHeader();
  if (header === undefined) throw new Error('the transaction has no header');
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  const creator = signatureHeader.getCreator_asU8();
  const derived = crypto.createHash('sha256').update(concat(signatureHeader.getNonce_asU8(), creator)).digest('hex');
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const endorsements: Endorsement[] = [];
  const reads: PublicRead[] = [];
  const namespaces: NamespaceWrites[] = [];
  let unreplayedReads = false;
  for (const action of transaction.getActionsList()) {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = actionPayload.getAction();
    if (endorsed === undefined) continue;
    const responsePayload = endorsed.getProposalResponsePayload_asU8();
    for (const endorsement of endorsed.getEndorsementsList()) {
      endorsements.push({
        endorser: endorsement.getEndorser_asU8(),
        signature: endorsement.getSignature_asU8(),
        signed: concat(responsePayload, endorsement.getEndorser_asU8()),
      });
    }
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(
      peer.ProposalResponsePayload.deserializeBinary(responsePayload).getExtension_asU8(),
    );
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
    for (const ns of rwset.getNsRwsetList()) {
      const namespace = ns.getNamespace();
      const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
      for (const read of kv.getReadsList()) {
        const version = read.getVersion();
        reads.push({
          namespace,
          key: read.getKey(),
          version: version === undefined ? undefined : versionOf(version.getBlockNum(), version.getTxNum()),
        });
      }
      if (kv.getRangeQueriesInfoList().length > 0) unreplayedReads = true;
      const collections: string[] = [];
      for (const collection of ns.getCollectionHashedRwsetList()) {
        const hashed = ledger.rwset.kvrwset.HashedRWSet.deserializeBinary(collection.getHashedRwset_asU8());
        if (hashed.getHashedReadsList().length > 0) unreplayedReads = true;
        if (hashed.getHashedWritesList().length > 0 || hashed.getMetadataWritesList().length > 0) {
          collections.push(collection.getCollectionName());
        }
      }
      namespaces.push({
        namespace,
        writes: kv
          .getWritesList()
          .map((w) => ({ key: w.getKey(), isDelete: w.getIsDelete(), value: w.getValue_asU8() })),
        metadataKeys: kv.getMetadataWritesList().map((w) => w.getKey()),
        collections,
      });
    }
  }
  return {
    txId: channelHeader.getTxId(),
    channel: channelHeader.getChannelId(),
    creator,
    creatorSigned: envelope.getPayload_asU8(),
    creatorSignature: envelope.getSignature_asU8(),
    txIdDerived: derived === channelHeader.getTxId(),
    endorsements,
    reads,
    unreplayedReads,
    namespaces,
  };
}
