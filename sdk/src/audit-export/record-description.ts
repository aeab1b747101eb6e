/**
 * The brief description of a disclosed record (164.528(b)(2)(iii)) in the custodian's own words: the FHIR resource
 * type and what its code says, e.g. "Observation: Serum iron". Both live only in the custodian's store, never on
 * the ledger, so only the custodian that holds the record can describe it this way.
 */

interface Coding {
  readonly display?: unknown;
  readonly code?: unknown;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The concept a resource is about: code.text, else the first coding's display (FHIR's usual fields). */
function conceptOf(resource: Readonly<Record<string, unknown>>): string | undefined {
  for (const field of ['code', 'vaccineCode', 'medicationCodeableConcept', 'type']) {
    const concept = resource[field];
    if (typeof concept !== 'object' || concept === null) continue;
    const { text, coding } = concept as { text?: unknown; coding?: unknown };
    const described =
      textOf(text) ??
      (Array.isArray(coding) ? coding.map((c: Coding) => textOf(c.display)).find((d) => d !== undefined) : undefined);
    if (described !== undefined) return described;
  }
  return undefined;
}

/** At most this many characters: a description is a line in a table, not the record. */
const MAX_LENGTH = 120;

/**
 * "Observation: Serum iron", or just "Observation" when the resource names no concept; undefined for something
 * that is not a FHIR resource.
 */
export function describeFhirResource(resource: unknown): string | undefined {
  if (typeof resource !== 'object' || resource === null) return undefined;
  const fields = resource as Readonly<Record<string, unknown>>;
  const type = textOf(fields.resourceType);
  if (type === undefined) return undefined;
  const concept = conceptOf(fields);
  const text = concept === undefined ? type : `${type}: ${concept}`;
  // Control characters would break the documents' layout; the PDF's fonts render Latin-1 only.
  const printable = text.replace(/[^\x20-\x7e\xa1-\xff]/g, '?');
  return printable.length > MAX_LENGTH ? `${printable.slice(0, MAX_LENGTH - 1)}…` : printable;
}
