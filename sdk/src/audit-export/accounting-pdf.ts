/**
 * The accounting of disclosures as a PDF a patient can be handed: title, the covered entity, the patient and the
 * period, the disclosures the law requires in a table (repeated ones summarised with their count, 164.528(b)(3)),
 * then, clearly apart, the exempt disclosures with the paragraph that exempts each, and "Page X of Y" on every page.
 * Tables continue across pages with their header repeated. The standard Helvetica fonts need no font files and
 * render Latin-1, which is what the registrar's schema allows in names and addresses.
 */
import PDFDocument from 'pdfkit';
import { humanDateRange, humanDateTime, humanPeriod } from './accounting-dates';
import { addressLines, addressText, contactText, EXEMPTIONS, NO_ADDRESS, purposeLabel } from './accounting-labels';
import type { AccountingEntry, AccountingReport } from './hipaa-accounting';

const MARGIN = 50;
/** Room kept under the content for the page footer. */
const FOOTER_HEIGHT = 24;
const CELL_PADDING = 4;
const BODY_SIZE = 8.5;
const INK = '#1a1a1a';
const MUTED = '#555555';
const RULE = '#c8c8c8';
const HEADER_FILL = '#e8ecf2';
const STRIPE_FILL = '#f6f7f9';

interface Column {
  readonly title: string;
  readonly width: number;
  /** The cell's text: the first line is bold when `strongFirstLine` is set. */
  readonly text: (entry: Readonly<AccountingEntry>) => string;
  readonly strongFirstLine?: boolean;
}

/** The date, or first and last date; the number of disclosures on a line of its own (164.528(b)(3)). */
const DATE: Column = {
  title: 'Date(s)',
  width: 92,
  text: (e) => {
    const range = humanDateRange(e.firstDate, e.lastDate);
    return e.count === 1 ? range : `${range}\n${String(e.count)} disclosures`;
  },
};
/** Name in bold, then the address as one wrapped paragraph: five address lines per row would waste the page. */
const RECIPIENT: Column = {
  title: 'Recipient',
  width: 180,
  strongFirstLine: true,
  text: (e) => `${e.recipientName}\n${addressText(e.recipientAddress)}`,
};

/** Widths add up to the text width of a US Letter page (612 pt) within the margins: 512 pt. */
const REQUIRED_COLUMNS: readonly Column[] = [
  DATE,
  RECIPIENT,
  { title: 'What was disclosed', width: 135, text: (e) => e.description },
  { title: 'Purpose', width: 105, text: (e) => purposeLabel(e.purpose) },
];
const EXEMPT_COLUMNS: readonly Column[] = [
  { ...DATE, width: 84 },
  { ...RECIPIENT, width: 140 },
  { title: 'What was disclosed', width: 106, text: (e) => e.description },
  { title: 'Purpose', width: 80, text: (e) => purposeLabel(e.purpose) },
  {
    title: 'Exempt under',
    width: 102,
    text: (e) => (e.exemption === undefined ? '' : `${e.exemption}\n${EXEMPTIONS[e.exemption]}`),
    strongFirstLine: true,
  },
];

type Doc = PDFKit.PDFDocument;

function bottomOfContent(doc: Doc): number {
  return doc.page.height - MARGIN - FOOTER_HEIGHT;
}

/** Height of a cell's text in its column. */
function cellHeight(doc: Doc, column: Column, text: string): number {
  const width = column.width - 2 * CELL_PADDING;
  const [first = '', ...rest] = text.split('\n');
  doc.font(column.strongFirstLine === true ? 'Helvetica-Bold' : 'Helvetica').fontSize(BODY_SIZE);
  let height = doc.heightOfString(first, { width });
  if (rest.length > 0) {
    doc.font('Helvetica');
    height += doc.heightOfString(rest.join('\n'), { width });
  }
  return height + 2 * CELL_PADDING;
}

function drawCell(doc: Doc, column: Column, text: string, x: number, y: number): void {
  const width = column.width - 2 * CELL_PADDING;
  const [first = '', ...rest] = text.split('\n');
  doc
    .fillColor(INK)
    .font(column.strongFirstLine === true ? 'Helvetica-Bold' : 'Helvetica')
    .fontSize(BODY_SIZE)
    .text(first, x + CELL_PADDING, y + CELL_PADDING, { width });
  if (rest.length > 0) doc.font('Helvetica').text(rest.join('\n'), x + CELL_PADDING, doc.y, { width });
}

function drawHeaderRow(doc: Doc, columns: readonly Column[], y: number): number {
  const height = Math.max(...columns.map((c) => cellHeight(doc, { ...c, strongFirstLine: true }, c.title)));
  const width = columns.reduce((sum, c) => sum + c.width, 0);
  doc.rect(MARGIN, y, width, height).fill(HEADER_FILL);
  let x = MARGIN;
  for (const column of columns) {
    drawCell(doc, { ...column, strongFirstLine: true }, column.title, x, y);
    x += column.width;
  }
  return y + height;
}

/** Draws the rows, starting a new page (with the header row again) whenever the next row would not fit. */
function drawTable(doc: Doc, columns: readonly Column[], entries: readonly AccountingEntry[]): void {
  const width = columns.reduce((sum, c) => sum + c.width, 0);
  let y = drawHeaderRow(doc, columns, doc.y);
  entries.forEach((entry, index) => {
    const texts = columns.map((c) => c.text(entry));
    const height = Math.max(...columns.map((c, i) => cellHeight(doc, c, texts[i] ?? '')));
    if (y + height > bottomOfContent(doc)) {
      doc.addPage();
      y = drawHeaderRow(doc, columns, MARGIN);
    }
    if (index % 2 === 1) doc.rect(MARGIN, y, width, height).fill(STRIPE_FILL);
    let x = MARGIN;
    columns.forEach((column, i) => {
      drawCell(doc, column, texts[i] ?? '', x, y);
      x += column.width;
    });
    doc
      .moveTo(MARGIN, y + height)
      .lineTo(MARGIN + width, y + height)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    y += height;
  });
  doc.x = MARGIN;
  doc.y = y + 6;
}

/** A section heading with a rule under it; a new page first if the heading and a first row would not fit. */
function sectionHeading(doc: Doc, title: string): void {
  if (doc.y + 80 > bottomOfContent(doc)) doc.addPage();
  doc.moveDown(0.8);
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(13).text(title, MARGIN, doc.y);
  const y = doc.y + 2;
  doc
    .moveTo(MARGIN, y)
    .lineTo(doc.page.width - MARGIN, y)
    .lineWidth(1.2)
    .strokeColor(INK)
    .stroke();
  doc.x = MARGIN;
  doc.y = y + 6;
}

function note(doc: Doc, text: string): void {
  doc.fillColor(MUTED).font('Helvetica').fontSize(9).text(text, MARGIN, doc.y, { width: 512 });
  doc.moveDown(0.5);
}

function facts(doc: Doc, report: Readonly<AccountingReport>): void {
  const entity = report.coveredEntity;
  const entityLines = [
    ...(entity.postalAddress === undefined ? [NO_ADDRESS] : addressLines(entity.postalAddress)),
    contactText(entity.contact),
  ].filter((line) => line !== '');
  const rows: readonly [string, string, string?][] = [
    ['Covered entity', entity.name, entityLines.join('\n')],
    ['Patient', report.patientId],
    ['Period', humanPeriod(report.from, report.to)],
    ['Generated', `${humanDateTime(report.generatedAt)} UTC`],
  ];
  const labelWidth = 90;
  for (const [label, strong, rest] of rows) {
    const y = doc.y;
    doc.fillColor(MUTED).font('Helvetica-Bold').fontSize(9.5).text(label, MARGIN, y, { width: labelWidth });
    doc
      .fillColor(INK)
      .font('Helvetica-Bold')
      .text(strong, MARGIN + labelWidth, y, { width: 512 - labelWidth });
    if (rest !== undefined) doc.font('Helvetica').text(rest, MARGIN + labelWidth, doc.y, { width: 512 - labelWidth });
    doc.moveDown(0.35);
  }
}

/** "Page X of Y" and the document's subject on every page, written once the number of pages is known. */
function footers(doc: Doc, report: Readonly<AccountingReport>): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Text below the bottom margin would make pdfkit start a new page: lift the margin while writing the footer.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - 10;
    doc
      .moveTo(MARGIN, y - 6)
      .lineTo(doc.page.width - MARGIN, y - 6)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    doc
      .fillColor(MUTED)
      .font('Helvetica')
      .fontSize(8)
      .text(`Accounting of disclosures – patient ${report.patientId}`, MARGIN, y, { width: 300, lineBreak: false });
    doc.text(`Page ${String(i - range.start + 1)} of ${String(range.count)}`, doc.page.width - MARGIN - 150, y, {
      width: 150,
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottom;
  }
}

/** Renders the report as a PDF (US Letter). */
export function renderAccountingPdf(report: Readonly<AccountingReport>): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'LETTER',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: {
      Title: `Accounting of disclosures – patient ${report.patientId}`,
      Author: report.coveredEntity.name,
      Subject: '45 CFR 164.528 accounting of disclosures',
      // The report's own time, so the same report renders to the same document.
      CreationDate: new Date(report.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    doc.on('error', reject);
  });

  doc.fillColor(INK).font('Helvetica-Bold').fontSize(20).text('Accounting of disclosures', MARGIN, MARGIN);
  note(doc, 'Under 45 CFR 164.528 (HIPAA Privacy Rule). All dates and times are UTC.');
  doc.moveDown(0.3);
  facts(doc, report);

  sectionHeading(doc, 'Disclosures');
  if (report.entries.length === 0) note(doc, 'No disclosures that must be accounted for in this period.');
  else drawTable(doc, REQUIRED_COLUMNS, report.entries);

  sectionHeading(doc, 'Exempt disclosures (45 CFR 164.528(a)(1))');
  note(
    doc,
    'Listed for completeness: the law does not require these in an accounting. Each names the paragraph that ' +
      'exempts it.',
  );
  if (report.exemptEntries.length === 0) note(doc, 'None in this period.');
  else drawTable(doc, EXEMPT_COLUMNS, report.exemptEntries);

  footers(doc, report);
  doc.end();
  return done;
}
