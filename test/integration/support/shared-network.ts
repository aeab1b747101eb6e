import crypto from 'node:crypto';
import { createConsortium, type Consortium } from '../../../network/src/consortium';
import type { PeerOrgKey } from '../../../network/src/topology';
import { connectGateway, type ClientIdentity, type GatewayConnection } from '../../../sdk/src/gateway-connection';

/** One network for every integration suite: started once by setup.ts, reused when already healthy. */
let shared: Consortium | undefined;

export function consortium(): Consortium {
  shared ??= createConsortium({ renderer: 'simple' });
  return shared;
}

/** True when every CA, orderer, peer and chaincode server reports up. */
export async function networkHealthy(): Promise<boolean> {
  try {
    const status = await consortium().status();
    return status.nodes.every((n) => n.up);
  } catch {
    return false;
  }
}

/** A fresh id per test so suites sharing one network never see each other's data. */
export function freshId(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(6).toString('hex')}`;
}

/** Enrolls a new user with MedRec attributes at `org` and connects it to `viaOrg`'s peer (default: its own). */
export async function connectAs(
  org: PeerOrgKey,
  attributes: Readonly<Record<string, string>>,
  viaOrg: PeerOrgKey = org,
): Promise<GatewayConnection & { identity: ClientIdentity }> {
  const identity = await consortium().enrollUser(org, freshId('user'), attributes);
  return connectWith(identity, viaOrg);
}

/** A gateway connection signing as `identity`, through `viaOrg`'s peer. */
export function connectWith(
  identity: ClientIdentity,
  viaOrg: PeerOrgKey,
): GatewayConnection & { identity: ClientIdentity } {
  const endpoint = consortium().peerEndpoint(viaOrg);
  const connection = connectGateway({
    peerAddress: endpoint.address,
    tlsRootCertificate: endpoint.tlsRootCertificate,
    tlsServerName: endpoint.tlsServerName,
    identity,
  });
  return { ...connection, identity };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the condition holds; fails with the last observed value. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | string | undefined;
  while (Date.now() < deadline) {
    try {
      const value = await read();
      if (ok(value)) return value;
      last = value;
    } catch (err) {
      last = `error: ${String(err)}`; // e.g. a restarted node not serving yet: keep polling
    }
    await sleep(500);
  }
  throw new Error(`${what} did not hold within ${timeoutMs / 1000}s; last value: ${JSON.stringify(last)}`);
}
