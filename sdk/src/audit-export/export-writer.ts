import { canonicalJson } from '../fhir/content-hash';
import type { AuditEventSource } from './audit-event-source';
import { csvHeader, entryToCsvRow } from './csv-entry';
import type { ExportSink } from './export-sink';
import type { ExportEntry, ExportFilters, ExportManifest, SignedManifest } from './export-types';
import type { Organisation, Ticket } from '../chaincode-types';
import { toFhirBundleEntry, type FhirEventDetails } from './fhir-audit-event';
import type { LedgerProofSource } from './ledger-proof-source';
import { createContentHasher, signManifest, type ManifestSigner } from './manifest';

/**
 * - `json`: JSON Lines, lossless: one `{"event", "proof"}` per line in time order, then one `{"manifest"}` line.
 * - `csv`: RFC 4180, one row per event (columns {@link CSV_COLUMNS}); the manifest is returned for a sidecar file.
 * - `fhir`: a FHIR R4 Bundle (collection) of BALP AuditEvents; the signed manifest is in `Bundle.signature.data`.
 */
export type ExportFormat = 'json' | 'csv' | 'fhir';

export interface AuditExportOptions {
  readonly source: AuditEventSource;
  readonly proofs: LedgerProofSource;
  /** The channel's height now; read before the first event so that the export is complete up to it. */
  readonly ledgerHeight: () => Promise<number>;
  readonly filters: ExportFilters;
  readonly format: ExportFormat;
  readonly sink: ExportSink;
  readonly signer: ManifestSigner;
  readonly generatedBy: { readonly participantId: string; readonly mspId: string };
  readonly channel: string;
  /** Stop after this many events (the manifest then says `complete: false`). */
  readonly maxEvents?: number;
  readonly onProgress?: (exported: number) => void;
  readonly now?: () => Date;
  /**
   * Format `fhir`: the ledger reads that complete an AuditEvent (a MedrecClient has both): the ticket of an access
   * decision or disclosure (purpose, consent, requester, custodian) and organisation records (gatekeeper address).
   */
  readonly fhirDetails?: FhirDetailLookups;
}

export interface FhirDetailLookups {
  getTicket(ticketId: string): Promise<Ticket>;
  getOrganisation(mspId: string): Promise<Organisation>;
}

interface Encoder {
  start(): string;
  entry(entry: Readonly<ExportEntry>, index: number, details: FhirEventDetails): string;
  end(manifest: Readonly<SignedManifest>): string;
}

const ENCODERS: Readonly<Record<ExportFormat, Encoder>> = {
  json: {
    start: () => '',
    entry: (entry) => `${canonicalJson({ event: entry.event, proof: entry.proof })}\n`,
    end: (manifest) => `${canonicalJson({ manifest })}\n`,
  },
  csv: { start: () => csvHeader(), entry: (entry) => entryToCsvRow(entry), end: () => '' },
  fhir: {
    start: () => '{"resourceType":"Bundle","type":"collection"',
    // FHIR JSON forbids empty arrays: the "entry" array is opened by the first entry and closed at the end only then.
    entry: (entry, index, details) =>
      `${index === 0 ? ',"entry":[\n' : ',\n'}${JSON.stringify(toFhirBundleEntry(entry, details))}`,
    end: (manifest) =>
      `${manifest.eventCount === 0 ? '' : '\n]'},"timestamp":${JSON.stringify(manifest.generatedAt)},` +
      `"signature":${JSON.stringify(fhirSignature(manifest))}}\n`,
  },
};

function fhirSignature(manifest: Readonly<SignedManifest>): object {
  return {
    type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.5', display: 'Verification Signature' }],
    when: manifest.generatedAt,
    who: { identifier: { system: 'urn:medrec:participant', value: manifest.generatedBy.participantId } },
    sigFormat: 'application/json',
    data: Buffer.from(canonicalJson(manifest), 'utf8').toString('base64'),
  };
}

/**
 * Streams the events the filters select, page by page (one page in memory), each with its ledger proof, then the
 * signed manifest. Returns the signed manifest.
 */
export async function writeAuditExport(options: Readonly<AuditExportOptions>): Promise<SignedManifest> {
  const encoder = ENCODERS[options.format];
  const hasher = createContentHasher();
  const limit = options.maxEvents ?? Number.POSITIVE_INFINITY;
  let count = 0;
  let complete = true;
  let blockRange: ExportManifest['blockRange'] = null;
  const organisations = new Map<string, Organisation | undefined>();
  const ledgerHeight = await options.ledgerHeight();
  await options.sink.write(encoder.start());
  pages: for await (const page of options.source.pages(options.filters)) {
    for (const event of page) {
      if (count >= limit) {
        complete = false;
        break pages;
      }
      const entry: ExportEntry = { event, proof: await options.proofs.proofOf(event.txId) };
      hasher.add(entry);
      const details = options.format === 'fhir' ? await detailsOf(event, options.fhirDetails, organisations) : {};
      await options.sink.write(encoder.entry(entry, count, details));
      const n = entry.proof.blockNumber;
      blockRange = blockRange
        ? { first: Math.min(blockRange.first, n), last: Math.max(blockRange.last, n) }
        : { first: n, last: n };
      count += 1;
    }
    options.onProgress?.(count);
  }
  const manifest = await signManifest(
    {
      format: 'medrec-audit-export/2',
      filters: options.filters,
      generatedAt: (options.now?.() ?? new Date()).toISOString(),
      generatedBy: { ...options.generatedBy, certificatePem: options.signer.certificatePem },
      channel: options.channel,
      eventCount: count,
      complete,
      ledgerHeight,
      blockRange,
      contentSha256: hasher.digest(),
    },
    options.signer,
  );
  await options.sink.write(encoder.end(manifest));
  return manifest;
}

/**
 * The ticket and organisations of one event, as far as the exporter may read them. A ticket or organisation the
 * exporter may not read (another organisation's) leaves the AuditEvent with less, never wrong: the audit event itself
 * is the evidence, and the AuditEvent then claims no BALP profile whose required parts it lacks.
 */
async function detailsOf(
  event: Readonly<ExportEntry['event']>,
  lookups: FhirDetailLookups | undefined,
  organisations: Map<string, Organisation | undefined>,
): Promise<FhirEventDetails> {
  if (lookups === undefined) return {};
  const ticket =
    event.subject.kind === 'ticket' ? await lookups.getTicket(event.subject.id).catch(() => undefined) : undefined;
  const involved = [event.actor.mspId, ...(ticket === undefined ? [] : [ticket.custodianMsp, ticket.requester.mspId])];
  for (const mspId of involved) {
    if (!organisations.has(mspId)) {
      organisations.set(mspId, await lookups.getOrganisation(mspId).catch(() => undefined));
    }
  }
  const known = new Map<string, Organisation>();
  for (const [mspId, organisation] of organisations) if (organisation !== undefined) known.set(mspId, organisation);
  return { ...(ticket === undefined ? {} : { ticket }), organisations: known };
}
