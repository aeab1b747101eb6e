import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import type { EndorsementClaim } from '@medrec/sdk';

/** The chaincode whose endorsements earn rewards (its name is also its namespace in read-write sets). */
export const MEDREC_CHAINCODE = 'medrec';

/** Audit event types of the incentive layer itself: the chaincode refuses to reward them (MEDREC_NOT_CLAIMABLE). */
export const INCENTIVE_AUDIT_TYPES: readonly string[] = [
  'IncentiveScheduleProposed',
  'IncentiveScheduleApproved',
  'IncentiveInitialized',
  'EndorsementsClaimed',
  'EndorsementsAttested',
  'CreditsTransferred',
];

/** Fabric's validation code of a valid transaction in the block's TRANSACTIONS_FILTER metadata. */
const TX_VALID = 0;

/** The composite key (`medrec.audit`, txId) under which the chaincode stores a transaction's audit event. */
export function auditEventKey(txId: string): string {
  return `\u0000medrec.audit\u0000${txId}\u0000`;
}

/** One claimable transaction of a block: its id, the block position and the miner organisation's endorsement. */
export interface ClaimableEndorsement {
  readonly blockNumber: bigint;
  /** Index of the transaction in the block. */
  readonly txIndex: number;
  /** The audit event type the transaction writes (e.g. RecordRegistered). */
  readonly auditType: string;
  readonly claim: EndorsementClaim;
}

/** Why a transaction of a block yields no claim (for progress reports and tests). */
export type SkipReason =
  | 'not-endorser-transaction'
  | 'invalid'
  | 'other-chaincode'
  | 'no-audit-event'
  | 'incentive-transaction'
  | 'not-endorsed-by-org'
  | 'malformed';

export interface ExtractedBlock {
  readonly blockNumber: bigint;
  readonly transactions: number;
  readonly claims: readonly ClaimableEndorsement[];
  readonly skipped: Readonly<Partial<Record<SkipReason, number>>>;
}

/** One endorsement of a transaction as the block carries it. */
export interface BlockEndorsement {
  /** The msp.SerializedIdentity bytes of the endorser. */
  readonly endorser: Uint8Array;
  readonly mspId: string;
  /** The endorser certificate (id_bytes of the identity, PEM as Fabric stores it). */
  readonly certificate: Uint8Array;
  readonly signature: Uint8Array;
}

/** A valid endorser transaction of chaincode medrec that writes its own audit event of a business type. */
export interface BusinessTransaction {
  readonly txId: string;
  readonly auditType: string;
  readonly proposalResponsePayload: Uint8Array;
  readonly endorsements: readonly BlockEndorsement[];
}

/** What the header of a block's envelope says, before its validity or content is looked at. */
interface OpenedEnvelope {
  readonly type: number;
  readonly txId: string;
  readonly payload: common.Payload;
}

/**
 * The claims `mspId` can make for a block: for each valid endorser transaction of chaincode `medrec` that writes
 * its own audit event of a business type, the first endorsement signed by one of `mspId`'s peers, in the claim
 * format of Incentive:ClaimEndorsements. Config transactions, invalidated transactions, other chaincodes, writes
 * without an audit event (heartbeats, no-op repeats) and the incentive layer's own transactions are skipped.
 */
export function extractEndorsements(block: common.Block, mspId: string): ExtractedBlock {
  const blockNumber = BigInt(block.getHeader()?.getNumber() ?? 0);
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const filter = transactionsFilter(block);
  const claims: ClaimableEndorsement[] = [];
  const skipped: Partial<Record<SkipReason, number>> = {};
  envelopes.forEach((bytes, txIndex) => {
    const outcome = claimOf(businessTransaction(bytes, filter?.[txIndex]), mspId);
    if (typeof outcome === 'string') {
      skipped[outcome] = (skipped[outcome] ?? 0) + 1;
    } else {
      claims.push({ blockNumber, txIndex, ...outcome });
    }
  });
  return { blockNumber, transactions: envelopes.length, claims, skipped };
}

/**
 * The transaction `txId` of a block as its committing peer judged it: undefined when the block does not hold it,
 * otherwise the business transaction or why it is none (`invalid` when the peer's TRANSACTIONS_FILTER does not
 * say VALID). The attester reads the block of a claimed transaction with this, the claimer every block.
 */
export function findTransaction(block: common.Block, txId: string): BusinessTransaction | SkipReason | undefined {
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const filter = transactionsFilter(block);
  for (const [txIndex, bytes] of envelopes.entries()) {
    const opened = openEnvelope(bytes);
    if (opened?.txId === txId) {
      return transactionOf(opened, filter?.[txIndex]);
    }
  }
  return undefined;
}

/** The ids of the block's transactions, in block order (those whose envelope does not decode are left out). */
export function transactionIds(block: common.Block): string[] {
  return (block.getData()?.getDataList_asU8() ?? []).flatMap((bytes) => openEnvelope(bytes)?.txId ?? []);
}

/** The validation code the committing peer recorded for each transaction of the block, in block order. */
function transactionsFilter(block: common.Block): Uint8Array | undefined {
  return block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
}

function claimOf(
  outcome: BusinessTransaction | SkipReason,
  mspId: string,
): SkipReason | { auditType: string; claim: EndorsementClaim } {
  if (typeof outcome === 'string') return outcome;
  const endorsement = outcome.endorsements.find((e) => e.mspId === mspId);
  if (endorsement === undefined) return 'not-endorsed-by-org';
  return {
    auditType: outcome.auditType,
    claim: {
      txId: outcome.txId,
      endorserIdentity: base64(endorsement.endorser),
      signature: base64(endorsement.signature),
      proposalResponsePayload: base64(outcome.proposalResponsePayload),
    },
  };
}

function businessTransaction(
  envelopeBytes: Uint8Array,
  validationCode: number | undefined,
): BusinessTransaction | SkipReason {
  const opened = openEnvelope(envelopeBytes);
  return opened === undefined ? 'malformed' : transactionOf(opened, validationCode);
}

function openEnvelope(envelopeBytes: Uint8Array): OpenedEnvelope | undefined {
  try {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
    );
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    return { type: channelHeader.getType(), txId: channelHeader.getTxId(), payload };
  } catch {
    return undefined;
  }
}

function transactionOf(opened: OpenedEnvelope, validationCode: number | undefined): BusinessTransaction | SkipReason {
  if (opened.type !== common.HeaderType.ENDORSER_TRANSACTION) return 'not-endorser-transaction';
  if (validationCode !== TX_VALID) return 'invalid';
  const { txId } = opened;
  try {
    const transaction = peer.Transaction.deserializeBinary(opened.payload.getData_asU8());
    // A MedRec transaction has one action (one chaincode invocation); take the first action of chaincode medrec.
    for (const action of transaction.getActionsList()) {
      const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
      if (endorsed === undefined) continue;
      const responsePayload = endorsed.getProposalResponsePayload_asU8();
      const chaincodeAction = peer.ChaincodeAction.deserializeBinary(
        peer.ProposalResponsePayload.deserializeBinary(responsePayload).getExtension_asU8(),
      );
      if (chaincodeAction.getChaincodeId()?.getName() !== MEDREC_CHAINCODE) return 'other-chaincode';
      const auditType = auditTypeWritten(chaincodeAction, txId);
      if (auditType === undefined) return 'no-audit-event';
      if (INCENTIVE_AUDIT_TYPES.includes(auditType)) return 'incentive-transaction';
      const endorsements = endorsed.getEndorsementsList().map((e): BlockEndorsement => {
        const identity = msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8());
        return {
          endorser: e.getEndorser_asU8(),
          mspId: identity.getMspid(),
          certificate: identity.getIdBytes_asU8(),
          signature: e.getSignature_asU8(),
        };
      });
      return { txId, auditType, proposalResponsePayload: responsePayload, endorsements };
    }
  } catch {
    return 'malformed';
  }
  return 'other-chaincode';
}

/** The `type` of the audit event the action writes under its own transaction id, if it writes one. */
function auditTypeWritten(action: peer.ChaincodeAction, txId: string): string | undefined {
  const key = auditEventKey(txId);
  const rwSet = ledger.rwset.TxReadWriteSet.deserializeBinary(action.getResults_asU8());
  for (const ns of rwSet.getNsRwsetList()) {
    if (ns.getNamespace() !== MEDREC_CHAINCODE) continue;
    const write = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8())
      .getWritesList()
      .find((w) => w.getKey() === key && !w.getIsDelete());
    if (write === undefined) continue;
    try {
      const event = JSON.parse(Buffer.from(write.getValue_asU8()).toString('utf8')) as { type?: unknown };
      return typeof event.type === 'string' ? event.type : '';
    } catch {
      return '';
    }
  }
  return undefined;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
