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

/**
 * The claims `mspId` can make for a block: for each valid endorser transaction of chaincode `medrec` that writes
 * its own audit event of a business type, the first endorsement signed by one of `mspId`'s peers, in the claim
 * format of Incentive:ClaimEndorsements. Config transactions, invalidated transactions, other chaincodes, writes
 * without an audit event (heartbeats, no-op repeats) and the incentive layer's own transactions are skipped.
 */
export function extractEndorsements(block: common.Block, mspId: string): ExtractedBlock {
  const blockNumber = BigInt(block.getHeader()?.getNumber() ?? 0);
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  const claims: ClaimableEndorsement[] = [];
  const skipped: Partial<Record<SkipReason, number>> = {};
  envelopes.forEach((bytes, txIndex) => {
    const outcome = claimOf(bytes, filter?.[txIndex], mspId);
    if (typeof outcome === 'string') {
      skipped[outcome] = (skipped[outcome] ?? 0) + 1;
    } else {
      claims.push({ blockNumber, txIndex, ...outcome });
    }
  });
  return { blockNumber, transactions: envelopes.length, claims, skipped };
}

function claimOf(
  envelopeBytes: Uint8Array,
  validationCode: number | undefined,
  mspId: string,
): SkipReason | { auditType: string; claim: EndorsementClaim } {
  let payload: common.Payload;
  let channelHeader: common.ChannelHeader;
  try {
    payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
    channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
  } catch {
    return 'malformed';
  }
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return 'not-endorser-transaction';
  if (validationCode !== TX_VALID) return 'invalid';
  const txId = channelHeader.getTxId();
  try {
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
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
      const endorsement = endorsed
        .getEndorsementsList()
        .find((e) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid() === mspId);
      if (endorsement === undefined) return 'not-endorsed-by-org';
      return {
        auditType,
        claim: {
          txId,
          endorserIdentity: base64(endorsement.getEndorser_asU8()),
          signature: base64(endorsement.getSignature_asU8()),
          proposalResponsePayload: base64(responsePayload),
        },
      };
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
