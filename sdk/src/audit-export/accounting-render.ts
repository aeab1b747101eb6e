import { csvRow } from './csv';
import type { AccountingReport } from './hipaa-accounting';

const PURPOSE_NAMES: Readonly<Record<string, string>> = {
  TREAT: 'treatment',
  ETREAT: 'emergency treatment',
  HPAYMT: 'payment',
  HOPERAT: 'health care operations',
  HRESCH: 'research',
  PUBHLTH: 'public health',
};

export const ACCOUNTING_CSV_COLUMNS = [
  'firstDate',
  'lastDate',
  'count',
  'recipientName',
  'recipientAddress',
  'recipientMspId',
  'description',
  'purpose',
  'exempt',
] as const;

/** The accounting as RFC 4180 CSV, spreadsheet-safe. */
export function renderAccountingCsv(report: Readonly<AccountingReport>): string {
  return [
    csvRow(ACCOUNTING_CSV_COLUMNS),
    ...report.entries.map((e) =>
      csvRow([
        e.firstDate,
        e.lastDate,
        String(e.count),
        e.recipientName,
        e.recipientAddress,
        e.recipientMspId,
        e.description,
        e.purpose,
        e.exempt ? 'yes' : 'no',
      ]),
    ),
  ].join('');
}

/** HTML text with `& < > " '` escaped (safe in element content and quoted attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The accounting as a standalone HTML document; every value from the ledger is escaped. */
export function renderAccountingHtml(report: Readonly<AccountingReport>): string {
  const rows = report.entries.map((e) => {
    const date = e.count === 1 ? e.firstDate : `${e.firstDate} – ${e.lastDate} (${e.count} disclosures)`;
    const purpose = `${PURPOSE_NAMES[e.purpose] ?? e.purpose} (${e.purpose})${e.exempt ? ' — exempt (treatment, payment or operations)' : ''}`;
    const cells = [date, e.recipientName, e.recipientAddress, e.description, purpose].map(
      (c) => `<td>${escapeHtml(c)}</td>`,
    );
    return `<tr${e.exempt ? ' class="exempt"' : ''}>${cells.join('')}</tr>`;
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Accounting of disclosures</title></head><body>',
    `<h1>Accounting of disclosures for patient ${escapeHtml(report.patientId)}</h1>`,
    `<p>45 CFR 164.528. Period ${escapeHtml(report.from)} to ${escapeHtml(report.to)}; generated ${escapeHtml(report.generatedAt)}.</p>`,
    '<table><thead><tr><th>Date</th><th>Recipient</th><th>Address</th><th>Description</th><th>Purpose</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    report.entries.length === 0 ? '<p>No disclosures in this period.</p>' : '',
    '</body></html>',
    '',
  ].join('\n');
}
