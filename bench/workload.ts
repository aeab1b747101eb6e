/**
 * The workload the benchmark and the fault drill share: per worker, a patient with one record at hospital1 and a
 * consent for hospital2's clinicians, a hospital1 clinician and a hospital2 clinician, all through the REST API.
 */
import http from 'node:http';
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

/**
 * One keep-alive connection pool for every call: the API is measured, not the client, and Node's fetch (undici's
 * WHATWG layer) spent about 1 ms of CPU per call on this machine, on the same two cores as the network it measures.
 */
const AGENT = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/** A call's answer did not come within its deadline. */
export class RequestTimeoutError extends Error {
  public override readonly name = 'RequestTimeoutError';
}

/** One REST call as `token`; any status is an answer (a network failure or the timeout rejects). */
export function request(
  consortium: Consortium,
  org: PeerOrgKey,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 120_000,
): Promise<ApiAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<ApiAnswer>((resolve, reject) => {
    const req = http.request(
      url(consortium, org, path),
      {
        method,
        agent: AGENT,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload === undefined ? {} : { ...JSON_HEADERS, 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => {
          clearTimeout(deadline);
          reject(err);
        });
        res.on('end', () => {
          clearTimeout(deadline);
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            body: parseBody(Buffer.concat(chunks).toString('utf8')),
          });
        });
      },
    );
    // A deadline for the whole answer, as AbortSignal.timeout gave fetch (a socket timeout would only catch silence).
    const deadline = setTimeout(() => {
      req.destroy(new RequestTimeoutError(`${method} ${path}: no answer within ${String(timeoutMs)} ms`));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(deadline);
      reject(err);
    });
    req.end(payload);
  });
}

function parseBody(text: string): Record<string, unknown> {
  try {
    return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    return { text: text.slice(0, 200) };
  }
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
