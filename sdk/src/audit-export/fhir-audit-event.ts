/**
 * FHIR R4 AuditEvent resources shaped per IHE Basic Audit Log Patterns (BALP): the actor as a requestor agent, the
 * organisation as source observer, the patient and the subject as entities, disclosures as PrivacyDisclosure (DICOM
 * 110106 Export). The ledger proof travels as an entity holding the transaction id, with channel, block number and
 * validation code as entity details.
 */
import type { AuditEvent as FhirAuditEvent, Coding } from '@medplum/fhirtypes';
import type { ExportEntry } from './export-types';

export const MEDREC_SYSTEMS = {
  participant: 'urn:medrec:participant',
  msp: 'urn:medrec:msp',
  patient: 'urn:medrec:patient',
  auditType: 'urn:medrec:audit-type',
  fabricTransaction: 'urn:medrec:fabric-transaction',
  subject: (kind: string) => `urn:medrec:${kind}`,
} as const;

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const PURPOSE = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';

/** Audit types that record a disclosure of patient data (BALP PrivacyDisclosure). */
export const DISCLOSURE_TYPES: ReadonlySet<string> = new Set(['DisclosureConfirmed', 'BreakGlassGranted']);

function isBreakGlass(type: string): boolean {
  return type === 'BreakGlassGranted';
}

function actionOf(type: string): 'C' | 'R' | 'U' | 'D' | 'E' {
  if (/Revoke|Remove|Deactivate/.test(type)) return 'D';
  if (/Amend|Review|Accept|Reject|Acknowledge/.test(type)) return 'U';
  if (/Register|Grant|Add|Confirm/.test(type)) return 'C';
  if (/Access|Request|Query|Get|BreakGlass/.test(type)) return 'E';
  return 'E';
}

function typeOf(type: string): Coding {
  return DISCLOSURE_TYPES.has(type)
    ? { system: DCM, code: '110106', display: 'Export' }
    : { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'Restful Operation' };
}

/** One BALP-shaped AuditEvent for an exported entry. */
export function toFhirAuditEvent(entry: Readonly<ExportEntry>): FhirAuditEvent {
  const { event, proof } = entry;
  const disclosure = DISCLOSURE_TYPES.has(event.type);
  const entities: NonNullable<FhirAuditEvent['entity']> = [];
  if (event.patientId !== undefined) {
    entities.push({
      what: { identifier: { system: MEDREC_SYSTEMS.patient, value: event.patientId } },
      type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
    });
  }
  entities.push({
    what: { identifier: { system: MEDREC_SYSTEMS.subject(event.subject.kind), value: event.subject.id } },
    type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
    role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
  });
  entities.push({
    what: { identifier: { system: MEDREC_SYSTEMS.fabricTransaction, value: proof.transactionId } },
    type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
    description: 'Hyperledger Fabric transaction that recorded this event',
    detail: [
      { type: 'channel', valueString: proof.channel },
      { type: 'blockNumber', valueString: String(proof.blockNumber) },
      { type: 'validationCode', valueString: proof.validationCode },
    ],
  });
  return {
    resourceType: 'AuditEvent',
    id: event.eventId,
    meta: {
      profile: [
        disclosure
          ? 'https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PrivacyDisclosure'
          : 'https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Base',
      ],
    },
    type: typeOf(event.type),
    subtype: [{ system: MEDREC_SYSTEMS.auditType, code: event.type }],
    action: actionOf(event.type),
    recorded: event.time,
    outcome: event.outcome === 'deny' ? '4' : '0',
    ...(event.reason !== undefined ? { outcomeDesc: event.reason } : {}),
    ...(isBreakGlass(event.type)
      ? { purposeOfEvent: [{ coding: [{ system: PURPOSE, code: 'ETREAT', display: 'Emergency Treatment' }] }] }
      : {}),
    agent: [
      {
        type: {
          coding: [
            disclosure
              ? { system: PARTICIPATION, code: 'IRCP', display: 'information recipient' }
              : { system: PARTICIPATION, code: 'AUT', display: 'author (originator)' },
          ],
        },
        role: [{ coding: [{ system: 'urn:medrec:role', code: event.actor.role }] }],
        who: {
          identifier: { system: MEDREC_SYSTEMS.participant, value: event.actor.participantId },
          display: `${event.actor.participantId} (${event.actor.mspId})`,
        },
        requestor: true,
      },
    ],
    source: {
      observer: { identifier: { system: MEDREC_SYSTEMS.msp, value: event.actor.mspId }, display: event.actor.mspId },
      type: [{ system: SOURCE_TYPE, code: '4', display: 'Application Server' }],
    },
    entity: entities,
  };
}

/** One Bundle entry of the FHIR export. */
export function toFhirBundleEntry(entry: Readonly<ExportEntry>): { resource: FhirAuditEvent } {
  return { resource: toFhirAuditEvent(entry) };
}
