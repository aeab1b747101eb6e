/**
 * The default consortium: an orderer organisation with three Raft orderers and three peer organisations
 * (two hospitals and a research / public-health institute), each with its own Fabric CA and one peer.
 * Every port derives from one base (MEDREC_PORT_BASE) so two networks, or other services, do not collide.
 */
export const CHANNEL_NAME = 'medrec';
export const CHAINCODE_NAME = 'medrec';
export const HOST = '127.0.0.1';

export type OrgKey = 'orderer' | 'hospital1' | 'hospital2' | 'research';
export type PeerOrgKey = Exclude<OrgKey, 'orderer'>;
/** The organisations that run peers, in port order. */
export const PEER_ORG_KEYS: readonly PeerOrgKey[] = ['hospital1', 'hospital2', 'research'];

export interface CaNode {
  readonly name: string;
  readonly org: OrgKey;
  readonly port: number;
  readonly operationsPort: number;
}

export interface OrdererNode {
  readonly name: string;
  readonly org: 'orderer';
  readonly port: number;
  readonly adminPort: number;
  readonly operationsPort: number;
}

export interface PeerNode {
  readonly name: string;
  readonly org: PeerOrgKey;
  readonly port: number;
  readonly chaincodeListenPort: number;
  readonly operationsPort: number;
  /** Where this organisation's chaincode-as-a-service process listens. */
  readonly chaincodeServerPort: number;
  /** Where this organisation's REST API listens. */
  readonly apiPort: number;
  /** Where this organisation's Database Gatekeeper (its record store's guard) listens. */
  readonly gatekeeperPort: number;
}

export interface Organisation {
  readonly key: OrgKey;
  readonly mspId: string;
  readonly displayName: string;
  readonly ca: CaNode;
}

export interface Topology {
  readonly portBase: number;
  readonly organisations: readonly Organisation[];
  readonly orderers: readonly OrdererNode[];
  readonly peers: readonly PeerNode[];
}

const ORGS: readonly { key: OrgKey; mspId: string; displayName: string }[] = [
  { key: 'orderer', mspId: 'OrdererMSP', displayName: 'MedRec Ordering Service' },
  { key: 'hospital1', mspId: 'Hospital1MSP', displayName: 'Hospital 1' },
  { key: 'hospital2', mspId: 'Hospital2MSP', displayName: 'Hospital 2' },
  { key: 'research', mspId: 'ResearchMSP', displayName: 'Research & Public Health Institute' },
];

export const DEFAULT_PORT_BASE = 27000;

/** Reads MEDREC_PORT_BASE strictly: a whole number leaving room for every port below 65535. */
export function portBaseFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MEDREC_PORT_BASE;
  if (raw === undefined || raw === '') return DEFAULT_PORT_BASE;
  if (!/^\d{4,5}$/.test(raw) || Number(raw) < 1024 || Number(raw) > 64000) {
    throw new Error(`MEDREC_PORT_BASE=${raw} is not a port number between 1024 and 64000; unset it or fix it`);
  }
  return Number(raw);
}

export function buildTopology(portBase: number = portBaseFromEnv()): Topology {
  const organisations = ORGS.map((org, i) => ({
    ...org,
    ca: { name: `ca.${org.key}`, org: org.key, port: portBase + 100 * i + 54, operationsPort: portBase + 100 * i + 55 },
  }));
  const orderers = [1, 2, 3].map((n) => ({
    name: `orderer${n}`,
    org: 'orderer' as const,
    port: portBase + 500 + 10 * n,
    adminPort: portBase + 500 + 10 * n + 1,
    operationsPort: portBase + 500 + 10 * n + 2,
  }));
  const peers = PEER_ORG_KEYS.map((org, index) => {
    const base = portBase + 100 * (index + 1);
    return {
      name: `peer0.${org}`,
      org,
      port: base + 51,
      chaincodeListenPort: base + 52,
      operationsPort: base + 53,
      chaincodeServerPort: base + 60,
      apiPort: base + 80,
      gatekeeperPort: base + 81,
    };
  });
  return { portBase, organisations, orderers, peers };
}

export function organisation(topology: Topology, key: OrgKey): Organisation {
  const org = topology.organisations.find((o) => o.key === key);
  if (!org) throw new Error(`unknown organisation ${key}`);
  return org;
}

export function peerOf(topology: Topology, key: PeerOrgKey): PeerNode {
  const peer = topology.peers.find((p) => p.org === key);
  if (!peer) throw new Error(`no peer for organisation ${key}`);
  return peer;
}
