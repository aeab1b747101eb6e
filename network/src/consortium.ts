import fs from 'node:fs';
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
import { Layout } from './layout';
import { writeOrgMsp } from './msp';
import { readState, writeState, type NetworkState } from './network-state';
import {
  ORG_ADMIN,
  joinOrderer,
  joinPeer,
  ordererHeight,
  peerChainInfo,
  startOrderer,
  startPeer,
  stopNode,
} from './nodes';
import { medrecHome } from './paths';
import { runningPid } from './processes';
import { buildTopology, HOST, portBaseFromEnv, type OrgKey, type PeerOrgKey, type Topology } from './topology';

export interface NodeStatus {
  readonly name: string;
  readonly org: OrgKey;
  readonly kind: 'ca' | 'orderer' | 'peer' | 'chaincode';
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
    for (const peer of this.topology.peers) await stopChaincodeServer(this.layout, peer.org);
    for (const peer of this.topology.peers) await stopNode(this.layout, bin, peer.name, 'peer');
    for (const orderer of this.topology.orderers) await stopNode(this.layout, bin, orderer.name, 'orderer');
    for (const org of this.topology.organisations) await stopCa(this.layout, org.key);
    if (options.purge === true) fs.rmSync(this.layout.home, { recursive: true, force: true });
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
      apis: t.peers.map((p) => ({ org: p.org, url: `http://${HOST}:${p.apiPort}` })),
    };
  }
}
