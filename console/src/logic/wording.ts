/**
 * Plain words for the ledger's codes, for people rather than integrators. Typed as complete maps over the contract's
 * unions, so a code added to the contract fails the console's type check until it has words here.
 */
import type { Category, Purpose, Role } from '@medrec/contract';

export const PURPOSE_WORDS: Readonly<Record<Purpose, string>> = {
  TREAT: 'treating me',
  ETREAT: 'emergency treatment',
  HPAYMT: 'payment for my care',
  HOPERAT: "running the hospital's services",
  HRESCH: 'research',
  PUBHLTH: 'public health',
};

/** The same purposes as staff name them (a clinician reads "treatment", not "treating me"). */
export const PURPOSE_STAFF_WORDS: Readonly<Record<Purpose, string>> = {
  TREAT: 'treatment',
  ETREAT: 'emergency treatment',
  HPAYMT: 'payment',
  HOPERAT: 'healthcare operations',
  HRESCH: 'research',
  PUBHLTH: 'public health',
};

export const PURPOSES: readonly Purpose[] = ['TREAT', 'ETREAT', 'HPAYMT', 'HOPERAT', 'HRESCH', 'PUBHLTH'];

export const CATEGORY_WORDS: Readonly<Record<Category, string>> = {
  allergy: 'allergies',
  condition: 'conditions and diagnoses',
  'diagnostic-report': 'diagnostic reports',
  encounter: 'visits',
  imaging: 'imaging',
  immunization: 'immunisations',
  laboratory: 'laboratory results',
  medication: 'medications',
  note: 'clinical notes',
  procedure: 'procedures',
  'vital-signs': 'vital signs',
  other: 'other records',
};

export const CATEGORIES = Object.keys(CATEGORY_WORDS) as readonly Category[];

export const ROLE_WORDS: Readonly<Record<Role, string>> = {
  patient: 'patient',
  clinician: 'clinician',
  registrar: 'registrar',
  gatekeeper: 'gatekeeper service',
  compliance: 'compliance officer',
  researcher: 'researcher',
  admin: 'administrator',
};

/** "Hospital1MSP" -> "Hospital1": MSP ids are how the ledger names organisations; people know the name. */
export function organisationName(mspId: string): string {
  return mspId.endsWith('MSP') ? mspId.slice(0, -3) : mspId;
}

/** A readable local date and time; the ISO instant stays available to the element's title. */
export function when(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';
}

export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
