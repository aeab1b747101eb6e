/** Builds one synthetic FHIR R4 record of each supported type from the curated code tables. */
import type {
  AllergyIntolerance,
  Condition,
  DiagnosticReport,
  DocumentReference,
  Immunization,
  MedicationRequest,
  Observation,
} from '@medplum/fhirtypes';
import type { MedrecResource, MedrecResourceType } from '../fhir/supported-resources';
import {
  ALLERGENS,
  CODE_SYSTEMS,
  CONDITIONS,
  DOCUMENT_TYPES,
  MEDICATIONS,
  OBSERVATIONS,
  REACTIONS,
  REPORT_PANELS,
  VACCINES,
  type CodeEntry,
  type ObservationEntry,
} from './code-tables';
import type { SeededRandom } from './seeded-random';

/** What every builder needs: who the record is about, who made it, and when. */
export interface RecordContext {
  readonly random: SeededRandom;
  readonly patientId: string;
  readonly patientName: string;
  readonly clinicianId: string;
  /** ISO 8601 instant, UTC, whole seconds. */
  readonly instant: string;
}

function concept(system: string, entry: CodeEntry): { coding: { system: string; code: string; display: string }[] } {
  return { coding: [{ system, code: entry.code, display: entry.display }] };
}

function date(context: RecordContext): string {
  return context.instant.slice(0, 10);
}

function buildCondition(context: RecordContext): Condition {
  const resolved = context.random.chance(1, 4);
  return {
    resourceType: 'Condition',
    clinicalStatus: concept(CODE_SYSTEMS.conditionClinical, {
      code: resolved ? 'resolved' : 'active',
      display: resolved ? 'Resolved' : 'Active',
    }),
    verificationStatus: concept(CODE_SYSTEMS.conditionVerification, { code: 'confirmed', display: 'Confirmed' }),
    category: [concept(CODE_SYSTEMS.conditionCategory, { code: 'problem-list-item', display: 'Problem List Item' })],
    code: concept(CODE_SYSTEMS.icd10cm, context.random.pick(CONDITIONS)),
    subject: { reference: `Patient/${context.patientId}` },
    onsetDateTime: date(context),
    recordedDate: date(context),
    recorder: { reference: `Practitioner/${context.clinicianId}` },
  };
}

function buildObservation(context: RecordContext): Observation {
  const entry = context.random.pick(OBSERVATIONS);
  const tenths = context.random.int(entry.minTenths, entry.maxTenths);
  return observationOf(context, entry, tenths);
}

/**
 * A final Observation of `entry` valued `tenths` tenths of its UCUM unit: the shape every synthetic observation has
 * (category, LOINC code, subject, effective instant, performer, quantity). Draws nothing from `context.random`.
 */
export function observationOf(
  context: Omit<RecordContext, 'random' | 'patientName'>,
  entry: ObservationEntry,
  tenths: number,
): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [
      concept(CODE_SYSTEMS.observationCategory, {
        code: entry.category,
        display: entry.category === 'laboratory' ? 'Laboratory' : 'Vital Signs',
      }),
    ],
    code: concept(CODE_SYSTEMS.loinc, entry),
    subject: { reference: `Patient/${context.patientId}` },
    effectiveDateTime: context.instant,
    performer: [{ reference: `Practitioner/${context.clinicianId}` }],
    valueQuantity: { value: tenths / 10, unit: entry.unit, system: CODE_SYSTEMS.ucum, code: entry.unit },
  };
}

function buildMedicationRequest(context: RecordContext): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    status: context.random.pick(['active', 'active', 'completed', 'stopped'] as const),
    intent: 'order',
    medicationCodeableConcept: concept(CODE_SYSTEMS.rxnorm, context.random.pick(MEDICATIONS)),
    subject: { reference: `Patient/${context.patientId}` },
    authoredOn: context.instant,
    requester: { reference: `Practitioner/${context.clinicianId}` },
    dosageInstruction: [
      {
        text: context.random.pick(['Take 1 tablet by mouth daily', 'Take 1 tablet by mouth twice daily', 'As needed']),
      },
    ],
  };
}

function buildAllergyIntolerance(context: RecordContext): AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: concept(CODE_SYSTEMS.allergyClinical, { code: 'active', display: 'Active' }),
    verificationStatus: concept(CODE_SYSTEMS.allergyVerification, { code: 'confirmed', display: 'Confirmed' }),
    type: 'allergy',
    category: ['medication'],
    criticality: context.random.pick(['low', 'high'] as const),
    code: concept(CODE_SYSTEMS.rxnorm, context.random.pick(ALLERGENS)),
    patient: { reference: `Patient/${context.patientId}` },
    recordedDate: context.instant,
    recorder: { reference: `Practitioner/${context.clinicianId}` },
    reaction: [{ manifestation: [concept(CODE_SYSTEMS.snomed, context.random.pick(REACTIONS))] }],
  };
}

function buildDiagnosticReport(context: RecordContext): DiagnosticReport {
  return {
    resourceType: 'DiagnosticReport',
    status: 'final',
    category: [concept(CODE_SYSTEMS.diagnosticServiceSection, { code: 'LAB', display: 'Laboratory' })],
    code: concept(CODE_SYSTEMS.loinc, context.random.pick(REPORT_PANELS)),
    subject: { reference: `Patient/${context.patientId}` },
    effectiveDateTime: context.instant,
    issued: context.instant,
    performer: [{ reference: `Practitioner/${context.clinicianId}` }],
    conclusion: context.random.pick(['Within normal limits.', 'Mildly abnormal; repeat in three months.']),
  };
}

function buildDocumentReference(context: RecordContext): DocumentReference {
  const type = context.random.pick(DOCUMENT_TYPES);
  // The note names the patient on purpose: clinical content carries PHI, which is why it never leaves the store.
  const note = `${type.display} for ${context.patientName}, ${date(context)}. Synthetic text for testing only.`;
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    docStatus: 'final',
    type: concept(CODE_SYSTEMS.loinc, type),
    subject: { reference: `Patient/${context.patientId}` },
    date: context.instant,
    author: [{ reference: `Practitioner/${context.clinicianId}` }],
    content: [
      {
        attachment: {
          contentType: 'text/plain',
          language: 'en',
          data: Buffer.from(note, 'utf8').toString('base64'),
          title: type.display,
        },
      },
    ],
  };
}

function buildImmunization(context: RecordContext): Immunization {
  return {
    resourceType: 'Immunization',
    status: 'completed',
    vaccineCode: concept(CODE_SYSTEMS.cvx, context.random.pick(VACCINES)),
    patient: { reference: `Patient/${context.patientId}` },
    occurrenceDateTime: context.instant,
    primarySource: true,
    performer: [{ actor: { reference: `Practitioner/${context.clinicianId}` } }],
  };
}

export const RECORD_BUILDERS: Readonly<Record<MedrecResourceType, (context: RecordContext) => MedrecResource>> = {
  AllergyIntolerance: buildAllergyIntolerance,
  Condition: buildCondition,
  DiagnosticReport: buildDiagnosticReport,
  DocumentReference: buildDocumentReference,
  Immunization: buildImmunization,
  MedicationRequest: buildMedicationRequest,
  Observation: buildObservation,
};

/** How often each type is generated (observations dominate real records). Order fixes the draw, keep it stable. */
export const RECORD_TYPE_WEIGHTS: readonly (readonly [MedrecResourceType, number])[] = [
  ['Observation', 8],
  ['Condition', 3],
  ['MedicationRequest', 3],
  ['Immunization', 2],
  ['DiagnosticReport', 2],
  ['AllergyIntolerance', 1],
  ['DocumentReference', 1],
];
