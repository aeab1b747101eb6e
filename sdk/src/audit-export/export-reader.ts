/**
 * Reads an audit export of any format (see {@link ExportFormat}) back into what the manifest signs: the signed
 * manifest and the `{event, proof}` entries in export order. The verifier checks those; this module only reads.
 *
 * - `json` and `csv` are read as streams, a line or record at a time (bounded memory, any size).
 * - `fhir` is one JSON document: it is parsed whole, so files above {@link MAX_FHIR_EXPORT_BYTES} are refused.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import type { AuditEvent } from '../chaincode-types';
import { AuditExportError } from './audit-export-errors';
import { CSV_COLUMNS, csvHeader, csvRecordToEntry } from './csv-entry';
import type { ExportFormat } from './export-writer';
import type { ExportEntry, LedgerProof, SignedManifest } from './export-types';
import { MEDREC_SYSTEMS } from './fhir-audit-event';

/** The largest FHIR export read (it is parsed whole); JSON Lines and CSV are streamed and have no bound. */
export const MAX_FHIR_EXPORT_BYTES = 64 * 1024 * 1024;

/** How much of a file {@link detectExportFormat} looks at. */
const DETECTION_BYTES = 64 * 1024;

export interface ExportFileInput {
  /** The export's format; detected from its beginning when absent (see {@link detectExportFormat}). */
  readonly format?: ExportFormat;
  /** CSV only: the file holding the signed manifest (the export command writes it to `<export>.manifest.json`). */
  readonly manifestFile?: string;
}

export interface ExportTextInput {
  /** The export's format; detected from its beginning when absent (see {@link detectExportFormat}). */
  readonly format?: ExportFormat;
  /** CSV only: the signed manifest, as JSON text (the sidecar file's content, or the decoded X-Medrec-Manifest). */
  readonly manifestText?: string;
}

/** The signed manifest, or why the export has none (a message that says what to do). */
export type ManifestRead = { readonly manifest: SignedManifest } | { readonly missing: string };

/** Where an item sits in the export, counted from 1 as editors count: a JSON line, a CSV record, a Bundle entry. */
export interface ExportPosition {
  readonly unit: 'line' | 'record' | 'entry';
  readonly number: number;
}

export type ExportItem =
  | {
      readonly kind: 'entry';
      readonly at: ExportPosition;
      readonly entry: ExportEntry;
      /** FHIR only: the Bundle entry (fullUrl, AuditEvent) the entry was embedded in, to compare its visible fields. */
      readonly fhir?: unknown;
    }
  | { readonly kind: 'malformed'; readonly at: ExportPosition; readonly message: string };

export interface ExportReader {
  readonly format: ExportFormat;
  /** The signed manifest, or why there is none (JSON Lines: reads the export to its last manifest line). */
  manifest(): Promise<ManifestRead>;
  /** The entries (and unreadable items) in export order; every call reads the export afresh. */
  items(): AsyncIterable<ExportItem>;
}

/** What an export's content offers its reader: streamed lines, streamed chunks, or the whole (FHIR). */
interface Content {
  lines(): AsyncIterable<string>;
  chunks(): AsyncIterable<string>;
  whole(): Promise<string>;
}

/**
 * The format of an export from its beginning: the CSV header row → `csv`; a first line that is a JSON object with
 * `resourceType: "Bundle"`, or a first line that is no whole JSON value in a text that starts with `{` and names
 * `"resourceType": "Bundle"` (the writer opens the Bundle on its first line) → `fhir`; anything else → `json`.
 */
export function detectExportFormat(head: string): ExportFormat {
  const text = head.startsWith('\uFEFF') ? head.slice(1) : head;
  const newline = text.indexOf('\n');
  const firstLine = (newline === -1 ? text : text.slice(0, newline)).replace(/\r$/, '');
  if (firstLine === csvHeader().replace(/\r\n$/, '')) return 'csv';
  try {
    const value = JSON.parse(firstLine) as unknown;
    return isObject(value) && value.resourceType === 'Bundle' ? 'fhir' : 'json';
  } catch {
    return /^\s*\{/.test(text) && /"resourceType"\s*:\s*"Bundle"/.test(text) ? 'fhir' : 'json';
  }
}

/** {@link detectExportFormat} over the beginning of a file. */
export async function detectExportFileFormat(file: string): Promise<ExportFormat> {
  return detectExportFormat(await fileHead(file));
}

/** A reader over an export file; CSV's manifest is read from `input.manifestFile`. */
export async function openExportFile(file: string, input: Readonly<ExportFileInput> = {}): Promise<ExportReader> {
  const format = input.format ?? (await detectExportFileFormat(file));
  rejectStrayManifest(format, input.manifestFile, '`manifestFile`');
  const content: Content = {
    lines: () => createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity }),
    chunks: () => createReadStream(file, 'utf8'),
    whole: async () => {
      const { size } = await stat(file);
      if (size > MAX_FHIR_EXPORT_BYTES) throw tooLarge(size);
      return readFile(file, 'utf8');
    },
  };
  const manifestText = async (): Promise<string | undefined> => {
    if (input.manifestFile === undefined) return undefined;
    try {
      return await readFile(input.manifestFile, 'utf8');
    } catch (error) {
      throw new AuditExportError({
        code: 'AUDIT_EXPORT_MALFORMED_FILE',
        message: `cannot read the CSV export's manifest file ${input.manifestFile} (${errorText(error)}); give the sidecar <export>.manifest.json the export wrote`,
        cause: error,
      });
    }
  };
  return readerOf(format, content, manifestText);
}

/** A reader over an export already in memory; CSV's manifest is `input.manifestText`. */
export function openExportText(text: string, input: Readonly<ExportTextInput> = {}): ExportReader {
  const format = input.format ?? detectExportFormat(text.slice(0, DETECTION_BYTES));
  rejectStrayManifest(format, input.manifestText, '`manifestText`');
  const content: Content = {
    // eslint-disable-next-line @typescript-eslint/require-await -- an async iterable over what is in memory
    lines: async function* () {
      yield* text.split('\n');
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- an async iterable over what is in memory
    chunks: async function* () {
      yield text;
    },
    whole: () => {
      const size = Buffer.byteLength(text, 'utf8');
      return size > MAX_FHIR_EXPORT_BYTES ? Promise.reject(tooLarge(size)) : Promise.resolve(text);
    },
  };
  return readerOf(format, content, () => Promise.resolve(input.manifestText));
}

function readerOf(
  format: ExportFormat,
  content: Content,
  manifestText: () => Promise<string | undefined>,
): ExportReader {
  switch (format) {
    case 'json':
      return jsonLinesReader(content);
    case 'csv':
      return csvReader(content, manifestText);
    case 'fhir':
      return fhirReader(content);
  }
}

/** A manifest given for JSON Lines or FHIR would be ignored (theirs is inside): refuse it rather than mislead. */
function rejectStrayManifest(format: ExportFormat, manifest: string | undefined, name: string): void {
  if (manifest !== undefined && format !== 'csv') {
    throw new AuditExportError({
      code: 'AUDIT_EXPORT_UNSUPPORTED_INPUT',
      message: `a separate manifest (${name}) is only for CSV exports; this export is ${format}, which carries its own signed manifest: leave the manifest out, or give the format if the export is CSV`,
    });
  }
}

async function fileHead(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(DETECTION_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, DETECTION_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function tooLarge(size: number): AuditExportError {
  return new AuditExportError({
    code: 'AUDIT_EXPORT_UNSUPPORTED_INPUT',
    message: `the FHIR export is ${size} bytes, more than the ${MAX_FHIR_EXPORT_BYTES} a FHIR Bundle is read whole up to; verify the same trail exported as json or csv (read as streams, any size), or export it in shorter windows (--from/--to)`,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A signed manifest as far as the verifier relies on its shape (the signature check covers the rest). */
function signedManifestOf(value: unknown): SignedManifest | undefined {
  if (!isObject(value)) return undefined;
  const shaped =
    typeof value.signature === 'string' &&
    isObject(value.generatedBy) &&
    isObject(value.filters) &&
    typeof value.eventCount === 'number' &&
    typeof value.contentSha256 === 'string';
  return shaped ? (value as unknown as SignedManifest) : undefined;
}

/** `{event, proof}` with both objects, as the JSON Lines writer wrote it; the verifier checks their fields. */
function entryOf(value: unknown): ExportEntry | undefined {
  if (!isObject(value) || !isObject(value.event) || !isObject(value.proof)) return undefined;
  return { event: value.event as unknown as AuditEvent, proof: value.proof as unknown as LedgerProof };
}

// --- JSON Lines ---------------------------------------------------------------------------------------------------

type JsonLine = { readonly entry: ExportEntry } | { readonly manifest: SignedManifest } | undefined;

function parseJsonLine(text: string): JsonLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (isObject(value) && value.manifest !== undefined) {
    const manifest = signedManifestOf(value.manifest);
    return manifest === undefined ? undefined : { manifest };
  }
  const entry = entryOf(value);
  return entry === undefined ? undefined : { entry };
}

function jsonLinesReader(content: Content): ExportReader {
  return {
    format: 'json',
    async manifest() {
      let manifest: SignedManifest | undefined;
      for await (const text of content.lines()) {
        if (text.trim() === '') continue;
        const line = parseJsonLine(text);
        if (line && 'manifest' in line) manifest = line.manifest;
      }
      return manifest === undefined
        ? {
            missing:
              'the export has no manifest line; it is truncated or not a MedRec JSON Lines export (a CSV or FHIR ' +
              'export: give its format)',
          }
        : { manifest };
    },
    async *items() {
      let number = 0;
      for await (const text of content.lines()) {
        number += 1;
        if (text.trim() === '') continue;
        const line = parseJsonLine(text);
        const at = { unit: 'line', number } as const;
        if (!line) {
          yield {
            kind: 'malformed',
            at,
            message: `line ${number} (counted from 1) is neither an {event, proof} entry nor the manifest`,
          };
        } else if ('entry' in line) {
          yield { kind: 'entry', at, entry: line.entry };
        }
      }
    },
  };
}

// --- CSV ----------------------------------------------------------------------------------------------------------

function csvReader(content: Content, manifestText: () => Promise<string | undefined>): ExportReader {
  return {
    format: 'csv',
    async manifest() {
      const text = await manifestText();
      if (text === undefined) {
        return {
          missing:
            'a CSV export carries its signed manifest separately, and none was given: give the sidecar ' +
            '<export>.manifest.json that `medrec audit export` wrote (or the X-Medrec-Manifest trailer of the API ' +
            'download, base64-decoded)',
        };
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        return {
          missing: `the CSV export's manifest is not JSON (${errorText(error)}); give the sidecar file as written`,
        };
      }
      // The sidecar is the manifest itself; a `{"manifest": ...}` wrapper (a JSON Lines manifest line) is accepted too.
      const manifest = signedManifestOf(isObject(value) && isObject(value.manifest) ? value.manifest : value);
      return manifest === undefined
        ? { missing: "the CSV export's manifest is not a signed MedRec manifest; give the sidecar file as written" }
        : { manifest };
    },
    async *items() {
      // relax_column_count: a row with too few or too many cells is one malformed item, not the end of the file.
      const parser = Readable.from(content.chunks()).pipe(
        parseCsv({ relax_column_count: true, info: true, skip_empty_lines: true }),
      );
      let number = 0;
      try {
        for await (const parsed of parser as AsyncIterable<{ record: string[] }>) {
          number += 1;
          const at = { unit: 'record', number } as const;
          if (number === 1) {
            if (parsed.record.join(',') !== CSV_COLUMNS.join(',')) {
              yield {
                kind: 'malformed',
                at,
                message: `the first CSV record is not the MedRec header (${CSV_COLUMNS.join(',')}); this is not a MedRec CSV export`,
              };
              return;
            }
            continue;
          }
          try {
            yield { kind: 'entry', at, entry: csvRecordToEntry(parsed.record) };
          } catch (error) {
            yield { kind: 'malformed', at, message: `CSV record ${number} (counted from 1): ${errorText(error)}` };
          }
        }
      } catch (error) {
        yield {
          kind: 'malformed',
          at: { unit: 'record', number: number + 1 },
          message: `the CSV is not RFC 4180 after record ${number} (counted from 1), so the rest was not read: ${errorText(error)}`,
        };
      }
    },
  };
}

// --- FHIR ---------------------------------------------------------------------------------------------------------

type ParsedBundle = { readonly bundle: Record<string, unknown> } | { readonly missing: string };

function parseBundle(text: string): ParsedBundle {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      missing: `the FHIR export is not JSON (${errorText(error)}); it is truncated or not a MedRec FHIR export`,
    };
  }
  if (!isObject(value) || value.resourceType !== 'Bundle') {
    return { missing: 'the FHIR export is not a Bundle resource; give the Bundle the FHIR export wrote' };
  }
  return { bundle: value };
}

/** The signed manifest the writer put in `Bundle.signature.data` (base64 of its canonical JSON, FHIR R4 Signature). */
function bundleManifest(bundle: Record<string, unknown>): ManifestRead {
  const signature = bundle.signature;
  const data = isObject(signature) ? signature.data : undefined;
  if (typeof data !== 'string') {
    return {
      missing:
        'the FHIR Bundle has no Bundle.signature.data holding the signed manifest; it is truncated, stripped of its ' +
        'signature, or not a MedRec FHIR export',
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return { missing: 'Bundle.signature.data is not base64 of a JSON manifest; give the Bundle as it was exported' };
  }
  const manifest = signedManifestOf(value);
  return manifest === undefined
    ? { missing: 'Bundle.signature.data is not a signed MedRec manifest; give the Bundle as it was exported' }
    : { manifest };
}

/** The `{event, proof}` embedded in a Bundle entry's AuditEvent (extension {@link MEDREC_SYSTEMS.exportEntry}). */
function embeddedEntry(bundleEntry: unknown): ExportEntry | undefined {
  const resource = isObject(bundleEntry) ? bundleEntry.resource : undefined;
  if (!isObject(resource) || resource.resourceType !== 'AuditEvent' || !Array.isArray(resource.extension)) {
    return undefined;
  }
  const extension: unknown = resource.extension.find((e) => isObject(e) && e.url === MEDREC_SYSTEMS.exportEntry);
  const text = isObject(extension) ? extension.valueString : undefined;
  if (typeof text !== 'string') return undefined;
  try {
    return entryOf(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function fhirReader(content: Content): ExportReader {
  let parsed: Promise<ParsedBundle> | undefined;
  const bundle = (): Promise<ParsedBundle> => (parsed ??= content.whole().then(parseBundle));
  return {
    format: 'fhir',
    async manifest() {
      const read = await bundle();
      return 'missing' in read ? read : bundleManifest(read.bundle);
    },
    async *items() {
      const read = await bundle();
      if ('missing' in read) return;
      const entries = read.bundle.entry;
      if (entries !== undefined && !Array.isArray(entries)) {
        yield { kind: 'malformed', at: { unit: 'entry', number: 1 }, message: 'Bundle.entry is not an array' };
        return;
      }
      for (const [i, bundleEntry] of (entries ?? []).entries()) {
        const at = { unit: 'entry', number: i + 1 } as const;
        const entry = embeddedEntry(bundleEntry);
        yield entry === undefined
          ? {
              kind: 'malformed',
              at,
              message: `Bundle entry ${i + 1} (counted from 1) is not a MedRec AuditEvent carrying its exported {event, proof} (extension ${MEDREC_SYSTEMS.exportEntry})`,
            }
          : { kind: 'entry', at, entry, fhir: bundleEntry };
      }
    },
  };
}
