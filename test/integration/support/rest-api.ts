/** The REST API of the shared network as the integration suites call it: per-organisation clients and fixtures. */
import fs from 'node:fs';
import { expect } from 'chai';
import request from 'supertest';
import { adminTokenFile, apiUrl } from '../../../network/src/api-process';
import { peerOf, type PeerOrgKey } from '../../../network/src/topology';
import { send } from '../../unit/api/support/conformance';
import { consortium, freshId } from './shared-network';

/** A supertest client of one organisation's API server. */
export function api(org: PeerOrgKey): ReturnType<typeof request> {
  return request(apiUrl(peerOf(consortium().topology, org)));
}

/** The organisation's first admin token, as `npm start` wrote it. */
export function adminToken(org: PeerOrgKey): string {
  return fs.readFileSync(adminTokenFile(consortium().layout, peerOf(consortium().topology, org)), 'utf8').trim();
}

export const bearer = (token: string): [string, string] => ['authorization', `Bearer ${token}`];

export interface Registered {
  readonly participantId: string;
  readonly token: string;
  readonly tokenId: string;
}

/**
 * Registers a fresh participant through POST /v1/participants as the organisation's admin; the API generates the
 * pseudonymous id. `externalId` (the organisation's own identifier) is fresh per call, so tests stay apart.
 */
export async function register(org: PeerOrgKey, role: string, prefix = ''): Promise<Registered> {
  const res = await send(
    api(org)
      .post('/v1/participants')
      .set(...bearer(adminToken(org)))
      .send({ role, externalId: freshId(`${prefix}${role.slice(0, 4)}`) }),
  );
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  const body = res.body as { participant: { participantId: string }; token: { token: string; tokenId: string } };
  return { participantId: body.participant.participantId, token: body.token.token, tokenId: body.token.tokenId };
}

/** Admits a patient to `org` (its admin), so that org's clinicians may add records for them. */
export async function admit(org: PeerOrgKey, patientId: string): Promise<void> {
  const res = await send(
    api(org)
      .post(`/v1/patients/${patientId}/admission`)
      .set(...bearer(adminToken(org))),
  );
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
}

/** A valid FHIR R4 Condition about the patient, coded in ICD-10-CM. */
export function condition(
  patientId: string,
  code: Readonly<{ code: string; display: string }> = { code: 'I10', display: 'Essential (primary) hypertension' },
): Record<string, unknown> {
  return {
    resourceType: 'Condition',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', ...code }] },
    subject: { reference: `Patient/${patientId}` },
  };
}

/** A patient's consent for hospital2's clinicians to read hospital1's records for treatment, valid for an hour. */
export function treatmentConsentForHospital2(now = Date.now()): Record<string, unknown> {
  return {
    grantee: { kind: 'role', role: 'clinician', mspId: 'Hospital2MSP' },
    scope: { custodians: ['Hospital1MSP'] },
    purposes: ['TREAT'],
    period: {
      notBefore: new Date(now - 60_000).toISOString(),
      notAfter: new Date(now + 3_600_000).toISOString(),
    },
  };
}
