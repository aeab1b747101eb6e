/** One small, valid example of every record type MedRec stores, with real codes. Tests copy and break them. */
import type { MedrecResource } from '../../../../sdk/src/fhir';

export function examples(patientId = 'p-123'): MedrecResource[] {
  const subject = { reference: `Patient/${patientId}` };
  return [
    {
      resourceType: 'Condition',
      id: 'cond-1',
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      verificationStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
      },
      code: {
        coding: [
          {
            system: 'http://hl7.org/fhir/sid/icd-10-cm',
            code: 'E11.9',
            display: 'Type 2 diabetes mellitus without complications',
          },
        ],
      },
      subject,
      onsetDateTime: '2021-03-04',
    },
    {
      resourceType: 'Observation',
      status: 'final',
      code: {
        coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma' }],
      },
      subject,
      effectiveDateTime: '2024-05-06T07:08:09Z',
      valueQuantity: { value: 98, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
    },
    {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: {
        coding: [
          {
            system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
            code: '860975',
            display: 'metformin hydrochloride 500 MG Extended Release Oral Tablet',
          },
        ],
      },
      subject,
      authoredOn: '2024-05-06',
    },
    {
      resourceType: 'AllergyIntolerance',
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
      },
      type: 'allergy',
      category: ['medication'],
      criticality: 'high',
      code: {
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '7980', display: 'penicillin G' }],
      },
      patient: subject,
    },
    {
      resourceType: 'DiagnosticReport',
      status: 'final',
      code: {
        coding: [{ system: 'http://loinc.org', code: '58410-2', display: 'CBC panel - Blood by Automated count' }],
      },
      subject,
      issued: '2024-05-06T10:00:00Z',
    },
    {
      resourceType: 'DocumentReference',
      status: 'current',
      type: { coding: [{ system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' }] },
      subject,
      content: [{ attachment: { contentType: 'text/plain', data: 'RGlzY2hhcmdlZCBpbiBnb29kIGhlYWx0aC4=' } }],
    },
    {
      resourceType: 'Immunization',
      status: 'completed',
      vaccineCode: {
        coding: [
          {
            system: 'http://hl7.org/fhir/sid/cvx',
            code: '140',
            display: 'Influenza, seasonal, injectable, preservative free',
          },
        ],
      },
      patient: subject,
      occurrenceDateTime: '2023-10-01',
    },
  ];
}

/** A deep copy of the example of `type`, as a plain JSON object the test may break. */
export function exampleOf(type: MedrecResource['resourceType'], patientId?: string): Record<string, unknown> {
  const found = examples(patientId).find((resource) => resource.resourceType === type);
  if (found === undefined) throw new Error(`no example for ${type}`);
  return structuredClone(found) as unknown as Record<string, unknown>;
}
