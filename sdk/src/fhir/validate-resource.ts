/** The single entry point for checking an incoming FHIR record before it reaches a store or the ledger. */
import { InvalidFhirResourceError, UnsupportedFhirResourceTypeError, type FhirIssue } from './fhir-errors';
import { medrecRuleIssues } from './medrec-rules';
import { structuralIssues } from './structure-validation';
import { SUPPORTED_RESOURCE_TYPES, isSupportedResourceType, type MedrecResource } from './supported-resources';
import { typedElementIssues } from './typed-element-rules';
import { unsafeKeyIssues } from './unsafe-keys';

function isJsonObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The problems found in `input`, without throwing. Unsupported types are reported as one issue. */
export function fhirIssuesOf(input: unknown): FhirIssue[] {
  if (!isJsonObject(input) || !isSupportedResourceType(input.resourceType)) {
    return [{ path: 'resourceType', message: `must be one of: ${SUPPORTED_RESOURCE_TYPES.join(', ')}` }];
  }
  const type = input.resourceType;
  // Prototype-polluting keys and runaway nesting are reported alone: every later check indexes tables by key and
  // recurses, and must not run on such input.
  const unsafe = unsafeKeyIssues(type, input);
  if (unsafe.length > 0) return unsafe;
  const resource = { ...input, resourceType: type };
  const issues = [...structuralIssues(resource), ...medrecRuleIssues(type, input), ...typedElementIssues(resource)];
  // The same element can be reported by both layers; report it once.
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Returns `input` typed as a MedRec resource if it is a valid FHIR R4 resource of a supported type that meets MedRec's
 * rules; otherwise throws UnsupportedFhirResourceTypeError or InvalidFhirResourceError listing every issue.
 */
export function validateFhirResource(input: unknown): MedrecResource {
  if (!isJsonObject(input) || !isSupportedResourceType(input.resourceType)) {
    const type = isJsonObject(input) && typeof input.resourceType === 'string' ? input.resourceType : undefined;
    throw new UnsupportedFhirResourceTypeError(type, SUPPORTED_RESOURCE_TYPES);
  }
  const issues = fhirIssuesOf(input);
  if (issues.length > 0) throw new InvalidFhirResourceError(input.resourceType, issues);
  return input as unknown as MedrecResource;
}
