/**
 * Verifies a channel's chain from its genesis block, as an auditor outside the consortium can: nothing is taken
 * from the party that exported it except the blocks themselves.
 *
 * - Block 0 must be the genesis block the auditor obtained independently; each later block must name its
 *   predecessor's header hash, and every block's data must hash to its header's data hash.
 * - Every block after genesis must carry orderer signatures satisfying `/Channel/Orderer/BlockValidation` of the
 *   configuration in force, with MSP roots from that configuration; configuration blocks update it along the chain.
 * - The validation flags (TRANSACTIONS_FILTER) are not signed by anyone, so a transaction marked VALID is re-checked:
 *   its creator's signature and derived transaction id, its endorsements against the endorsement policy of every
 *   namespace it writes (from the `_lifecycle` chaincode definitions committed on the chain), a unique transaction
 *   id, and its point reads against the versions that the VALID transactions before it wrote. A transaction marked
 *   invalid for a reason this replay can decide (endorsement policy, MVCC, duplicate id) while it passes every
 *   check is reported too: the flag was altered to hide it.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import type { BlockSource } from '../audit-export/block-source';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hashes';
import { channelTrustOf, configOfEnvelopeData, type ChannelTrust } from './channel-trust';
import { decodeEndorserTransaction, versionOf, type EndorserTransaction } from './endorser-transaction';
import {
  classifyIdentity,
  decodeSerializedIdentity,
  verifiesFabricSignature,
  type VerifiedIdentity,
} from './msp-identity';
import { policySatisfied, type PolicyNode } from './policies';

export const CHAIN_DISCREPANCY_KINDS = [
  'genesis-mismatch',
  'chain-broken',
  'data-hash',
  'orderer-signature',
  'malformed-block',
  'validation-flag',
] as const;
export type ChainDiscrepancyKind = (typeof CHAIN_DISCREPANCY_KINDS)[number] | 'block-unavailable';

export interface ChainDiscrepancy {
  readonly kind: ChainDiscrepancyKind;
  readonly blockNumber: number;
  readonly txId?: string;
  readonly message: string;
}

/** A public write of a transaction the verification accepts as VALID. */
export interface VerifiedWrite {
  readonly blockNumber: number;
  readonly txId: string;
  readonly namespace: string;
  readonly key: string;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

export interface ChainVerificationOptions {
  /** The channel's genesis block, obtained independently of the export (from any member, or the channel's creator). */
  readonly genesis: Uint8Array;
  readonly blocks: BlockSource;
  /** Verify blocks 0 .. height - 1. */
  readonly height: number;
  readonly onWrite?: (write: VerifiedWrite) => void;
  readonly onProgress?: (verified: number, height: number) => void;
  /** A block whose time (its last transaction's client timestamp) to report as `markedTime`. */
  readonly timeOfBlock?: number;
}

export interface ChainVerification {
  readonly channel: string;
  readonly height: number;
  readonly discrepancies: readonly ChainDiscrepancy[];
  /** The configuration in force after the last verified block. */
  readonly trust: ChannelTrust;
  readonly transactions: number;
  /** The time of block `timeOfBlock`, ISO 8601 UTC, when it holds a transaction with a timestamp. */
  readonly markedTime?: string;
}

const LIFECYCLE = '_lifecycle';
const VALIDATION_INFO = /^namespaces\/fields\/([^/#]+)\/ValidationInfo$/;
const IMPLICIT_COLLECTION = '_implicit_org_';
const CHECKABLE_FLAGS: ReadonlySet<number> = new Set([
  peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
  peer.TxValidationCode.MVCC_READ_CONFLICT,
  peer.TxValidationCode.DUPLICATE_TXID,
]);

function writesAnything(tx: EndorserTransaction): boolean {
  return tx.namespaces.some((ns) => ns.writes.length > 0 || ns.metadataKeys.length > 0 || ns.collections.length > 0);
}

function flagName(code: number): string {
  return Object.entries(peer.TxValidationCode).find(([, value]) => value === code)?.[0] ?? `code ${code}`;
}

function genesisOf(bytes: Uint8Array): { header: common.BlockHeader; channel: string; config: common.Config } {
  const block = common.Block.deserializeBinary(bytes);
  const header = block.getHeader();
  const [envelopeBytes] = block.getData()?.getDataList_asU8() ?? [];
  if (header === undefined || envelopeBytes === undefined || header.getNumber() !== 0) {
    throw new Error('the genesis file is not a block 0 with a configuration transaction');
  }
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(
    payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
  );
  const config = configOfEnvelopeData(payload.getData_asU8());
  if (channelHeader.getType() !== common.HeaderType.CONFIG || config === undefined) {
    throw new Error('the genesis block does not hold a channel configuration');
  }
  return { header, channel: channelHeader.getChannelId(), config };
}

/** Verifies blocks 0 .. height - 1; see the module comment for what is checked. */
export async function verifyChain(options: Readonly<ChainVerificationOptions>): Promise<ChainVerification> {
  return new ChainReplay(options).run();
}

class ChainReplay {
  readonly #options: Readonly<ChainVerificationOptions>;
  readonly #discrepancies: ChainDiscrepancy[] = [];
  readonly #versions = new Map<string, string>();
  readonly #txIds = new Set<string>();
  /** Endorsement policy by chaincode namespace, from the committed `_lifecycle` definitions. */
  readonly #definitions = new Map<string, PolicyNode | { readonly reference: string }>();
  readonly #identities = new Map<string, VerifiedIdentity | string>();
  #trust!: ChannelTrust;
  #channel = '';
  #transactions = 0;
  #markedTime: string | undefined;

  constructor(options: Readonly<ChainVerificationOptions>) {
    this.#options = options;
  }

  async run(): Promise<ChainVerification> {
    const genesis = genesisOf(this.#options.genesis);
    this.#channel = genesis.channel;
    this.#trust = channelTrustOf(genesis.channel, genesis.config);
    const genesisHash = blockHeaderHash(genesis.header);
    let previousHash: Buffer | undefined;
    for (let n = 0; n < this.#options.height; n += 1) {
      const block = await this.#load(n);
      // Nothing past a missing block can be tied to genesis; stopping also bounds the work a claimed height can cause.
      if (block === 'missing') break;
      if (block === undefined) {
        previousHash = undefined;
        continue;
      }
      const header = block.getHeader();
      if (header === undefined) {
        this.#report('malformed-block', n, `block ${n} has no header`);
        previousHash = undefined;
        continue;
      }
      const hash = blockHeaderHash(header);
      if (n === 0) {
        if (!hash.equals(genesisHash)) {
          this.#report(
            'genesis-mismatch',
            0,
            'block 0 of the bundle is not the genesis block given for verification: the bundle belongs to another channel or was forged',
          );
        }
      } else if (previousHash !== undefined && !previousHash.equals(header.getPreviousHash_asU8())) {
        this.#report(
          'chain-broken',
          n,
          `block ${n} does not name block ${n - 1}'s header hash as its predecessor: a block was replaced, inserted or removed`,
        );
      }
      if (!blockDataHash(block.getData()).equals(header.getDataHash_asU8())) {
        this.#report(
          'data-hash',
          n,
          `the transactions of block ${n} do not hash to its header's data hash: the block's content was altered`,
        );
      }
      try {
        if (n > 0) this.#checkOrdererSignatures(block, header, n);
        this.#replayTransactions(block, n);
      } catch (error) {
        // Bytes that parse as a block but whose metadata or envelopes do not: a corrupted or forged block.
        this.#report(
          'malformed-block',
          n,
          `block ${n} cannot be decoded (${error instanceof Error ? error.message : String(error)}): it is corrupted or forged`,
        );
      }
      previousHash = hash;
      this.#options.onProgress?.(n + 1, this.#options.height);
    }
    return {
      channel: this.#channel,
      height: this.#options.height,
      discrepancies: this.#discrepancies,
      trust: this.#trust,
      transactions: this.#transactions,
      ...(this.#markedTime === undefined ? {} : { markedTime: this.#markedTime }),
    };
  }

  #report(kind: ChainDiscrepancyKind, blockNumber: number, message: string, txId?: string): void {
    this.#discrepancies.push({ kind, blockNumber, message, ...(txId === undefined ? {} : { txId }) });
  }

  async #load(n: number): Promise<common.Block | 'missing' | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await this.#options.blocks.blockBytes(n);
    } catch (error) {
      this.#report(
        'block-unavailable',
        n,
        `block ${n} is missing (${error instanceof Error ? error.message : String(error)}); the chain from genesis cannot be checked from there to block ${this.#options.height - 1}: export a bundle from block 0 to the manifest's ledger height`,
      );
      return 'missing';
    }
    try {
      const block = common.Block.deserializeBinary(bytes);
      if (block.getHeader()?.getNumber() !== n) {
        this.#report(
          'malformed-block',
          n,
          `the bundle's block ${n} is numbered ${block.getHeader()?.getNumber() ?? '(none)'}`,
        );
        return undefined;
      }
      return block;
    } catch {
      this.#report('malformed-block', n, `block ${n} is not a Fabric block`);
      return undefined;
    }
  }

  /** The identity, verified against the MSPs of the configuration in force, or why it is not one. */
  #identity(bytes: Uint8Array): VerifiedIdentity | string {
    const key = Buffer.from(bytes).toString('base64');
    const cached = this.#identities.get(key);
    if (cached !== undefined) return cached;
    const decoded = decodeSerializedIdentity(bytes);
    let result: VerifiedIdentity | string;
    if (decoded === undefined) {
      result = 'it is not a serialized X.509 identity';
    } else {
      const definition = this.#trust.msps.get(decoded.mspId);
      if (definition === undefined) {
        result = `its MSP ${decoded.mspId} is not in the channel configuration`;
      } else {
        const classified = classifyIdentity(decoded.certificate, definition);
        result = 'problem' in classified ? classified.problem : { ...decoded, roles: classified.roles };
      }
    }
    this.#identities.set(key, result);
    return result;
  }

  #checkOrdererSignatures(block: common.Block, header: common.BlockHeader, n: number): void {
    const metadataBytes = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES];
    const signers: VerifiedIdentity[] = [];
    const problems: string[] = [];
    if (metadataBytes !== undefined && metadataBytes.length > 0) {
      const metadata = common.Metadata.deserializeBinary(metadataBytes);
      const headerBytes = blockHeaderBytes(header);
      for (const signature of metadata.getSignaturesList()) {
        const signatureHeaderBytes = signature.getSignatureHeader_asU8();
        const creator = common.SignatureHeader.deserializeBinary(signatureHeaderBytes).getCreator_asU8();
        const identity = this.#identity(creator);
        if (typeof identity === 'string') {
          problems.push(`a signer is not an orderer of the channel: ${identity}`);
          continue;
        }
        const signed = Buffer.concat([metadata.getValue_asU8(), signatureHeaderBytes, headerBytes]);
        if (!verifiesFabricSignature(identity.certificate, signed, signature.getSignature_asU8())) {
          problems.push(`the signature of ${identity.mspId} does not verify over the block header`);
          continue;
        }
        signers.push(identity);
      }
    }
    if (!policySatisfied(this.#trust.policy('/Channel/Orderer/BlockValidation'), signers)) {
      this.#report(
        'orderer-signature',
        n,
        `block ${n} is not signed as /Channel/Orderer/BlockValidation requires${problems.length > 0 ? ` (${problems.join('; ')})` : ' (no valid orderer signature)'}: it was not produced by the channel's ordering service`,
      );
    }
  }

  #replayTransactions(block: common.Block, n: number): void {
    const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
    const envelopes = block.getData()?.getDataList_asU8() ?? [];
    let nextTrust: ChannelTrust | undefined;
    envelopes.forEach((envelopeBytes, index) => {
      this.#transactions += 1;
      const flag = n === 0 ? peer.TxValidationCode.VALID : filter?.[index];
      if (flag === undefined) {
        this.#report('malformed-block', n, `block ${n} has no validation flag for transaction ${index}`);
        return;
      }
      nextTrust = this.#replayEnvelope(envelopeBytes, flag, n, index) ?? nextTrust;
    });
    if (nextTrust !== undefined) {
      this.#trust = nextTrust;
      // Membership is decided by the configuration in force: an identity verified under the old one is checked again.
      this.#identities.clear();
    }
  }

  /** Replays one envelope; returns the configuration a valid configuration transaction puts in force. */
  #replayEnvelope(envelopeBytes: Uint8Array, flag: number, n: number, index: number): ChannelTrust | undefined {
    let envelope: common.Envelope;
    let payload: common.Payload;
    let channelHeader: common.ChannelHeader;
    try {
      envelope = common.Envelope.deserializeBinary(envelopeBytes);
      payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
      channelHeader = common.ChannelHeader.deserializeBinary(
        payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
      );
    } catch {
      if (flag === peer.TxValidationCode.VALID) {
        this.#report(
          'validation-flag',
          n,
          `transaction ${index} of block ${n} is marked VALID but is not a transaction`,
        );
      }
      return undefined;
    }
    this.#noteTime(channelHeader, n);
    if (channelHeader.getType() === common.HeaderType.CONFIG) {
      const config =
        flag === peer.TxValidationCode.VALID && n > 0 ? configOfEnvelopeData(payload.getData_asU8()) : undefined;
      return config === undefined ? undefined : channelTrustOf(this.#channel, config);
    }
    if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return undefined;
    let transaction: EndorserTransaction;
    try {
      transaction = decodeEndorserTransaction(envelope, payload);
    } catch {
      if (flag === peer.TxValidationCode.VALID) {
        this.#report(
          'validation-flag',
          n,
          `transaction ${index} of block ${n} is marked VALID but cannot be decoded`,
          channelHeader.getTxId(),
        );
      }
      return undefined;
    }
    this.#replayEndorserTransaction(transaction, flag, n, index);
    return undefined;
  }

  #noteTime(channelHeader: common.ChannelHeader, n: number): void {
    const timestamp = channelHeader.getTimestamp();
    if (n !== this.#options.timeOfBlock || timestamp === undefined) return;
    this.#markedTime = new Date(timestamp.getSeconds() * 1000 + Math.floor(timestamp.getNanos() / 1e6)).toISOString();
  }

  #replayEndorserTransaction(tx: EndorserTransaction, flag: number, n: number, index: number): void {
    const duplicate = this.#txIds.has(tx.txId);
    const valid = flag === peer.TxValidationCode.VALID;
    if (!valid && !CHECKABLE_FLAGS.has(flag)) {
      // Marked invalid for a reason this replay cannot re-decide: it wrote nothing, and a txId is spent only if it was
      // well formed, which is all it could change here.
      if (tx.txIdDerived) this.#txIds.add(tx.txId);
      return;
    }
    const problems = this.#validityProblems(tx, duplicate);
    const conflicts = tx.reads.filter(
      (read) => this.#versions.get(`${read.namespace}\u0000${read.key}`) !== read.version,
    );
    if (valid) {
      const reasons = [
        ...problems,
        ...conflicts.map(
          (c) => `it read ${c.namespace} key ${JSON.stringify(c.key)} at a version no longer current (MVCC conflict)`,
        ),
      ];
      if (reasons.length > 0) {
        this.#report(
          'validation-flag',
          n,
          `transaction ${tx.txId} (block ${n}, position ${index}) is marked VALID but ${reasons.join('; ')}: the block's validation flags were altered`,
          tx.txId,
        );
        return;
      }
      this.#txIds.add(tx.txId);
      this.#apply(tx, n, index);
      return;
    }
    this.#txIds.add(tx.txId);
    const hidden =
      problems.length === 0 &&
      ((flag === peer.TxValidationCode.MVCC_READ_CONFLICT && conflicts.length === 0 && !tx.unreplayedReads) ||
        (flag === peer.TxValidationCode.DUPLICATE_TXID && !duplicate) ||
        // With no write the peer may have judged the invoked chaincode's policy, which this replay does not know.
        (flag === peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE && writesAnything(tx)));
    if (hidden) {
      this.#report(
        'validation-flag',
        n,
        `transaction ${tx.txId} (block ${n}, position ${index}) is marked ${flagName(flag)} but passes that check: the block's validation flags were altered to hide it`,
        tx.txId,
      );
    }
  }

  #validityProblems(tx: EndorserTransaction, duplicate: boolean): string[] {
    const problems: string[] = [];
    if (tx.channel !== this.#channel) problems.push(`it names channel ${tx.channel}`);
    if (!tx.txIdDerived) problems.push('its transaction id is not derived from its nonce and creator');
    if (duplicate) problems.push('its transaction id was already used');
    const creator = this.#identity(tx.creator);
    if (typeof creator === 'string') {
      problems.push(`its creator is not valid (${creator})`);
    } else if (!this.#trust.applicationMsps.has(creator.mspId)) {
      problems.push(`its creator's MSP ${creator.mspId} is not an application organisation`);
    } else if (!verifiesFabricSignature(creator.certificate, tx.creatorSigned, tx.creatorSignature)) {
      problems.push("its creator's signature does not verify");
    }
    problems.push(...this.#endorsementProblems(tx));
    return problems;
  }

  #endorsementProblems(tx: EndorserTransaction): string[] {
    const signers: VerifiedIdentity[] = [];
    for (const endorsement of tx.endorsements) {
      const identity = this.#identity(endorsement.endorser);
      if (
        typeof identity !== 'string' &&
        verifiesFabricSignature(identity.certificate, endorsement.signed, endorsement.signature)
      ) {
        signers.push(identity);
      }
    }
    const problems: string[] = [];
    for (const ns of tx.namespaces) {
      const policies: [string, PolicyNode][] = [];
      if (ns.writes.length > 0 || ns.metadataKeys.length > 0) {
        const policy =
          ns.namespace === LIFECYCLE
            ? this.#trust.policy('/Channel/Application/LifecycleEndorsement')
            : this.#definitionPolicy(ns.namespace);
        policies.push([
          `namespace ${ns.namespace}`,
          policy ?? { kind: 'reject', why: `no chaincode ${ns.namespace} is defined on the channel` },
        ]);
      }
      for (const collection of ns.collections) {
        if (!collection.startsWith(IMPLICIT_COLLECTION)) continue;
        const group = this.#trust.applicationGroups.get(collection.slice(IMPLICIT_COLLECTION.length));
        policies.push([
          `collection ${collection}`,
          group === undefined
            ? { kind: 'reject', why: `no organisation for ${collection}` }
            : this.#trust.policy(`/Channel/Application/${group}/Endorsement`),
        ]);
      }
      for (const [what, policy] of policies) {
        if (!policySatisfied(policy, signers))
          problems.push(`its endorsements do not satisfy the endorsement policy of ${what}`);
      }
    }
    return problems;
  }

  #apply(tx: EndorserTransaction, n: number, index: number): void {
    const version = versionOf(n, index);
    for (const ns of tx.namespaces) {
      for (const write of ns.writes) {
        const key = `${ns.namespace}\u0000${write.key}`;
        if (write.isDelete) this.#versions.delete(key);
        else this.#versions.set(key, version);
        if (ns.namespace === LIFECYCLE) this.#learnDefinition(write.key, write.value, write.isDelete);
        this.#options.onWrite?.({
          blockNumber: n,
          txId: tx.txId,
          namespace: ns.namespace,
          key: write.key,
          isDelete: write.isDelete,
          value: write.value,
        });
      }
      // A metadata write changes the key's version as a value write does.
      for (const key of ns.metadataKeys) this.#versions.set(`${ns.namespace}\u0000${key}`, version);
    }
  }

  /** A channel-configuration reference resolves in the configuration in force now, as the peer resolves it. */
  #definitionPolicy(namespace: string): PolicyNode | undefined {
    const definition = this.#definitions.get(namespace);
    return definition !== undefined && 'reference' in definition
      ? this.#trust.policy(definition.reference)
      : definition;
  }

  #learnDefinition(key: string, value: Uint8Array, isDelete: boolean): void {
    const name = VALIDATION_INFO.exec(key)?.[1];
    if (name === undefined) return;
    if (isDelete) {
      this.#definitions.delete(name);
      return;
    }
    try {
      const info = peer.lifecycle.ChaincodeValidationInfo.deserializeBinary(
        peer.lifecycle.StateData.deserializeBinary(value).getBytes_asU8(),
      );
      const policy = peer.ApplicationPolicy.deserializeBinary(info.getValidationParameter_asU8());
      const envelope = policy.getSignaturePolicy();
      this.#definitions.set(
        name,
        envelope !== undefined
          ? { kind: 'signature', envelope }
          : { reference: policy.getChannelConfigPolicyReference() },
      );
    } catch {
      this.#definitions.set(name, { kind: 'reject', why: `the definition of ${name} cannot be read` });
    }
  }
}
