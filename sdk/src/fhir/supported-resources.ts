/** The FHIR R4 resource types MedRec stores as records, and what the ledger may say about each (its coarse category). */
import type {
  AllergyIntolerance,
  Condition,
  DiagnosticReport,
  DocumentReference,
  Immunization,
  MedicationRequest,
  Observation,
} from '@medplum/fhirtypes';

export type MedrecResource =
  | AllergyIntolerance
  | Condition
  | DiagnosticReport
  | DocumentReference
  | Immunization
  | MedicationRequest
  | Observation;

export type MedrecResourceType = MedrecResource['resourceType'];

/**
 * Coarse category written on the ledger: says what kind of record exists, never what it contains. The values are
 * the chaincode's closed category list (chaincode/src/common/schemas.ts), which the ledger enforces.
 */
export type RecordCategory =
  'allergy' | 'condition' | 'diagnostic-report' | 'note' | 'immunization' | 'medication' | 'laboratory' | 'vital-signs';

const CATEGORY_BY_TYPE: Readonly<Record<MedrecResourceType, RecordCategory>> = {
  AllergyIntolerance: 'allergy',
  Condition: 'condition',
  DiagnosticReport: 'diagnostic-report',
  DocumentReference: 'note',
  Immunization: 'immunization',
  MedicationRequest: 'medication',
  Observation: 'laboratory',
};

const VITAL_SIGNS_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';

/**
 * The element that names the patient. R4 calls it `patient` on AllergyIntolerance and Immunization and `subject`
 * elsewhere; MedRec requires it on every type because a record without a patient cannot be put under consent.
 */
export const PATIENT_ELEMENT: Readonly<Record<MedrecResourceType, 'patient' | 'subject'>> = {
  AllergyIntolerance: 'patient',
  Condition: 'subject',
  DiagnosticReport: 'subject',
  DocumentReference: 'subject',
  Immunization: 'patient',
  MedicationRequest: 'subject',
  Observation: 'subject',
};

export const SUPPORTED_RESOURCE_TYPES: readonly MedrecResourceType[] = Object.freeze(
  Object.keys(CATEGORY_BY_TYPE) as MedrecResourceType[],
);

export function isSupportedResourceType(value: unknown): value is MedrecResourceType {
  return typeof value === 'string' && Object.hasOwn(CATEGORY_BY_TYPE, value);
}

/**
 * The ledger category of a resource, e.g. 'medication' for a MedicationRequest; an Observation is 'vital-signs'
 * when its FHIR category says so, otherwise 'laboratory'.
 */
export function recordCategoryOf(resource: Readonly<Pick<MedrecResource, 'resourceType'>>): RecordCategory {
  if (resource.resourceType === 'Observation' && isVitalSigns(resource)) return 'vital-signs';
  return CATEGORY_BY_TYPE[resource.resourceType];
}

function isVitalSigns(resource: object): boolean {
  const categories: unknown = (resource as { category?: unknown }).category;
  if (!Array.isArray(categories)) return false;
  return categories.some((concept: unknown) => {
    const codings: unknown = (concept as { coding?: unknown } | null)?.coding;
    return (
      Array.isArray(codings) &&
      codings.some((c: unknown) => {
        const coding = c as { system?: unknown; code?: unknown } | null;
        return coding?.system === VITAL_SIGNS_SYSTEM && coding.code === 'vital-signs';
      })
    );
  });
}

const PATIENT_REFERENCE_PATTERN = /^Patient\/([A-Za-z0-9\-.]{1,64})$/;

/** The patient id in a relative reference "Patient/<id>", or undefined if `reference` is not one. */
export function patientIdFromReference(reference: unknown): string | undefined {
  if (typeof reference !== 'string') return undefined;
  return PATIENT_REFERENCE_PATTERN.exec(reference)?.[1];
}

/** The id of the patient a (validated) resource is about. */
export function patientIdOf(resource: MedrecResource): string | undefined {
  const element = PATIENT_ELEMENT[resource.resourceType];
  const reference: unknown = (resource as Partial<Record<'patient' | 'subject', { reference?: unknown }>>)[element]
    ?.reference;
  return patientIdFromReference(reference);
}
