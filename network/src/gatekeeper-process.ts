import fs from 'node:fs';
import path from 'node:path';
import type { RecordStoreConfig } from '@medrec/gatekeeper';
import { callGatekeeper, HEALTH_PATH } from '@medrec/sdk';
import type { Layout } from './layout';
import { REPO_ROOT } from './paths';
import { runningPid, startProcess, stopProcess, waitFor, type ProcessSpec } from './processes';
import type { Organisation, OrgKey, PeerNode } from './topology';

export const GATEKEEPER_IDENTITY = 'gatekeeper';
const ENTRY = path.join(REPO_ROOT, 'dist', 'gatekeeper', 'src', 'gatekeeper-main.js');

export function gatekeeperProcessName(peer: PeerNode): string {
  return `gatekeeper.${peer.org}`;
}

export function gatekeeperParticipantId(peer: PeerNode): string {
  return `${peer.org}-gatekeeper`;
}

/**
 * The PostgreSQL schema of an organisation's record store. All organisations of this one-machine network share the
 * database MEDREC_GATEKEEPER_DATABASE_URL names, so each keeps its records in its own schema, as each hospital would
 * in its own database.
 */
export function recordStoreSchema(org: OrgKey): string {
  return `medrec_${org.replace(/[^a-z0-9]/g, '_')}`;
}

/** An organisation's record store: the API and `medrec seed` store into it, the gatekeeper serves from it. */
export function recordStoreConfig(
  layout: Layout,
  peer: PeerNode,
  databaseUrl = process.env.MEDREC_GATEKEEPER_DATABASE_URL,
): RecordStoreConfig {
  return {
    sqliteFile: gatekeeperSqliteFile(layout, peer),
    ...(databaseUrl ? { databaseUrl, databaseSchema: recordStoreSchema(peer.org) } : {}),
  };
}

/** recordStoreConfig as the environment of the gatekeeper and API processes. */
export function recordStoreEnvironment(layout: Layout, peer: PeerNode): Record<string, string> {
  const config = recordStoreConfig(layout, peer);
  return {
    MEDREC_GATEKEEPER_SQLITE_FILE: config.sqliteFile,
    ...(config.databaseUrl === undefined ? {} : { MEDREC_GATEKEEPER_DATABASE_URL: config.databaseUrl }),
    ...(config.databaseSchema === undefined ? {} : { MEDREC_GATEKEEPER_DATABASE_SCHEMA: config.databaseSchema }),
  };
}

/** The URL registered on the ledger for the organisation: HTTPS only, clinical content never crosses in clear. */
export function gatekeeperUrl(peer: PeerNode): string {
  return `https://${peer.host}:${peer.gatekeeperPort}`;
}

/**
 * The gatekeeper's HTTPS server key pair: enrolled under the organisation CA's "tls" profile, like the peers' own
 * (CaAdmin.ensureIdentity with tls: true), for the names localhost and its organisation's host, into the gatekeeper
 * identity's tls/.
 */
export function gatekeeperTlsFiles(layout: Layout, peer: PeerNode): { cert: string; key: string } {
  const dir = path.join(layout.identityDir(peer.org, GATEKEEPER_IDENTITY), 'tls');
  return { cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key') };
}

/** Up and answering over HTTPS with a certificate from its organisation's CA (the same check the APIs make). */
async function healthy(layout: Layout, peer: PeerNode): Promise<boolean> {
  try {
    const answer = await callGatekeeper({
      baseUrl: gatekeeperUrl(peer),
      path: HEALTH_PATH,
      method: 'GET',
      trustedCaPem: [fs.readFileSync(layout.caCert(peer.org), 'utf8')],
      timeoutMs: 2000,
    });
    return answer.status === 200;
  } catch {
    return false;
  }
}

export { healthy as gatekeeperHealthy };

/**
 * One Database Gatekeeper per custodian organisation: its own process, its own record store (SQLite under
 * MEDREC_HOME, or PostgreSQL when MEDREC_GATEKEEPER_DATABASE_URL is set) and its own gatekeeper identity.
 */
/**
 * The gatekeeper process of an organisation: what `startGatekeeper` runs and what `medrec org units` writes as a
 * systemd unit. `peerAddresses`: the organisation's peers as a failover list (topology.ts peerAddressList).
 */
export function gatekeeperProcessSpec(
  layout: Layout,
  org: Organisation,
  peer: PeerNode,
  peerAddresses: string,
): ProcessSpec {
  const tls = gatekeeperTlsFiles(layout, peer);
  return {
    name: gatekeeperProcessName(peer),
    host: peer.host,
    command: process.execPath,
    args: [ENTRY],
    env: {
      PATH: process.env.PATH,
      MEDREC_MSP_ID: org.mspId,
      MEDREC_GATEKEEPER_HOST: peer.host,
      MEDREC_GATEKEEPER_PORT: String(peer.gatekeeperPort),
      MEDREC_GATEKEEPER_IDENTITY_DIR: path.join(layout.identityDir(peer.org, GATEKEEPER_IDENTITY), 'msp'),
      MEDREC_GATEKEEPER_TLS_CERT_FILE: tls.cert,
      MEDREC_GATEKEEPER_TLS_KEY_FILE: tls.key,
      ...recordStoreEnvironment(layout, peer),
      MEDREC_PEER_ADDRESS: peerAddresses,
      MEDREC_PEER_TLS_ROOT_FILE: layout.caCert(peer.org),
    },
  };
}

export async function startGatekeeper(
  layout: Layout,
  org: Organisation,
  peer: PeerNode,
  peerAddresses: string,
): Promise<void> {
  const name = gatekeeperProcessName(peer);
  if (runningPid(layout, name, ENTRY) !== undefined) return;
  const dataDir = path.join(layout.home, 'gatekeepers', peer.org);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tls = gatekeeperTlsFiles(layout, peer);
  if (!fs.existsSync(tls.cert) || !fs.existsSync(tls.key)) {
    throw new Error(
      `the gatekeeper of ${peer.org} has no TLS certificate at ${tls.cert}; run \`medrec network up\`, which enrolls ` +
        "it from the organisation's CA",
    );
  }
  startProcess(layout, gatekeeperProcessSpec(layout, org, peer, peerAddresses));
  await waitFor(`gatekeeper of ${peer.org}`, () => healthy(layout, peer), 60_000, `see ${layout.logFile(name)}`);
}

export function stopGatekeeper(layout: Layout, peer: PeerNode): Promise<boolean> {
  // Recognised by the entry file's name, not its path: a gatekeeper started from an earlier layout of dist/ (the
  // service lived under sdk/ before it became its own package) is still ours to stop.
  return stopProcess(layout, gatekeeperProcessName(peer), path.basename(ENTRY));
}

export function gatekeeperPid(layout: Layout, peer: PeerNode): number | undefined {
  return runningPid(layout, gatekeeperProcessName(peer), ENTRY);
}

export function gatekeeperSqliteFile(layout: Layout, peer: PeerNode): string {
  return path.join(layout.home, 'gatekeepers', peer.org, 'records.db');
}
