/**
 * Dates as the accounting of disclosures prints them. A patient reads "3 March 2026", not an ISO time with
 * milliseconds; every date is UTC (the ledger's transaction time), which the documents state once. Month names are
 * spelled here rather than by Intl so that the output is the same on every Node build (small-icu or full-icu).
 */
import { MONTH_NAMES } from '../fhir/calendar-dates';

/** "3 March 2026" (UTC). */
export function humanDate(iso: string): string {
  const date = new Date(iso);
  return `${String(date.getUTCDate())} ${MONTH_NAMES[date.getUTCMonth()] ?? ''} ${String(date.getUTCFullYear())}`;
}

/** "3 March 2026, 14:05" (UTC). */
export function humanDateTime(iso: string): string {
  const date = new Date(iso);
  const hh = String(date.getUTCHours()).padStart(2, '0');
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  return `${humanDate(iso)}, ${hh}:${mm}`;
}

/** "3 March 2026" for one date, "3 March 2026 – 9 April 2026" for a range whose ends fall on different days. */
export function humanDateRange(first: string, last: string): string {
  const a = humanDate(first);
  const b = humanDate(last);
  return a === b ? a : `${a} – ${b}`;
}

/** The window [from, to) as the days it covers: `to` is exclusive, so a window ending at midnight ends the day before. */
export function humanPeriod(from: string, to: string): string {
  const lastInstant = new Date(Date.parse(to) - 1).toISOString();
  return `${humanDate(from)} to ${humanDate(lastInstant)}`;
}

/** ISO 8601 UTC to the second, "2026-03-03T14:05:00Z": machine-readable without spurious precision (CSV). */
export function isoSeconds(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}Z`;
}
