import { expect } from 'chai';
import type { Bundle } from '@medplum/fhirtypes';
import { createLedgerAuditEventSource } from '../../../sdk/src/audit-export/audit-event-source';
import { createMemoryBlockSource } from '../../../sdk/src/audit-export/block-source';
import { verifyExportText } from '../../../sdk/src/audit-export/export-verifier';
import { buildAccountingOfDisclosures } from '../../../sdk/src/audit-export/hipaa-accounting';
import { renderAccountingCsv, renderAccountingHtml } from '../../../sdk/src/audit-export/accounting-render';
import { structuralIssues } from '../../../sdk/src/fhir/structure-validation';
import { ledgerTrust, runExport } from './support/export-fixture';
import { createFakeLedger, makeEvents } from './support/fake-ledger';

/** Filters that select nothing of a ledger that is not empty: the empty answers must still be well formed. */
const NOTHING = [
  { name: 'a patient with no events', filters: { patientId: 'pat-9' } },
  { name: 'an actor with no events', filters: { actorId: 'nobody' } },
  { name: 'a window after every event', filters: { patientId: 'pat-1', from: '2031-01-01T00:00:00.000Z' } },
  { name: 'an event type nobody wrote', filters: { patientId: 'pat-1', eventTypes: ['ConsentRevoked'] } },
] as const;

describe('audit export: empty results are empty, not errors', function () {
  const ledger = createFakeLedger(makeEvents(12));

  it('reads an empty selection as one empty page, for every kind of filter', async function () {
    const source = createLedgerAuditEventSource(ledger);
    for (const { name, filters } of NOTHING) {
      const pages: (readonly unknown[])[] = [];
      for await (const page of source.pages(filters)) pages.push(page);
      expect(pages, name).to.deep.equal([[]]);
    }
    // The same source over a selection that has events is not empty.
    const some: unknown[] = [];
    for await (const page of source.pages({ patientId: 'pat-1' })) some.push(...page);
    expect(some).to.not.be.empty;
  });

  it('writes an empty JSON Lines export: the signed manifest alone, complete, no block range; it verifies', async function () {
    for (const { name, filters } of NOTHING) {
      const { text, manifest } = await runExport(ledger, filters, 'json');
      expect(text.trim().split('\n'), name).to.have.length(1);
      expect(manifest, name).to.include({ eventCount: 0, complete: true, blockRange: null });
      const report = await verifyExportText(text, {
        blocks: createMemoryBlockSource(ledger.blocks),
        trust: ledgerTrust(ledger),
      });
      expect(report, name).to.deep.include({ valid: true, eventCount: 0, discrepancies: [] });
    }
  });

  it('finds an event missing from an export that claims an empty selection is complete', async function () {
    const { text } = await runExport(ledger, { patientId: 'pat-9' }, 'json');
    const forged = text.replace('"patientId":"pat-9"', '"patientId":"pat-2"');
    const report = await verifyExportText(forged, {
      blocks: createMemoryBlockSource(ledger.blocks),
      trust: ledgerTrust(ledger),
    });
    expect(report.valid).to.equal(false);
    expect(report.discrepancies.map((d) => d.kind)).to.include('missing-event');
  });

  it('writes an empty CSV export as the header row alone', async function () {
    const { text, manifest } = await runExport(ledger, { actorId: 'nobody' }, 'csv');
    expect(text.split('\r\n').filter((line) => line !== '')).to.have.length(1);
    expect(manifest.eventCount).to.equal(0);
  });

  it('writes an empty FHIR export as a valid Bundle with no entry array (FHIR forbids empty arrays)', async function () {
    this.timeout(30_000);
    const { text, manifest } = await runExport(ledger, { patientId: 'pat-9' }, 'fhir');
    const bundle = JSON.parse(text) as Bundle;
    expect(Object.keys(bundle)).to.not.include('entry');
    expect(structuralIssues(bundle)).to.deep.equal([]);
    const signed = JSON.parse(Buffer.from(bundle.signature?.data ?? '', 'base64').toString('utf8')) as unknown;
    expect(signed).to.deep.equal(manifest);
    const full = JSON.parse((await runExport(ledger, { patientId: 'pat-1' }, 'fhir')).text) as Bundle;
    expect(full.entry).to.not.be.empty;
  });

  it('gives a patient with no disclosures an accounting with no entries, in CSV and HTML', async function () {
    const lookups = {
      getTicket: () => Promise.reject(new Error('no ticket should be looked up')),
      getOrganisation: () => Promise.reject(new Error('no organisation should be looked up')),
    };
    const report = await buildAccountingOfDisclosures({
      patientId: 'pat-9',
      coveredEntity: { mspId: 'Hospital1MSP', name: 'Hospital One NHS Trust' },
      source: createLedgerAuditEventSource(ledger),
      lookups,
      to: '2031-01-01T00:00:00.000Z',
    });
    expect(report).to.deep.include({ patientId: 'pat-9', entries: [], exemptEntries: [] });
    expect(
      renderAccountingCsv(report)
        .split('\r\n')
        .filter((line) => line !== ''),
    ).to.have.length(1);
    expect(renderAccountingHtml(report)).to.contain('pat-9');
  });
});
