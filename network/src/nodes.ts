import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { runCommand } from './command';
import type { FabricBinaries } from './fabric-binaries';
import { operationsHealthy, portOpen } from './health';
import type { Layout } from './layout';
import { BUILDER_DIR } from './paths';
import { runningPid, startProcess, stopProcess, waitFor, type ProcessSpec } from './processes';
import {
  CHANNEL_NAME,
  firstPeerOrg,
  organisation,
  peerOf,
  peersOf,
  type OrdererNode,
  type OrgKey,
  type PeerNode,
  type PeerOrgKey,
  type Topology,
} from './topology';

const ORG_ADMIN = 'orgadmin';

function tlsFiles(layout: Layout, org: OrgKey, name: string): { cert: string; key: string; ca: string } {
  const dir = path.join(layout.identityDir(org, name), 'tls');
  return { cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key'), ca: path.join(dir, 'ca.crt') };
}

function ordererEnv(layout: Layout, bin: FabricBinaries, topology: Topology, node: OrdererNode): NodeJS.ProcessEnv {
  const tls = tlsFiles(layout, node.org, node.name);
  const ledger = layout.ledgerDir(node.name);
  return {
    PATH: process.env.PATH,
    FABRIC_CFG_PATH: bin.sampleConfigDir,
    FABRIC_LOGGING_SPEC: 'INFO',
    ORDERER_GENERAL_LISTENADDRESS: node.host,
    ORDERER_GENERAL_LISTENPORT: String(node.port),
    ORDERER_GENERAL_LOCALMSPID: organisation(topology, node.org).mspId,
    ORDERER_GENERAL_LOCALMSPDIR: path.join(layout.identityDir(node.org, node.name), 'msp'),
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_PRIVATEKEY: tls.key,
    ORDERER_GENERAL_TLS_CERTIFICATE: tls.cert,
    ORDERER_GENERAL_TLS_ROOTCAS: `[${tls.ca}]`,
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: tls.cert,
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: tls.key,
    ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${tls.ca}]`,
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_ADMIN_LISTENADDRESS: `${node.host}:${node.adminPort}`,
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_PRIVATEKEY: tls.key,
    ORDERER_ADMIN_TLS_CERTIFICATE: tls.cert,
    ORDERER_ADMIN_TLS_ROOTCAS: `[${tls.ca}]`,
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${tls.ca}]`,
    ORDERER_OPERATIONS_LISTENADDRESS: `${node.host}:${node.operationsPort}`,
    ORDERER_METRICS_PROVIDER: 'prometheus',
    ORDERER_FILELEDGER_LOCATION: ledger,
    ORDERER_CONSENSUS_WALDIR: path.join(ledger, 'etcdraft', 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: path.join(ledger, 'etcdraft', 'snapshot'),
  };
}

/**
 * Peers read Fabric's sample core.yaml with two edits that environment overrides cannot express: an empty
 * vm.endpoint (an empty CORE_VM_ENDPOINT is ignored by viper, and the peer would then ping a Docker daemon) and
 * the external builder list (our chaincode-as-a-service builder). Everything else is overridden per peer by env.
 */
function peerConfigDir(layout: Layout, bin: FabricBinaries): string {
  const dir = path.join(layout.home, 'config');
  const file = path.join(dir, 'core.yaml');
  if (!fs.existsSync(file)) {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(bin.sampleConfigDir, 'core.yaml'), 'utf8'));
    doc.setIn(['vm', 'endpoint'], '');
    doc.setIn(
      ['chaincode', 'externalBuilders'],
      [{ name: 'medrec-ccaas', path: BUILDER_DIR, propagateEnvironment: [] }],
    );
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, doc.toString());
  }
  return dir;
}

/**
 * How a peer learns blocks. Alone in its organisation it is the leader and pulls from the orderers itself. With
 * others, the organisation's peers find each other through gossip (each bootstraps from the others), elect one leader
 * that pulls from the orderers and gossips the blocks to the rest; when the leader dies another is elected (after
 * peer.gossip.election.leaderAliveThreshold, 10 s by default) and takes over the pulling. Gossip's push drops blocks
 * too far ahead of a follower's height (a burst after an outage or a restart): state transfer (off by default since
 * Fabric 2.2) asks the others for what is missing every 10 s. Without it a follower stayed behind for good (a
 * multi-host run: peer0.hospital2 at block 85 while peer1 went on past 128).
 */
function gossipEnv(topology: Topology, node: PeerNode): NodeJS.ProcessEnv {
  const others = peersOf(topology, node.org).filter((peer) => peer.name !== node.name);
  if (others.length === 0) {
    return {
      CORE_PEER_GOSSIP_BOOTSTRAP: `${node.host}:${String(node.port)}`,
      CORE_PEER_GOSSIP_USELEADERELECTION: 'false',
      CORE_PEER_GOSSIP_ORGLEADER: 'true',
      CORE_PEER_DELIVERYCLIENT_BLOCKGOSSIPENABLED: 'false',
    };
  }
  return {
    CORE_PEER_GOSSIP_BOOTSTRAP: others.map((peer) => `${peer.host}:${String(peer.port)}`).join(' '),
    CORE_PEER_GOSSIP_USELEADERELECTION: 'true',
    CORE_PEER_GOSSIP_ORGLEADER: 'false',
    CORE_PEER_DELIVERYCLIENT_BLOCKGOSSIPENABLED: 'true',
    CORE_PEER_GOSSIP_STATE_ENABLED: 'true',
  };
}

function peerEnv(layout: Layout, bin: FabricBinaries, topology: Topology, node: PeerNode): NodeJS.ProcessEnv {
  const tls = tlsFiles(layout, node.org, node.name);
  const ledger = layout.ledgerDir(node.name);
  const address = `${node.host}:${node.port}`;
  return {
    PATH: process.env.PATH,
    FABRIC_CFG_PATH: peerConfigDir(layout, bin),
    // A line per gRPC call and per chaincode call costs CPU under load and buries what matters (commits, errors).
    FABRIC_LOGGING_SPEC: 'INFO:comm.grpc.server=WARNING:endorser=WARNING',
    CORE_PEER_ID: node.name,
    CORE_PEER_LISTENADDRESS: address,
    CORE_PEER_ADDRESS: address,
    CORE_PEER_CHAINCODELISTENADDRESS: `${node.host}:${node.chaincodeListenPort}`,
    CORE_PEER_CHAINCODEADDRESS: `${node.host}:${node.chaincodeListenPort}`,
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: address,
    CORE_PEER_GOSSIP_ENDPOINT: address,
    ...gossipEnv(topology, node),
    CORE_PEER_LOCALMSPID: organisation(topology, node.org).mspId,
    CORE_PEER_MSPCONFIGPATH: path.join(layout.identityDir(node.org, node.name), 'msp'),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: tls.cert,
    CORE_PEER_TLS_KEY_FILE: tls.key,
    CORE_PEER_TLS_ROOTCERT_FILE: tls.ca,
    CORE_PEER_FILESYSTEMPATH: ledger,
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: path.join(ledger, 'snapshots'),
    // A peer whose host vanished (link cut, power lost) leaves connections that never fail by themselves: pinging
    // every 10 s finds them dead within 15 s, so endorsements and gossip move to live peers instead of waiting for
    // the 30 s endorsement timeout each time. The server accepts pings that often (its default minimum is 60 s).
    CORE_PEER_KEEPALIVE_CLIENT_INTERVAL: '10s',
    CORE_PEER_KEEPALIVE_CLIENT_TIMEOUT: '5s',
    CORE_PEER_KEEPALIVE_MININTERVAL: '5s',
    // A peer that cannot reach an orderer retries with a backoff that grows by 1.2 per failure up to this bound
    // (Fabric's default is an hour): after an outage of a few minutes the next attempt would be a minute or more
    // away once the link had returned. One attempt every 10 s at most costs a dial each.
    CORE_PEER_DELIVERYCLIENT_RECONNECTBACKOFFTHRESHOLD: '10s',
    CORE_OPERATIONS_LISTENADDRESS: `${node.host}:${node.operationsPort}`,
    CORE_METRICS_PROVIDER: 'prometheus',
    // An endorsement that finds its chaincode not connected launches it: the peer dials the organisation's chaincode
    // server and waits for it to register under the package id the definition names. While a server is restarted
    // under another package id (an upgrade) it registers under that one, and the launch waits out this timeout,
    // holding its state snapshot, which holds the peer's block commits too. Fabric's 300 s default stalled a peer for
    // five minutes in an upgrade under load; a chaincode server that is up registers in well under a second.
    CORE_CHAINCODE_STARTUPTIMEOUT: '15s',
    CORE_PEER_GATEWAY_ENABLED: 'true',
    // The gateway tries the orderers one after another; a killed one must not hold a submission for the defaults
    // (30 s to dial, 10 s to broadcast): the fault drill saw writes stall 30 s after the Raft leader was killed.
    CORE_PEER_GATEWAY_DIALTIMEOUT: '3s',
    CORE_PEER_GATEWAY_BROADCASTTIMEOUT: '3s',
  };
}

/** Starts a peer or orderer unless ours is already running, then waits for its operations /healthz. */
async function startNodeProcess(
  layout: Layout,
  node: Readonly<{ name: string; host: string; operationsPort: number }>,
  spec: ProcessSpec,
): Promise<void> {
  if (runningPid(layout, node.name, spec.command) !== undefined) return;
  fs.mkdirSync(layout.ledgerDir(node.name), { recursive: true });
  startProcess(layout, spec);
  await waitFor(
    node.name,
    () => operationsHealthy(node.host, node.operationsPort),
    60_000,
    `see ${layout.logFile(node.name)}`,
  );
}

/** An orderer's process: what `startOrderer` runs and what `medrec org units` writes as a systemd unit. */
export function ordererProcessSpec(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  node: OrdererNode,
): ProcessSpec {
  return {
    name: node.name,
    host: node.host,
    command: bin.path('orderer'),
    args: [],
    env: ordererEnv(layout, bin, topology, node),
  };
}

/** A peer's process: what `startPeer` runs and what `medrec org units` writes as a systemd unit. */
export function peerProcessSpec(layout: Layout, bin: FabricBinaries, topology: Topology, node: PeerNode): ProcessSpec {
  return {
    name: node.name,
    host: node.host,
    command: bin.path('peer'),
    args: ['node', 'start'],
    env: peerEnv(layout, bin, topology, node),
  };
}

export async function startOrderer(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  node: OrdererNode,
): Promise<void> {
  await startNodeProcess(layout, node, ordererProcessSpec(layout, bin, topology, node));
  // The operations endpoint answers before the admin (channel participation) endpoint listens; osnadmin called in
  // between failed a restart with "connection refused".
  await waitFor(
    `${node.name} admin endpoint`,
    () => portOpen(node.host, node.adminPort),
    30_000,
    `see ${layout.logFile(node.name)}`,
  );
}

export function startPeer(layout: Layout, bin: FabricBinaries, topology: Topology, node: PeerNode): Promise<void> {
  return startNodeProcess(layout, node, peerProcessSpec(layout, bin, topology, node));
}

/**
 * Stops a peer or orderer this network started. It is recognised by its binary's name, not by the binary's full
 * path: a node started from an earlier build (other patches, another pinned version) is still ours to stop.
 */
export function stopNode(layout: Layout, name: string, kind: 'peer' | 'orderer'): Promise<boolean> {
  return stopProcess(layout, name, `/bin/${kind}`);
}

/** Joins an orderer to the channel through the channel participation API (no system channel). */
export async function joinOrderer(
  layout: Layout,
  bin: FabricBinaries,
  node: OrdererNode,
  block: string,
): Promise<void> {
  const common = osnadminArgs(layout, node);
  const env = { PATH: process.env.PATH };
  const list = await runCommand(bin.path('osnadmin'), ['channel', 'list', ...common], {
    step: `list channels of ${node.name}`,
    env,
  });
  if (list.includes(`"${CHANNEL_NAME}"`)) return;
  await runCommand(
    bin.path('osnadmin'),
    ['channel', 'join', '--channelID', CHANNEL_NAME, '--config-block', block, ...common],
    {
      step: `join ${node.name} to channel ${CHANNEL_NAME}`,
      env,
    },
  );
}

/** osnadmin's address and mutual-TLS files for an orderer: channel participation is its own operator's admin's to use. */
function osnadminArgs(layout: Layout, node: OrdererNode): string[] {
  const admin = tlsFiles(layout, node.org, ORG_ADMIN);
  return [
    '-o',
    `${node.host}:${String(node.adminPort)}`,
    '--ca-file',
    admin.ca,
    '--client-cert',
    admin.cert,
    '--client-key',
    admin.key,
  ];
}

/** Ledger height of the channel on an orderer, from the channel participation API. */
export async function ordererHeight(
  layout: Layout,
  bin: FabricBinaries,
  node: OrdererNode,
): Promise<number | undefined> {
  const out = await runCommand(
    bin.path('osnadmin'),
    ['channel', 'list', '--channelID', CHANNEL_NAME, ...osnadminArgs(layout, node)],
    { step: `read the height of ${node.name}`, env: { PATH: process.env.PATH }, timeoutMs: 10_000 },
  );
  const body = out.slice(out.indexOf('{'));
  const parsed = JSON.parse(body) as { height?: unknown };
  return typeof parsed.height === 'number' ? parsed.height : undefined;
}

/**
 * Refuses, saying what to do instead, to sign as an organisation whose admin is not on this host: a founder's own
 * state directory holds no other organisation's keys.
 */
export function assertAdminHere(layout: Layout, org: OrgKey): void {
  assertAdminsHere(layout, [org]);
}

/** Whether this host holds the organisation's admin key (a founder's own directory holds only its own). */
export function adminHere(layout: Layout, org: OrgKey): boolean {
  return fs.existsSync(path.join(layout.identityDir(org, ORG_ADMIN), 'msp', 'keystore'));
}

/** The same for every organisation that must sign, naming all that are missing at once. */
export function assertAdminsHere(layout: Layout, orgs: readonly OrgKey[]): void {
  const missing = orgs.filter((org) => !adminHere(layout, org));
  if (missing.length > 0) {
    const whose = missing.map((org) => `${org}'s`).join(', ');
    throw new Error(
      `this host does not hold ${whose} admin: run this on that organisation's host, or, for a channel update, ` +
        "pass it as a file between the admins' hosts: `medrec channel propose-member | propose-removal | " +
        'propose-ordering` or `medrec org rotate-tls --orderer <name> --out <file>` writes one, ' +
        '`medrec channel sign <file> --as <org>` on each host signs it',
    );
  }
}

/**
 * Environment for the peer CLI signing as an organisation's admin, without a peer to talk to: enough to sign and
 * submit channel configuration updates (the orderer organisation has no peer).
 */
export function adminCliEnv(layout: Layout, bin: FabricBinaries, topology: Topology, org: OrgKey): NodeJS.ProcessEnv {
  assertAdminHere(layout, org);
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    FABRIC_CFG_PATH: peerConfigDir(layout, bin),
    FABRIC_LOGGING_SPEC: 'WARNING',
    CORE_PEER_LOCALMSPID: organisation(topology, org).mspId,
    CORE_PEER_MSPCONFIGPATH: path.join(layout.identityDir(org, ORG_ADMIN), 'msp'),
  };
}

/** Environment for the peer CLI acting as an organisation's admin against one of its peers (its first by default). */
export function peerAdminEnv(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  org: PeerOrgKey,
  node: PeerNode = peerOf(topology, org),
): NodeJS.ProcessEnv {
  return {
    ...adminCliEnv(layout, bin, topology, org),
    CORE_PEER_ADDRESS: `${node.host}:${node.port}`,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: layout.caCert(org),
  };
}

/** Joins one peer to the channel as its organisation's admin (nothing to do when it has joined already). */
export async function joinPeer(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  node: PeerNode,
  block: string,
): Promise<void> {
  const env = peerAdminEnv(layout, bin, topology, node.org, node);
  const list = await runCommand(bin.path('peer'), ['channel', 'list'], {
    step: `list channels of ${node.name}`,
    env,
  });
  if (list.split('\n').some((line) => line.trim() === CHANNEL_NAME)) return;
  await runCommand(bin.path('peer'), ['channel', 'join', '-b', block], {
    step: `join ${node.name} to ${CHANNEL_NAME}`,
    env,
  });
}

export interface ChainInfo {
  readonly height: number;
  readonly currentBlockHash: string;
}

/** Height and current block hash of the channel on a peer (peer channel getinfo, as the org admin). */
export async function peerChainInfo(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  org: PeerOrgKey,
): Promise<ChainInfo> {
  const out = await runCommand(bin.path('peer'), ['channel', 'getinfo', '-c', CHANNEL_NAME], {
    step: `read the chain info of the ${org} peer`,
    env: peerAdminEnv(layout, bin, topology, org),
    timeoutMs: 10_000,
  });
  const parsed = JSON.parse(out.slice(out.indexOf('{'))) as { height?: unknown; currentBlockHash?: unknown };
  if (typeof parsed.height !== 'number' || typeof parsed.currentBlockHash !== 'string') {
    throw new Error(`unexpected output from peer channel getinfo on ${org}: ${out}`);
  }
  return { height: parsed.height, currentBlockHash: parsed.currentBlockHash };
}

/** Fetches the newest block of the channel from one orderer (as the first peer organisation's admin), returning its bytes. */
export async function fetchNewestBlock(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  orderer: OrdererNode,
): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(layout.home, 'fetch-'));
  try {
    const file = path.join(dir, 'newest.block');
    await runCommand(
      bin.path('peer'),
      [
        'channel',
        'fetch',
        'newest',
        file,
        '-c',
        CHANNEL_NAME,
        '-o',
        `${orderer.host}:${orderer.port}`,
        '--tls',
        '--cafile',
        layout.caCert(orderer.org),
      ],
      {
        step: `fetch the newest block from ${orderer.name}`,
        env: peerAdminEnv(layout, bin, topology, firstPeerOrg(topology)),
        timeoutMs: 20_000,
      },
    );
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export { ORG_ADMIN };
