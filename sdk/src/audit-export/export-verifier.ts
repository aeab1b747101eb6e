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
import { createContentHasher, manifestSignatureProblems } from './manifest';

export type DiscrepancyKind =
  | 'malformed'
  | 'field-mismatch'
  /** FHIR: a visible AuditEvent field disagrees with the {event, proof} embedded in it. */
  | 'fhir-mismatch'
  | 'not-on-ledger'
  | 'invalid-transaction'
  | 'proof-mismatch'
  | 'out-of-order'
  | 'filter-mismatch'
  | 'missing-event'
  | 'count-mismatch'
  | 'hash-mismatch'
  | 'signature'
  | 'block-unavailable';

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
}

export interface VerifyExportOptions {
  readonly blocks: BlockSource;
  /** CA root certificates (PEM) by MSP id: the manifest's signing certificate must be issued by one of its MSP's. */
  readonly caRoots: Readonly<Record<string, readonly string[]>>;
  /** Online completeness check: re-read the events of the manifest's filters from the ledger. */
  readonly source?: AuditEventSource;
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

  constructor(options: Readonly<VerifyExportOptions>) {
    this.#options = options;
    this.#namespace = options.chaincode ?? 'medrec';
  }

  async run(reader: ExportReader): Promise<VerificationReport> {
    const manifest = await this.#findManifest(reader);
    if (!manifest) return this.#result(0, undefined);
    const count = await this.#checkEntries(reader.items(), manifest);
    for (const message of manifestSignatureProblems(manifest, this.#options.caRoots)) {
      this.#report({ kind: 'signature', message });
    }
    if (manifest.complete) await this.#checkComplete(manifest);
    return this.#result(count, manifest);
  }

  #result(eventCount: number, manifest: SignedManifest | undefined): VerificationReport {
    return { valid: this.#discrepancies.length === 0, eventCount, manifest, discrepancies: this.#discrepancies };
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

  async #checkComplete(manifest: SignedManifest): Promise<void> {
    if (this.#options.source) {
      await this.#checkCompleteOnline(manifest, this.#options.source);
      return;
    }
    const available = this.#options.blocks.available();
    const range = manifest.blockRange;
    if (available === undefined && range && range.last - range.first + 1 > MAX_FETCHED_BLOCK_RANGE) {
      // The range is the exporter's claim: reading an unbounded one from the peer would let any export tie the
      // verifier (and the API serving it) up for as long as the claim is large.
      this.#report({
        kind: 'block-unavailable',
        message: `the export claims blocks ${range.first}-${range.last}, more than the ${MAX_FETCHED_BLOCK_RANGE} this verifier reads from a peer; completeness was not checked: verify offline with the export's block bundle`,
      });
      return;
    }
    const blockNumbers = available ?? (range ? numbersBetween(range.first, range.last) : []);
    if (range && available) {
      const have = new Set(available);
      for (const n of numbersBetween(range.first, range.last)) {
        if (!have.has(n)) {
          this.#report({
            kind: 'block-unavailable',
            message: `block ${n} of the export's range ${range.first}-${range.last} is not in the bundle, so completeness cannot be checked there; export a bundle of the whole range`,
          });
        }
      }
    }
    for (const n of blockNumbers) {
      const block = await this.#block(n);
      if (block) this.#checkBlockCovered(block, manifest);
    }
  }

  #checkBlockCovered(block: DecodedBlock, manifest: SignedManifest): void {
    for (const tx of block.transactions) {
      if (tx.validationCodeName !== 'VALID') continue;
      for (const write of tx.writes) {
        if (write.namespace !== this.#namespace || write.isDelete) continue;
        const txId = txIdOfAuditEventKey(write.key);
        if (txId === undefined || this.#exported.has(txId)) continue;
        const event = parseEvent(write.value);
        if (event && matchesFilters(event, manifest.filters)) {
          this.#report({
            kind: 'missing-event',
            txId,
            message: `audit event of tx ${txId} (${event.type} at ${event.time}, block ${block.number}) matches the export's filters but is missing from an export that claims to be complete`,
          });
        }
      }
    }
  }

  async #checkCompleteOnline(manifest: SignedManifest, source: AuditEventSource): Promise<void> {
    for await (const page of source.pages(manifest.filters)) {
      for (const event of page) {
        if (!this.#exported.has(event.txId)) {
          this.#report({
            kind: 'missing-event',
            txId: event.txId,
            message: `audit event of tx ${event.txId} (${event.type} at ${event.time}) matches the export's filters on the ledger but is missing from an export that claims to be complete`,
          });
        }
      }
    }
  }
}

/** Most blocks a completeness check fetches from a peer for one export (a bundle brings its own blocks). */
export const MAX_FETCHED_BLOCK_RANGE = 10_000;

function numbersBetween(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
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
