/**
 * Deterministic synthetic data for demos, tests and benchmarks: the same options always give the same patients,
 * clinicians and records, byte for byte. Ledger-facing ids are pseudonymous random hex; names, birth dates and notes
 * exist only inside the FHIR resources that stay in the custodian's store.
 */
import crypto from 'node:crypto';
import type { Patient, Practitioner } from '@medplum/fhirtypes';
import {
  recordCategoryOf,
  type MedrecResource,
  type MedrecResourceType,
  type RecordCategory,
} from '../fhir/supported-resources';
import { FAMILY_NAMES, GIVEN_NAMES, SERUM_IRON } from './code-tables';
import { RECORD_BUILDERS, RECORD_TYPE_WEIGHTS, observationOf } from './record-builders';
import { InvalidSeedOptionError } from './seed-errors';
import { MAX_SEED, checkSeed, createSeededRandom, type SeededRandom } from './seeded-random';

export interface SyntheticDataOptions {
  /** 0..2^32-1. */
  readonly seed: number;
  /** Defaults to 10. */
  readonly patients?: number;
  /** Defaults to 4. */
  readonly clinicians?: number;
  /** Records generated per patient; defaults to 5. */
  readonly recordsPerPatient?: number;
  /** Custodian organisations; clinicians and records are spread over them. Defaults to hospital1, hospital2. */
  readonly organisations?: readonly string[];
  /** First day records may fall on (YYYY-MM-DD, UTC); defaults to 2024-01-01. */
  readonly startDate?: string;
  /** Number of days after startDate records spread over; defaults to 365. */
  readonly days?: number;
  /**
   * Weeks of serum iron (LOINC 2498-4, ug/dL) per patient, 0 to 104; defaults to 0 (none). With n > 0 every patient
   * gets one iron Observation in each of the n weeks ending at ironEndDate (week w, 0 the oldest, is the 7 days ending
   * (n - 1 - w) weeks before it), held by the patient's iron custodian (organisations in turn, by patient index) and
   * authored by one of that custodian's clinicians, so every organisation needs a clinician. These records follow
   * the random ones, which stay exactly what the same options without ironWeeks give. They draw from a stream of their
   * own that depends on ironWeeks and ironEndDate too: a series of another length or end gets other record ids, so
   * seeding it onto a network holding an earlier series adds to it instead of colliding with it.
   */
  readonly ironWeeks?: number;
  /** Last day of the last iron week (YYYY-MM-DD, UTC); defaults to the last day of the record period. */
  readonly ironEndDate?: string;
}

export interface SyntheticPatient {
  /** Pseudonymous participant id used on the ledger and as the FHIR Patient id. */
  readonly participantId: string;
  /** The demographic resource (PHI): stays with the custodian. */
  readonly resource: Patient;
}

export interface SyntheticClinician {
  readonly participantId: string;
  readonly organisation: string;
  readonly resource: Practitioner;
}

export interface SyntheticRecord {
  readonly recordId: string;
  readonly patientId: string;
  /** Organisation whose gatekeeper stores the record. */
  readonly custodian: string;
  readonly clinicianId: string;
  readonly category: RecordCategory;
  readonly resource: MedrecResource;
}

export interface SyntheticDataSet {
  readonly seed: number;
  readonly patients: readonly SyntheticPatient[];
  readonly clinicians: readonly SyntheticClinician[];
  readonly records: readonly SyntheticRecord[];
}

const DAY_MS = 86_400_000;
const WEEK_DAYS = 7;
/** A patient's usual serum iron, in tenths of ug/dL (50-170 ug/dL). */
const IRON_BASELINE_TENTHS = [500, 1700] as const;
/** Week-to-week variation around the baseline, in tenths (±15 ug/dL). */
const IRON_VARIATION_TENTHS = 150;
/** The population trend: +1 ug/dL per week, in tenths. */
const IRON_TREND_TENTHS_PER_WEEK = 10;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const ORGANISATION_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

function countOption(option: string, value: number | undefined, fallback: number, max: number, min = 1): number {
  const count = value ?? fallback;
  if (!Number.isSafeInteger(count) || count < min || count > max) {
    throw new InvalidSeedOptionError({ option, message: `${option} must be a whole number from ${min} to ${max}.` });
  }
  return count;
}

function startOption(value: string | undefined): number {
  const text = value ?? '2024-01-01';
  const start = DATE_PATTERN.test(text) ? Date.parse(`${text}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(start)) {
    throw new InvalidSeedOptionError({
      option: 'startDate',
      message: 'startDate must be a calendar date as YYYY-MM-DD.',
    });
  }
  return start;
}

/** A real calendar day (2024-02-30 is refused, not read as March 1st), from 1900 on. */
function ironEndOption(value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const end = DATE_PATTERN.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(end) || value < '1900-01-01' || new Date(end).toISOString().slice(0, 10) !== value) {
    throw new InvalidSeedOptionError({
      option: 'ironEndDate',
      message: 'ironEndDate must be a calendar date as YYYY-MM-DD, from 1900-01-01.',
    });
  }
  return end;
}

function organisationsOption(value: readonly string[] | undefined): readonly string[] {
  const organisations = value ?? ['hospital1', 'hospital2'];
  if (organisations.length === 0 || organisations.some((name) => !ORGANISATION_PATTERN.test(name))) {
    throw new InvalidSeedOptionError({
      option: 'organisations',
      message: 'organisations must be a non-empty list of lowercase names such as "hospital1".',
    });
  }
  return organisations;
}

function pickWeightedType(random: SeededRandom): MedrecResourceType {
  const total = RECORD_TYPE_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = random.int(1, total);
  for (const [type, weight] of RECORD_TYPE_WEIGHTS) {
    draw -= weight;
    if (draw <= 0) return type;
  }
  return 'Observation';
}

function name(random: SeededRandom): { given: string; family: string } {
  return { given: random.pick(GIVEN_NAMES), family: random.pick(FAMILY_NAMES) };
}

function makePatient(random: SeededRandom): SyntheticPatient {
  const participantId = `pat-${random.hex(8)}`;
  const { given, family } = name(random);
  const birth = new Date(Date.UTC(random.int(1935, 2015), random.int(0, 11), random.int(1, 28)));
  return {
    participantId,
    resource: {
      resourceType: 'Patient',
      id: participantId,
      name: [{ use: 'official', family, given: [given] }],
      gender: random.pick(['female', 'male', 'other'] as const),
      birthDate: birth.toISOString().slice(0, 10),
    },
  };
}

function makeClinician(random: SeededRandom, organisation: string): SyntheticClinician {
  const participantId = `clin-${random.hex(8)}`;
  const { given, family } = name(random);
  return {
    participantId,
    organisation,
    resource: {
      resourceType: 'Practitioner',
      id: participantId,
      name: [{ family, given: [given], prefix: ['Dr.'] }],
    },
  };
}

/** The instant of one record: a daytime second (07:00-19:00 UTC) of the day `dayMs`. */
function daytimeInstant(random: SeededRandom, dayMs: number): string {
  return new Date(dayMs + random.int(7 * 3600, 19 * 3600) * 1000).toISOString().replace('.000Z', 'Z');
}

interface IronSeries {
  readonly weeks: number;
  /** Midnight (UTC) of the last day of the last week. */
  readonly endMs: number;
}

/** The iron series' own random source: the main stream's next draw, the series' length and its last day, hashed. */
function ironRandom(random: SeededRandom, series: IronSeries): SeededRandom {
  const material = `${random.int(0, MAX_SEED)}/${series.weeks}/${new Date(series.endMs).toISOString().slice(0, 10)}`;
  return createSeededRandom(crypto.createHash('sha256').update(material).digest().readUInt32BE(0));
}

/**
 * Weekly serum iron for every patient: a baseline of their own, a little week-to-week variation and a gentle upward
 * population trend, so that weekly means say something. Each patient's series is held by one custodian. Appended to
 * `records` (not returned: spreading millions of them into push() would overflow the stack).
 */
function addIronRecords(
  records: SyntheticRecord[],
  random: SeededRandom,
  series: IronSeries,
  people: Readonly<{ patients: readonly SyntheticPatient[]; clinicians: readonly SyntheticClinician[] }>,
  organisations: readonly string[],
): void {
  const firstDayMs = series.endMs - (series.weeks * WEEK_DAYS - 1) * DAY_MS;
  const staffOf = new Map<string, SyntheticClinician[]>();
  for (const clinician of people.clinicians) {
    const staff = staffOf.get(clinician.organisation);
    if (staff === undefined) staffOf.set(clinician.organisation, [clinician]);
    else staff.push(clinician);
  }
  people.patients.forEach((patient, index) => {
    const custodian = organisations[index % organisations.length] ?? 'hospital1';
    // Never empty: clinicians go to organisations in turn, and there are at least as many (checked by the caller).
    const staff = staffOf.get(custodian) ?? [];
    const baseline = random.int(...IRON_BASELINE_TENTHS);
    for (let week = 0; week < series.weeks; week += 1) {
      const dayMs = firstDayMs + (week * WEEK_DAYS + random.int(0, WEEK_DAYS - 1)) * DAY_MS;
      const instant = daytimeInstant(random, dayMs);
      const clinician = random.pick(staff);
      const tenths =
        baseline + random.int(-IRON_VARIATION_TENTHS, IRON_VARIATION_TENTHS) + week * IRON_TREND_TENTHS_PER_WEEK;
      const resource = observationOf(
        { patientId: patient.participantId, clinicianId: clinician.participantId, instant },
        SERUM_IRON,
        tenths,
      );
      records.push({
        recordId: `rec-${random.hex(12)}`,
        patientId: patient.participantId,
        custodian,
        clinicianId: clinician.participantId,
        category: recordCategoryOf(resource),
        resource,
      });
    }
  });
}

/** Generates the data set; same options, same output. */
export function generateSyntheticData(options: Readonly<SyntheticDataOptions>): SyntheticDataSet {
  const seed = checkSeed(options.seed);
  const patientCount = countOption('patients', options.patients, 10, 100_000);
  const clinicianCount = countOption('clinicians', options.clinicians, 4, 10_000);
  const recordsPerPatient = countOption('recordsPerPatient', options.recordsPerPatient, 5, 1_000);
  const days = countOption('days', options.days, 365, 36_500);
  const organisations = organisationsOption(options.organisations);
  const startMs = startOption(options.startDate);
  const ironWeeks = countOption('ironWeeks', options.ironWeeks, 0, 104, 0);
  const ironEndMs = ironEndOption(options.ironEndDate, startMs + (days - 1) * DAY_MS);
  if (ironWeeks > 0 && clinicianCount < organisations.length) {
    throw new InvalidSeedOptionError({
      option: 'clinicians',
      message: `clinicians must be at least ${organisations.length} with ironWeeks, so that every organisation has one to author its iron series.`,
    });
  }
  const random = createSeededRandom(seed);

  const clinicians = Array.from({ length: clinicianCount }, (_, index) =>
    makeClinician(random, organisations[index % organisations.length] ?? 'hospital1'),
  );
  const patients = Array.from({ length: patientCount }, () => makePatient(random));
  const records: SyntheticRecord[] = [];
  for (const patient of patients) {
    const patientName = patient.resource.name?.[0];
    const displayName = `${patientName?.given?.[0] ?? ''} ${patientName?.family ?? ''}`.trim();
    for (let n = 0; n < recordsPerPatient; n += 1) {
      const clinician = random.pick(clinicians);
      const instantMs = startMs + random.int(0, days - 1) * DAY_MS + random.int(7 * 3600, 19 * 3600) * 1000;
      const resource = RECORD_BUILDERS[pickWeightedType(random)]({
        random,
        patientId: patient.participantId,
        patientName: displayName,
        clinicianId: clinician.participantId,
        instant: new Date(instantMs).toISOString().replace('.000Z', 'Z'),
      });
      records.push({
        recordId: `rec-${random.hex(12)}`,
        patientId: patient.participantId,
        custodian: clinician.organisation,
        clinicianId: clinician.participantId,
        category: recordCategoryOf(resource),
        resource,
      });
    }
  }
  // Drawn after everything above, so the records above are the same with or without iron.
  if (ironWeeks > 0) {
    const series = { weeks: ironWeeks, endMs: ironEndMs };
    addIronRecords(records, ironRandom(random, series), series, { patients, clinicians }, organisations);
  }
  return { seed, patients, clinicians, records };
}
