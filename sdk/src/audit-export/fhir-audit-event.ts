/**
 * FHIR R4 AuditEvents shaped per IHE Basic Audit Log Patterns (BALP) 1.1, https://profiles.ihe.net/ITI/BALP (the
 * constraints below are read from its FSH sources, IHE/ITI.BasicAudit input/fsh: PatientCreate.fsh, PatientUpdate.fsh,
 * PatientDelete.fsh, AuthZ.fsh, Disclose.fsh). Every MedRec audit type maps to one BALP pattern in {@link PATTERN_OF};
 * a profile is claimed in meta.profile only when the event carries everything that profile requires (say, the consent
 * of an AuthZconsent decision), never by default. The ledger proof travels in one extension, since AuthZconsent closes
 * its entity slicing to patient, consent and token; the exported entry itself in another, for verification.
 */
import { createHash } from 'node:crypto';
import type {
  AuditEvent as FhirAuditEvent,
  AuditEventAgent,
  AuditEventEntity,
  CodeableConcept,
  Coding,
  Extension,
} from '@medplum/fhirtypes';
import type { AuditEvent, Organisation, PurposeOfUse, Ticket } from '../chaincode-types';
import { canonicalJson } from '../fhir/content-hash';
import type { ExportEntry } from './export-types';

export const MEDREC_SYSTEMS = {
  participant: 'urn:medrec:participant',
  msp: 'urn:medrec:msp',
  patient: 'urn:medrec:patient',
  channel: 'urn:medrec:channel',
  auditType: 'urn:medrec:audit-type',
  role: 'urn:medrec:role',
  fabricTransaction: 'urn:medrec:fabric-transaction',
  /** The extension holding the ledger proof: transactionId, channel, blockNumber, validationCode. */
  ledgerProof: 'urn:medrec:fhir:ledger-proof',
  /** The extension holding the exported entry itself, `canonicalJson({event, proof})`, for verification. */
  exportEntry: 'urn:medrec:fhir:export-entry',
  subject: (kind: string) => `urn:medrec:${kind}`,
} as const;

const BALP = 'https://profiles.ihe.net/ITI/BALP/StructureDefinition';
export const BALP_PROFILES = {
  create: `${BALP}/IHE.BasicAudit.Create`,
  patientCreate: `${BALP}/IHE.BasicAudit.PatientCreate`,
  update: `${BALP}/IHE.BasicAudit.Update`,
  patientUpdate: `${BALP}/IHE.BasicAudit.PatientUpdate`,
  delete: `${BALP}/IHE.BasicAudit.Delete`,
  patientDelete: `${BALP}/IHE.BasicAudit.PatientDelete`,
  authzConsent: `${BALP}/IHE.BasicAudit.AuthZconsent`,
  disclosureSource: `${BALP}/IHE.BasicAudit.PrivacyDisclosure.Source`,
} as const;

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const SCT = 'http://snomed.info/sct';
const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const RESTFUL = 'http://hl7.org/fhir/restful-interaction';
const LIFECYCLE = 'http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle';
const AUTHZ_SUBTYPE = 'https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const RESOURCE_TYPES = 'http://hl7.org/fhir/resource-types';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const ROLE_CLASS = 'http://terminology.hl7.org/CodeSystem/v3-RoleClass';
const SECURITY_ROLE = 'http://terminology.hl7.org/CodeSystem/extra-security-role-type';
const PROVENANCE_ROLE = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';
const PURPOSE = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';
const NETWORK_TYPE_URI = '5';

/**
 * - `create`, `update`, `delete`: BALP (Patient)Create/Update/Delete: a RESTful change of ledger state.
 * - `authz`: BALP AuthZconsent: the ledger decided an access request (permit or deny); a break-glass grant is one too,
 *   with the emergency purpose: nothing is released when it is granted.
 * - `disclosure`: BALP PrivacyDisclosure.Source: the custodian released a record to the requester.
 */
export type BalpPattern = 'create' | 'update' | 'delete' | 'authz' | 'disclosure';

/** The one mapping of MedRec audit types to BALP patterns; the compiler insists on every type. */
export const PATTERN_OF: Readonly<Record<AuditEvent['type'], BalpPattern>> = {
  OrganisationRegistered: 'create',
  OrganisationRetirementApproved: 'update',
  OrganisationRetired: 'update',
  ParticipantRegistered: 'create',
  ParticipantDeactivated: 'update',
  RecordRegistered: 'create',
  RecordAmended: 'update',
  PatientAdmitted: 'create',
  RelationshipAccepted: 'update',
  RelationshipRejected: 'update',
  DelegateProposed: 'create',
  DelegateAdded: 'create',
  DelegateRemoved: 'delete',
  ConsentGranted: 'create',
  // A revoked consent stays on the ledger with its new status: an update, not a delete.
  ConsentRevoked: 'update',
  AccessDecided: 'authz',
  BreakGlassGranted: 'authz',
  BreakGlassReviewed: 'update',
  DisclosureConfirmed: 'disclosure',
  NotificationsAcknowledged: 'update',
  ResearchOptOutChanged: 'update',
  TrendQuerySubmitted: 'create',
  TrendAnswerSubmitted: 'create',
  TrendQueryCombined: 'update',
  TrendSettingsApproved: 'create',
  TrendSettingsChanged: 'update',
  IncentiveScheduleProposed: 'create',
  IncentiveScheduleApproved: 'update',
  IncentiveInitialized: 'update',
  EndorsementsClaimed: 'create',
  EndorsementsAttested: 'update',
  CreditsTransferred: 'create',
};

const PURPOSE_DISPLAY: Readonly<Record<PurposeOfUse, string>> = {
  TREAT: 'treatment',
  ETREAT: 'Emergency Treatment',
  HPAYMT: 'healthcare payment',
  HOPERAT: 'healthcare operations',
  HRESCH: 'healthcare research',
  PUBHLTH: 'public health',
};

/**
 * What the ledger knows about an event beyond the event itself, when the exporter may read it: the ticket of an
 * access decision or disclosure (its purpose, consent, requester and custodian never change after it is issued) and
 * the organisations' records (the custodian gatekeeper's address).
 */
export interface FhirEventDetails {
  readonly ticket?: Ticket | undefined;
  readonly organisations?: ReadonlyMap<string, Organisation>;
}

const REST: Readonly<
  Record<'create' | 'update' | 'delete', { action: 'C' | 'U' | 'D'; interaction: string; profiles: [string, string] }>
> = {
  create: { action: 'C', interaction: 'create', profiles: [BALP_PROFILES.create, BALP_PROFILES.patientCreate] },
  update: { action: 'U', interaction: 'update', profiles: [BALP_PROFILES.update, BALP_PROFILES.patientUpdate] },
  delete: { action: 'D', interaction: 'delete', profiles: [BALP_PROFILES.delete, BALP_PROFILES.patientDelete] },
};

function concept(coding: Coding): CodeableConcept {
  return { coding: [coding] };
}

function purposeCoding(purpose: PurposeOfUse): CodeableConcept {
  return concept({ system: PURPOSE, code: purpose, display: PURPOSE_DISPLAY[purpose] });
}

function participant(actor: { participantId: string; mspId: string }): NonNullable<AuditEventAgent['who']> {
  return {
    identifier: { system: MEDREC_SYSTEMS.participant, value: actor.participantId },
    display: `${actor.participantId} (${actor.mspId})`,
  };
}

function organisation(mspId: string): NonNullable<AuditEventAgent['who']> {
  return { identifier: { system: MEDREC_SYSTEMS.msp, value: mspId }, display: mspId };
}

/** The MedRec chaincode on the channel: it records every event, and decides every access request. */
function ledger(channel: string): NonNullable<AuditEventAgent['who']> {
  return { identifier: { system: MEDREC_SYSTEMS.channel, value: channel }, display: `MedRec ledger (${channel})` };
}

/**
 * AuditEvent.agent.network (FHIR R4: address and type, type 5 = URI) of an organisation's application agent: the
 * gatekeeper URL of its ledger record, the organisation's one published endpoint. BALP requires network on the
 * device agents (AuthZconsent client; PrivacyDisclosure source and recipient; RESTful client and server) and forbids
 * it on person and organisation agents (user, userorg, authorizer): only device agents get it, and a profile that
 * requires it is claimed only when it is known.
 */
function network(mspId: string, details: FhirEventDetails): Pick<AuditEventAgent, 'network'> {
  const url = details.organisations?.get(mspId)?.gatekeeperUrl;
  return url === undefined ? {} : { network: { address: url, type: NETWORK_TYPE_URI } };
}

function hasNetwork(mspId: string | undefined, details: FhirEventDetails): boolean {
  return mspId !== undefined && network(mspId, details).network !== undefined;
}

/** Deterministic (RFC 9562 version 5) UUID of an event: a re-export of the same event has the same fullUrl. */
export function auditEventUuid(eventId: string): string {
  const namespace = Buffer.from('ac85e7d7763b440383673cabfe92dd58', 'hex');
  const hash = createHash('sha1').update(namespace).update(eventId, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function patientEntity(patientId: string): AuditEventEntity {
  return {
    what: {
      reference: `Patient/${patientId}`,
      identifier: { system: MEDREC_SYSTEMS.patient, value: patientId },
    },
    type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
    role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
  };
}

function dataEntity(event: AuditEvent): AuditEventEntity {
  return {
    what: { identifier: { system: MEDREC_SYSTEMS.subject(event.subject.kind), value: event.subject.id } },
    type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
    role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
  };
}

function consentEntity(consentId: string): AuditEventEntity {
  return {
    what: {
      reference: `Consent/${consentId}`,
      identifier: { system: MEDREC_SYSTEMS.subject('consent'), value: consentId },
    },
    type: { system: RESOURCE_TYPES, code: 'Consent', display: 'Consent' },
  };
}

function proofExtension(entry: Readonly<ExportEntry>): Extension {
  const { proof } = entry;
  return {
    url: MEDREC_SYSTEMS.ledgerProof,
    extension: [
      { url: 'transactionId', valueString: proof.transactionId },
      { url: 'channel', valueString: proof.channel },
      { url: 'blockNumber', valueUnsignedInt: proof.blockNumber },
      { url: 'validationCode', valueCode: proof.validationCode },
    ],
  };
}

/**
 * The exported entry, exactly as the manifest's contentSha256 hashes it, so that a verifier rebuilds `{event, proof}`
 * from the FHIR export alone (the AuditEvent's coded fields are a lossy, details-dependent view of it). FHIR R4
 * permits an extension on any element (R4 2.22 Extensibility, https://hl7.org/fhir/R4/extensibility.html; every
 * DomainResource has `extension` 0..*), and no BALP profile constrains AuditEvent.extension (they forbid only
 * modifierExtension). valueString (R4 2.24.0.1 string: at most 1 MB) keeps the JSON readable; canonical JSON has no
 * leading or trailing whitespace, as a FHIR string requires.
 */
function entryExtension(entry: Readonly<ExportEntry>): Extension {
  return {
    url: MEDREC_SYSTEMS.exportEntry,
    valueString: canonicalJson({ event: entry.event, proof: entry.proof }),
  };
}

interface Shape {
  readonly profile: string | undefined;
  readonly type: Coding;
  readonly subtype: readonly Coding[];
  readonly action: 'C' | 'R' | 'U' | 'D' | 'E';
  readonly purpose: PurposeOfUse | undefined;
  readonly observer: NonNullable<AuditEventAgent['who']>;
  readonly sourceType: Coding;
  readonly agents: readonly AuditEventAgent[];
  readonly entities: readonly AuditEventEntity[];
}

const APPLICATION_SERVER: Coding = { system: SOURCE_TYPE, code: '4', display: 'Application Server' };

function restShape(
  pattern: 'create' | 'update' | 'delete',
  entry: Readonly<ExportEntry>,
  details: FhirEventDetails,
): Shape {
  const { event, proof } = entry;
  const rest = REST[pattern];
  const hasPatient = event.patientId !== undefined;
  const server = ledger(proof.channel);
  // The transaction entered the ledger through the actor's organisation's MedRec node (its API and peer): the client
  // and the server agents both sit at that organisation's registered endpoint. BALP's RESTful profiles require
  // network on both, so they are claimed only when that endpoint is known.
  const endpoint = network(event.actor.mspId, details);
  return {
    profile: endpoint.network === undefined ? undefined : hasPatient ? rest.profiles[1] : rest.profiles[0],
    type: { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'Restful Operation' },
    subtype: [{ system: RESTFUL, code: rest.interaction }],
    action: rest.action,
    purpose: undefined,
    observer: server,
    sourceType: APPLICATION_SERVER,
    agents: [
      {
        type: concept({ system: PARTICIPATION, code: 'AUT', display: 'author (originator)' }),
        role: [concept({ system: MEDREC_SYSTEMS.role, code: event.actor.role })],
        who: participant(event.actor),
        requestor: true,
      },
      {
        // The actor's organisation's MedRec application submitted the transaction through its peer gateway.
        type: concept(
          pattern === 'delete'
            ? { system: DCM, code: '110150', display: 'Application' }
            : { system: DCM, code: '110153', display: 'Source Role ID' },
        ),
        who: organisation(event.actor.mspId),
        ...endpoint,
        requestor: false,
      },
      {
        type: concept(
          pattern === 'delete'
            ? { system: PROVENANCE_ROLE, code: 'custodian', display: 'Custodian' }
            : { system: DCM, code: '110152', display: 'Destination Role ID' },
        ),
        who: server,
        ...endpoint,
        requestor: false,
      },
    ],
    entities: [...(hasPatient ? [patientEntity(event.patientId ?? '')] : []), dataEntity(event)],
  };
}

function authzShape(entry: Readonly<ExportEntry>, details: FhirEventDetails): Shape {
  const { event, proof } = entry;
  const { ticket } = details;
  const breakGlass = event.type === 'BreakGlassGranted';
  const purpose: PurposeOfUse | undefined = breakGlass ? 'ETREAT' : ticket?.purpose;
  const consentId = ticket?.consentId;
  const authorizer = ledger(proof.channel);
  // AuthZconsent requires the consent on file (entity[consent] 1..*), a patient and the client's network address
  // (agent[client].network 1..1): claim it only then.
  const consentDecision = consentId !== undefined && event.patientId !== undefined;
  const conformant = consentDecision && hasNetwork(event.actor.mspId, details);
  return {
    profile: conformant ? BALP_PROFILES.authzConsent : undefined,
    type: { system: DCM, code: '110113', display: 'Security Alert' },
    subtype: [
      consentDecision
        ? { system: AUTHZ_SUBTYPE, code: 'AuthZ-Consent', display: 'Authorization Decision using Roles and Consent' }
        : { system: AUTHZ_SUBTYPE, code: 'AuthZ-Role', display: 'Authorization Decision using only Roles' },
    ],
    action: 'E',
    purpose,
    observer: authorizer,
    sourceType: { system: SOURCE_TYPE, code: '6', display: 'Security Server' },
    agents: [
      {
        type: concept({ system: DCM, code: '110150', display: 'Application' }),
        who: organisation(event.actor.mspId),
        ...network(event.actor.mspId, details),
        requestor: false,
      },
      {
        type: concept({ system: PARTICIPATION, code: 'IRCP', display: 'information recipient' }),
        role: [concept({ system: MEDREC_SYSTEMS.role, code: event.actor.role })],
        who: participant(event.actor),
        requestor: true,
        ...(purpose === undefined ? {} : { purposeOfUse: [purposeCoding(purpose)] }),
      },
      {
        type: concept({ system: ROLE_CLASS, code: 'PROV', display: 'healthcare provider' }),
        who: organisation(event.actor.mspId),
        requestor: false,
      },
      {
        type: concept({ system: SECURITY_ROLE, code: 'authserver', display: 'authorization server' }),
        who: authorizer,
        requestor: false,
      },
    ],
    entities: [
      ...(event.patientId === undefined ? [] : [patientEntity(event.patientId)]),
      ...(consentId === undefined ? [] : [consentEntity(consentId)]),
    ],
  };
}

/** Source (the custodian) and Recipient (the requester and their organisation), as far as they are known. */
function disclosureAgents(
  entry: Readonly<ExportEntry>,
  details: FhirEventDetails,
  custodianMsp: string | undefined,
  recipient: { participantId: string; mspId: string; role: string } | undefined,
): AuditEventAgent[] {
  const { event } = entry;
  const { ticket } = details;
  const agents: AuditEventAgent[] = [];
  if (custodianMsp !== undefined) {
    agents.push({
      type: concept({ system: DCM, code: '110153', display: 'Source Role ID' }),
      who: organisation(custodianMsp),
      ...network(custodianMsp, details),
      requestor: false,
    });
    agents.push({
      type: concept({ system: SCT, code: '159541003', display: 'Record keeping/library clerk' }),
      who: organisation(custodianMsp),
      // The custodian released the record through its gatekeeper (BALP neither requires nor forbids it here).
      ...network(custodianMsp, details),
      requestor: false,
    });
  }
  if (recipient !== undefined) {
    // BALP agent[recipient]: the device that received the content, the recipient organisation's MedRec application,
    // at its registered endpoint (the one address of an organisation on the ledger); the person who asked for it is
    // the information recipient, a user agent (BALP forbids network on it).
    agents.push({
      type: concept({ system: DCM, code: '110152', display: 'Destination Role ID' }),
      who: organisation(recipient.mspId),
      ...network(recipient.mspId, details),
      requestor: false,
    });
    agents.push({
      type: concept({ system: PARTICIPATION, code: 'IRCP', display: 'information recipient' }),
      role: [concept({ system: MEDREC_SYSTEMS.role, code: recipient.role })],
      who: participant(recipient),
      requestor: true,
    });
  }
  if (ticket?.consentId !== undefined && event.patientId !== undefined) {
    // The patient authorised the release through the consent the ticket rests on.
    agents.push({
      type: concept({ system: SCT, code: '429577009', display: 'Patient Advocate' }),
      who: { reference: `Patient/${event.patientId}` },
      requestor: false,
    });
  }
  return agents;
}

function disclosureShape(entry: Readonly<ExportEntry>, details: FhirEventDetails): Shape {
  const { event } = entry;
  const { ticket } = details;
  // The custodian's gatekeeper confirms a disclosure; in a one-transaction read the requester is the actor.
  const custodianMsp = ticket?.custodianMsp ?? (event.actor.role === 'gatekeeper' ? event.actor.mspId : undefined);
  const recipient = ticket?.requester ?? (event.actor.role === 'gatekeeper' ? undefined : event.actor);
  const agents = disclosureAgents(entry, details, custodianMsp, recipient);
  // PrivacyDisclosure.Source requires agent[source].network and agent[recipient].network 1..1: both organisations'
  // registered endpoints must be known.
  const complete =
    hasNetwork(custodianMsp, details) && hasNetwork(recipient?.mspId, details) && event.patientId !== undefined;
  return {
    profile: complete ? BALP_PROFILES.disclosureSource : undefined,
    type: { system: DCM, code: '110106', display: 'Export' },
    subtype: [{ system: LIFECYCLE, code: 'disclose', display: 'Disclose Record Lifecycle Event' }],
    action: 'R',
    purpose: ticket?.purpose,
    // BALP val-audit-source: the source agent is the one that recorded the disclosure.
    observer: custodianMsp === undefined ? ledger(entry.proof.channel) : organisation(custodianMsp),
    sourceType: APPLICATION_SERVER,
    agents,
    entities: [
      ...(event.patientId === undefined ? [] : [patientEntity(event.patientId)]),
      ...(ticket === undefined
        ? [dataEntity(event)]
        : [
            {
              what: { identifier: { system: MEDREC_SYSTEMS.subject('record'), value: ticket.recordId } },
              type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
              role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
            },
            dataEntity(event),
          ]),
    ],
  };
}

function shapeOf(entry: Readonly<ExportEntry>, details: FhirEventDetails): Shape {
  const pattern = PATTERN_OF[entry.event.type];
  switch (pattern) {
    case 'authz':
      return authzShape(entry, details);
    case 'disclosure':
      return disclosureShape(entry, details);
    default:
      return restShape(pattern, entry, details);
  }
}

/** One BALP AuditEvent for an exported entry; `details` adds what the event's ticket and organisations say. */
export function toFhirAuditEvent(entry: Readonly<ExportEntry>, details: FhirEventDetails = {}): FhirAuditEvent {
  const { event } = entry;
  const shape = shapeOf(entry, details);
  return {
    resourceType: 'AuditEvent',
    id: event.eventId,
    ...(shape.profile === undefined ? {} : { meta: { profile: [shape.profile] } }),
    extension: [proofExtension(entry), entryExtension(entry)],
    type: shape.type,
    // The MedRec type as a further subtype: BALP's subtype slicings are open.
    subtype: [...shape.subtype, { system: MEDREC_SYSTEMS.auditType, code: event.type }],
    action: shape.action,
    recorded: event.time,
    // BALP's AuthZconsent deny example uses 8 (serious failure).
    outcome: event.outcome === 'deny' ? '8' : '0',
    ...(event.reason !== undefined ? { outcomeDesc: event.reason } : {}),
    ...(shape.purpose === undefined ? {} : { purposeOfEvent: [purposeCoding(shape.purpose)] }),
    agent: [...shape.agents],
    source: { observer: shape.observer, type: [shape.sourceType] },
    ...(shape.entities.length === 0 ? {} : { entity: [...shape.entities] }),
  };
}

/** One Bundle entry of the FHIR export, with a fullUrl that is the same on every re-export of the event. */
export function toFhirBundleEntry(
  entry: Readonly<ExportEntry>,
  details: FhirEventDetails = {},
): { fullUrl: string; resource: FhirAuditEvent } {
  return { fullUrl: `urn:uuid:${auditEventUuid(entry.event.eventId)}`, resource: toFhirAuditEvent(entry, details) };
}
