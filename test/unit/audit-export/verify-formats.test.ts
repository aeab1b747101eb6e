import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Bundle, BundleEntry, AuditEvent as FhirAuditEvent } from '@medplum/fhirtypes';
import { AuditExportError } from '../../../sdk/src/audit-export/audit-export-errors';
import { createMemoryBlockSource } from '../../../sdk/src/audit-export/block-source';
import { csvRow, decodeCsvCell, neutraliseCell } from '../../../sdk/src/audit-export/csv';
import { CSV_COLUMNS, csvRecordToEntry, entryToCsvRow } from '../../../sdk/src/audit-export/csv-entry';
import { MAX_FHIR_EXPORT_BYTES, detectExportFormat, openExportText } from '../../../sdk/src/audit-export/export-reader';
import type { ExportEntry, SignedManifest } from '../../../sdk/src/audit-export/export-types';
import {
  verifyExport,
  verifyExportText,
  type Discrepancy,
  type VerificationReport,
} from '../../../sdk/src/audit-export/export-verifier';
import type { FhirDetailLookups } from '../../../sdk/src/audit-export/export-writer';
import { MEDREC_SYSTEMS, toFhirBundleEntry } from '../../../sdk/src/audit-export/fhir-audit-event';
import type { Organisation, Ticket } from '../../../sdk/src/chaincode-types';
import { canonicalJson } from '../../../sdk/src/fhir/content-hash';
import { ledgerTrust, runExport } from './support/export-fixture';
import { createFakeLedger, makeEvents, type FakeLedger } from './support/fake-ledger';

const kinds = (ds: readonly Discrepancy[]): string[] => [...new Set(ds.map((d) => d.kind))].sort();
const filters = { patientId: 'pat-1' };

/** The decoded cells of an entry's CSV row. */
function cellsOf(entry: ExportEntry): string[] {
  const records: string[][] = parse(entryToCsvRow(entry));
  return records[0]!.map(decodeCsvCell);
}

/** The entry of decoded cells. */
const entryOfCells = (cells: readonly string[]): ExportEntry => csvRecordToEntry(cells.map(neutraliseCell));

/** A fake event the ledger never wrote, between two real ones. */
function fakeEntry(template: ExportEntry): ExportEntry {
  const fakeTx = 'f'.repeat(64);
  return {
    event: { ...template.event, eventId: fakeTx, txId: fakeTx, time: '2030-01-01T00:00:01.500Z' },
    proof: { ...template.proof, transactionId: fakeTx },
  };
}

describe('audit export: verifying CSV exports (rows plus the sidecar manifest)', function () {
  let ledger: FakeLedger;
  let header: string;
  let rows: string[][];
  let manifestText: string;
  // null: no manifest given.
  const verify = (csv: string, manifest: string | null = manifestText): Promise<VerificationReport> =>
    verifyExportText(
      csv,
      { blocks: createMemoryBlockSource(ledger.blocks), trust: ledgerTrust(ledger) },
      manifest === null ? {} : { manifestText: manifest },
    );
  const csvOf = (records: readonly (readonly string[])[]): string => header + records.map((r) => csvRow(r)).join('');

  beforeEach(async function () {
    ledger = createFakeLedger(makeEvents(15));
    const { text, manifest } = await runExport(ledger, filters, 'csv');
    // As the CLI writes the sidecar.
    manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    const records: string[][] = parse(text);
    header = csvRow(records[0]!);
    // Cells decoded, so that csvRow re-neutralises them exactly as the writer did.
    rows = records.slice(1).map((r) => r.map(decodeCsvCell));
    expect(csvOf(rows)).to.equal(text);
  });

  it('accepts an untouched CSV export with its manifest, the format detected from the header', async function () {
    const report = await verify(csvOf(rows));
    expect(report.discrepancies).to.deep.equal([]);
    expect([report.valid, report.eventCount]).to.deep.equal([true, rows.length]);
  });

  it('detects a changed cell as a field differing from the ledger', async function () {
    rows[2]![CSV_COLUMNS.indexOf('actorRole')] = 'compliance';
    const report = await verify(csvOf(rows));
    expect(kinds(report.discrepancies)).to.deep.equal(['field-mismatch', 'hash-mismatch']);
    expect(report.discrepancies.find((d) => d.kind === 'field-mismatch')).to.include({
      eventIndex: 2,
      field: 'actor.role',
      expected: '"clinician"',
      found: '"compliance"',
    });
  });

  it('detects a deleted row, naming the missing event from the blocks', async function () {
    const [removed] = rows.splice(4, 1);
    const report = await verify(csvOf(rows));
    expect(kinds(report.discrepancies)).to.deep.equal(['count-mismatch', 'hash-mismatch', 'missing-event']);
    expect(report.discrepancies.find((d) => d.kind === 'missing-event')?.txId).to.equal(removed![1]);
  });

  it('detects an inserted row no transaction wrote', async function () {
    rows.splice(2, 0, cellsOf(fakeEntry(entryOfCells(rows[1]!))));
    const report = await verify(csvOf(rows));
    expect(kinds(report.discrepancies)).to.deep.equal(['count-mismatch', 'hash-mismatch', 'not-on-ledger']);
    expect(report.discrepancies.find((d) => d.kind === 'not-on-ledger')).to.include({ eventIndex: 2 });
  });

  it('detects a reordered pair of rows', async function () {
    [rows[3], rows[4]] = [rows[4]!, rows[3]!];
    const report = await verify(csvOf(rows));
    expect(kinds(report.discrepancies)).to.deep.equal(['hash-mismatch', 'out-of-order']);
  });

  it('refuses a CSV export without its manifest, and detects an altered manifest', async function () {
    const missing = await verify(csvOf(rows), null);
    expect(kinds(missing.discrepancies)).to.deep.equal(['malformed']);
    expect(missing.discrepancies[0]?.message).to.contain('manifest.json');
    const altered = JSON.parse(manifestText) as SignedManifest;
    const report = await verify(csvOf(rows), JSON.stringify({ ...altered, eventCount: altered.eventCount + 1 }));
    expect(kinds(report.discrepancies)).to.deep.equal(['count-mismatch', 'signature']);
  });

  it('reports a row with the wrong number of cells, and text that is not RFC 4180, as malformed', async function () {
    rows[1] = rows[1]!.slice(0, 5);
    const short = await verify(csvOf(rows));
    expect(short.discrepancies.find((d) => d.kind === 'malformed')?.message).to.contain('CSV record 3');
    const broken = await verify(`${csvOf(rows)}"unterminated,quote\r\n`);
    expect(broken.discrepancies.some((d) => d.kind === 'malformed' && d.message.includes('not RFC 4180'))).to.equal(
      true,
    );
  });

  it('verifies from files: the CSV export and its sidecar manifest', async function () {
    const dir = mkdtempSync(path.join(tmpdir(), 'medrec-csv-'));
    try {
      const file = path.join(dir, 'export.csv');
      writeFileSync(file, csvOf(rows));
      writeFileSync(`${file}.manifest.json`, manifestText);
      const options = { blocks: createMemoryBlockSource(ledger.blocks), trust: ledgerTrust(ledger) };
      const report = await verifyExport(file, options, { manifestFile: `${file}.manifest.json` });
      expect(report.discrepancies).to.deep.equal([]);
      // The format given explicitly reads the same.
      const again = await verifyExport(file, options, { format: 'csv', manifestFile: `${file}.manifest.json` });
      expect(again.valid).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('audit export: verifying FHIR exports (embedded entries, visible fields, Bundle.signature)', function () {
  this.timeout(30_000);
  let ledger: FakeLedger;
  let bundle: Bundle<FhirAuditEvent>;
  const verify = (fhir: unknown): Promise<VerificationReport> =>
    verifyExportText(typeof fhir === 'string' ? fhir : JSON.stringify(fhir), {
      blocks: createMemoryBlockSource(ledger.blocks),
      trust: ledgerTrust(ledger),
    });
  const entries = (): BundleEntry<FhirAuditEvent>[] => bundle.entry!;
  const embedded = (e: BundleEntry<FhirAuditEvent>): ExportEntry =>
    JSON.parse(e.resource!.extension!.find((x) => x.url === MEDREC_SYSTEMS.exportEntry)!.valueString!) as ExportEntry;

  // Ledger reads beyond the event (tickets, gatekeeper addresses) shape agents and entities the verifier cannot
  // derive from the entry: an honest export written with them must still verify.
  const details: FhirDetailLookups = {
    getTicket: (ticketId) =>
      Promise.resolve({
        ticketId,
        consentId: 'consent-1',
        recordId: 'rec-1',
        custodianMsp: 'Hospital1MSP',
        purpose: 'TREAT',
        requester: { participantId: 'clin-b', mspId: 'Hospital2MSP', role: 'clinician' },
      } as unknown as Ticket),
    getOrganisation: (mspId) =>
      Promise.resolve({ mspId, gatekeeperUrl: `https://gk.${mspId}.example` } as Organisation),
  };

  beforeEach(async function () {
    ledger = createFakeLedger(makeEvents(15));
    bundle = JSON.parse((await runExport(ledger, filters, 'fhir', { fhirDetails: details })).text) as typeof bundle;
  });

  it('accepts an untouched FHIR export, detected as FHIR, written with ticket and organisation details', async function () {
    const report = await verify(bundle);
    expect(report.discrepancies).to.deep.equal([]);
    expect([report.valid, report.eventCount]).to.deep.equal([true, entries().length]);
    // A disclosure's AuditEvent does carry the details (a record entity, the ticket's requester).
    const disclosure = entries().find((e) => embedded(e).event.type === 'DisclosureConfirmed')!;
    expect(disclosure.resource!.agent.some((a) => a.who?.identifier?.value === 'clin-b')).to.equal(true);
    // Pretty-printed, as a FHIR tool may save it, it still reads and verifies.
    expect((await verify(JSON.stringify(bundle, null, 2))).valid).to.equal(true);
  });

  it('detects a changed embedded entry: the ledger disagrees, and so does the visible AuditEvent', async function () {
    const target = entries()[2]!;
    const entry = embedded(target);
    const changed = { ...entry, event: { ...entry.event, actor: { ...entry.event.actor, role: 'compliance' } } };
    target.resource!.extension!.find((x) => x.url === MEDREC_SYSTEMS.exportEntry)!.valueString = canonicalJson(changed);
    const report = await verify(bundle);
    expect(kinds(report.discrepancies)).to.deep.equal(['fhir-mismatch', 'field-mismatch', 'hash-mismatch']);
    expect(report.discrepancies.find((d) => d.kind === 'field-mismatch')).to.include({
      eventIndex: 2,
      field: 'actor.role',
    });
  });

  it('detects an edit to a visible field only (recorded, outcome, patient): the signed content still holds', async function () {
    const [a, b, c] = [entries()[0]!, entries()[1]!, entries()[3]!];
    a.resource!.recorded = '2029-12-31T23:59:59.000Z';
    b.resource!.outcome = '8';
    c.resource!.entity!.find((e) => e.role?.code === '1')!.what!.reference = 'Patient/pat-2';
    const report = await verify(bundle);
    expect(kinds(report.discrepancies)).to.deep.equal(['fhir-mismatch']);
    expect(report.discrepancies.map((d) => [d.eventIndex, d.field])).to.deep.equal([
      [0, 'AuditEvent.recorded'],
      [1, 'AuditEvent.outcome'],
      [3, 'AuditEvent.entity[patient].what.reference'],
    ]);
    expect(report.discrepancies[0]).to.include({ expected: '"2030-01-01T00:00:00.000Z"' });
    expect(report.discrepancies[0]?.message).to.contain('visible FHIR fields were edited');
  });

  it('detects a deleted entry, naming the missing event from the blocks', async function () {
    const [removed] = entries().splice(4, 1);
    const report = await verify(bundle);
    expect(kinds(report.discrepancies)).to.deep.equal(['count-mismatch', 'hash-mismatch', 'missing-event']);
    expect(report.discrepancies.find((d) => d.kind === 'missing-event')?.txId).to.equal(embedded(removed!).event.txId);
  });

  it('detects an inserted entry no transaction wrote, even when its visible fields agree with it', async function () {
    entries().splice(2, 0, toFhirBundleEntry(fakeEntry(embedded(entries()[1]!))));
    const report = await verify(bundle);
    expect(kinds(report.discrepancies)).to.deep.equal(['count-mismatch', 'hash-mismatch', 'not-on-ledger']);
  });

  it('detects a reordered pair of entries', async function () {
    const list = entries();
    [list[3], list[4]] = [list[4]!, list[3]!];
    const report = await verify(bundle);
    expect(kinds(report.discrepancies)).to.deep.equal(['hash-mismatch', 'out-of-order']);
  });

  it('refuses a Bundle without its signature, and detects an altered signed manifest', async function () {
    const unsigned = { ...bundle, signature: undefined };
    const missing = await verify(unsigned);
    expect(kinds(missing.discrepancies)).to.deep.equal(['malformed']);
    expect(missing.discrepancies[0]?.message).to.contain('Bundle.signature.data');
    const manifest = JSON.parse(Buffer.from(bundle.signature!.data!, 'base64').toString('utf8')) as SignedManifest;
    const altered = { ...manifest, filters: { patientId: 'pat-1', eventTypes: ['AccessDecided'] } };
    bundle.signature!.data = Buffer.from(canonicalJson(altered), 'utf8').toString('base64');
    const report = await verify(bundle);
    expect(kinds(report.discrepancies)).to.include('signature');
  });

  it('reports an AuditEvent without its embedded entry as malformed, by its entry number', async function () {
    entries()[1]!.resource!.extension = entries()[1]!.resource!.extension!.filter(
      (x) => x.url !== MEDREC_SYSTEMS.exportEntry,
    );
    const report = await verify(bundle);
    expect(report.discrepancies.find((d) => d.kind === 'malformed')?.message).to.contain('Bundle entry 2');
  });

  it(`refuses a FHIR export larger than ${MAX_FHIR_EXPORT_BYTES} bytes with a clear error`, async function () {
    const huge = `{"resourceType":"Bundle",${' '.repeat(MAX_FHIR_EXPORT_BYTES)}}`;
    const error = await verify(huge).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(AuditExportError);
    expect((error as AuditExportError).code).to.equal('AUDIT_EXPORT_UNSUPPORTED_INPUT');
    expect((error as AuditExportError).message).to.contain('json or csv');
  });
});

describe('audit export: format detection', function () {
  it('tells JSON Lines, CSV and FHIR (minified or pretty-printed) apart from their beginning', async function () {
    this.timeout(30_000);
    const ledger = createFakeLedger(makeEvents(6));
    const json = (await runExport(ledger, filters, 'json')).text;
    const csv = (await runExport(ledger, filters, 'csv')).text;
    const fhir = (await runExport(ledger, filters, 'fhir')).text;
    const emptyFhir = (await runExport(ledger, { patientId: 'nobody' }, 'fhir')).text;
    expect(detectExportFormat(json)).to.equal('json');
    expect(detectExportFormat(csv)).to.equal('csv');
    expect(detectExportFormat(fhir)).to.equal('fhir');
    expect(detectExportFormat(emptyFhir)).to.equal('fhir');
    expect(detectExportFormat(JSON.stringify(JSON.parse(fhir)))).to.equal('fhir');
    expect(detectExportFormat(JSON.stringify(JSON.parse(fhir), null, 2))).to.equal('fhir');
    expect(detectExportFormat(`\uFEFF${csv}`)).to.equal('csv');
    expect(openExportText(fhir).format).to.equal('fhir');
  });

  it('refuses a separate manifest for a format that carries its own', function () {
    expect(() => openExportText('{"manifest":{}}\n', { manifestText: '{}' }))
      .to.throw(AuditExportError)
      .with.property('code', 'AUDIT_EXPORT_UNSUPPORTED_INPUT');
  });
});
