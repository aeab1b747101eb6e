/** Errors raised while checking FHIR content. Each failure kind has its own class and a stable `code`. */
import { MedRecError } from '../medrec-error';

export const FHIR_ERROR_CODES = [
  'FHIR_INVALID_RESOURCE',
  'FHIR_UNSUPPORTED_RESOURCE_TYPE',
  'FHIR_NOT_CANONICALIZABLE',
] as const;
export type FhirErrorCode = (typeof FHIR_ERROR_CODES)[number];

export abstract class FhirError extends MedRecError<FhirErrorCode> {
  abstract override readonly code: FhirErrorCode;
}

/** One problem found in a resource: where (a FHIRPath-like location) and what to change. */
export interface FhirIssue {
  /** e.g. "Observation.code.coding[0].system"; the resource type alone when the whole resource is at fault. */
  readonly path: string;
  readonly message: string;
}

/** The resource is not valid FHIR R4, or breaks a MedRec rule. `issues` lists every problem found, not just the first. */
export class InvalidFhirResourceError extends FhirError {
  readonly code = 'FHIR_INVALID_RESOURCE';
  readonly issues: readonly FhirIssue[];

  constructor(resourceType: string, issues: readonly FhirIssue[]) {
    const listed = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    super(`The ${resourceType} resource is not valid FHIR R4 for MedRec: ${listed}. Fix these elements and resend it.`);
    this.issues = issues;
  }
}

/** The resource type is not one MedRec stores (or the input is not a resource at all). */
export class UnsupportedFhirResourceTypeError extends FhirError {
  readonly code = 'FHIR_UNSUPPORTED_RESOURCE_TYPE';
  readonly resourceType: string | undefined;

  constructor(resourceType: string | undefined, supported: readonly string[]) {
    const what = resourceType === undefined ? 'The input has no resourceType' : `resourceType "${resourceType}"`;
    super(
      `${what} is not a record type MedRec stores. Send one FHIR R4 resource whose resourceType is one of: ` +
        `${supported.join(', ')}.`,
    );
    this.resourceType = resourceType;
  }
}

/** The value cannot be put in RFC 8785 canonical form (e.g. NaN, Infinity, BigInt), so it has no content hash. */
export class NonCanonicalContentError extends FhirError {
  readonly code = 'FHIR_NOT_CANONICALIZABLE';

  constructor(detail: string, options?: ErrorOptions) {
    super(
      `The content cannot be canonicalised as RFC 8785 JSON (${detail}). ` +
        'Send plain JSON: objects, arrays, strings, finite numbers, booleans and null only.',
      options,
    );
  }
}
