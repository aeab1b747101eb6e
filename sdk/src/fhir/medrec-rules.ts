/**
 * Rules MedRec adds on top of the R4 structure definitions, because the ledger and the consent engine depend on them:
 * every record names its patient, every coding is machine-readable (system + code), the element that says what the
 * record is about is coded, and code elements with a *required* R4 binding use a code from that value set (the
 * structural validator checks types and cardinality but not bindings).
 */
import type { FhirIssue } from './fhir-errors';
import { PATIENT_ELEMENT, patientIdFromReference, type MedrecResourceType } from './supported-resources';

type JsonObject = Readonly<Record<string, unknown>>;

/** Required-binding value sets for primitive `code` elements (FHIR R4 4.0.1), by resource type and element. */
const REQUIRED_CODES: Readonly<Partial<Record<MedrecResourceType, Readonly<Record<string, readonly string[]>>>>> = {
  AllergyIntolerance: {
    type: ['allergy', 'intolerance'],
    category: ['food', 'medication', 'environment', 'biologic'],
    criticality: ['low', 'high', 'unable-to-assess'],
  },
  DiagnosticReport: {
    status: [
      'registered',
      'partial',
      'preliminary',
      'final',
      'amended',
      'corrected',
      'appended',
      'cancelled',
      'entered-in-error',
      'unknown',
    ],
  },
  DocumentReference: {
    status: ['current', 'superseded', 'entered-in-error'],
    docStatus: ['preliminary', 'final', 'amended', 'entered-in-error'],
  },
  Immunization: { status: ['completed', 'entered-in-error', 'not-done'] },
  MedicationRequest: {
    status: ['active', 'on-hold', 'cancelled', 'completed', 'entered-in-error', 'stopped', 'draft', 'unknown'],
    intent: ['proposal', 'plan', 'order', 'original-order', 'reflex-order', 'filler-order', 'instance-order', 'option'],
  },
  Observation: {
    status: ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown'],
  },
};

interface ConceptBinding {
  readonly system: string;
  readonly codes: readonly string[];
}

/** Required-binding value sets for CodeableConcept elements, each drawn from one HL7 code system. */
const REQUIRED_CONCEPTS: Readonly<Partial<Record<MedrecResourceType, Readonly<Record<string, ConceptBinding>>>>> = {
  AllergyIntolerance: {
    clinicalStatus: {
      system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
      codes: ['active', 'inactive', 'resolved'],
    },
    verificationStatus: {
      system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
      codes: ['unconfirmed', 'confirmed', 'refuted', 'entered-in-error'],
    },
  },
  Condition: {
    clinicalStatus: {
      system: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
      codes: ['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved'],
    },
    verificationStatus: {
      system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
      codes: ['unconfirmed', 'provisional', 'differential', 'confirmed', 'refuted', 'entered-in-error'],
    },
  },
};

/** The element that says what the record is about; MedRec requires it coded so trend queries can count it. */
const SUBJECT_CODE_ELEMENT: Readonly<Partial<Record<MedrecResourceType, string>>> = {
  AllergyIntolerance: 'code',
  Condition: 'code',
  DiagnosticReport: 'code',
  Immunization: 'vaccineCode',
  Observation: 'code',
};

// Absolute URIs only: "http(s)://…", "urn:oid:…", "urn:uuid:…". A bare word is not a code system.
const SYSTEM_URI_PATTERN = /^(https?:\/\/\S+|urn:(oid|uuid|iso|ietf):\S+)$/;
const MAX_DEPTH = 64;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function codingIssues(path: string, coding: unknown): FhirIssue[] {
  if (!isObject(coding)) return [{ path, message: 'must be a Coding object with system and code' }];
  const issues: FhirIssue[] = [];
  if (typeof coding.system !== 'string' || !SYSTEM_URI_PATTERN.test(coding.system)) {
    issues.push({
      path: `${path}.system`,
      message:
        'must be the absolute URI of the code system (e.g. http://loinc.org); every coding needs system and code',
    });
  }
  if (typeof coding.code !== 'string' || coding.code.trim() === '') {
    issues.push({ path: `${path}.code`, message: 'must be a non-empty code from the coding system' });
  }
  return issues;
}

/** Every Coding anywhere in the resource (under any `coding` array) must carry a system URI and a code. */
function allCodingIssues(value: unknown, path: string, depth: number): FhirIssue[] {
  if (depth > MAX_DEPTH) return [{ path, message: `nests deeper than ${MAX_DEPTH} levels; flatten the resource` }];
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown, index) => allCodingIssues(item, `${path}[${index}]`, depth + 1));
  }
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = `${path}.${key}`;
    if (key === 'coding' && Array.isArray(child)) {
      return child.flatMap((coding: unknown, index) => codingIssues(`${childPath}[${index}]`, coding));
    }
    return allCodingIssues(child, childPath, depth + 1);
  });
}

function patientIssues(type: MedrecResourceType, resource: JsonObject): FhirIssue[] {
  const element = PATIENT_ELEMENT[type];
  const value = resource[element];
  const reference = isObject(value) ? value.reference : undefined;
  if (patientIdFromReference(reference) !== undefined) return [];
  return [
    {
      path: `${type}.${element}.reference`,
      message:
        'must reference the patient as "Patient/<id>" (a relative reference with a FHIR id), so the record can be ' +
        "placed under the patient's consent",
    },
  ];
}

function subjectCodeIssues(type: MedrecResourceType, resource: JsonObject): FhirIssue[] {
  const element = SUBJECT_CODE_ELEMENT[type];
  if (element === undefined) return [];
  const concept = resource[element];
  const codings = isObject(concept) ? concept.coding : undefined;
  if (Array.isArray(codings) && codings.length > 0) return [];
  return [
    { path: `${type}.${element}.coding`, message: 'must hold at least one coding (system + code), not text only' },
  ];
}

function codeBindingIssues(type: MedrecResourceType, resource: JsonObject): FhirIssue[] {
  const bindings = REQUIRED_CODES[type] ?? {};
  return Object.entries(bindings).flatMap(([element, allowed]) => {
    const value = resource[element];
    if (value === undefined) return [];
    const values: unknown[] = Array.isArray(value) ? value : [value];
    return values
      .filter((code) => typeof code !== 'string' || !allowed.includes(code))
      .map(() => ({ path: `${type}.${element}`, message: `must be one of: ${allowed.join(', ')}` }));
  });
}

function conceptBindingIssues(type: MedrecResourceType, resource: JsonObject): FhirIssue[] {
  const bindings = REQUIRED_CONCEPTS[type] ?? {};
  return Object.entries(bindings).flatMap(([element, binding]) => {
    const concept = resource[element];
    if (concept === undefined) return [];
    const codings: unknown[] = isObject(concept) && Array.isArray(concept.coding) ? concept.coding : [];
    const valid = codings.some(
      (coding) =>
        isObject(coding) &&
        coding.system === binding.system &&
        typeof coding.code === 'string' &&
        binding.codes.includes(coding.code),
    );
    if (valid) return [];
    return [
      {
        path: `${type}.${element}`,
        message: `must have a coding with system ${binding.system} and code one of: ${binding.codes.join(', ')}`,
      },
    ];
  });
}

/** Problems with `resource` under MedRec's rules; empty when it complies. */
export function medrecRuleIssues(type: MedrecResourceType, resource: JsonObject): FhirIssue[] {
  return [
    ...patientIssues(type, resource),
    ...subjectCodeIssues(type, resource),
    ...codeBindingIssues(type, resource),
    ...conceptBindingIssues(type, resource),
    ...allCodingIssues(resource, type, 0),
  ];
}
