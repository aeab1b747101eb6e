/**
 * The workload the benchmark and the fault drill share: per worker, a patient with one record at hospital1 and a
 * consent for hospital2's clinicians, a hospital1 clinician and a hospital2 clinician, all through the REST API.
 */
import type { Consortium, PeerOrgKey } from '@medrec/network';
import { apiUrl, peerOf } from '@medrec/network';

export interface Worker {
  readonly patientId: string;
  readonly patientToken: string;
  readonly clinicianToken: string;
  readonly remoteClinicianToken: string;
  readonly recordId: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
export const SETUP_BATCH = 8;

function url(consortium: Consortium, org: PeerOrgKey, path: string): string {
  return `${apiUrl(peerOf(consortium.topology, org))}${path}`;
}

export interface ApiAnswer {
  readonly status: number;
  /** The Retry-After header of a 503, in seconds, when the API sent one. */
  readonly retryAfter: string | null;
  readonly body: Record<string, unknown>;
}

/** One REST call as `token`; any status is an answer (a network failure rejects). */
export async function request(
  consortium: Consortium,
  org: PeerOrgKey,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 120_000,
): Promise<ApiAnswer> {
  const res = await fetch(url(consortium, org, path), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : JSON_HEADERS) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    parsed = { text: text.slice(0, 200) };
  }
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: parsed };
}

/** One REST call that must succeed (2xx): its JSON body, or an Error naming the call and the answer. */
export async function call(
  consortium: Consortium,
  org: PeerOrgKey,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const answer = await request(consortium, org, token, method, path, body);
  if (answer.status >= 300) {
    throw new Error(`${method} ${path}: ${String(answer.status)} ${JSON.stringify(answer.body).slice(0, 200)}`);
  }
  return answer.body;
}

export function condition(patientId: string): Record<string, unknown> {
  return {
    resourceType: 'Condition',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I10', display: 'Hypertension' }] },
    subject: { reference: `Patient/${patientId}` },
  };
}

export function consentForHospital2(): Record<string, unknown> {
  const now = Date.now();
  return {
    grantee: { kind: 'role', role: 'clinician', mspId: 'Hospital2MSP' },
    scope: { custodians: ['Hospital1MSP'] },
    purposes: ['TREAT'],
    period: { notBefore: new Date(now - 60_000).toISOString(), notAfter: new Date(now + 86_400_000).toISOString() },
  };
}

/** Registers what one worker needs: a patient with one record at hospital1 and a consent for hospital2's clinicians. */
export async function setUpWorker(consortium: Consortium, admin1: string, admin2: string): Promise<Worker> {
  const register = async (org: PeerOrgKey, admin: string, role: string): Promise<{ id: string; token: string }> => {
    const res = await call(consortium, org, admin, 'POST', '/v1/participants', { role });
    const participant = res.participant as { participantId: string };
    return { id: participant.participantId, token: (res.token as { token: string }).token };
  };
  const patient = await register('hospital1', admin1, 'patient');
  const clinician = await register('hospital1', admin1, 'clinician');
  const remote = await register('hospital2', admin2, 'clinician');
  await call(consortium, 'hospital1', admin1, 'POST', `/v1/patients/${patient.id}/admission`);
  const created = await call(
    consortium,
    'hospital1',
    clinician.token,
    'POST',
    `/v1/patients/${patient.id}/records`,
    condition(patient.id),
  );
  await call(
    consortium,
    'hospital1',
    patient.token,
    'POST',
    `/v1/patients/${patient.id}/consents`,
    consentForHospital2(),
  );
  return {
    patientId: patient.id,
    patientToken: patient.token,
    clinicianToken: clinician.token,
    remoteClinicianToken: remote.token,
    recordId: (created.record as { recordId: string }).recordId,
  };
}
