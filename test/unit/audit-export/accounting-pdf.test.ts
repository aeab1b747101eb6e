import { expect } from 'chai';
import { humanDate } from '../../../sdk/src/audit-export/accounting-dates';
import { renderAccountingPdf } from '../../../sdk/src/audit-export/accounting-pdf';
import type { AccountingEntry, AccountingReport } from '../../../sdk/src/audit-export/hipaa-accounting';
import { buildFixtureAccounting } from './support/accounting-fixture';
import { pdfPageTexts } from './support/pdf-text';

/** `report` with its entries repeated until there are `count` required ones (dates spread over the window). */
function withManyEntries(report: AccountingReport, count: number): AccountingReport {
  const entries: AccountingEntry[] = Array.from({ length: count }, (_, i) => {
    const base = report.entries[i % report.entries.length];
    if (base === undefined) throw new Error('the fixture has no required entries');
    const day = new Date(Date.UTC(2025, 0, 1 + i)).toISOString();
    return { ...base, firstDate: day, lastDate: day, ticketIds: [`t-${String(i)}`] };
  });
  return { ...report, entries };
}

/** Whitespace as pdf.js happens to split it is not the document's: compare text with spaces collapsed. */
function squash(text: string): string {
  return text.replace(/\s+/g, ' ');
}

describe('audit export: the accounting of disclosures as PDF', function () {
  this.timeout(30_000);

  it('runs a table of 120 disclosures over pages numbered "Page X of Y", with the exempt section after it', async function () {
    const report = withManyEntries(await buildFixtureAccounting(), 120);
    const pdf = await renderAccountingPdf(report);
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    const pages = (await pdfPageTexts(pdf)).map(squash);
    const n = pages.length;
    expect(n).to.be.above(1);
    pages.forEach((text, i) => {
      expect(text, `page ${String(i + 1)}`).to.contain(`Page ${String(i + 1)} of ${String(n)}`);
    });
    const all = pages.join('\n');
    expect(pages[0]).to.contain('Accounting of disclosures').and.contain('Hospital One NHS Trust');
    expect(pages[0]).to.contain('1 Example Road').and.contain('Privacy Office');
    expect(pages[0]).to.contain('pat-1').and.contain('1 June 2024 to 31 May 2030').and.contain('UTC');
    // The recipient's postal address from its ledger record, the description, human dates; never a URL.
    expect(all).to.contain('2 Sample Street').and.contain('Sampleford SA2 2BB');
    expect(all).to.contain('Immunization record').and.contain('public health (PUBHLTH)');
    expect(all).to.contain('1 January 2025').and.contain('30 April 2025');
    expect(all)
      .to.not.contain('https://')
      .and.not.match(/\d{4}-\d{2}-\d{2}T/);
    // Every one of the 120 rows is there: each has a day of its own.
    const missing = report.entries.map((e) => humanDate(e.firstDate)).filter((day) => !all.includes(day));
    expect(missing).to.deep.equal([]);
    // The exempt section comes after the last required row, with its paragraph and the summarised repeats.
    const exemptStart = all.indexOf('Exempt disclosures (45 CFR 164.528(a)(1))');
    expect(exemptStart).to.be.above(all.indexOf('30 April 2025'));
    const exempt = all.slice(exemptStart);
    expect(exempt).to.contain('164.528(a)(1)(iv)').and.contain('164.528(a)(1)(ii)').and.contain('164.528(a)(1)(i)');
    expect(exempt).to.contain('Observation: Serum iron').and.contain('4 disclosures');
    expect(exempt).to.contain('postal address not registered');
    // The table header is repeated on every page the table continues on.
    const tablePages = pages.filter((text) => text.includes('2025'));
    expect(tablePages.length).to.be.above(1);
    for (const text of tablePages) expect(text).to.contain('What was disclosed');
  });

  it('renders an empty accounting as one page that says so', async function () {
    const report = await buildFixtureAccounting({ to: '2029-01-01T00:00:00.000Z' });
    const pages = (await pdfPageTexts(await renderAccountingPdf(report))).map(squash);
    expect(pages).to.have.length(1);
    expect(pages[0]).to.contain('No disclosures that must be accounted for in this period.');
    expect(pages[0]).to.contain('None in this period.').and.contain('Page 1 of 1');
  });
});
