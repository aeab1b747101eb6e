import type { AuditEvent } from '../chaincode-types';
import { AuditExportError } from './audit-export-errors';
import type { ExportFilters } from './export-types';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Checks the filters before any ledger read; throws AUDIT_EXPORT_INVALID_FILTER naming the field to fix. */
export function assertValidFilters(filters: Readonly<ExportFilters>): void {
  const invalid = (message: string): AuditExportError =>
    new AuditExportError({ code: 'AUDIT_EXPORT_INVALID_FILTER', message });
  if (filters.patientId === undefined && filters.actorId === undefined) {
    throw invalid('an audit export needs a patientId or an actorId filter: the ledger indexes events by one of them');
  }
  for (const bound of ['from', 'to'] as const) {
    const value = filters[bound];
    if (value !== undefined && !ISO_UTC.test(value)) {
      throw invalid(`filter ${bound} must be a UTC ISO 8601 time such as 2030-01-31T12:00:00.000Z, not ${value}`);
    }
  }
  if (filters.from !== undefined && filters.to !== undefined && filters.from >= filters.to) {
    throw invalid(`filter from (${filters.from}) must be before to (${filters.to}): the window is [from, to)`);
  }
}

/** True when `event` is selected by `filters` (the same test the exporter and the offline verifier apply). */
export function matchesFilters(event: Readonly<AuditEvent>, filters: Readonly<ExportFilters>): boolean {
  if (filters.patientId !== undefined && event.patientId !== filters.patientId) return false;
  if (filters.actorId !== undefined && event.actor.participantId !== filters.actorId) return false;
  if (filters.organisation !== undefined && event.actor.mspId !== filters.organisation) return false;
  if (filters.eventTypes !== undefined && !filters.eventTypes.includes(event.type)) return false;
  if (filters.from !== undefined && Date.parse(event.time) < Date.parse(filters.from)) return false;
  if (filters.to !== undefined && Date.parse(event.time) >= Date.parse(filters.to)) return false;
  return true;
}

/** Export order: time, then transaction id (the order of the ledger's time indexes). */
export function compareEvents(a: Readonly<AuditEvent>, b: Readonly<AuditEvent>): number {
  const byTime = Date.parse(a.time) - Date.parse(b.time);
  if (byTime !== 0) return byTime;
  return a.txId < b.txId ? -1 : a.txId > b.txId ? 1 : 0;
}
