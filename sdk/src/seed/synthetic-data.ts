/**
 * Deterministic synthetic data for demos, tests and benchmarks: the same options always give the same patients,
 * clinicians and records, byte for byte. Ledger-facing ids are pseudonymous random hex; names, birth dates and notes
 * exist only inside the FHIR resources that stay in the custodian's store.
 */
import type { Patient, Practitioner } from '@medplum/fhirtypes';
import {
  recordCategoryOf,
  type MedrecResource,
  type MedrecResourceType,
  type RecordCategory,
} from '../fhir/supported-resources';
import { FAMILY_NAMES, GIVEN_NAMES } from './code-tables';
import { RECORD_BUILDERS, RECORD_TYPE_WEIGHTS } from './record-builders';
import { InvalidSeedOptionError } from './seed-errors';
import { checkSeed, createSeededRandom, type SeededRandom } from './seeded-random';

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
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const ORGANISATION_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

function countOption(option: string, value: number | undefined, fallback: number, max: number): number {
  const count = value ?? fallback;
  if (!Number.isSafeInteger(count) || count < 1 || count > max) {
    throw new InvalidSeedOptionError({ option, message: `${option} must be a whole number from 1 to ${max}.` });
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

/** Generates the data set; same options, same output. */
export function generateSyntheticData(options: Readonly<SyntheticDataOptions>): SyntheticDataSet {
  const seed = checkSeed(options.seed);
  const patientCount = countOption('patients', options.patients, 10, 100_000);
  const clinicianCount = countOption('clinicians', options.clinicians, 4, 10_000);
  const recordsPerPatient = countOption('recordsPerPatient', options.recordsPerPatient, 5, 1_000);
  const days = countOption('days', options.days, 365, 36_500);
  const organisations = organisationsOption(options.organisations);
  const startMs = startOption(options.startDate);
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
  return { seed, patients, clinicians, records };
}
