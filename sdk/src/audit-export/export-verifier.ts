import type { AuditEvent } from '../chaincode-types';
import type { AuditEventSource } from './audit-event-source';
import { AuditExportError } from './audit-export-errors';
import { auditEventKey, decodeBlock, txIdOfAuditEventKey, type DecodedBlock } from './block-decoder';
import type { BlockSource } from './block-source';
import { compareEvents, matchesFilters } from './export-filters';
import {
  openExportFile,
  openExportText,
  type ExportFileInput,
  type ExportItem,
  type ExportReader,
  type ExportTextInput,
} from './export-reader';
import type { ExportEntry, SignedManifest } from './export-types';
import { fieldDifferences } from './field-diff';
import { fhirViewDifferences } from './fhir-view-check';
import { createContentHasher, manifestCertificate, manifestSignatureProblems } from './manifest';
import { participantKey, parseParticipantRecord, signerBindingProblems } from './manifest-signer';
import type { LedgerProofSource } from './ledger-proof-source';
import {
  CHAIN_DISCREPANCY_KINDS,
  verifyChain,
  type ChainVerification,
  type VerifiedWrite,
} from '../ledger-evidence/chain-verifier';
import type { ChannelTrust } from '../ledger-evidence/channel-trust';
import { classifyIdentity } from '../ledger-evidence/msp-identity';
import { ChaincodeError } from '../errors';
import type { Participant } from '../chaincode-types';

/** Every kind of discrepancy a verification reports (the OpenAPI document lists the same). */
export const DISCREPANCY_KINDS = [
  'malformed',
  'field-mismatch',
  /** FHIR: a visible AuditEvent field disagrees with the {event, proof} embedded in it. */
  'fhir-mismatch',
  'not-on-ledger',
  'invalid-transaction',
  'proof-mismatch',
  'out-of-order',
  'filter-mismatch',
  'missing-event',
  'count-mismatch',
  'hash-mismatch',
  'signature',
  'block-unavailable',
  ...CHAIN_DISCREPANCY_KINDS,
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

export interface Discrepancy {
  readonly kind: DiscrepancyKind;
  /** 0-based position of the event in the export (as in the messages), when the discrepancy is about one event. */
  readonly eventIndex?: number;
  readonly txId?: string;
  readonly field?: string;
  readonly expected?: string;
  readonly found?: string;
  readonly message: string;
}

export interface VerificationReport {
  /** True when there is no discrepancy. */
  readonly valid: boolean;
  readonly eventCount: number;
  readonly manifest: SignedManifest | undefined;
  readonly discrepancies: readonly Discrepancy[];
  /**
   * True when the export claims to hold every event its filters select and that was checked up to the manifest's
   * ledger height. A valid but incomplete export proves only what it holds: say so to whoever relies on it.
   */
  readonly complete: boolean;
  /** What the verification could not establish although nothing was found wrong (an incomplete export, ...). */
  readonly warnings: readonly string[];
  /** `genesis`: everything from the chain and the independently obtained genesis block; `ledger`: a member's peer. */
  readonly trustedBy: 'genesis' | 'ledger';
  /**
   * With `genesis`: how much of the chain was verified, and when the last block below the manifest's ledger height
   * was made (completeness covers events up to then: an auditor compares it with the period they asked for).
   */
  readonly chain?: {
    readonly channel: string;
    readonly height: number;
    readonly transactions: number;
    readonly ledgerHeightTime?: string;
  };
}

/** Trust for an auditor outside the consortium: only the channel's genesis block, obtained independently. */
export interface GenesisTrust {
  readonly kind: 'genesis';
  readonly genesis: Uint8Array;
  readonly onProgress?: (verifiedBlocks: number, height: number) => void;
}

/** Trust in a member's own peer: its ledger's organisation records, participant records and audit index. */
export interface LedgerTrust {
  readonly kind: 'ledger';
  /** CA root certificates (PEM) by MSP id, from the ledger's organisation records. */
  readonly caRoots: Readonly<Record<string, readonly string[]>>;
  readonly participants: { getParticipant(participantId: string): Promise<Participant> };
  /** Re-reads the events of the manifest's filters for the completeness check. */
  readonly source: AuditEventSource;
  /** Locates an event missing from the export, to tell whether it was committed before the manifest's height. */
  readonly proofs: LedgerProofSource;
}

export interface VerifyExportOptions {
  readonly blocks: BlockSource;
  readonly trust: GenesisTrust | LedgerTrust;
  /** Chaincode namespace holding the audit keys; default `medrec`. */
  readonly chaincode?: string;
}

const BLOCK_CACHE = 16;

/**
 * Verifies an export file of any format against ledger blocks; see {@link VerificationReport}. The format is
 * detected unless `input.format` says it; a CSV export's signed manifest is `input.manifestFile` (its sidecar).
 */
export async function verifyExport(
  exportFile: string,
  options: Readonly<VerifyExportOptions>,
  input: Readonly<ExportFileInput> = {},
): Promise<VerificationReport> {
  return new ExportVerification(options).run(await openExportFile(exportFile, input));
}

/** As {@link verifyExport}, over an export already in memory; a CSV export's manifest is `input.manifestText`. */
export async function verifyExportText(
  text: string,
  options: Readonly<VerifyExportOptions>,
  input: Readonly<ExportTextInput> = {},
): Promise<VerificationReport> {
  return new ExportVerification(options).run(openExportText(text, input));
}

/**
 * How a message names an exported event: by its 0-based position, the same number as the report's `eventIndex`, so
 * that a message and the field it sits next to never disagree (line numbers, in `malformed` messages, count from 1
 * as editors do).
 */
export function describeExportedEvent(index: number, txId?: string): string {
  return `event at index ${index}${txId === undefined ? '' : ` (tx ${txId})`}`;
}

const describe = describeExportedEvent;

class ExportVerification {
  readonly #options: Readonly<VerifyExportOptions>;
  readonly #namespace: string;
  readonly #discrepancies: Discrepancy[] = [];
  readonly #blocks = new Map<number, DecodedBlock | undefined>();
  readonly #exported = new Set<string>();
  readonly #warnings: string[] = [];
  /** Offline: audit events the filters select, committed before the manifest's height (txId -> description). */
  readonly #ledgerEvents = new Map<string, string>();
  #chain: VerificationReport['chain'];

  constructor(options: Readonly<VerifyExportOptions>) {
    this.#options = options;
    this.#namespace = options.chaincode ?? 'medrec';
  }

  async run(reader: ExportReader): Promise<VerificationReport> {
    const manifest = await this.#findManifest(reader);
    if (!manifest) return this.#result(0, undefined, false);
    const height = this.#ledgerHeight(manifest);
    const trust = this.#options.trust;
    const signerProblems =
      trust.kind === 'genesis'
        ? await this.#verifyChainAndSigner(manifest, trust, height)
        : await ledgerSignerProblems(manifest, trust);
    for (const message of signerProblems) this.#report({ kind: 'signature', message });
    const count = await this.#checkEntries(reader.items(), manifest);
    let complete = false;
    if (!manifest.complete) {
      this.#warnings.push(
        `INCOMPLETE: the exporter stopped before the end (the manifest says complete: false); the ${count} events ` +
          'it holds are verified, but events its filters select may be missing: do not rely on it as the whole trail',
      );
    } else if (height !== undefined) {
      if (trust.kind === 'genesis') this.#reportMissingOffline();
      else await this.#checkCompleteOnline(manifest, trust, height);
      complete = true;
    }
    return this.#result(count, manifest, complete);
  }

  #result(eventCount: number, manifest: SignedManifest | undefined, complete: boolean): VerificationReport {
    return {
      valid: this.#discrepancies.length === 0,
      eventCount,
      manifest,
      discrepancies: this.#discrepancies,
      complete: complete && this.#discrepancies.length === 0,
      warnings: this.#warnings,
      trustedBy: this.#options.trust.kind,
      ...(this.#chain === undefined ? {} : { chain: this.#chain }),
    };
  }

  /** The manifest's ledger height; a manifest without one (format 1) cannot be checked for completeness. */
  #ledgerHeight(manifest: SignedManifest): number | undefined {
    const height = (manifest as Partial<SignedManifest>).ledgerHeight;
    if (typeof height === 'number' && Number.isSafeInteger(height) && height > 0) return height;
    this.#report({
      kind: 'malformed',
      field: 'manifest.ledgerHeight',
      message:
        'the manifest records no ledger height (an export of format 1, or altered): neither the chain nor completeness can be checked up to the moment of export; export again',
    });
    return undefined;
  }

  async #verifyChainAndSigner(
    manifest: SignedManifest,
    trust: GenesisTrust,
    height: number | undefined,
  ): Promise<string[]> {
    const wanted = participantKey(manifest.generatedBy.participantId);
    let participant: Participant | undefined;
    let chain: ChainVerification;
    try {
      chain = await verifyChain({
        genesis: trust.genesis,
        blocks: this.#options.blocks,
        height: Math.max(height ?? 0, (manifest.blockRange?.last ?? -1) + 1),
        ...(height === undefined ? {} : { timeOfBlock: height - 1 }),
        ...(trust.onProgress === undefined ? {} : { onProgress: trust.onProgress }),
        onWrite: (write) => {
          if (write.namespace !== this.#namespace || (height !== undefined && write.blockNumber >= height)) return;
          // The participant record as it stood at the export's height, and the events a complete export must hold.
          if (write.key === wanted) participant = write.isDelete ? undefined : parseParticipantRecord(write.value);
          if (height !== undefined && !write.isDelete) this.#noteLedgerEvent(write, manifest);
        },
      });
    } catch (error) {
      this.#report({
        kind: 'genesis-mismatch',
        message: `the genesis block given cannot be read (${error instanceof Error ? error.message : String(error)}); obtain the channel's block 0 from a member (\`medrec audit genesis\`) and verify again`,
      });
      return [];
    }
    this.#reportChain(chain, manifest);
    return genesisSignerProblems(manifest, chain.trust, participant);
  }

  #reportChain(chain: ChainVerification, manifest: SignedManifest): void {
    this.#chain = {
      channel: chain.channel,
      height: chain.height,
      transactions: chain.transactions,
      ...(chain.markedTime === undefined ? {} : { ledgerHeightTime: chain.markedTime }),
    };
    for (const d of chain.discrepancies) {
      this.#report({ kind: d.kind, ...(d.txId === undefined ? {} : { txId: d.txId }), message: d.message });
    }
    if (chain.channel !== manifest.channel) {
      this.#report({
        kind: 'proof-mismatch',
        field: 'manifest.channel',
        expected: chain.channel,
        found: manifest.channel,
        message: `the manifest names channel ${manifest.channel} but the genesis block is channel ${chain.channel}`,
      });
    }
  }

  /** Remembers an audit event committed before the manifest's height that the export's filters select. */
  #noteLedgerEvent(write: VerifiedWrite, manifest: SignedManifest): void {
    const txId = txIdOfAuditEventKey(write.key);
    if (txId === undefined) return;
    const event = parseEvent(write.value);
    if (event && matchesFilters(event, manifest.filters)) {
      this.#ledgerEvents.set(txId, `${event.type} at ${event.time}, block ${write.blockNumber}`);
    }
  }

  #reportMissingOffline(): void {
    for (const [txId, what] of this.#ledgerEvents) {
      if (this.#exported.has(txId)) continue;
      this.#report({
        kind: 'missing-event',
        txId,
        message: `audit event of tx ${txId} (${what}) was committed before the export's ledger height and matches its filters, but is missing from an export that claims to be complete`,
      });
    }
  }

  #report(discrepancy: Discrepancy): void {
    this.#discrepancies.push(discrepancy);
  }

  /** The signed manifest, or undefined with the reader's reason reported. */
  async #findManifest(reader: ExportReader): Promise<SignedManifest | undefined> {
    const read = await reader.manifest();
    if ('manifest' in read) return read.manifest;
    this.#report({ kind: 'malformed', message: read.missing });
    return undefined;
  }

  async #checkEntries(items: AsyncIterable<ExportItem>, manifest: SignedManifest): Promise<number> {
    const hasher = createContentHasher();
    let index = 0;
    let previous: AuditEvent | undefined;
    for await (const item of items) {
      if (item.kind === 'malformed') {
        this.#report({ kind: 'malformed', message: item.message });
        continue;
      }
      const { event } = item.entry;
      hasher.add(item.entry);
      if (item.fhir !== undefined) this.#checkFhirView(item.fhir, item.entry, index);
      if (previous && compareEvents(previous, event) >= 0) {
        this.#report({
          kind: 'out-of-order',
          eventIndex: index,
          txId: event.txId,
          expected: `after ${previous.time} (tx ${previous.txId})`,
          found: event.time,
          message: `${describe(index, event.txId)} at ${event.time} is out of order: it follows the ${describeExportedEvent(index - 1)} at ${previous.time} (tx ${previous.txId}); events must be in time order`,
        });
      }
      if (!matchesFilters(event, manifest.filters)) {
        this.#report({
          kind: 'filter-mismatch',
          eventIndex: index,
          txId: event.txId,
          message: `${describe(index, event.txId)} does not match the export's filters ${JSON.stringify(manifest.filters)}`,
        });
      }
      this.#exported.add(event.txId);
      await this.#checkAgainstLedger(item.entry, index, manifest);
      previous = event;
      index += 1;
    }
    this.#checkTotals(index, hasher.digest(), manifest);
    return index;
  }

  #checkFhirView(bundleEntry: unknown, entry: ExportEntry, index: number): void {
    for (const diff of fhirViewDifferences(bundleEntry, entry)) {
      this.#report({
        kind: 'fhir-mismatch',
        eventIndex: index,
        txId: entry.event.txId,
        field: diff.field,
        ...(diff.expected !== undefined ? { expected: diff.expected } : {}),
        ...(diff.found !== undefined ? { found: diff.found } : {}),
        message: `${describe(index, entry.event.txId)}: the AuditEvent shows ${diff.field} ${diff.found ?? '(absent)'} but its embedded entry says ${diff.expected ?? '(absent)'}: the visible FHIR fields were edited`,
      });
    }
  }

  #checkTotals(count: number, digest: string, manifest: SignedManifest): void {
    if (count !== manifest.eventCount) {
      this.#report({
        kind: 'count-mismatch',
        expected: String(manifest.eventCount),
        found: String(count),
        message: `the manifest declares ${manifest.eventCount} events but the export holds ${count}: rows were deleted or inserted`,
      });
    }
    if (digest !== manifest.contentSha256) {
      this.#report({
        kind: 'hash-mismatch',
        expected: manifest.contentSha256,
        found: digest,
        message: `content SHA-256 is ${digest} but the manifest declares ${manifest.contentSha256}: the events were altered, deleted, inserted or reordered`,
      });
    }
  }

  async #block(blockNumber: number): Promise<DecodedBlock | undefined> {
    if (this.#blocks.has(blockNumber)) return this.#blocks.get(blockNumber);
    let block: DecodedBlock | undefined;
    try {
      block = decodeBlock(await this.#options.blocks.blockBytes(blockNumber));
      if (block.number !== blockNumber) {
        throw new AuditExportError({
          code: 'AUDIT_EXPORT_MALFORMED_BLOCK',
          message: `the block source returned block ${block.number} when asked for block ${blockNumber}`,
        });
      }
    } catch (error) {
      if (!(error instanceof AuditExportError)) throw error;
      this.#report({ kind: 'block-unavailable', message: `block ${blockNumber}: ${error.message}` });
      block = undefined;
    }
    this.#blocks.set(blockNumber, block);
    if (this.#blocks.size > BLOCK_CACHE) {
      const oldest = this.#blocks.keys().next();
      if (oldest.done !== true) this.#blocks.delete(oldest.value);
    }
    return block;
  }

  async #checkAgainstLedger(entry: ExportEntry, index: number, manifest: SignedManifest): Promise<void> {
    const { event, proof } = entry;
    const at = describe(index, event.txId);
    for (const [field, expected, found] of [
      ['proof.transactionId', event.txId, proof.transactionId],
      ['eventId', event.txId, event.eventId],
      ['proof.channel', manifest.channel, proof.channel],
    ] as const) {
      if (expected !== found) {
        this.#report({
          kind: 'proof-mismatch',
          eventIndex: index,
          txId: event.txId,
          field,
          expected,
          found,
          message: `${at}: ${field} is ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`,
        });
      }
    }
    const block = await this.#block(proof.blockNumber);
    if (!block) return;
    const tx = block.transactions.find((t) => t.txId === event.txId);
    if (!tx) {
      this.#report({
        kind: 'not-on-ledger',
        eventIndex: index,
        txId: event.txId,
        message: `${at}: block ${proof.blockNumber} holds no transaction ${event.txId}; the event is not on the ledger (inserted or its proof altered)`,
      });
      return;
    }
    if (tx.validationCodeName !== 'VALID' || tx.validationCodeName !== proof.validationCode) {
      this.#report({
        kind: 'invalid-transaction',
        eventIndex: index,
        txId: event.txId,
        field: 'proof.validationCode',
        expected: tx.validationCodeName,
        found: proof.validationCode,
        message: `${at}: block ${proof.blockNumber} marks the transaction ${tx.validationCodeName} (export says ${proof.validationCode}); only VALID transactions count`,
      });
    }
    const write = tx.writes.find(
      (w) => w.namespace === this.#namespace && w.key === auditEventKey(event.txId) && !w.isDelete,
    );
    if (!write) {
      this.#report({
        kind: 'not-on-ledger',
        eventIndex: index,
        txId: event.txId,
        message: `${at}: transaction ${event.txId} in block ${proof.blockNumber} wrote no audit event in namespace ${this.#namespace}`,
      });
      return;
    }
    let ledgerEvent: unknown;
    try {
      ledgerEvent = JSON.parse(Buffer.from(write.value).toString('utf8'));
    } catch {
      this.#report({
        kind: 'malformed',
        eventIndex: index,
        txId: event.txId,
        message: `${at}: the audit event the ledger holds is not JSON`,
      });
      return;
    }
    for (const diff of fieldDifferences(ledgerEvent, event)) {
      this.#report({
        kind: 'field-mismatch',
        eventIndex: index,
        txId: event.txId,
        field: diff.field,
        ...(diff.expected !== undefined ? { expected: diff.expected } : {}),
        ...(diff.found !== undefined ? { found: diff.found } : {}),
        message: `${at}: field ${diff.field} differs: ledger has ${diff.expected ?? '(absent)'}, export has ${diff.found ?? '(absent)'}`,
      });
    }
  }

  async #checkCompleteOnline(manifest: SignedManifest, trust: LedgerTrust, height: number): Promise<void> {
    for await (const page of trust.source.pages(manifest.filters)) {
      for (const event of page) {
        if (this.#exported.has(event.txId)) continue;
        // Events committed after the export was made are not missing from it.
        const { blockNumber } = await trust.proofs.proofOf(event.txId);
        if (blockNumber >= height) continue;
        this.#report({
          kind: 'missing-event',
          txId: event.txId,
          message: `audit event of tx ${event.txId} (${event.type} at ${event.time}, block ${blockNumber}) matches the export's filters and was committed before its ledger height ${height}, but is missing from an export that claims to be complete`,
        });
      }
    }
  }
}

/** The signer checked against the channel configuration's MSPs at the export's height, never roots from the export. */
function genesisSignerProblems(
  manifest: SignedManifest,
  trust: ChannelTrust,
  participant: Participant | undefined,
): string[] {
  // Without roots: membership is decided below, from the channel configuration.
  const problems = manifestSignatureProblems(manifest, undefined);
  const certificate = manifestCertificate(manifest);
  if (certificate === undefined) return problems;
  const { mspId } = manifest.generatedBy;
  const definition = trust.msps.get(mspId);
  if (definition === undefined || !trust.applicationMsps.has(mspId)) {
    problems.push(`manifest: ${mspId} is not an organisation of the channel's configuration`);
  } else {
    const classified = classifyIdentity(certificate, definition);
    if ('problem' in classified)
      problems.push(`manifest: the signing certificate is not a member: ${classified.problem}`);
  }
  return [...problems, ...signerBindingProblems(manifest, certificate, participant)];
}

async function ledgerSignerProblems(manifest: SignedManifest, trust: LedgerTrust): Promise<string[]> {
  const problems = manifestSignatureProblems(manifest, trust.caRoots);
  const certificate = manifestCertificate(manifest);
  if (certificate === undefined) return problems;
  const participant = await trust.participants
    .getParticipant(manifest.generatedBy.participantId)
    .catch((error: unknown) => {
      if (error instanceof ChaincodeError && error.code === 'MEDREC_NOT_FOUND') return undefined;
      throw error;
    });
  return [...problems, ...signerBindingProblems(manifest, certificate, participant)];
}

function parseEvent(value: Uint8Array): AuditEvent | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value).toString('utf8')) as Partial<AuditEvent>;
    return typeof parsed.txId === 'string' && typeof parsed.time === 'string' && typeof parsed.actor === 'object'
      ? (parsed as AuditEvent)
      : undefined;
  } catch {
    return undefined;
  }
}
