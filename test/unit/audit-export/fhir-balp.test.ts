import { expect } from 'chai';
import type { AuditEvent as FhirAuditEvent, AuditEventAgent } from '@medplum/fhirtypes';
import { AUDIT_TYPES } from '../../../contract/src/audit';
import type { ExportEntry } from '../../../sdk/src/audit-export/export-types';
import {
  BALP_PROFILES,
  PATTERN_OF,
  auditEventUuid,
  toFhirAuditEvent,
  toFhirBundleEntry,
} from '../../../sdk/src/audit-export/fhir-audit-event';
import type { AuditEvent, Organisation, Ticket } from '../../../sdk/src/chaincode-types';
import { structuralIssues } from '../../../sdk/src/fhir/structure-validation';

const TX = 'ab'.repeat(32);
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const PROOF = { channel: 'medrec', blockNumber: 7, transactionId: TX, validationCode: 'VALID' };

function entry(type: AuditEvent['type'], overrides: Partial<AuditEvent> = {}): ExportEntry {
  const ticketish = PATTERN_OF[type] === 'authz' || PATTERN_OF[type] === 'disclosure';
  return {
    event: {
      eventId: TX,
      txId: TX,
      time: '2030-01-01T00:00:00.000Z',
      type,
      actor: { participantId: 'clin-b', mspId: 'Hospital2MSP', role: 'clinician' },
      patientId: 'pat-1',
      subject: ticketish ? { kind: 'ticket', id: TX } : { kind: 'record', id: 'rec-1' },
      ...(ticketish ? { outcome: 'permit' as const, reason: 'consent' } : {}),
      ...overrides,
    },
    proof: PROOF,
  };
}

const TICKET = {
  ticketId: TX,
  kind: 'access',
  decision: 'permit',
  reason: 'consent',
  consentId: 'consent-1',
  recordId: 'rec-1',
  patientId: 'pat-1',
  custodianMsp: 'Hospital1MSP',
  category: 'laboratory',
  purpose: 'TREAT',
  requester: {
    participantId: 'clin-b',
    mspId: 'Hospital2MSP',
    role: 'clinician',
    certSha256: 'c'.repeat(64),
    certPem: '',
  },
  issuedAt: '2030-01-01T00:00:00.000Z',
  expiresAt: '2030-01-01T01:00:00.000Z',
  txId: TX,
} as unknown as Ticket;

const ORGANISATIONS = new Map<string, Organisation>([
  ['Hospital1MSP', { gatekeeperUrl: 'https://gk.hospital1.example:8443' } as Organisation],
  ['Hospital2MSP', { gatekeeperUrl: 'https://gk.hospital2.example:8443' } as Organisation],
]);
const URI = (address: string): AuditEventAgent['network'] => ({ address, type: '5' });

const agentTyped = (resource: FhirAuditEvent, system: string, code: string): AuditEventAgent | undefined =>
  resource.agent.find((a) => a.type?.coding?.some((c) => c.system === system && c.code === code));

const purposeCode = (resource: FhirAuditEvent): string | undefined => resource.purposeOfEvent?.[0]?.coding?.[0]?.code;
const whoId = (agent: AuditEventAgent | undefined): string | undefined => agent?.who?.identifier?.value;
const requestor = (agent: AuditEventAgent | undefined): boolean | undefined => agent?.requestor;

function expectPatientReference(resource: FhirAuditEvent): void {
  const patient = resource.entity?.find((e) => e.role?.code === '1');
  expect(patient?.what?.reference).to.equal('Patient/pat-1');
  expect(patient?.type).to.deep.include({
    system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
    code: '1',
  });
  expect(patient?.role).to.deep.include({ system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1' });
}

describe('audit export: FHIR AuditEvents per IHE BALP 1.1', function () {
  this.timeout(30_000);

  it('maps every MedRec audit type to a BALP pattern, and validates against the R4 definitions', function () {
    expect(Object.keys(PATTERN_OF).sort()).to.deep.equal([...AUDIT_TYPES].sort());
    for (const type of AUDIT_TYPES) {
      const resource = toFhirAuditEvent(entry(type), { ticket: TICKET, organisations: ORGANISATIONS });
      expect(structuralIssues(resource), type).to.deep.equal([]);
      expect(resource.subtype?.at(-1), type).to.deep.equal({ system: 'urn:medrec:audit-type', code: type });
      expect(resource.extension?.[0]?.extension?.find((e) => e.url === 'transactionId')?.valueString).to.equal(TX);
    }
  });

  for (const type of AUDIT_TYPES.filter((t) => ['create', 'update', 'delete'].includes(PATTERN_OF[t]))) {
    it(`${type}: BALP Patient${{ create: 'Create', update: 'Update', delete: 'Delete', authz: '', disclosure: '' }[PATTERN_OF[type]]} (the generic pattern without a patient)`, function () {
      const pattern = PATTERN_OF[type] as 'create' | 'update' | 'delete';
      const profile = { create: 'Create', update: 'Update', delete: 'Delete' }[pattern];
      // Without the organisation's registered endpoint, the client and server have no network: no profile is claimed.
      expect(toFhirAuditEvent(entry(type)).meta).to.equal(undefined);
      const resource = toFhirAuditEvent(entry(type), { organisations: ORGANISATIONS });
      expect(resource.meta?.profile).to.deep.equal([BALP_PROFILES[`patient${profile}` as keyof typeof BALP_PROFILES]]);
      expect(resource.type).to.deep.include({
        system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
        code: 'rest',
      });
      expect(resource.subtype?.[0]).to.deep.equal({ system: 'http://hl7.org/fhir/restful-interaction', code: pattern });
      expect(resource.action).to.equal({ create: 'C', update: 'U', delete: 'D' }[pattern]);
      expect(resource.outcome).to.equal('0');
      const user = agentTyped(resource, 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'AUT');
      expect(requestor(user)).to.equal(true);
      expect(whoId(user)).to.equal('clin-b');
      const client = agentTyped(resource, DCM, pattern === 'delete' ? '110150' : '110153');
      expect(requestor(client)).to.equal(false);
      expect(whoId(client)).to.equal('Hospital2MSP');
      expect(client?.network).to.deep.equal(URI('https://gk.hospital2.example:8443'));
      const server =
        pattern === 'delete'
          ? agentTyped(resource, 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', 'custodian')
          : agentTyped(resource, DCM, '110152');
      expect(requestor(server)).to.equal(false);
      expect(server?.network).to.deep.equal(URI('https://gk.hospital2.example:8443'));
      expect(resource.agent.filter((a) => a.who?.identifier?.system === 'urn:medrec:participant')).to.satisfy(
        (people: AuditEventAgent[]) => people.every((a) => a.network === undefined),
      );
      expect(resource.purposeOfEvent).to.equal(undefined);
      expectPatientReference(resource);
      const withoutPatient = toFhirAuditEvent(entry(type, { patientId: undefined }), { organisations: ORGANISATIONS });
      expect(withoutPatient.meta?.profile).to.deep.equal([BALP_PROFILES[profile.toLowerCase() as 'create']]);
      expect(withoutPatient.entity?.some((e) => e.what?.reference?.startsWith('Patient/'))).to.equal(false);
    });
  }

  it('AccessDecided permit on a consent: AuthZconsent, Security Alert, purpose, consent entity, four agents', function () {
    const resource = toFhirAuditEvent(entry('AccessDecided'), { ticket: TICKET, organisations: ORGANISATIONS });
    expect(resource.meta?.profile).to.deep.equal([BALP_PROFILES.authzConsent]);
    expect(resource.type).to.deep.include({ system: DCM, code: '110113' });
    expect(resource.subtype?.[0]).to.deep.include({
      system: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType',
      code: 'AuthZ-Consent',
    });
    expect([resource.action, resource.outcome]).to.deep.equal(['E', '0']);
    expect(purposeCode(resource)).to.equal('TREAT');
    const user = agentTyped(resource, 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'IRCP');
    expect([requestor(user), whoId(user)]).to.deep.equal([true, 'clin-b']);
    expect(user?.purposeOfUse?.[0]?.coding?.[0]?.code).to.equal('TREAT');
    expect(requestor(agentTyped(resource, DCM, '110150'))).to.equal(false);
    expect(requestor(agentTyped(resource, 'http://terminology.hl7.org/CodeSystem/v3-RoleClass', 'PROV'))).to.equal(
      false,
    );
    const authorizer = agentTyped(
      resource,
      'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
      'authserver',
    );
    // BALP val-audit-source: the authorizer is the one that recorded the event.
    expect(authorizer?.who).to.deep.equal(resource.source.observer);
    expectPatientReference(resource);
    const consent = resource.entity?.find((e) => e.type?.code === 'Consent');
    expect(consent?.what?.reference).to.equal('Consent/consent-1');
  });

  it('AccessDecided deny: outcome 8 with the reason; without a consent it claims no AuthZconsent profile', function () {
    const denied = toFhirAuditEvent(entry('AccessDecided', { outcome: 'deny', reason: 'no-covering-consent' }), {
      ticket: { ...TICKET, decision: 'deny', reason: 'no-covering-consent', consentId: undefined } as unknown as Ticket,
    });
    expect([denied.outcome, denied.outcomeDesc]).to.deep.equal(['8', 'no-covering-consent']);
    expect(denied.meta).to.equal(undefined);
    expect(denied.subtype?.[0]?.code).to.equal('AuthZ-Role');
    expect(denied.entity?.some((e) => e.type?.code === 'Consent')).to.equal(false);
    expect(purposeCode(denied)).to.equal('TREAT');
  });

  it('BreakGlassGranted: an access decision with the emergency purpose, not an Export', function () {
    const resource = toFhirAuditEvent(entry('BreakGlassGranted'), {
      ticket: {
        ...TICKET,
        kind: 'break-glass',
        reason: 'break-glass',
        consentId: undefined,
        purpose: 'ETREAT',
      } as unknown as Ticket,
    });
    expect(resource.type).to.deep.include({ system: DCM, code: '110113' });
    expect(resource.type.code).to.not.equal('110106');
    expect(resource.action).to.equal('E');
    expect(purposeCode(resource)).to.equal('ETREAT');
    // Without the ticket the purpose is still known from the type.
    expect(purposeCode(toFhirAuditEvent(entry('BreakGlassGranted')))).to.equal('ETREAT');
  });

  it('DisclosureConfirmed: PrivacyDisclosure.Source, action R, disclose subtype, Source and Recipient agents', function () {
    const confirmed = entry('DisclosureConfirmed', {
      actor: { participantId: 'gk-1', mspId: 'Hospital1MSP', role: 'gatekeeper' },
      outcome: undefined,
      reason: undefined,
    });
    const resource = toFhirAuditEvent(confirmed, { ticket: TICKET, organisations: ORGANISATIONS });
    expect(resource.meta?.profile).to.deep.equal([BALP_PROFILES.disclosureSource]);
    expect(resource.type).to.deep.include({ system: DCM, code: '110106' });
    expect(resource.action).to.equal('R');
    expect(resource.subtype?.[0]).to.deep.include({
      system: 'http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle',
      code: 'disclose',
    });
    const source = agentTyped(resource, DCM, '110153');
    expect(whoId(source)).to.equal('Hospital1MSP');
    expect(source?.network).to.deep.equal({ address: 'https://gk.hospital1.example:8443', type: '5' });
    expect(source?.who).to.deep.equal(resource.source.observer);
    // BALP agent[recipient]: the device that received it, the requesting organisation's application at its endpoint.
    const recipient = agentTyped(resource, DCM, '110152');
    expect([whoId(recipient), requestor(recipient)]).to.deep.equal(['Hospital2MSP', false]);
    expect(recipient?.network).to.deep.equal(URI('https://gk.hospital2.example:8443'));
    // The person who asked is the information recipient, never the custodian's gatekeeper that confirmed it.
    const person = agentTyped(resource, 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'IRCP');
    expect([whoId(person), requestor(person), person?.network]).to.deep.equal(['clin-b', true, undefined]);
    expect(resource.agent.some((a) => whoId(a) === 'gk-1')).to.equal(false);
    expect(purposeCode(resource)).to.equal('TREAT');
    expectPatientReference(resource);
    // Without the ticket the recipient is unknown: the profile is not claimed.
    const bare = toFhirAuditEvent(confirmed);
    expect(bare.meta).to.equal(undefined);
    expect(agentTyped(bare, DCM, '110152')).to.equal(undefined);
  });

  it('gives the device agents their gatekeeper address (network, type 5 URI) and no person or organisation agent one', function () {
    const decision = toFhirAuditEvent(entry('AccessDecided'), { ticket: TICKET, organisations: ORGANISATIONS });
    // AuthZconsent agent[client]: the requesting organisation's application.
    expect(agentTyped(decision, DCM, '110150')?.network).to.deep.equal(URI('https://gk.hospital2.example:8443'));
    // BALP forbids network on user, userorg and authorizer.
    for (const [system, code] of [
      ['http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'IRCP'],
      ['http://terminology.hl7.org/CodeSystem/v3-RoleClass', 'PROV'],
      ['http://terminology.hl7.org/CodeSystem/extra-security-role-type', 'authserver'],
    ] as const) {
      expect(agentTyped(decision, system, code)?.network, code).to.equal(undefined);
    }
    const confirmed = entry('DisclosureConfirmed', {
      actor: { participantId: 'gk-1', mspId: 'Hospital1MSP', role: 'gatekeeper' },
    });
    const disclosure = toFhirAuditEvent(confirmed, { ticket: TICKET, organisations: ORGANISATIONS });
    const custodianUrl = URI('https://gk.hospital1.example:8443');
    expect(agentTyped(disclosure, DCM, '110153')?.network).to.deep.equal(custodianUrl);
    expect(agentTyped(disclosure, 'http://snomed.info/sct', '159541003')?.network).to.deep.equal(custodianUrl);
    // The recipient device sits at the requesting organisation's endpoint; the person gets no address.
    expect(agentTyped(disclosure, DCM, '110152')?.network).to.deep.equal(URI('https://gk.hospital2.example:8443'));
    expect(
      agentTyped(disclosure, 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'IRCP')?.network,
    ).to.equal(undefined);
    expect(structuralIssues(disclosure)).to.deep.equal([]);
  });

  it('claims AuthZconsent and PrivacyDisclosure.Source only when the network address BALP requires is known', function () {
    const unknownOrgs = { ticket: TICKET, organisations: new Map<string, Organisation>() };
    const decision = toFhirAuditEvent(entry('AccessDecided'), unknownOrgs);
    expect(agentTyped(decision, DCM, '110150')?.network).to.equal(undefined);
    expect(decision.meta).to.equal(undefined);
    // Still a consent decision: the subtype says so, the profile is not claimed.
    expect(decision.subtype?.[0]?.code).to.equal('AuthZ-Consent');
    const confirmed = entry('DisclosureConfirmed', {
      actor: { participantId: 'gk-1', mspId: 'Hospital1MSP', role: 'gatekeeper' },
    });
    const disclosure = toFhirAuditEvent(confirmed, unknownOrgs);
    expect(agentTyped(disclosure, DCM, '110153')?.network).to.equal(undefined);
    expect(disclosure.meta).to.equal(undefined);
    // With the organisation records both are claimed.
    const known = { ticket: TICKET, organisations: ORGANISATIONS };
    expect(toFhirAuditEvent(entry('AccessDecided'), known).meta?.profile).to.deep.equal([BALP_PROFILES.authzConsent]);
    expect(toFhirAuditEvent(confirmed, known).meta?.profile).to.deep.equal([BALP_PROFILES.disclosureSource]);
  });

  it('embeds the exact exported entry in an extension, as canonical JSON', function () {
    const exported = entry('RecordRegistered');
    const resource = toFhirAuditEvent(exported);
    const embedded = resource.extension?.find((e) => e.url === 'urn:medrec:fhir:export-entry')?.valueString;
    expect(JSON.parse(embedded ?? 'null')).to.deep.equal(exported);
  });

  it('gives every bundle entry a urn:uuid fullUrl that is the same on every export of the event, and differs between events', function () {
    const a = toFhirBundleEntry(entry('RecordRegistered'));
    expect(a.fullUrl).to.match(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.stringify(toFhirBundleEntry(entry('RecordRegistered')))).to.equal(JSON.stringify(a));
    expect(auditEventUuid('cd'.repeat(32))).to.not.equal(auditEventUuid(TX));
  });
});
