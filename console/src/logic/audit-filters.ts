/** The audit search and export form's choices as the API's query string (one of patient or actor; a window). */

export interface AuditFilters {
  readonly subject: 'patientId' | 'actorId';
  readonly id: string;
  /** yyyy-mm-dd from a date input, or '' for no bound. */
  readonly from: string;
  readonly to: string;
  /** MSP id of the actors' organisation (export only), or ''. */
  readonly organisation: string;
}

/** A date input's day as the start of that day in UTC; the `to` day is included, so it ends at the next midnight. */
function dayBound(day: string, inclusiveEnd: boolean): string | undefined {
  if (day === '') return undefined;
  const start = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(start)) return undefined;
  return new Date(inclusiveEnd ? start + 86_400_000 : start).toISOString();
}

export function auditQuery(filters: AuditFilters, withOrganisation: boolean): URLSearchParams {
  const params = new URLSearchParams();
  params.set(filters.subject, filters.id.trim());
  const from = dayBound(filters.from, false);
  const to = dayBound(filters.to, true);
  if (from !== undefined) params.set('from', from);
  if (to !== undefined) params.set('to', to);
  if (withOrganisation && filters.organisation.trim() !== '') params.set('organisation', filters.organisation.trim());
  return params;
}

export const EXPORT_FORMATS = {
  json: { label: 'JSON Lines', contentType: 'application/x-ndjson', extension: 'jsonl' },
  fhir: { label: 'FHIR R4 Bundle (IHE BALP)', contentType: 'application/fhir+json', extension: 'fhir.json' },
  csv: { label: 'CSV (spreadsheet)', contentType: 'text/csv', extension: 'csv' },
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

/** Which format an uploaded export is in, from its file name; JSON Lines unless it says otherwise. */
export function formatOfFile(name: string): ExportFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.json') && !lower.endsWith('.jsonl')) return 'fhir';
  return 'json';
}
