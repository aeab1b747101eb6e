/** Field-by-field differences between two JSON values, as dotted paths (`actor.role`). */
export interface FieldDifference {
  readonly field: string;
  /** JSON text of the value, or undefined when the field is absent. */
  readonly expected: string | undefined;
  readonly found: string | undefined;
}

function flatten(value: unknown, prefix: string, into: Map<string, string>): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      flatten(inner, prefix === '' ? key : `${prefix}.${key}`, into);
    }
    return;
  }
  into.set(prefix, JSON.stringify(value));
}

/** Every leaf field whose value differs (or exists on one side only), sorted by field path. */
export function fieldDifferences(expected: unknown, found: unknown): FieldDifference[] {
  const left = new Map<string, string>();
  const right = new Map<string, string>();
  flatten(expected, '', left);
  flatten(found, '', right);
  const fields = [...new Set([...left.keys(), ...right.keys()])].sort();
  return fields
    .filter((field) => left.get(field) !== right.get(field))
    .map((field) => ({ field, expected: left.get(field), found: right.get(field) }));
}
