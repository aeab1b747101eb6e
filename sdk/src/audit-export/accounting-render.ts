/** The accounting of disclosures as CSV (for spreadsheets) and as a standalone HTML document (for people). */
import { humanDateRange, humanDateTime, humanPeriod, isoSeconds } from './accounting-dates';
import { addressLines, addressText, contactText, EXEMPTIONS, NO_ADDRESS, purposeLabel } from './accounting-labels';
import { csvRow } from './csv';
import type { AccountingEntry, AccountingReport } from './hipaa-accounting';

export const ACCOUNTING_CSV_COLUMNS = [
  'firstDate',
  'lastDate',
  'count',
  'recipientName',
  'recipientAddress',
  'recipientMspId',
  'custodianMspId',
  'description',
  'purpose',
  'exempt',
  'exemption',
] as const;

/**
 * The accounting as RFC 4180 CSV, spreadsheet-safe: the required disclosures, then the exempt ones (column
 * `exempt` yes, `exemption` the paragraph). Dates are ISO 8601 UTC to the second.
 */
export function renderAccountingCsv(report: Readonly<AccountingReport>): string {
  return [
    csvRow(ACCOUNTING_CSV_COLUMNS),
    ...[...report.entries, ...report.exemptEntries].map((e) =>
      csvRow([
        isoSeconds(e.firstDate),
        isoSeconds(e.lastDate),
        String(e.count),
        e.recipientName,
        addressText(e.recipientAddress),
        e.recipientMspId,
        e.custodianMspId,
        e.description,
        e.purpose,
        e.exempt ? 'yes' : 'no',
        e.exemption ?? '',
      ]),
    ),
  ].join('');
}

/** HTML text with `& < > " '` escaped (safe in element content and quoted attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** "3 March 2026" or "3 March 2026 – 9 April 2026 (4 disclosures)": 164.528(b)(3) for repeated disclosures. */
export function entryDates(entry: Readonly<AccountingEntry>): string {
  const range = humanDateRange(entry.firstDate, entry.lastDate);
  return entry.count === 1 ? range : `${range} (${String(entry.count)} disclosures)`;
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1a1a1a;
  max-width: 64rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid #1a1a1a; padding-bottom: 0.2rem; }
.subtitle { color: #555; margin-top: 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; margin: 1rem 0; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.5rem; border-bottom: 1px solid #ccc; }
th { background: #eef1f5; }
tbody tr:nth-child(even) { background: #f8f9fb; }
.exempt h2 { border-color: #888; color: #444; }
.note { color: #555; font-size: 0.9rem; }
.address { white-space: pre-line; }
`;

function cells(values: readonly string[], tag: 'td' | 'th' = 'td'): string {
  return values.map((v) => `<${tag}>${escapeHtml(v)}</${tag}>`).join('');
}

function recipientCell(entry: Readonly<AccountingEntry>): string {
  const address = entry.recipientAddress === undefined ? NO_ADDRESS : addressLines(entry.recipientAddress).join('\n');
  return `<td><strong>${escapeHtml(entry.recipientName)}</strong><div class="address">${escapeHtml(address)}</div></td>`;
}

function table(entries: readonly AccountingEntry[], withExemption: boolean): string {
  const head = ['Date(s)', 'Recipient', 'What was disclosed', 'Purpose', ...(withExemption ? ['Exempt under'] : [])];
  const rows = entries.map((e) => {
    const exemption = e.exemption === undefined ? '' : `45 CFR ${e.exemption}: ${EXEMPTIONS[e.exemption]}`;
    return (
      `<tr>${cells([entryDates(e)])}${recipientCell(e)}` +
      `${cells([e.description, purposeLabel(e.purpose), ...(withExemption ? [exemption] : [])])}</tr>`
    );
  });
  return `<table><thead><tr>${cells(head, 'th')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The accounting as a standalone HTML document (the same content as the PDF); every ledger value is escaped. */
export function renderAccountingHtml(report: Readonly<AccountingReport>): string {
  const entity = report.coveredEntity;
  const entityLines = [
    ...(entity.postalAddress === undefined ? [NO_ADDRESS] : addressLines(entity.postalAddress)),
    contactText(entity.contact),
  ].filter((line) => line !== '');
  const facts: readonly [string, string][] = [
    ['Covered entity', [entity.name, ...entityLines].join('\n')],
    ['Patient', report.patientId],
    ['Period', humanPeriod(report.from, report.to)],
    ['Generated', humanDateTime(report.generatedAt)],
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Accounting of disclosures – ${escapeHtml(report.patientId)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    '<h1>Accounting of disclosures</h1>',
    '<p class="subtitle">Under 45 CFR 164.528 (HIPAA Privacy Rule). All dates and times are UTC.</p>',
    `<dl class="facts">${facts
      .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd class="address">${escapeHtml(v)}</dd>`)
      .join('')}</dl>`,
    '<section><h2>Disclosures</h2>',
    report.entries.length === 0
      ? '<p>No disclosures that must be accounted for in this period.</p>'
      : table(report.entries, false),
    '</section>',
    '<section class="exempt"><h2>Exempt disclosures (45 CFR 164.528(a)(1))</h2>',
    '<p class="note">Listed for completeness: the law does not require these in an accounting. Each names the ' +
      'paragraph that exempts it.</p>',
    report.exemptEntries.length === 0 ? '<p>None in this period.</p>' : table(report.exemptEntries, true),
    '</section>',
    '</body></html>',
    '',
  ].join('\n');
}
