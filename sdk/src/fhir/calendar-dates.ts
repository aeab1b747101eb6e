/**
 * Calendar checks for FHIR date, dateTime and instant values. The R4 definitions (and Medplum's validator) check these
 * with regular expressions only, which accept days that do not exist ("2021-02-30", "2021-02-29", "2021-04-31"); a
 * record with such a date would sort, age and trend wrongly everywhere it is read.
 */
import type { FhirIssue } from './fhir-errors';

export type FhirTemporalType = 'date' | 'dateTime' | 'instant';

// The shape shared by the three types: year, then optionally month, day, and a time with seconds and a zone.
const TEMPORAL_PATTERN =
  /^(?<year>\d{4})(?:-(?<month>\d{2})(?:-(?<day>\d{2})(?:T(?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})(?:\.\d{1,9})?(?<zone>Z|[+-]\d{2}:\d{2}))?)?)?$/;

const FORMATS: Readonly<Record<FhirTemporalType, string>> = {
  date: 'YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2021-03-04)',
  dateTime: 'YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.sss] with a zone (e.g. 2021-03-04T10:30:00Z)',
  instant: 'YYYY-MM-DDThh:mm:ss[.sss] with a zone (e.g. 2021-03-04T10:30:00.000Z)',
};

/** English month names, January first (also what the accounting of disclosures prints). */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** What is wrong with the parts of a value that has the right shape, or undefined when it names a real instant. */
function calendarProblem(parts: Readonly<Record<string, string | undefined>>): string | undefined {
  const year = Number(parts.year);
  if (year === 0) return 'year 0000 does not exist';
  if (parts.month === undefined) return undefined;
  const month = Number(parts.month);
  if (month < 1 || month > 12) return `month ${parts.month} does not exist (01-12)`;
  if (parts.day !== undefined) {
    const day = Number(parts.day);
    const last = daysInMonth(year, month);
    if (day < 1 || day > last) {
      return `day ${parts.day} does not exist: ${MONTH_NAMES[month - 1] ?? ''} ${String(year)} has ${String(last)} days`;
    }
  }
  if (parts.hour === undefined) return undefined;
  if (Number(parts.hour) > 23) return `hour ${parts.hour} does not exist (00-23)`;
  if (Number(parts.minute) > 59) return `minute ${parts.minute ?? ''} does not exist (00-59)`;
  // 60 is a leap second, which FHIR allows.
  if (Number(parts.second) > 60) return `second ${parts.second ?? ''} does not exist (00-60)`;
  return zoneProblem(parts.zone);
}

function zoneProblem(zone: string | undefined): string | undefined {
  if (zone === undefined || zone === 'Z') return undefined;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  // Real offsets run from -12:00 to +14:00; FHIR allows up to 14:00 either way.
  if (minutes > 59 || hours > 14 || (hours === 14 && minutes !== 0)) {
    return `time zone offset ${zone} does not exist (-14:00 to +14:00)`;
  }
  return undefined;
}

function precisionProblem(type: FhirTemporalType, parts: Readonly<Record<string, string | undefined>>): boolean {
  if (type === 'date') return parts.hour !== undefined;
  if (type === 'instant') return parts.hour === undefined;
  return false;
}

/** Issues with one date, dateTime or instant value at `path`; empty when it is a real calendar value. */
export function temporalIssues(path: string, type: FhirTemporalType, value: unknown): FhirIssue[] {
  if (typeof value !== 'string') return [];
  const parts = TEMPORAL_PATTERN.exec(value)?.groups;
  if (parts === undefined || precisionProblem(type, parts)) {
    return [{ path, message: `"${value}" is not a FHIR ${type}; send ${FORMATS[type]}` }];
  }
  const problem = calendarProblem(parts);
  if (problem === undefined) return [];
  return [
    {
      path,
      message: `"${value}" is not a real ${type}: ${problem}. Send a value that exists on the calendar, as ${FORMATS[type]}`,
    },
  ];
}
