import type { AuditEvent, Role } from '../chaincode-types';
import { AuditExportError } from './audit-export-errors';
import { csvRow, decodeCsvCell } from './csv';
import type { ExportEntry } from './export-types';

/** CSV columns, one row per event; empty cells are absent optional fields. */
export const CSV_COLUMNS = [
  'eventId',
  'txId',
  'time',
  'type',
  'actorParticipantId',
  'actorMspId',
  'actorRole',
  'patientId',
  'subjectKind',
  'subjectId',
  'outcome',
  'reason',
  'channel',
  'blockNumber',
  'validationCode',
] as const;

export function csvHeader(): string {
  return csvRow(CSV_COLUMNS);
}

export function entryToCsvRow(entry: Readonly<ExportEntry>): string {
  const { event, proof } = entry;
  return csvRow([
    event.eventId,
    event.txId,
    event.time,
    event.type,
    event.actor.participantId,
    event.actor.mspId,
    event.actor.role,
    event.patientId ?? '',
    event.subject.kind,
    event.subject.id,
    event.outcome ?? '',
    event.reason ?? '',
    proof.channel,
    String(proof.blockNumber),
    proof.validationCode,
  ]);
}

/** The entry of one parsed CSV record (cells as an RFC 4180 parser returns them, still neutralised). */
export function csvRecordToEntry(record: readonly string[]): ExportEntry {
  if (record.length !== CSV_COLUMNS.length) {
    throw new AuditExportError({
      code: 'AUDIT_EXPORT_MALFORMED_FILE',
      message: `a CSV row has ${record.length} cells, expected ${CSV_COLUMNS.length} (${CSV_COLUMNS.join(', ')})`,
    });
  }
  const cell = (i: number): string => decodeCsvCell(record[i] ?? '');
  const optional = <K extends string>(key: K, i: number): Partial<Record<K, string>> =>
    cell(i) === '' ? {} : ({ [key]: cell(i) } as Record<K, string>);
  const event = {
    eventId: cell(0),
    txId: cell(1),
    time: cell(2),
    type: cell(3),
    actor: { participantId: cell(4), mspId: cell(5), role: cell(6) as Role },
    ...optional('patientId', 7),
    subject: { kind: cell(8), id: cell(9) },
    ...optional('outcome', 10),
    ...optional('reason', 11),
  } as AuditEvent;
  return {
    event,
    proof: { channel: cell(12), blockNumber: Number(cell(13)), transactionId: cell(1), validationCode: cell(14) },
  };
}
