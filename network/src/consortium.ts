import fs from 'node:fs';
import path from 'node:path';
import { Listr } from 'listr2';
import { CaAdmin, startCa, stopCa, caProcessName } from './certificate-authority';
import { createGenesisBlock } from './channel-config';
import {
  CHAINCODE_SERVER_IDENTITY,
  chaincodeProcessName,
  deployChaincode,
  startChaincodeServer,
  stopChaincodeServer,
  type ChaincodeDefinition,
} from './chaincode-deployment';
import { cachedFabricBinaries, ensureFabricBinaries, type FabricBinaries } from './fabric-binaries';
import { operationsHealthy, portOpen } from './health';
import {
  GATEKEEPER_IDENTITY,
  gatekeeperHealthy,
  gatekeeperParticipantId,
  gatekeeperPid,
  gatekeeperProcessName,
  gatekeeperUrl,
  startGatekeeper,
  stopGatekeeper,
} from './gatekeeper-process';
import { Layout } from './layout';
import {
  apiAdminParticipantId,
  apiHealthy,
  apiPid,
  apiProcessName,
  apiUrl,
  ensureAdminToken,
  startApi,
  stopApi,
} from './api-process';
import { provisionUser } from './user-provisioning';
import { writeOrgMsp } from './msp';
import { readState, writeState, type NetworkState } from './network-state';
import {
  ORG_ADMIN,
  fetchNewestBlock,
  joinOrderer,
  joinPeer,
  ordererHeight,
  peerChainInfo,
  startOrderer,
  startPeer,
  stopNode,
  type ChainInfo,
} from './nodes';
import { medrecHome } from './paths';
import { runningPid } from './processes';
import { assertOutsideEphemeralRange, ephemeralPortRange } from './ephemeral-ports';
import { connectGateway, type GatewayConnection } from '../../sdk/src/gateway-connection';
import type { IdentityServiceOptions } from '../../sdk/src/identity-service';
import { createMedrecClient } from '../../sdk/src/medrec-client';
import { untilDiscoverySettles } from './discovery-retry';
import { initializeIncentives } from './incentive';
import {
  buildTopology,
  CHAINCODE_NAME,
  CHANNEL_NAME,
  HOST,
  organisation,
  peerOf,
  portBaseFromEnv,
  type OrgKey,
  type PeerNode,
  type PeerOrgKey,
  type Topology,
} from './topology';

export interface NodeStatus {
  readonly name: string;
  readonly org: OrgKey;
  readonly kind: 'ca' | 'orderer' | 'peer' | 'chaincode' | 'gatekeeper' | 'api';
  readonly address: string;
  readonly up: boolean;
  readonly pid?: number;
  readonly blockHeight?: number;
}

export interface NetworkStatus {
  readonly home: string;
  readonly channel: string;
  readonly chaincode?: Pick<ChaincodeDefinition, 'name' | 'version' | 'sequence'>;
  readonly nodes: readonly NodeStatus[];
  readonly apis: readonly { readonly org: PeerOrgKey; readonly url: string }[];
}

export interface ConsortiumOptions {
  readonly home?: string;
  readonly portBase?: number;
  /** 'silent' for tests and --json; 'default' draws task progress (falls back to plain lines without a TTY). */
  readonly renderer?: 'default' | 'simple' | 'silent';
}

const CHAINCODE_VERSION = '1.0';

/** The local consortium network: build, start, resume, stop, inspect and upgrade. */
export interface Consortium {
  readonly topology: Topology;
  readonly layout: Layout;
  up(): Promise<void>;
  down(options?: Readonly<{ purge?: boolean }>): Promise<void>;
  status(): Promise<NetworkStatus>;
  /** Stops / starts one peer or orderer (fault-tolerance drills). */
  stopNode(name: string): Promise<void>;
  startNode(name: string): Promise<void>;
  /** Deploys the chaincode as the next sequence through the lifecycle (the code in dist/ at that moment). */
  upgradeChaincode(): Promise<ChaincodeDefinition>;
  binaries(): Promise<FabricBinaries>;
  /** Registers (once) and enrolls a user at its organisation's CA with the given certificate attributes. */
  enrollUser(org: PeerOrgKey, name: string, attributes: Readonly<Record<string, string>>): Promise<EnrolledIdentity>;
  /** Where a client reaches an organisation's peer, and the TLS root to verify it. */
  peerEndpoint(org: PeerOrgKey): PeerEndpoint;
  /** A gateway connection signing as the organisation's admin (medrec.role=admin). Close it after use. */
  connectAdmin(org: PeerOrgKey): GatewayConnection;
  /** How to reach an organisation's CA with its bootstrap registrar (for registering users). */
  identityServiceOptions(org: PeerOrgKey): IdentityServiceOptions;
  /** Channel height and current block hash as one organisation's peer sees them. */
  chainInfo(org: PeerOrgKey): Promise<ChainInfo>;
  /** The newest block (raw bytes) as one orderer serves it. */
  fetchNewestBlock(ordererName: string): Promise<Buffer>;
}

export interface EnrolledIdentity {
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: string;
}

export interface PeerEndpoint {
  readonly address: string;
  readonly tlsRootCertificate: string;
  /** The peer's TLS certificate names "localhost" too; verifying that name avoids TLS SNI with an IP address. */
  readonly tlsServerName: string;
}

export function createConsortium(options: ConsortiumOptions = {}): Consortium {
  return new ConsortiumImpl(options);
}

class ConsortiumImpl implements Consortium {
  readonly topology: Topology;
  readonly layout: Layout;
  readonly #renderer: 'default' | 'simple' | 'silent';
  #bin: FabricBinaries | undefined;

  constructor(options: ConsortiumOptions) {
    this.layout = new Layout(options.home ?? medrecHome());
    const saved = readState(this.layout);
    this.topology = buildTopology(options.portBase ?? saved?.portBase ?? portBaseFromEnv());
    this.#renderer = options.renderer ?? 'default';
  }

  /** The cached binaries; only `up` builds them (so `status` or `down` never start a long build). */
  binaries(): Promise<FabricBinaries> {
    this.#bin ??= cachedFabricBinaries();
    if (!this.#bin) {
      return Promise.reject(
        new Error('Fabric binaries are not built yet; run `medrec network up` (or `npm start`) first'),
      );
    }
    return Promise.resolve(this.#bin);
  }

  #state(): NetworkState {
    return (
      readState(this.layout) ?? {
        portBase: this.topology.portBase,
        createdAt: new Date().toISOString(),
        identitiesReady: false,
        channelJoined: false,
      }
    );
  }

  async up(): Promise<void> {
    const t = this.topology;
    const layout = this.layout;
    let bin: FabricBinaries | undefined;
    const need = (): FabricBinaries => {
      if (!bin) throw new Error('Fabric binaries are not built yet');
      return bin;
    };
    const tasks = new Listr(
      [
        {
          title: 'Fabric binaries (built once from Go modules, then cached)',
          task: async (_ctx, task) => {
            bin = await ensureFabricBinaries((message) => {
              task.output = message;
            });
            this.#bin = bin;
          },
          rendererOptions: { outputBar: 1 },
        },
        {
          title: 'Certificate authorities (one per organisation, TLS on)',
          task: async (_ctx, task) => {
            await this.#assertPortsFree(need());
            for (const org of t.organisations) {
              task.output = `starting ${caProcessName(org.key)} on port ${org.ca.port}`;
              await startCa(layout, need(), org);
            }
          },
        },
        {
          title: 'Identities enrolled from each CA (NodeOUs, TLS certificates)',
          skip: () => this.#state().identitiesReady && 'already enrolled',
          task: async (_ctx, task) => {
            await this.#enrollIdentities(need(), (m) => {
              task.output = m;
            });
            writeState(layout, { ...this.#state(), identitiesReady: true });
          },
        },
        {
          title: 'Raft orderers (3) joined to the channel',
          task: async (_ctx, task) => {
            const block = await createGenesisBlock(layout, need(), t);
            for (const node of t.orderers) {
              task.output = `starting ${node.name}`;
              await startOrderer(layout, need(), t, node);
              await joinOrderer(layout, need(), node, block);
            }
          },
        },
        {
          title: 'Peers (one per hospital / institute) joined to the channel',
          task: async (_ctx, task) => {
            const block = await createGenesisBlock(layout, need(), t);
            for (const node of t.peers) {
              task.output = `starting ${node.name}`;
              await startPeer(layout, need(), t, node);
              await this.#retry(() => joinPeer(layout, need(), t, node.org, block));
            }
            writeState(layout, { ...this.#state(), channelJoined: true });
          },
        },
        {
          title: 'MedRec chaincode as a service (lifecycle, MAJORITY endorsement)',
          task: async (_ctx, task) => {
            const existing = this.#state().chaincode;
            if (existing) {
              for (const peer of t.peers)
                await startChaincodeServer(layout, t, peer.org, existing.packageIds[peer.org]);
              return;
            }
            const definition = await deployChaincode(layout, need(), t, CHAINCODE_VERSION, 1, (m) => {
              task.output = m;
            });
            writeState(layout, { ...this.#state(), chaincode: definition });
          },
        },
        {
          title: 'End-to-end check: a heartbeat transaction endorsed by a majority commits',
          task: async (_ctx, task) => {
            await this.#awaitCommit((m) => {
              task.output = m;
            });
          },
        },
        {
          title: 'Organisations registered on the ledger by their admins (name, gatekeeper URL, CA root)',
          task: async (_ctx, task) => {
            for (const peer of t.peers) {
              task.output = peer.org;
              await this.#registerOrganisation(peer.org);
            }
          },
        },
        {
          title:
            "Incentive schedule approved by a majority of the organisations' admins (network/src/incentive.ts " +
            'defaults; kept if already set)',
          task: async (_ctx, task) => {
            const { initializedNow, schedule } = await initializeIncentives(this);
            task.output =
              `${initializedNow ? 'approved' : 'already in effect'}: initial reward ${schedule.initialReward}, ` +
              `halving every ${schedule.halvingInterval} claims`;
          },
        },
        {
          title: 'Database Gatekeepers (one per custodian organisation, with its own identity and record store)',
          task: async (_ctx, task) => {
            for (const peer of t.peers) {
              task.output = gatekeeperProcessName(peer);
              await this.#ensureGatekeeperIdentity(need(), peer);
              await startGatekeeper(layout, organisation(t, peer.org), peer);
            }
          },
        },
        {
          title: 'REST APIs (one per organisation; first admin token in MEDREC_HOME/api/<org>/admin.token)',
          task: async (_ctx, task) => {
            for (const peer of t.peers) {
              task.output = apiProcessName(peer);
              await this.#ensureApiAdmin(peer);
              await ensureAdminToken(layout, organisation(t, peer.org), peer);
              await startApi(layout, organisation(t, peer.org), peer);
            }
          },
        },
      ],
      {
        renderer: this.#renderer,
        fallbackRenderer: 'simple',
        exitOnError: true,
        rendererOptions: { collapseErrors: false },
      },
    );
    await tasks.run();
  }

  /** A port held by a process that is not ours would make a node fail obscurely: say so up front. */
  async #assertPortsFree(bin: FabricBinaries): Promise<void> {
    const t = this.topology;
    assertOutsideEphemeralRange(t.portBase, ephemeralPortRange());
    const ours = (name: string, command: string): boolean => runningPid(this.layout, name, command) !== undefined;
    const checks: [boolean, number, string][] = [
      ...t.organisations.flatMap((o): [boolean, number, string][] => {
        const running = ours(caProcessName(o.key), 'fabric-ca-server');
        return [
          [running, o.ca.port, o.ca.name],
          [running, o.ca.operationsPort, `${o.ca.name} operations`],
        ];
      }),
      ...t.orderers.flatMap((o): [boolean, number, string][] => {
        const running = ours(o.name, bin.path('orderer'));
        return [o.port, o.adminPort, o.operationsPort].map((port): [boolean, number, string] => [
          running,
          port,
          o.name,
        ]);
      }),
      ...t.peers.flatMap((p): [boolean, number, string][] => {
        const running = ours(p.name, bin.path('peer'));
        const cc = ours(chaincodeProcessName(p.org), 'fabric-shim/cli.js');
        return [
          ...[p.port, p.chaincodeListenPort, p.operationsPort].map((port): [boolean, number, string] => [
            running,
            port,
            p.name,
          ]),
          [cc, p.chaincodeServerPort, chaincodeProcessName(p.org)],
        ];
      }),
    ];
    for (const [running, port, what] of checks) {
      if (!running && (await portOpen(port))) {
        throw new Error(
          `port ${port} (for ${what}) is already in use by a process this network did not start; ` +
            `stop that process, or choose other ports with MEDREC_PORT_BASE (now ${t.portBase})`,
        );
      }
    }
  }

  /** The orderer's Raft leader may need a moment after start before channel operations succeed. */
  async #retry<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (i >= attempts) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /**
   * After (re)starts, gossip membership and discovery need a few seconds before the gateway can assemble a
   * majority of endorsers; `up` returns only once a real transaction commits, so callers get a usable network.
   */
  async #awaitCommit(progress: (m: string) => void): Promise<void> {
    const connection = this.connectAdmin('hospital1');
    try {
      const contract = connection.gateway.getNetwork(CHANNEL_NAME).getContract(CHAINCODE_NAME, 'Health');
      const deadline = Date.now() + 180_000;
      for (let attempt = 1; ; attempt++) {
        try {
          await contract.submitTransaction('Heartbeat', `network-up-${Date.now()}`);
          return;
        } catch (err) {
          if (Date.now() > deadline) {
            throw new Error(
              `the network started but a test transaction still fails after 3 minutes: ${String(err)}; ` +
                `check the logs in ${this.layout.logsDir}`,
            );
          }
          progress(`waiting for peers to discover each other (attempt ${attempt})`);
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    } finally {
      connection.close();
    }
  }

  connectAdmin(org: PeerOrgKey): GatewayConnection {
    const dir = this.layout.identityDir(org, ORG_ADMIN);
    const endpoint = this.peerEndpoint(org);
    return connectGateway({
      peerAddress: endpoint.address,
      tlsRootCertificate: endpoint.tlsRootCertificate,
      tlsServerName: endpoint.tlsServerName,
      identity: {
        mspId: organisation(this.topology, org).mspId,
        certificate: fs.readFileSync(path.join(dir, 'msp', 'signcerts', 'cert.pem'), 'utf8'),
        privateKey: fs.readFileSync(path.join(dir, 'msp', 'keystore', 'key.pem'), 'utf8'),
      },
    });
  }

  /** Idempotent: the chaincode treats the same body as a no-op. The admin's certificate carries medrec.role=admin. */
  async #registerOrganisation(org: PeerOrgKey): Promise<void> {
    const connection = this.connectAdmin(org);
    try {
      const definition = organisation(this.topology, org);
      await untilDiscoverySettles(() =>
        createMedrecClient(connection.gateway).registerOrganisation({
          mspId: definition.mspId,
          displayName: definition.displayName,
          gatekeeperUrl: gatekeeperUrl(peerOf(this.topology, org)),
          caRootCertsPem: [fs.readFileSync(this.layout.caCert(org), 'utf8')],
        }),
      );
    } finally {
      connection.close();
    }
  }

  /** Enrolls the gatekeeper (role gatekeeper) at its CA and registers it as a participant, once; idempotent. */
  async #ensureGatekeeperIdentity(bin: FabricBinaries, peer: PeerNode): Promise<void> {
    const org = organisation(this.topology, peer.org);
    const participantId = gatekeeperParticipantId(peer);
    await new CaAdmin(this.layout, bin, org).ensureIdentity({
      name: GATEKEEPER_IDENTITY,
      type: 'client',
      attributes: { 'medrec.role': 'gatekeeper', 'medrec.id': participantId },
      // Its HTTPS server certificate, from the organisation's CA (enrolled also on networks that predate it).
      tls: true,
    });
    const connection = this.connectAdmin(peer.org);
    try {
      await untilDiscoverySettles(() =>
        createMedrecClient(connection.gateway).registerParticipant({
          participantId,
          role: 'gatekeeper',
          enrollmentId: GATEKEEPER_IDENTITY,
        }),
      );
    } finally {
      connection.close();
    }
  }

  /** The API's first administrator: a provisioned user (CA, wallet, participant) with role admin. */
  async #ensureApiAdmin(peer: PeerNode): Promise<void> {
    const connection = this.connectAdmin(peer.org);
    try {
      await provisionUser(
        this,
        { org: peer.org, role: 'admin', participantId: apiAdminParticipantId(peer) },
        createMedrecClient(connection.gateway),
      );
    } finally {
      connection.close();
    }
  }

  async #enrollIdentities(bin: FabricBinaries, progress: (m: string) => void): Promise<void> {
    const t = this.topology;
    for (const org of t.organisations) {
      progress(`enrolling identities of ${org.key}`);
      const ca = new CaAdmin(this.layout, bin, org);
      await ca.enrollRegistrar();
      writeOrgMsp(this.layout.orgMsp(org.key), this.layout.caCert(org.key));
      await ca.ensureIdentity({
        name: ORG_ADMIN,
        type: 'admin',
        tls: true,
        attributes: { 'medrec.role': 'admin', 'medrec.id': `${org.key}-admin` },
      });
      const nodes = org.key === 'orderer' ? t.orderers : t.peers.filter((p) => p.org === org.key);
      for (const node of nodes) {
        await ca.ensureIdentity({
          name: node.name,
          type: org.key === 'orderer' ? 'orderer' : 'peer',
          tls: true,
          hosts: [node.name],
        });
      }
      if (org.key !== 'orderer') {
        await ca.ensureIdentity({ name: CHAINCODE_SERVER_IDENTITY, type: 'client', tls: true });
      }
    }
  }

  async down(options: Readonly<{ purge?: boolean }> = {}): Promise<void> {
    const bin = cachedFabricBinaries();
    if (!bin) {
      // Nothing of ours can be running without binaries; only the data may need removing.
      if (options.purge === true) fs.rmSync(this.layout.home, { recursive: true, force: true });
      return;
    }
    for (const peer of this.topology.peers) await stopApi(this.layout, peer);
    for (const peer of this.topology.peers) await stopGatekeeper(this.layout, peer);
    for (const peer of this.topology.peers) await stopChaincodeServer(this.layout, peer.org);
    for (const peer of this.topology.peers) await stopNode(this.layout, bin, peer.name, 'peer');
    for (const orderer of this.topology.orderers) await stopNode(this.layout, bin, orderer.name, 'orderer');
    for (const org of this.topology.organisations) await stopCa(this.layout, org.key);
    if (options.purge === true) fs.rmSync(this.layout.home, { recursive: true, force: true });
  }

  async enrollUser(
    org: PeerOrgKey,
    name: string,
    attributes: Readonly<Record<string, string>>,
  ): Promise<EnrolledIdentity> {
    const bin = await this.binaries();
    const organisation = this.topology.organisations.find((o) => o.key === org);
    if (!organisation) throw new Error(`unknown organisation ${org}`);
    const ca = new CaAdmin(this.layout, bin, organisation);
    await ca.enrollRegistrar();
    const dir = await ca.ensureIdentity({ name, type: 'client', attributes });
    return {
      mspId: organisation.mspId,
      certificate: fs.readFileSync(path.join(dir, 'msp', 'signcerts', 'cert.pem'), 'utf8'),
      privateKey: fs.readFileSync(path.join(dir, 'msp', 'keystore', 'key.pem'), 'utf8'),
    };
  }

  identityServiceOptions(org: PeerOrgKey): IdentityServiceOptions {
    const organisation = this.topology.organisations.find((o) => o.key === org);
    if (!organisation) throw new Error(`unknown organisation ${org}`);
    const msp = path.join(this.layout.caAdminHome(org), 'msp');
    const keys = fs.readdirSync(path.join(msp, 'keystore'));
    const key = keys[0];
    if (keys.length !== 1 || key === undefined) {
      throw new Error(
        `expected one key in ${path.join(msp, 'keystore')}; run \`medrec network up\` to enroll the CA admin`,
      );
    }
    return {
      caUrl: `https://${HOST}:${organisation.ca.port}`,
      caName: `ca-${org}`,
      tlsRootCertificate: fs.readFileSync(this.layout.caCert(org), 'utf8'),
      mspId: organisation.mspId,
      registrar: {
        enrollmentId: 'admin',
        mspId: organisation.mspId,
        certificate: fs.readFileSync(path.join(msp, 'signcerts', 'cert.pem'), 'utf8'),
        privateKey: fs.readFileSync(path.join(msp, 'keystore', key), 'utf8'),
      },
    };
  }

  async chainInfo(org: PeerOrgKey): Promise<ChainInfo> {
    return peerChainInfo(this.layout, await this.binaries(), this.topology, org);
  }

  async fetchNewestBlock(ordererName: string): Promise<Buffer> {
    const orderer = this.topology.orderers.find((o) => o.name === ordererName);
    if (!orderer) throw new Error(`unknown orderer ${ordererName}`);
    return fetchNewestBlock(this.layout, await this.binaries(), this.topology, orderer);
  }

  peerEndpoint(org: PeerOrgKey): PeerEndpoint {
    const peer = this.topology.peers.find((p) => p.org === org);
    if (!peer) throw new Error(`no peer for ${org}`);
    return {
      address: `${HOST}:${peer.port}`,
      tlsRootCertificate: fs.readFileSync(this.layout.caCert(org), 'utf8'),
      tlsServerName: 'localhost',
    };
  }

  async stopNode(name: string): Promise<void> {
    const bin = await this.binaries();
    const kind = this.#kindOf(name);
    await stopNode(this.layout, bin, name, kind);
  }

  async startNode(name: string): Promise<void> {
    const bin = await this.binaries();
    const peer = this.topology.peers.find((p) => p.name === name);
    if (peer) return startPeer(this.layout, bin, this.topology, peer);
    const orderer = this.topology.orderers.find((o) => o.name === name);
    if (orderer) return startOrderer(this.layout, bin, this.topology, orderer);
    throw new Error(`unknown node ${name}; expected one of ${this.#nodeNames().join(', ')}`);
  }

  #nodeNames(): string[] {
    return [...this.topology.peers, ...this.topology.orderers].map((n) => n.name);
  }

  #kindOf(name: string): 'peer' | 'orderer' {
    if (this.topology.peers.some((p) => p.name === name)) return 'peer';
    if (this.topology.orderers.some((o) => o.name === name)) return 'orderer';
    throw new Error(`unknown node ${name}; expected one of ${this.#nodeNames().join(', ')}`);
  }

  async upgradeChaincode(): Promise<ChaincodeDefinition> {
    const bin = await this.binaries();
    const current = this.#state().chaincode;
    if (!current) throw new Error('no chaincode deployed yet; run `medrec network up` first');
    const definition = await deployChaincode(
      this.layout,
      bin,
      this.topology,
      CHAINCODE_VERSION,
      current.sequence + 1,
      () => undefined,
    );
    writeState(this.layout, { ...this.#state(), chaincode: definition });
    return definition;
  }

  async status(): Promise<NetworkStatus> {
    const bin = await this.binaries();
    const t = this.topology;
    const layout = this.layout;
    const state = readState(layout);
    const height = async (fn: () => Promise<number | undefined>): Promise<number | undefined> =>
      fn().catch(() => undefined);
    const nodes = await Promise.all([
      ...t.organisations.map(async (org): Promise<NodeStatus> => {
        const pid = runningPid(layout, caProcessName(org.key), 'fabric-ca-server');
        const up = pid !== undefined && (await operationsHealthy(org.ca.operationsPort));
        return {
          name: org.ca.name,
          org: org.key,
          kind: 'ca',
          address: `${HOST}:${org.ca.port}`,
          up,
          ...(pid ? { pid } : {}),
        };
      }),
      ...t.orderers.map(async (node): Promise<NodeStatus> => {
        const pid = runningPid(layout, node.name, bin.path('orderer'));
        const up = pid !== undefined && (await operationsHealthy(node.operationsPort));
        const blockHeight = up ? await height(() => ordererHeight(layout, bin, node)) : undefined;
        return {
          name: node.name,
          org: node.org,
          kind: 'orderer',
          address: `${HOST}:${node.port}`,
          up,
          ...(pid ? { pid } : {}),
          ...(blockHeight !== undefined ? { blockHeight } : {}),
        };
      }),
      ...t.peers.map(async (node): Promise<NodeStatus> => {
        const pid = runningPid(layout, node.name, bin.path('peer'));
        const up = pid !== undefined && (await operationsHealthy(node.operationsPort));
        const blockHeight = up
          ? await height(async () => (await peerChainInfo(layout, bin, t, node.org)).height)
          : undefined;
        return {
          name: node.name,
          org: node.org,
          kind: 'peer',
          address: `${HOST}:${node.port}`,
          up,
          ...(pid ? { pid } : {}),
          ...(blockHeight !== undefined ? { blockHeight } : {}),
        };
      }),
      ...t.peers.map(async (node): Promise<NodeStatus> => {
        const pid = runningPid(layout, chaincodeProcessName(node.org), 'fabric-shim/cli.js');
        const up = pid !== undefined && (await portOpen(node.chaincodeServerPort));
        const address = `${HOST}:${node.chaincodeServerPort}`;
        return {
          name: chaincodeProcessName(node.org),
          org: node.org,
          kind: 'chaincode',
          address,
          up,
          ...(pid ? { pid } : {}),
        };
      }),
      ...t.peers.map(async (node): Promise<NodeStatus> => {
        const pid = apiPid(layout, node);
        const up = pid !== undefined && (await apiHealthy(node));
        const address = `${HOST}:${node.apiPort}`;
        return { name: apiProcessName(node), org: node.org, kind: 'api', address, up, ...(pid ? { pid } : {}) };
      }),
      ...t.peers.map(async (node): Promise<NodeStatus> => {
        const pid = gatekeeperPid(layout, node);
        const up = pid !== undefined && (await gatekeeperHealthy(layout, node));
        const address = `${HOST}:${node.gatekeeperPort}`;
        return {
          name: gatekeeperProcessName(node),
          org: node.org,
          kind: 'gatekeeper',
          address,
          up,
          ...(pid ? { pid } : {}),
        };
      }),
    ]);
    return {
      home: layout.home,
      channel: 'medrec',
      ...(state?.chaincode
        ? {
            chaincode: {
              name: state.chaincode.name,
              version: state.chaincode.version,
              sequence: state.chaincode.sequence,
            },
          }
        : {}),
      nodes,
      apis: t.peers.map((p) => ({ org: p.org, url: apiUrl(p) })),
    };
  }
}
