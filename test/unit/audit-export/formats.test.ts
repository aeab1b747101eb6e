import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import type { Bundle, AuditEvent as FhirAuditEvent } from '@medplum/fhirtypes';
import { csvRecordToEntry, CSV_COLUMNS } from '../../../sdk/src/audit-export/csv-entry';
import { csvRow, decodeCsvCell, neutraliseCell } from '../../../sdk/src/audit-export/csv';
import { createContentHasher } from '../../../sdk/src/audit-export/manifest';
import type { AuditEvent } from '../../../sdk/src/chaincode-types';
import { structuralIssues } from '../../../sdk/src/fhir/structure-validation';
import { createFakeLedger, makeEvents } from './support/fake-ledger';
import { runExport } from './support/export-fixture';

describe('audit export: formats', function () {
  const events = makeEvents(12);
  // Hostile free text in a reason: formula, quotes, comma, newline.
  const hostile: AuditEvent = { ...events[5]!, reason: '=HYPERLINK("http://x","a, b")\nnext' };
  const ledgerEvents = events.map((e, i) => (i === 5 ? hostile : e));

  it('JSON Lines: lossless, one entry per line with its proof, then the manifest', async function () {
    const ledger = createFakeLedger(ledgerEvents);
    const { text, manifest } = await runExport(ledger, { patientId: 'pat-1' }, 'json');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const expected = ledgerEvents.filter((e) => e.patientId === 'pat-1');
    expect(lines.slice(0, -1).map((l) => l.event)).to.deep.equal(expected);
    expect(lines.at(-1)).to.deep.equal({ manifest });
    expect(manifest).to.include({ eventCount: expected.length, complete: true, channel: 'medrec' });
    expect(manifest.blockRange).to.deep.equal({ first: 5, last: 8 });
    expect(manifest.generatedBy.participantId).to.equal('comp-1');
    expect(manifest.signature).to.match(/^[A-Za-z0-9+/]+=*$/);
  });

  it('marks an export cut short by maxEvents as incomplete', async function () {
    const { manifest } = await runExport(createFakeLedger(ledgerEvents), { patientId: 'pat-1' }, 'json', {
      maxEvents: 3,
    });
    expect(manifest).to.include({ eventCount: 3, complete: false });
  });

  it('CSV: parses back with an RFC 4180 parser to the same entries and content hash', async function () {
    const ledger = createFakeLedger(ledgerEvents);
    const { text, manifest } = await runExport(ledger, { patientId: 'pat-1' }, 'csv');
    const records: string[][] = parse(text, { relax_column_count: false });
    expect(records[0]).to.deep.equal([...CSV_COLUMNS]);
    const entries = records.slice(1).map(csvRecordToEntry);
    expect(entries.map((e) => e.event)).to.deep.equal(ledgerEvents.filter((e) => e.patientId === 'pat-1'));
    const hasher = createContentHasher();
    for (const entry of entries) hasher.add(entry);
    expect(hasher.digest()).to.equal(manifest.contentSha256);
    const hostileRow = records.find((r) => r[1] === hostile.txId)!;
    expect(hostileRow[11]).to.equal(`'${hostile.reason!}`);
  });

  it('CSV cells: neutralises =, +, -, @, tab, CR (and a leading quote), quotes per RFC 4180', function () {
    for (const start of ['=', '+', '-', '@', '\t', '\r', "'"]) {
      expect(neutraliseCell(`${start}1`)).to.equal(`'${start}1`);
      expect(decodeCsvCell(neutraliseCell(`${start}1`))).to.equal(`${start}1`);
    }
    expect(neutraliseCell('a=1')).to.equal('a=1');
    expect(csvRow(['a,b', 'say "hi"', 'x\ny', 'plain'])).to.equal('"a,b","say ""hi""","x\ny",plain\r\n');
  });

  it('FHIR: a collection Bundle of BALP AuditEvents that validates against the R4 definitions', async function () {
    this.timeout(30_000);
    const ledger = createFakeLedger(ledgerEvents);
    const { text, manifest } = await runExport(ledger, { patientId: 'pat-1' }, 'fhir');
    const bundle = JSON.parse(text) as Bundle<FhirAuditEvent>;
    expect(structuralIssues(bundle)).to.deep.equal([]);
    expect(bundle.type).to.equal('collection');
    const resources = (bundle.entry ?? []).map((e) => e.resource!);
    expect(resources).to.have.length(manifest.eventCount);
    const disclosure = resources.find((r) => r.subtype?.some((c) => c.code === 'DisclosureConfirmed'))!;
    expect([disclosure.type.code, disclosure.action]).to.deep.equal(['110106', 'R']);
    // Every entry has a fullUrl derived from the event, so re-exports are byte-identical.
    expect((bundle.entry ?? []).every((e) => e.fullUrl?.startsWith('urn:uuid:'))).to.equal(true);
    const proof = disclosure.extension?.find((e) => e.url === 'urn:medrec:fhir:ledger-proof');
    expect(proof?.extension?.map((e) => e.url)).to.deep.equal([
      'transactionId',
      'channel',
      'blockNumber',
      'validationCode',
    ]);
    expect(proof?.extension?.[0]?.valueString).to.equal(disclosure.id);
    // The manifest's ECDSA signature is randomised; the entries are byte-identical.
    const again = JSON.parse((await runExport(ledger, { patientId: 'pat-1' }, 'fhir')).text) as Bundle;
    expect(JSON.stringify(again.entry)).to.equal(JSON.stringify(bundle.entry));
    expect(resources.find((r) => r.id === hostile.txId)?.outcomeDesc).to.equal(hostile.reason);
    const signed = JSON.parse(Buffer.from(bundle.signature!.data!, 'base64').toString('utf8')) as unknown;
    expect(signed).to.deep.equal(manifest);
  });
});
