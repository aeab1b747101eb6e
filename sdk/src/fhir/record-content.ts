/** Turns an incoming FHIR resource into what the custodian stores and what the ledger records about it. */
import { canonicalJson } from './content-hash';
import { InvalidFhirResourceError } from './fhir-errors';
import { patientIdOf, recordCategoryOf, type MedrecResource, type RecordCategory } from './supported-resources';
import { validateFhirResource } from './validate-resource';
import crypto from 'node:crypto';

export interface RecordContent {
  readonly resource: MedrecResource;
  /** The patient id from the resource's "Patient/<id>" reference. */
  readonly patientId: string;
  readonly category: RecordCategory;
  /** RFC 8785 canonical JSON: store this text, so re-hashing the stored bytes reproduces the ledger hash. */
  readonly canonicalJson: string;
  /** SHA-256 hex of canonicalJson, the value registered on chain. */
  readonly contentHash: string;
}

/** Validates `input` and derives its category, patient, canonical JSON and content hash. */
export function toRecordContent(input: unknown): RecordContent {
  const resource = validateFhirResource(input);
  const patientId = patientIdOf(resource);
  // validateFhirResource already requires the patient reference; this guards the type, not a reachable case.
  if (patientId === undefined) {
    throw new InvalidFhirResourceError(resource.resourceType, [
      { path: resource.resourceType, message: 'must reference its patient as "Patient/<id>"' },
    ]);
  }
  const text = canonicalJson(resource);
  return {
    resource,
    patientId,
    category: recordCategoryOf(resource),
    canonicalJson: text,
    contentHash: crypto.createHash('sha256').update(text, 'utf8').digest('hex'),
  };
}
