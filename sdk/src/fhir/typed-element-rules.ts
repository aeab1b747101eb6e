/**
 * Checks that depend on an element's R4 data type, wherever the element sits: every date, dateTime and instant
 * (including inside extensions, choice types such as onset[x], periods and contained resources) must name a real
 * calendar value, every narrative must be safe XHTML, and every resource id (the resource's own and those of its
 * contained resources) must be a FHIR id. A choice element (onset[x], value[x]) may hold one type only: the R4
 * validator accepts two, and its crawler then visits just one of them, so the other would escape every check here.
 * The types come from the R4 definitions through Medplum's crawler, so no element list is kept by hand here.
 */
import { crawlTypedValue, type InternalTypeSchema, type TypedValue, type TypedValueWithPath } from '@medplum/core';
import type { FhirIssue } from './fhir-errors';
import { temporalIssues } from './calendar-dates';
import { narrativeIssues } from './narrative';
import { loadFhirR4Definitions } from './structure-validation';

// FHIR R4 "id" type; R4's definitions type Resource.id as a plain string, so the validator does not check it.
const FHIR_ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

function isResource(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { resourceType?: unknown }).resourceType === 'string'
  );
}

function idIssues(path: string, value: unknown): FhirIssue[] {
  if (typeof value === 'string' && FHIR_ID_PATTERN.test(value)) return [];
  return [
    {
      path,
      message:
        'must be a FHIR id: 1-64 letters, digits, "-" or "." (no "/", spaces or other characters); ' +
        'send a plain id such as "obs-1" or leave id out',
    },
  ];
}

function issuesOfElement(parent: TypedValue, key: string, element: TypedValueWithPath): FhirIssue[] {
  switch (element.type) {
    case 'date':
    case 'dateTime':
    case 'instant':
      return temporalIssues(element.path, element.type, element.value);
    case 'xhtml':
      return narrativeIssues(element.path, element.value);
    case 'id':
      return idIssues(element.path, element.value);
    default:
      return key === 'id' && isResource(parent.value) ? idIssues(element.path, element.value) : [];
  }
}

/** "onset[x]" given as both onsetDateTime and onsetPeriod (or any two of its types) in one object. */
function choiceIssues(object: TypedValueWithPath, schema: InternalTypeSchema): FhirIssue[] {
  const value: unknown = object.value;
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(schema.elements).flatMap(([name, element]) => {
    if (!name.endsWith('[x]')) return [];
    const base = name.slice(0, -3);
    const present = element.type
      .map((type) => `${base}${type.code.charAt(0).toUpperCase()}${type.code.slice(1)}`)
      .filter((key) => Object.hasOwn(value, key));
    if (present.length <= 1) return [];
    return [
      {
        path: `${object.path}.${name}`,
        message: `holds ${present.join(' and ')}; a choice element takes exactly one type: keep one of them`,
      },
    ];
  });
}

/**
 * Problems with the typed elements of `resource`; empty when there are none. Call only on input that passed
 * {@link unsafeKeyIssues}: the crawler looks keys up in the definitions' tables.
 */
export function typedElementIssues(resource: Readonly<{ resourceType: string }>): FhirIssue[] {
  loadFhirR4Definitions();
  const issues: FhirIssue[] = [];
  try {
    crawlTypedValue(
      { type: resource.resourceType, value: resource },
      {
        onEnterObject: (_path, object, schema) => {
          issues.push(...choiceIssues(object, schema));
        },
        visitProperty: (parent, key, _path, propertyValues) => {
          for (const element of propertyValues.flat()) issues.push(...issuesOfElement(parent, key, element));
        },
      },
      { skipMissingProperties: true },
    );
  } catch (error) {
    // The crawler trips over some structurally broken input; fail closed, the structural issues say what to fix.
    const detail = error instanceof Error ? error.message : String(error);
    issues.push({
      path: resource.resourceType,
      message: `could not be read against the R4 definitions (${detail}); fix the structural problems and resend`,
    });
  }
  return issues;
}
