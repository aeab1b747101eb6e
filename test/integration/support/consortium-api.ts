/**
 * The REST API of a consortium a suite starts itself (the namespace suites), addressed through that consortium's
 * own topology and state directory rather than the shared network's.
 */
import fs from 'node:fs';
import { expect } from 'chai';
import { adminTokenFile, apiUrl } from '../../../network/src/api-process';
import type { Consortium } from '../../../network/src/consortium';
import { peerOf, type PeerOrgKey } from '../../../network/src/topology';
import { freshId } from './shared-network';

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** One call to `org`'s API as `token`; any status is an answer. */
export async function callApi(
  consortium: Consortium,
  org: PeerOrgKey,
  method: string,
  route: string,
  token: string,
  body?: unknown,
): Promise<Answer> {
  const res = await fetch(`${apiUrl(peerOf(consortium.topology, org))}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** `org`'s first admin token, as `start` or `org up` wrote it into the consortium's state directory. */
export function adminTokenIn(consortium: Consortium, org: PeerOrgKey): string {
  return fs.readFileSync(adminTokenFile(consortium.layout, peerOf(consortium.topology, org)), 'utf8').trim();
}

/** A fresh participant of `org` in `role`, registered by its admin, with a fresh external id. */
export async function registerIn(
  consortium: Consortium,
  org: PeerOrgKey,
  role: string,
): Promise<{ id: string; token: string }> {
  const res = await callApi(consortium, org, 'POST', '/v1/participants', adminTokenIn(consortium, org), {
    role,
    externalId: freshId(`MRN-${role.slice(0, 3)}`),
  });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  const body = res.body as { participant: { participantId: string }; token: { token: string } };
  return { id: body.participant.participantId, token: body.token.token };
}
