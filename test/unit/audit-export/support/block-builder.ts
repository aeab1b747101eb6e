/** Synthetic Fabric blocks for the audit-export tests: endorser transactions writing audit keys, and a TRANSACTIONS_FILTER. */
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import type { AuditEvent } from '../../../../sdk/src/chaincode-types';
import { auditEventKey } from '../../../../sdk/src/audit-export/block-decoder';
import { canonicalJson } from '../../../../sdk/src/fhir/content-hash';

export interface SyntheticWrite {
  readonly namespace: string;
  readonly key: string;
  readonly value: string;
}

export interface SyntheticTransaction {
  readonly txId: string;
  readonly writes: readonly SyntheticWrite[];
  /** TxValidationCode; default 0 (VALID). */
  readonly validationCode?: number;
}

/** The writes a MedRec transaction makes for one audit event (the audit key plus its two time-index keys). */
export function auditWrites(event: AuditEvent): SyntheticWrite[] {
  const value = canonicalJson(event);
  const writes: SyntheticWrite[] = [
    { namespace: 'medrec', key: auditEventKey(event.txId), value },
    {
      namespace: 'medrec',
      key: `medrec.audit-by-actor/${event.actor.participantId}/${event.time}/${event.txId}`,
      value: event.txId,
    },
  ];
  if (event.patientId !== undefined) {
    writes.push({
      namespace: 'medrec',
      key: `medrec.audit-by-patient/${event.patientId}/${event.time}/${event.txId}`,
      value: event.txId,
    });
  }
  return writes;
}

function envelope(channel: string, tx: SyntheticTransaction): Uint8Array {
  const kvByNamespace = new Map<string, ledger.rwset.kvrwset.KVRWSet>();
  for (const write of tx.writes) {
    const kv = kvByNamespace.get(write.namespace) ?? new ledger.rwset.kvrwset.KVRWSet();
    const w = new ledger.rwset.kvrwset.KVWrite();
    w.setKey(write.key);
    w.setValue(Buffer.from(write.value, 'utf8'));
    kv.addWrites(w);
    kvByNamespace.set(write.namespace, kv);
  }
  const rwset = new ledger.rwset.TxReadWriteSet();
  rwset.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  for (const [namespace, kv] of kvByNamespace) {
    const ns = new ledger.rwset.NsReadWriteSet();
    ns.setNamespace(namespace);
    ns.setRwset(kv.serializeBinary());
    rwset.addNsRwset(ns);
  }
  const chaincodeAction = new peer.ChaincodeAction();
  chaincodeAction.setResults(rwset.serializeBinary());
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setExtension$(chaincodeAction.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayload.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsed);
  const action = new peer.TransactionAction();
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.addActions(action);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(channel);
  channelHeader.setTxId(tx.txId);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const env = new common.Envelope();
  env.setPayload(payload.serializeBinary());
  return env.serializeBinary();
}

/** A serialized common.Block numbered `blockNumber` holding `transactions`. */
export function buildBlock(
  blockNumber: number,
  transactions: readonly SyntheticTransaction[],
  channel = 'medrec',
): Uint8Array {
  const block = new common.Block();
  const header = new common.BlockHeader();
  header.setNumber(blockNumber);
  block.setHeader(header);
  const data = new common.BlockData();
  data.setDataList(transactions.map((tx) => envelope(channel, tx)));
  block.setData(data);
  const metadata = new common.BlockMetadata();
  const filter = Uint8Array.from(transactions.map((tx) => tx.validationCode ?? 0));
  metadata.setMetadataList([new Uint8Array(), new Uint8Array(), filter, new Uint8Array(), new Uint8Array()]);
  block.setMetadata(metadata);
  return block.serializeBinary();
}

/** A serialized peer.ProcessedTransaction (what qscc GetTransactionByID returns). */
export function buildProcessedTransaction(channel: string, tx: SyntheticTransaction): Uint8Array {
  const processed = new peer.ProcessedTransaction();
  processed.setValidationcode(tx.validationCode ?? 0);
  processed.setTransactionenvelope(common.Envelope.deserializeBinary(envelope(channel, tx)));
  return processed.serializeBinary();
}
