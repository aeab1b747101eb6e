import fs from 'node:fs';
import path from 'node:path';
import type { RecordStoreConfig } from '../../sdk/src/store/open-record-store';
import type { Layout } from './layout';
import { REPO_ROOT } from './paths';
import { runningPid, startProcess, stopProcess, waitFor } from './processes';
import { HOST, type Organisation, type OrgKey, type PeerNode } from './topology';

export const GATEKEEPER_IDENTITY = 'gatekeeper';
const ENTRY = path.join(REPO_ROOT, 'dist', 'sdk', 'src', 'gatekeeper', 'gatekeeper-main.js');

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

export function gatekeeperUrl(peer: PeerNode): string {
  return `http://${HOST}:${peer.gatekeeperPort}`;
}

async function healthy(peer: PeerNode): Promise<boolean> {
  try {
    const res = await fetch(`${gatekeeperUrl(peer)}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

export { healthy as gatekeeperHealthy };

/**
 * One Database Gatekeeper per custodian organisation: its own process, its own record store (SQLite under
 * MEDREC_HOME, or PostgreSQL when MEDREC_GATEKEEPER_DATABASE_URL is set) and its own gatekeeper identity.
 */
export async function startGatekeeper(layout: Layout, org: Organisation, peer: PeerNode): Promise<void> {
  const name = gatekeeperProcessName(peer);
  if (runningPid(layout, name, ENTRY) !== undefined) return;
  const dataDir = path.join(layout.home, 'gatekeepers', peer.org);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  startProcess(layout, {
    name,
    command: process.execPath,
    args: [ENTRY],
    env: {
      PATH: process.env.PATH,
      MEDREC_MSP_ID: org.mspId,
      MEDREC_GATEKEEPER_PORT: String(peer.gatekeeperPort),
      MEDREC_GATEKEEPER_IDENTITY_DIR: path.join(layout.identityDir(peer.org, GATEKEEPER_IDENTITY), 'msp'),
      ...recordStoreEnvironment(layout, peer),
      MEDREC_PEER_ADDRESS: `${HOST}:${peer.port}`,
      MEDREC_PEER_TLS_ROOT_FILE: layout.caCert(peer.org),
    },
  });
  await waitFor(`gatekeeper of ${peer.org}`, () => healthy(peer), 60_000, `see ${layout.logFile(name)}`);
}

export function stopGatekeeper(layout: Layout, peer: PeerNode): Promise<boolean> {
  return stopProcess(layout, gatekeeperProcessName(peer), ENTRY);
}

export function gatekeeperPid(layout: Layout, peer: PeerNode): number | undefined {
  return runningPid(layout, gatekeeperProcessName(peer), ENTRY);
}

export function gatekeeperSqliteFile(layout: Layout, peer: PeerNode): string {
  return path.join(layout.home, 'gatekeepers', peer.org, 'records.db');
}
