/**
 * The fields of a FHIR export's AuditEvent that a person reads (recorded time, outcome, action and type, patient,
 * requester, subject, ledger proof) must say what the embedded `{event, proof}` says: the manifest signs only the
 * embedded entry, so an edit to the visible fields alone would otherwise go unnoticed. Each is compared with the
 * AuditEvent the writer makes of the embedded entry. Fields that come from ledger reads beyond the event (ticket
 * purpose, consent, recipient, gatekeeper addresses: {@link FhirEventDetails}) are not derived from the entry and so
 * are not checked here.
 */
import type { ExportEntry } from './export-types';
import { fieldDifferences, type FieldDifference } from './field-diff';
import { MEDREC_SYSTEMS, PATTERN_OF, toFhirBundleEntry, type BalpPattern } from './fhir-audit-event';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objects(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function field(value: unknown, ...path: string[]): unknown {
  let at = value;
  for (const key of path) at = isObject(at) ? at[key] : undefined;
  return at;
}

function coding(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  return `${String(value.system)}|${String(value.code)}`;
}

function identifier(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  return `${String(value.system)}|${String(value.value)}`;
}

/** The visible facts of one Bundle entry, keyed by the FHIR path a reader finds them at. */
function viewOf(bundleEntry: unknown, pattern: BalpPattern): Json {
  const resource = field(bundleEntry, 'resource');
  const subtypes = objects(field(resource, 'subtype'));
  const entities = objects(field(resource, 'entity'));
  const patient = entities.find((e) => field(e, 'role', 'code') === '1');
  // The entry's own subject is the last Domain Resource entity (a disclosure's record entity, from its ticket,
  // precedes it).
  const subject = entities.filter((e) => field(e, 'role', 'code') === '4').at(-1);
  const proof = objects(field(resource, 'extension')).find((e) => e.url === MEDREC_SYSTEMS.ledgerProof);
  const proofPart = (url: string): unknown => {
    const part = objects(field(proof, 'extension')).find((e) => e.url === url);
    return part?.valueString ?? part?.valueUnsignedInt ?? part?.valueCode;
  };
  // The requester is the actor for REST changes and access decisions; a disclosure's recipient is the ticket's.
  const requestor =
    pattern === 'disclosure' ? undefined : objects(field(resource, 'agent')).find((a) => a.requestor === true);
  return {
    fullUrl: field(bundleEntry, 'fullUrl'),
    'AuditEvent.id': field(resource, 'id'),
    'AuditEvent.recorded': field(resource, 'recorded'),
    'AuditEvent.action': field(resource, 'action'),
    'AuditEvent.outcome': field(resource, 'outcome'),
    'AuditEvent.outcomeDesc': field(resource, 'outcomeDesc'),
    'AuditEvent.type': coding(field(resource, 'type')),
    'AuditEvent.subtype[MedRec type]': subtypes
      .filter((c) => c.system === MEDREC_SYSTEMS.auditType)
      .map((c) => c.code)
      .join(','),
    'AuditEvent.entity[patient].what.reference': field(patient, 'what', 'reference'),
    'AuditEvent.entity[patient].what.identifier': identifier(field(patient, 'what', 'identifier')),
    'AuditEvent.entity[data].what.identifier': identifier(field(subject, 'what', 'identifier')),
    'AuditEvent.agent[requestor].who.identifier': identifier(field(requestor, 'who', 'identifier')),
    'AuditEvent.agent[requestor].role': objects(field(requestor, 'role'))
      .map((r) => objects(r.coding).map(coding).join(','))
      .join(';'),
    'AuditEvent.extension[ledger-proof].transactionId': proofPart('transactionId'),
    'AuditEvent.extension[ledger-proof].channel': proofPart('channel'),
    'AuditEvent.extension[ledger-proof].blockNumber': proofPart('blockNumber'),
    'AuditEvent.extension[ledger-proof].validationCode': proofPart('validationCode'),
  };
}

/**
 * Where the visible fields of a FHIR export's Bundle entry disagree with the `{event, proof}` embedded in it:
 * `expected` is what the embedded entry makes of the field, `found` what the Bundle entry shows.
 */
export function fhirViewDifferences(bundleEntry: unknown, entry: Readonly<ExportEntry>): FieldDifference[] {
  const pattern = PATTERN_OF[entry.event.type] as BalpPattern | undefined;
  if (pattern === undefined) {
    // Not a MedRec audit type: the writer makes no AuditEvent of it, so there is nothing to compare the view with.
    return [{ field: 'event.type', expected: 'a MedRec audit event type', found: JSON.stringify(entry.event.type) }];
  }
  let expected: unknown;
  try {
    expected = toFhirBundleEntry(entry);
  } catch {
    // An embedded entry too broken to render (say, without an actor): the ledger check reports its fields.
    return [{ field: 'embedded entry', expected: 'an {event, proof} the writer can render', found: 'unrenderable' }];
  }
  return fieldDifferences(viewOf(expected, pattern), viewOf(bundleEntry, pattern));
}
