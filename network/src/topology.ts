/**
 * The consortium's nodes and where they listen, built from a consortium file (consortium-file.ts): by default
 * network/consortium/local.yaml, an orderer organisation with three Raft orderers and three peer organisations (two
 * hospitals and a research / public-health institute) on 127.0.0.1, each with its own Fabric CA and one peer. Its
 * ports derive from one base (MEDREC_PORT_BASE) so two networks, or other services, do not collide.
 */
import { consortiumFileFromEnv, readConsortiumFile, type ConsortiumFile } from './consortium-file';

export { CHANNEL_NAME } from './consortium-schema';
export const CHAINCODE_NAME = 'medrec';

/** An organisation's name in the consortium file (hospital1): its directories, processes and CLI --org value. */
export type OrgKey = string;
/** An organisation that runs peers (a channel member); the name says what a call site expects. */
export type PeerOrgKey = OrgKey;

export interface CaNode {
  readonly name: string;
  readonly org: OrgKey;
  /** The address the CA binds and others dial: its organisation's host. */
  readonly host: string;
  readonly port: number;
  readonly operationsPort: number;
}

export interface OrdererNode {
  readonly name: string;
  /** The organisation that operates it: its MSP signs as the orderer, its CA issues the orderer's certificates. */
  readonly org: OrgKey;
  /** Its operator's host. */
  readonly host: string;
  readonly port: number;
  readonly adminPort: number;
  readonly operationsPort: number;
}

export interface PeerNode {
  readonly name: string;
  readonly org: PeerOrgKey;
  /** Its organisation's host. */
  readonly host: string;
  readonly port: number;
  readonly chaincodeListenPort: number;
  readonly operationsPort: number;
  /** Where this organisation's chaincode-as-a-service process listens (the organisation's, same on each peer). */
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
  /** The address its processes bind and the others dial. */
  readonly host: string;
  readonly ca: CaNode;
}

export interface Topology {
  /** The consortium file it was built from (absolute path). */
  readonly source: string;
  readonly portBase: number;
  readonly organisations: readonly Organisation[];
  readonly orderers: readonly OrdererNode[];
  readonly peers: readonly PeerNode[];
  /**
   * Organisations the file names as joining the running channel later (channel.joining). Until one has joined
   * (activeTopology) its nodes are not part of the network this topology describes.
   */
  readonly joining: readonly OrgKey[];
}

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

/** MEDREC_PORT_BASE when set (checked as strictly), which replaces the consortium file's portBase; else undefined. */
export function portBaseOverride(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.MEDREC_PORT_BASE;
  return raw === undefined || raw === '' ? undefined : portBaseFromEnv(env);
}

/** The nodes a checked consortium file describes, every port with the base added. */
export function topologyFromConsortium(file: ConsortiumFile): Topology {
  const { spec, portBase } = file;
  const organisations = spec.organisations.map((org) => ({
    key: org.name,
    mspId: org.mspId,
    displayName: org.displayName,
    host: org.host,
    ca: {
      name: `ca.${org.name}`,
      org: org.name,
      host: org.host,
      port: portBase + org.ca.port,
      operationsPort: portBase + org.ca.operationsPort,
    },
  }));
  const hostOf = new Map(spec.organisations.map((org) => [org.name, org.host]));
  const orderers = spec.orderers.map((orderer) => ({
    name: orderer.name,
    org: orderer.operator,
    host: hostOf.get(orderer.operator) ?? '',
    port: portBase + orderer.port,
    adminPort: portBase + orderer.adminPort,
    operationsPort: portBase + orderer.operationsPort,
  }));
  // The rules (consortium-rules.ts) guarantee these ports on every organisation that has peers.
  const peers = spec.organisations.flatMap((org) =>
    org.peers.map((peer) => ({
      name: peer.name,
      org: org.name,
      host: org.host,
      port: portBase + peer.port,
      chaincodeListenPort: portBase + peer.chaincodeListenPort,
      operationsPort: portBase + peer.operationsPort,
      chaincodeServerPort: portBase + (org.chaincodeServerPort ?? 0),
      apiPort: portBase + (org.apiPort ?? 0),
      gatekeeperPort: portBase + (org.gatekeeperPort ?? 0),
    })),
  );
  return { source: file.source, portBase, organisations, orderers, peers, joining: spec.channel.joining };
}

/**
 * The network as it runs: the file's topology without the organisations that are still to join (those not in
 * `joined`, the ones `medrec org join` has brought in) and without those removed from the channel (`removed`).
 * Orderers stay: only peer organisations join or leave this way.
 */
export function activeTopology(
  topology: Topology,
  joined: readonly OrgKey[],
  removed: readonly OrgKey[] = [],
): Topology {
  const absent = new Set([...topology.joining.filter((org) => !joined.includes(org)), ...removed]);
  if (absent.size === 0) return topology;
  return {
    ...topology,
    organisations: topology.organisations.filter((org) => !absent.has(org.key)),
    peers: topology.peers.filter((peer) => !absent.has(peer.org)),
    joining: topology.joining.filter((org) => !absent.has(org)),
  };
}

/**
 * The topology of a consortium file (MEDREC_CONSORTIUM, else the one-machine default), its ports added to
 * `portBase` when given, else to MEDREC_PORT_BASE when set, else to the file's own portBase.
 */
export function buildTopology(
  portBase: number | undefined = portBaseOverride(),
  file: string = consortiumFileFromEnv(),
): Topology {
  return topologyFromConsortium(readConsortiumFile(file, portBase));
}

export function organisation(topology: Topology, key: OrgKey): Organisation {
  const org = topology.organisations.find((o) => o.key === key);
  if (!org) {
    throw new Error(
      `unknown organisation ${key}; the consortium file names ${topology.organisations.map((o) => o.key).join(', ')}`,
    );
  }
  return org;
}

/** The organisations that run peers (the channel's members), in the file's order. */
export function peerOrganisations(topology: Topology): readonly Organisation[] {
  return topology.organisations.filter((org) => topology.peers.some((peer) => peer.org === org.key));
}

/** The names of the organisations that run peers: what `--org` accepts. */
export function peerOrgKeys(topology: Topology): readonly PeerOrgKey[] {
  return peerOrganisations(topology).map((org) => org.key);
}

/** The organisations that operate orderers, in the file's order. */
export function ordererOrganisations(topology: Topology): readonly Organisation[] {
  return topology.organisations.filter((org) => topology.orderers.some((orderer) => orderer.org === org.key));
}

export function peersOf(topology: Topology, key: PeerOrgKey): readonly PeerNode[] {
  return topology.peers.filter((peer) => peer.org === key);
}

/**
 * The organisation's first peer: the one its API, gatekeeper, chaincode server, miner and admin tools use. With one
 * peer per organisation that is its peer; a second peer would need these to spread over its peers.
 */
export function peerOf(topology: Topology, key: PeerOrgKey): PeerNode {
  const peer = peersOf(topology, key)[0];
  if (!peer) {
    throw new Error(
      `no peer for organisation ${key}; organisations with peers: ${peerOrgKeys(topology).join(', ') || 'none'}`,
    );
  }
  return peer;
}

/**
 * Where an organisation's services (API, gatekeeper) reach the ledger: all its peers as one failover list
 * ("host:port,host:port", first peer first; @medrec/sdk's peerTarget), or its one peer's address.
 */
export function peerAddressList(topology: Topology, key: PeerOrgKey): string {
  return peersOf(topology, key)
    .map((peer) => `${peer.host}:${String(peer.port)}`)
    .join(',');
}

/** The first peer of every organisation that runs peers: one per organisation, for its per-organisation services. */
export function firstPeers(topology: Topology): readonly PeerNode[] {
  return peerOrgKeys(topology).map((key) => peerOf(topology, key));
}

/**
 * The first organisation that runs peers: its admin acts where any member's would do (chaincode queries, fetching
 * blocks, the start-up check). hospital1 in the default consortium.
 */
export function firstPeerOrg(topology: Topology): PeerOrgKey {
  const first = peerOrgKeys(topology)[0];
  if (first === undefined) throw new Error(`the consortium file ${topology.source} has no organisation with peers`);
  return first;
}
