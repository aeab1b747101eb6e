/** RFC 4180 CSV cells and rows, neutralised for spreadsheets (OWASP CSV injection). */

const FORMULA_START = /^[=+\-@\t\r']/;

/**
 * A spreadsheet-safe cell: a value that starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so no spreadsheet
 * runs it as a formula (a value that starts with `'` gets one too, so {@link decodeCsvCell} is exact).
 */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The original value of a neutralised cell. */
export function decodeCsvCell(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

/** RFC 4180 quoting: quote fields with a comma, quote, CR or LF, doubling inner quotes. */
export function quoteCsvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** One CSV record (CRLF-terminated) of neutralised, quoted cells. */
export function csvRow(cells: readonly string[]): string {
  return `${cells.map((cell) => quoteCsvField(neutraliseCell(cell))).join(',')}\r\n`;
}
