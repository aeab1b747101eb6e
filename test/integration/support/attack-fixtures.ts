/** Fixtures shared by the attack suites: participants of every role, made through the REST API as an operator would. */
import { expect } from 'chai';
import type { PeerOrgKey } from '../../../network/src/topology';
import { rawRequest, type RawResponse } from './raw-http';
import { adminToken, condition } from './rest-api';
import { freshId } from './shared-network';

export const STAFF_ROLES = ['patient', 'clinician', 'registrar', 'compliance', 'researcher', 'admin'] as const;
export type ActorRole = (typeof STAFF_ROLES)[number];

export const MSP = {
  hospital1: 'Hospital1MSP',
  hospital2: 'Hospital2MSP',
  research: 'ResearchMSP',
} as const satisfies Readonly<Record<PeerOrgKey, string>>;

export interface Person {
  readonly participantId: string;
  readonly token: string;
  readonly tokenId: string;
  readonly externalId: string;
  readonly org: PeerOrgKey;
}

/** Fails with the request, the expected and the actual answer. */
export function expectStatus(res: RawResponse, expected: number | readonly number[], what: string): void {
  const allowed = typeof expected === 'number' ? [expected] : expected;
  expect(allowed, `${what}: expected ${allowed.join(' or ')}, got ${res.status} ${res.text.slice(0, 400)}`).to.include(
    res.status,
  );
}

/** POST /v1/participants as `token` (default: the organisation's API admin), with a fresh MRN-like external id. */
export async function registerPerson(org: PeerOrgKey, role: string, token = adminToken(org)): Promise<Person> {
  const externalId = freshId(`MRN-${role.slice(0, 3)}`);
  const res = await rawRequest({ org, method: 'POST', path: '/v1/participants', token, body: { role, externalId } });
  expectStatus(res, 201, `register a ${role} at ${org}`);
  const body = res.json as { participant: { participantId: string }; token: { token: string; tokenId: string } };
  return {
    participantId: body.participant.participantId,
    token: body.token.token,
    tokenId: body.token.tokenId,
    externalId,
    org,
  };
}

/** One participant of every role at `org`; the admin is a second admin, registered by the API's own admin. */
export async function staffOf(org: PeerOrgKey): Promise<Record<ActorRole, Person>> {
  const people = await Promise.all(STAFF_ROLES.map((role) => registerPerson(org, role)));
  return Object.fromEntries(STAFF_ROLES.map((role, i) => [role, people[i]])) as Record<ActorRole, Person>;
}

/** A token that was valid and has been revoked by its owner. */
export async function revokedToken(org: PeerOrgKey): Promise<string> {
  const leaver = await registerPerson(org, 'clinician');
  const res = await rawRequest({ org, method: 'DELETE', path: `/v1/tokens/${leaver.tokenId}`, token: leaver.token });
  expectStatus(res, 200, 'revoke a token');
  return leaver.token;
}

/** A clinician of `org` adds a Condition about the patient; returns the record id. */
export async function addRecord(org: PeerOrgKey, clinician: Person, patientId: string): Promise<string> {
  const res = await rawRequest({
    org,
    method: 'POST',
    path: `/v1/patients/${patientId}/records`,
    token: clinician.token,
    body: condition(patientId),
  });
  expectStatus(res, 201, 'a clinician adds a record');
  return (res.json as { record: { recordId: string } }).record.recordId;
}

/** Reads a record through `org`'s API; returns the answer (the ticket is in `.json.ticket`). */
export function readRecord(
  org: PeerOrgKey,
  reader: Person,
  recordId: string,
  purpose = 'TREAT',
  ticketId?: string,
): Promise<RawResponse> {
  const query = new URLSearchParams({ purpose, ...(ticketId === undefined ? {} : { ticketId }) });
  return rawRequest({ org, method: 'GET', path: `/v1/records/${recordId}?${query.toString()}`, token: reader.token });
}

/** A ticket for a later read (POST /v1/records/{id}/access-requests), valid for its 15 minutes; returns its id. */
export async function requestTicket(
  org: PeerOrgKey,
  reader: Person,
  recordId: string,
  purpose = 'TREAT',
): Promise<string> {
  const res = await rawRequest({
    org,
    method: 'POST',
    path: `/v1/records/${recordId}/access-requests`,
    token: reader.token,
    body: { purpose },
  });
  expectStatus(res, 201, 'an access request');
  return ticketIdOf(res);
}

export function ticketIdOf(res: RawResponse): string {
  return (res.json as { ticket: { ticketId: string } }).ticket.ticketId;
}

/** A consent body; the grantee and custodians as given, TREAT, valid from a minute ago for `minutes`. */
export function consentBody(
  grantee: Readonly<Record<string, string>>,
  custodians: readonly string[] = [MSP.hospital1],
  notAfterMs = Date.now() + 3_600_000,
): Record<string, unknown> {
  return {
    grantee,
    scope: { custodians },
    purposes: ['TREAT'],
    period: { notBefore: new Date(Date.now() - 60_000).toISOString(), notAfter: new Date(notAfterMs).toISOString() },
  };
}

export async function grantConsent(patient: Person, body: Record<string, unknown>): Promise<string> {
  const res = await rawRequest({
    org: patient.org,
    method: 'POST',
    path: `/v1/patients/${patient.participantId}/consents`,
    token: patient.token,
    body,
  });
  expectStatus(res, 201, 'the patient grants a consent');
  return (res.json as { consent: { consentId: string } }).consent.consentId;
}

/** A clinician breaks the glass on a record through their own organisation's API; returns the ticket id. */
export async function breakGlass(clinician: Person, recordId: string): Promise<string> {
  const res = await rawRequest({
    org: clinician.org,
    method: 'POST',
    path: `/v1/records/${recordId}/break-glass`,
    token: clinician.token,
    body: { reason: 'patient-unconscious', durationMinutes: 30 },
  });
  expectStatus(res, 201, 'a clinician breaks the glass');
  return ticketIdOf(res);
}

/** A registrar (or admin) proposes `delegate` as the patient's delegate; returns the delegate's status. */
export async function proposeDelegate(staff: Person, patientId: string, delegate: Person): Promise<string> {
  const res = await rawRequest({
    org: staff.org,
    method: 'POST',
    path: `/v1/patients/${patientId}/delegates`,
    token: staff.token,
    body: { delegateId: delegate.participantId },
  });
  expectStatus(res, 200, 'propose a delegate');
  return (res.json as { delegate: { status: string } }).delegate.status;
}
