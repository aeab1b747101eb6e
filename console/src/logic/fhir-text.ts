/**
 * A FHIR R4 resource as lines a person reads: the resource's own kind, what it is about (its code's display text),
 * its values, status and dates. MedRec accepts any FHIR resource, so unknown elements are listed generically rather
 * than dropped; nothing here interprets clinical meaning beyond what the resource states.
 */

export interface ReadableField {
  readonly label: string;
  readonly value: string;
}

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
type JsonObject = Readonly<Record<string, Json>>;

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A CodeableConcept: its text, else its codings as "display (system code)". */
function concept(value: Json | undefined): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.text === 'string') return value.text;
  const codings = Array.isArray(value.coding) ? (value.coding as readonly Json[]) : [];
  const parts = codings.filter(isObject).map((c) => {
    const display = typeof c.display === 'string' ? c.display : undefined;
    const code = typeof c.code === 'string' ? c.code : '';
    const system = typeof c.system === 'string' ? systemName(c.system) : '';
    return display === undefined ? `${system} ${code}`.trim() : `${display} (${`${system} ${code}`.trim()})`;
  });
  return parts.length === 0 ? undefined : parts.join('; ');
}

const SYSTEMS: Readonly<Record<string, string>> = {
  'http://hl7.org/fhir/sid/icd-10-cm': 'ICD-10-CM',
  'http://hl7.org/fhir/sid/icd-10': 'ICD-10',
  'http://loinc.org': 'LOINC',
  'http://snomed.info/sct': 'SNOMED CT',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'RxNorm',
  'http://hl7.org/fhir/sid/cvx': 'CVX',
};

function systemName(system: string): string {
  return SYSTEMS[system] ?? (system.startsWith('http://terminology.hl7.org/') ? '' : system);
}

function quantity(value: Json | undefined): string | undefined {
  if (!isObject(value) || typeof value.value !== 'number') return undefined;
  const unit = typeof value.unit === 'string' ? value.unit : typeof value.code === 'string' ? value.code : '';
  return `${String(value.value)} ${unit}`.trim();
}

function period(value: Json | undefined): string | undefined {
  if (!isObject(value)) return undefined;
  const start = typeof value.start === 'string' ? value.start : '…';
  const end = typeof value.end === 'string' ? value.end : '…';
  return `${start} to ${end}`;
}

/** Elements shown by the rules above, each with its label; the order is the order people read them in. */
const KNOWN: readonly (readonly [string, string, (v: Json | undefined) => string | undefined])[] = [
  ['code', 'What', concept],
  ['vaccineCode', 'Vaccine', concept],
  ['medicationCodeableConcept', 'Medication', concept],
  ['type', 'Type', concept],
  [
    'category',
    'Category',
    (v) => (Array.isArray(v) ? (v as readonly Json[]).map(concept).filter(Boolean).join('; ') : concept(v)),
  ],
  ['valueQuantity', 'Value', quantity],
  ['valueCodeableConcept', 'Value', concept],
  ['valueString', 'Value', (v) => (typeof v === 'string' ? v : undefined)],
  [
    'interpretation',
    'Interpretation',
    (v) => (Array.isArray(v) ? (v as readonly Json[]).map(concept).filter(Boolean).join('; ') : undefined),
  ],
  ['clinicalStatus', 'Clinical status', concept],
  ['verificationStatus', 'Verification', concept],
  ['severity', 'Severity', concept],
  ['status', 'Status', (v) => (typeof v === 'string' ? v : undefined)],
  ['onsetDateTime', 'Since', (v) => (typeof v === 'string' ? v : undefined)],
  ['effectiveDateTime', 'When', (v) => (typeof v === 'string' ? v : undefined)],
  ['effectivePeriod', 'When', period],
  ['occurrenceDateTime', 'When', (v) => (typeof v === 'string' ? v : undefined)],
  ['performedDateTime', 'When', (v) => (typeof v === 'string' ? v : undefined)],
  ['recordedDate', 'Recorded', (v) => (typeof v === 'string' ? v : undefined)],
  ['issued', 'Issued', (v) => (typeof v === 'string' ? v : undefined)],
  ['authoredOn', 'Prescribed', (v) => (typeof v === 'string' ? v : undefined)],
  ['period', 'Period', period],
];

/** Structure and identity, not content a reader needs. */
const HIDDEN = new Set(['resourceType', 'id', 'meta', 'subject', 'patient', 'text', 'contained']);

/** "Blood pressure" from "bloodPressure", for elements the rules above do not know. */
function humanise(key: string): string {
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function generic(value: Json): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return concept(value) ?? quantity(value) ?? JSON.stringify(value);
}

export function readableFhir(resource: Readonly<Record<string, unknown>>): {
  readonly title: string;
  readonly fields: readonly ReadableField[];
} {
  const r = resource as JsonObject;
  const kind = typeof r.resourceType === 'string' ? humanise(r.resourceType) : 'Record';
  const fields: ReadableField[] = [];
  const shown = new Set<string>(HIDDEN);
  for (const [key, label, read] of KNOWN) {
    const value = read(r[key]);
    if (value !== undefined && value !== '') fields.push({ label, value });
    shown.add(key);
  }
  for (const [key, value] of Object.entries(r)) {
    if (shown.has(key)) continue;
    fields.push({ label: humanise(key), value: generic(value) });
  }
  const what = fields.find((f) => f.label === 'What' || f.label === 'Vaccine' || f.label === 'Medication');
  return { title: what === undefined ? kind : `${kind}: ${what.value}`, fields };
}
