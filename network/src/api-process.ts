import fs from 'node:fs';
import path from 'node:path';
import { createSqliteUserDirectory, type SqliteUserDirectory, readTokenTtlMs } from '@medrec/api';
import type { Layout } from './layout';
import { REPO_ROOT } from './paths';
import { runningPid, startProcess, stopProcess, waitFor, type ProcessSpec } from './processes';
import { organisation, peerOf, type Organisation, type PeerNode, type PeerOrgKey } from './topology';
import { createMedrecClient, type Role } from '@medrec/sdk';
import type { FabricAccess } from './fabric-access';
import { openOrgWallet, provisionUser } from './user-provisioning';
import { gatekeeperUrl, recordStoreEnvironment } from './gatekeeper-process';
import { walletDirectory, walletSecret } from './wallet-secret';

const ENTRY = path.join(REPO_ROOT, 'dist', 'api', 'src', 'main.js');
const CONSOLE_DIRECTORY = path.join(REPO_ROOT, 'console', 'dist');

export function apiProcessName(peer: PeerNode): string {
  return `api.${peer.org}`;
}

export function apiUrl(peer: PeerNode): string {
  return `http://${peer.host}:${peer.apiPort}`;
}

export function apiAdminParticipantId(peer: PeerNode): string {
  return `${peer.org}-api-admin`;
}

function apiDir(layout: Layout, peer: PeerNode): string {
  return path.join(layout.home, 'api', peer.org);
}

export function tokenDbFile(layout: Layout, peer: PeerNode): string {
  return path.join(apiDir(layout, peer), 'tokens.sqlite');
}

/** Where the organisation's first admin API token is written (mode 0600) for the operator to pick up. */
export function adminTokenFile(layout: Layout, peer: PeerNode): string {
  return path.join(apiDir(layout, peer), 'admin.token');
}

export async function apiHealthy(peer: PeerNode): Promise<boolean> {
  try {
    // Longer than the API's own 3 s bound on each readiness check, so a slow check reads as what the API says
    // (a 503 naming it), not as an API that does not answer.
    return (await fetch(`${apiUrl(peer)}/healthz`, { signal: AbortSignal.timeout(5000) })).ok;
  } catch {
    return false;
  }
}

/** The API settings an operator may give `npm start` (README, configuration); the rest is set per organisation. */
const OPERATOR_SETTINGS = [
  'MEDREC_API_TOKEN_TTL_DAYS',
  'MEDREC_API_CORS_ORIGINS',
  'MEDREC_API_TRUST_PROXY',
  'MEDREC_API_METRICS_TOKEN',
  'MEDREC_API_RATE_LIMIT',
  'MEDREC_API_RATE_WINDOW_MS',
  'MEDREC_API_AUTH_FAILURE_LIMIT',
  'MEDREC_API_BODY_LIMIT',
  'MEDREC_API_LOG_LEVEL',
] as const;

export function operatorSettings(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    OPERATOR_SETTINGS.flatMap((name) => {
      const value = env[name];
      return value === undefined || value === '' ? [] : [[name, value]];
    }),
  );
}

/** The organisation's token database, with the deployment's token lifetime (MEDREC_API_TOKEN_TTL_DAYS). */
function openTokenDirectory(layout: Layout, peer: PeerNode): SqliteUserDirectory {
  return createSqliteUserDirectory({ path: tokenDbFile(layout, peer), tokenTtlMs: readTokenTtlMs() });
}

/**
 * Keeps a working admin token for the provisioned `<org>-api-admin` user in a 0600 file: issued on the first `up`,
 * and issued again when the one in the file has expired or was revoked. Other tokens are issued through the API
 * (POST /v1/participants, POST /v1/participants/{id}/tokens), `medrec user register` or `medrec user token`.
 */
export async function ensureAdminToken(layout: Layout, org: Organisation, peer: PeerNode): Promise<void> {
  const file = adminTokenFile(layout, peer);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const users = openTokenDirectory(layout, peer);
  try {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
    if (current !== '' && (await users.resolve(current)) !== undefined) return;
    const participantId = apiAdminParticipantId(peer);
    const issued = await users.issueToken({
      org: peer.org,
      mspId: org.mspId,
      enrollmentId: participantId,
      participantId,
      role: 'admin',
    });
    fs.writeFileSync(file, `${issued.token}\n`, { mode: 0o600 });
  } finally {
    users.close();
  }
}

/**
 * `medrec user register`: provisions the user (CA with medrec.role/medrec.id, wallet, participant on chain, registered
 * by the organisation's admin) and issues an API token in the organisation's token database.
 */
export async function registerUserWithToken(
  consortium: FabricAccess,
  org: PeerOrgKey,
  role: Role,
  participantId: string,
): Promise<{ token: string; transactionId: string }> {
  const peer = peerOf(consortium.topology, org);
  const mspId = organisation(consortium.topology, org).mspId;
  const connection = consortium.connectAdmin(org);
  try {
    const user = await provisionUser(consortium, { org, role, participantId }, createMedrecClient(connection.gateway));
    const users = openTokenDirectory(consortium.layout, peer);
    try {
      const issued = await users.issueToken({ org, mspId, enrollmentId: user.enrollmentId, participantId, role });
      return { token: issued.token, transactionId: user.registration.transactionId };
    } finally {
      users.close();
    }
  } finally {
    connection.close();
  }
}

/**
 * `medrec user token`: a new API token for a participant already registered at the organisation (a lost or expired
 * token). Its role and enrollment id are read from the ledger, as the organisation's admin.
 */
export async function issueUserToken(
  consortium: FabricAccess,
  org: PeerOrgKey,
  participantId: string,
): Promise<{ token: string; expiresAt: string }> {
  const peer = peerOf(consortium.topology, org);
  const mspId = organisation(consortium.topology, org).mspId;
  const connection = consortium.connectAdmin(org);
  try {
    const participant = await createMedrecClient(connection.gateway).getParticipant(participantId);
    if (participant.mspId !== mspId) {
      throw new Error(`${participantId} belongs to ${participant.mspId}; issue its token at that organisation.`);
    }
    if (participant.status !== 'active') {
      throw new Error(`${participantId} is deactivated on the ledger; register a new participant instead.`);
    }
    const identity = await (await openOrgWallet(consortium, org)).get(participant.enrollmentId);
    if (identity?.mspId !== mspId) {
      throw new Error(
        `the ${org} wallet holds no identity for ${participant.enrollmentId}; the user was not registered through ` +
          'this deployment (medrec user register or POST /v1/participants).',
      );
    }
    const users = openTokenDirectory(consortium.layout, peer);
    try {
      const issued = await users.issueToken({
        org,
        mspId,
        enrollmentId: participant.enrollmentId,
        participantId,
        role: participant.role,
      });
      return { token: issued.token, expiresAt: issued.expiresAt };
    } finally {
      users.close();
    }
  } finally {
    connection.close();
  }
}

/**
 * The API process of an organisation: what `startApi` runs and what `medrec org units` writes as a systemd unit.
 * `peerAddresses`: the organisation's peers as a failover list (topology.ts peerAddressList).
 */
export function apiProcessSpec(layout: Layout, org: Organisation, peer: PeerNode, peerAddresses: string): ProcessSpec {
  const caMsp = path.join(layout.caAdminHome(peer.org), 'msp');
  return {
    name: apiProcessName(peer),
    host: peer.host,
    command: process.execPath,
    args: [ENTRY],
    env: {
      PATH: process.env.PATH,
      MEDREC_HOME: layout.home,
      MEDREC_ORG: peer.org,
      MEDREC_MSP_ID: org.mspId,
      MEDREC_API_HOST: peer.host,
      MEDREC_API_PORT: String(peer.apiPort),
      MEDREC_API_TOKEN_DB: tokenDbFile(layout, peer),
      MEDREC_PEER_ADDRESS: peerAddresses,
      MEDREC_PEER_TLS_ROOT_FILE: layout.caCert(peer.org),
      MEDREC_CA_URL: `https://${org.ca.host}:${org.ca.port}`,
      MEDREC_CA_NAME: `ca-${peer.org}`,
      MEDREC_CA_TLS_ROOT_FILE: layout.caCert(peer.org),
      MEDREC_CA_REGISTRAR_ID: 'admin',
      MEDREC_CA_REGISTRAR_MSP_DIR: caMsp,
      MEDREC_WALLET_DIR: walletDirectory(layout, peer.org),
      MEDREC_WALLET_SECRET: walletSecret(layout),
      ...recordStoreEnvironment(layout, peer),
      // What the API's /healthz checks besides the peer: the organisation's gatekeeper, with its CA root pinned.
      MEDREC_GATEKEEPER_URL: gatekeeperUrl(peer),
      MEDREC_GATEKEEPER_TLS_ROOT_FILE: layout.caCert(peer.org),
      // /healthz asks the peer as the API's own admin (provisioned by ensureApiAdmin before the API starts).
      MEDREC_API_HEALTH_IDENTITY: apiAdminParticipantId(peer),
      // The web console's build (npm run build), served at /console/ on this API's origin.
      MEDREC_API_CONSOLE_DIR: CONSOLE_DIRECTORY,
      ...operatorSettings(),
    },
  };
}

export async function startApi(
  layout: Layout,
  org: Organisation,
  peer: PeerNode,
  peerAddresses: string,
): Promise<void> {
  const name = apiProcessName(peer);
  if (runningPid(layout, name, ENTRY) !== undefined) return;
  startProcess(layout, apiProcessSpec(layout, org, peer, peerAddresses));
  await waitFor(`REST API of ${peer.org}`, () => apiHealthy(peer), 60_000, `see ${layout.logFile(name)}`);
}

export function stopApi(layout: Layout, peer: PeerNode): Promise<boolean> {
  return stopProcess(layout, apiProcessName(peer), ENTRY);
}

export function apiPid(layout: Layout, peer: PeerNode): number | undefined {
  return runningPid(layout, apiProcessName(peer), ENTRY);
}
