/**
 * Checks run on the raw JSON before anything looks keys up in a table: a key such as `__proto__` or `constructor`
 * names a property of every JavaScript object, so code that indexes a schema or a plain object with it (the R4
 * validator, a later `Object.assign`, a merge in a client) reads or writes the prototype instead of the data.
 * JSON.parse keeps a `"__proto__"` key as an ordinary own property, so it is visible here and refused, never dropped.
 */
import type { FhirIssue } from './fhir-errors';

/** Keys that reach Object.prototype (or a constructor's prototype) when used as a property name. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any R4 resource MedRec stores; also bounds the recursion of every later check. */
export const MAX_RESOURCE_DEPTH = 64;

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(value: unknown, path: string, depth: number, issues: FhirIssue[]): void {
  if (depth > MAX_RESOURCE_DEPTH) {
    issues.push({
      path,
      message: `nests deeper than ${MAX_RESOURCE_DEPTH} levels, which no R4 resource needs; flatten the resource`,
    });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => {
      walk(item, `${path}[${index}]`, depth + 1, issues);
    });
    return;
  }
  if (!isPlainObject(value)) return;
  // Object.keys lists own enumerable properties, which is what JSON.parse creates, "__proto__" included.
  for (const key of Object.keys(value)) {
    const childPath = `${path}.${key}`;
    if (PROTOTYPE_KEYS.has(key)) {
      issues.push({
        path: childPath,
        message:
          `"${key}" is not a FHIR element and is refused because it can alter JavaScript object prototypes; ` +
          'remove this key',
      });
      continue;
    }
    walk(value[key], childPath, depth + 1, issues);
  }
}

/** Prototype-polluting keys anywhere in `resource`, and nesting beyond {@link MAX_RESOURCE_DEPTH}; empty if none. */
export function unsafeKeyIssues(resourceType: string, resource: unknown): FhirIssue[] {
  const issues: FhirIssue[] = [];
  walk(resource, resourceType, 0, issues);
  return issues;
}
