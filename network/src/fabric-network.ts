/**
 * The Fabric node runtime of the local network: certificate authorities, Raft orderers, peers, the channel and the
 * chaincode lifecycle, and how clients reach them. It knows nothing of what MedRec runs on top (medrec-bootstrap.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ListrTask } from 'listr2';
import { connectGateway, type GatewayConnection, type IdentityServiceOptions } from '@medrec/sdk';
import { CaAdmin, startCa, stopCa, caProcessName } from './certificate-authority';
import { createGenesisBlock, genesisBlockFile, printOrgDefinition, verifyGenesisBlock } from './channel-config';
import { applyConfigUpdate, readChannelConfig } from './channel-update';
import { completeConsentIndex } from './consent-index';
import {
  CHAINCODE_SERVER_IDENTITY,
  adoptChaincode,
  deployChaincode,
  startCommittedChaincode,
  approveAndCommitFor,
  committedChaincode,
  packageIdOf,
  startChaincodeServer,
  stopChaincodeServer,
  type ChaincodeDefinition,
} from './chaincode-deployment';
import type { EnrolledIdentity, FabricAccess, PeerEndpoint } from './fabric-access';
import { cachedFabricBinaries, ensureFabricBinaries, type FabricBinaries } from './fabric-binaries';
import {
  checkFoundingDefinition,
  exportFoundingDefinition,
  importFoundingDefinition,
  missingDefinitions,
  type FoundingDefinition,
} from './founding-definition';
import { Layout } from './layout';
import { mspCertificateFile, readMspIdentity, writeOrgMsp } from './msp';
import { readState, writeState, type NetworkState } from './network-state';
import {
  ORG_ADMIN,
  assertAdminHere,
  fetchNewestBlock,
  joinOrderer,
  joinPeer,
  peerChainInfo,
  startOrderer,
  startPeer,
  stopNode,
  type ChainInfo,
} from './nodes';
import { peerLedgerHeight } from './health';
import { medrecHome } from './paths';
import { assertPortsFree } from './port-preflight';
import {
  applicationMembers,
  applicationSigners,
  withApplicationOrganisation,
  withoutApplicationOrganisation,
} from './org-membership';
import { savedConsortiumFile, selectFileTopology, selectTopology } from './topology-selection';
import {
  CHAINCODE_NAME,
  CHANNEL_NAME,
  activeTopology,
  firstPeerOrg,
  firstPeers,
  organisation,
  peerAddressList,
  peerOf,
  peersOf,
  type OrgKey,
  type Organisation,
  type PeerOrgKey,
  type Topology,
} from './topology';

export interface FabricNetworkOptions {
  readonly home?: string;
  /**
   * Else the port base the network was created with (network.json), else MEDREC_PORT_BASE, else the consortium
   * file's portBase.
   */
  readonly portBase?: number;
  /** Else the file the network was created with (network.json), else MEDREC_CONSORTIUM, else local.yaml. */
  readonly consortiumFile?: string;
}

/** The Fabric nodes of the consortium: start, stop, inspect and upgrade, plus the access MedRec's tooling uses. */
export interface FabricNetwork extends FabricAccess {
  /** The cached binaries; only the start tasks build them (so reading status or stopping never starts a long build). */
  binaries(): Promise<FabricBinaries>;
  /**
   * The steps that bring the nodes up (resuming what network.json records), ending with a committed transaction.
   * Returned rather than run so the caller can show them in one task list with what it starts on top.
   */
  startTasks(): ListrTask[];
  /** Stops chaincode servers, peers, orderers and CAs, in that order (what uses a node stops before it). */
  /** Stops every node this network started, whichever build of the binaries it runs. */
  stop(): Promise<void>;
  /** Stops / starts one peer or orderer (fault-tolerance drills). */
  stopNode(name: string): Promise<void>;
  startNode(name: string): Promise<void>;
  /** Deploys the chaincode as the next sequence through the lifecycle (the code in dist/ at that moment). */
  upgradeChaincode(): Promise<ChaincodeDefinition>;
  /**
   * On a founder's own state directory: its part of the next sequence (install, approve for itself, commit once a
   * majority approved, restart its chaincode server with the new package), as each organisation does on its host.
   */
  upgradeOrganisationChaincode(org: PeerOrgKey, progress: (message: string) => void): Promise<ChaincodeDefinition>;
  /**
   * Brings an organisation the consortium file lists under channel.joining into the running channel: its CA and
   * identities, a configuration update adding it signed by a majority of the members' admins, its peers joined and
   * caught up, the committed chaincode definition approved for it and its chaincode server. Each step is skipped
   * when already done, so a failed join resumes. Other organisations keep running throughout.
   */
  joinOrganisation(org: PeerOrgKey, progress: (message: string) => void): Promise<void>;
  /**
   * The first step of joining, for an organisation whose admission the members sign as a file: its CA and
   * identities, and its channel definition (configtxgen -printOrg) to hand to a member's admin.
   */
  prepareOrganisation(org: PeerOrgKey, progress: (message: string) => void): Promise<Record<string, unknown>>;
  /**
   * Removes a peer organisation from the running channel by a configuration update signed by a majority of the
   * members' admins (not asking the one that leaves), then stops its chaincode server, peers and CA. What it wrote
   * stays on the ledger. Its MedRec services are the caller's to stop first.
   */
  removeOrganisation(org: PeerOrgKey, progress: (message: string) => void): Promise<void>;
  /** The topology with every organisation that has joined, removed ones included: what a removal resolves against. */
  removalTopology(): Topology;
  /**
   * Starts one organisation's nodes, on the host it runs on, of a network `up` has created: its CA, the orderers
   * it operates, its peers and its chaincode server (each one not already running). The others are not touched.
   */
  startOrganisation(org: OrgKey, progress: (message: string) => void): Promise<void>;
  /** Stops one organisation's chaincode server, peers, orderers and CA, in that order; its data stays. */
  stopOrganisation(org: OrgKey, progress: (message: string) => void): Promise<void>;
  /** Channel height and current block hash as one organisation's peer sees them. */
  chainInfo(org: PeerOrgKey): Promise<ChainInfo>;
  /** The newest block (raw bytes) as one orderer serves it. */
  fetchNewestBlock(ordererName: string): Promise<Buffer>;
  /**
   * Founding from separate hosts, step 1, on the organisation's own host and state directory: builds the binaries
   * if needed, starts its CA, enrols its admin and nodes, marks the directory as its own, and returns its public
   * definition for the other founders.
   */
  initOrganisation(
    org: OrgKey,
    progress: (message: string) => void,
  ): Promise<FoundingDefinition | Record<string, unknown>>;
  /** Step 2: another founder's definition, checked against the consortium file and kept (added: false if it was). */
  importDefinition(raw: unknown): { definition: FoundingDefinition; added: boolean };
  /** Step 3, on one host: the genesis block from every founder's definition; the path of this host's copy. */
  createFoundingGenesis(): Promise<string>;
  /** Step 3, on the others: a genesis block received from that host, verified against their own definitions. */
  importFoundingGenesis(file: string): Promise<void>;
  /**
   * Step 4, on each host: its orderers and peers join from the genesis block, the chaincode is approved for it
   * (committed by whoever completes the majority), its chaincode server starts, and a transaction commits.
   */
  foundOrganisation(org: OrgKey, progress: (message: string) => void): Promise<void>;
}

const CHAINCODE_VERSION = '1.0';

export function createFabricNetwork(options: Readonly<FabricNetworkOptions> = {}): FabricNetwork {
  return new FabricNetworkImpl(options);
}

class FabricNetworkImpl implements FabricNetwork {
  readonly topology: Topology;
  readonly layout: Layout;
  #bin: FabricBinaries | undefined;

  readonly #options: Readonly<FabricNetworkOptions>;

  constructor(options: Readonly<FabricNetworkOptions>) {
    this.layout = new Layout(options.home ?? medrecHome());
    this.topology = selectTopology(readState(this.layout), options);
    this.#options = options;
  }

  /** The checks before an organisation joins, and the topology with it in. */
  #joining(orgKey: PeerOrgKey): { saved: NetworkState; joined: string[]; withOrg: Topology; org: Organisation } {
    const saved = readState(this.layout);
    if (saved?.channelJoined !== true || saved.chaincode === undefined) {
      throw new Error('the consortium is not running yet: start it with `medrec network up` first');
    }
    const full = selectFileTopology(saved, this.#options);
    if (!full.joining.includes(orgKey)) {
      throw new Error(
        `${orgKey} is not listed under channel.joining in ${full.source}; add its organisation entry and list it ` +
          'there, then run this again',
      );
    }
    if ((saved.removed ?? []).includes(orgKey)) {
      throw new Error(
        `${orgKey} was removed from the channel; a removed organisation does not join again under its name`,
      );
    }
    const joined = [...new Set([...(saved.joined ?? []), orgKey])];
    const withOrg = activeTopology(full, joined);
    return { saved, joined, withOrg, org: organisation(withOrg, orgKey) };
  }

  async prepareOrganisation(orgKey: PeerOrgKey, progress: (message: string) => void): Promise<Record<string, unknown>> {
    const { withOrg, org } = this.#joining(orgKey);
    return this.#prepare(await this.binaries(), withOrg, org, progress);
  }

  async #prepare(
    bin: FabricBinaries,
    withOrg: Topology,
    org: Organisation,
    progress: (message: string) => void,
  ): Promise<Record<string, unknown>> {
    progress(`starting ${caProcessName(org.key)}`);
    await startCa(this.layout, bin, org);
    await this.#enrollOrganisation(bin, withOrg, org, progress);
    return printOrgDefinition(this.layout, bin, withOrg, org);
  }

  async joinOrganisation(orgKey: PeerOrgKey, progress: (message: string) => void): Promise<void> {
    if (readState(this.layout)?.owner !== undefined) {
      await this.#joinFromOwnDirectory(orgKey, progress);
      return;
    }
    const layout = this.layout;
    const { saved, joined, withOrg, org } = this.#joining(orgKey);
    const bin = await this.binaries();
    const orgDefinition = await this.#prepare(bin, withOrg, org, progress);

    // The channel's current members admit it: a configuration update signed by a majority of their admins (done
    // already when they exchanged the update as a file: propose, sign, submit).
    const ctx = { layout, bin, topology: this.topology };
    const members = applicationMembers(await readChannelConfig(ctx, firstPeerOrg(this.topology)));
    if (members.includes(org.mspId)) {
      progress(`${org.mspId} is already a member of the channel`);
    } else {
      const signers = applicationSigners(this.topology, members);
      await applyConfigUpdate(ctx, signers, withApplicationOrganisation(org.mspId, orgDefinition), progress);
    }
    writeState(layout, { ...saved, joined });

    // Its peers join from the genesis block and replay the chain, the update that admitted it included.
    const genesis = await createGenesisBlock(layout, bin, this.topology);
    for (const peer of peersOf(withOrg, orgKey)) {
      progress(`starting ${peer.name} and joining it to ${CHANNEL_NAME}`);
      await startPeer(layout, bin, withOrg, peer);
      await this.#retry(() => joinPeer(layout, bin, withOrg, peer, genesis));
    }
    const target = (await peerChainInfo(layout, bin, this.topology, firstPeerOrg(this.topology))).height;
    const deadline = Date.now() + 600_000;
    for (const peer of peersOf(withOrg, orgKey)) {
      for (;;) {
        const height = (await peerLedgerHeight(peer.host, peer.operationsPort, CHANNEL_NAME)) ?? 0;
        progress(`${peer.name} catching up: block ${String(height)} of ${String(target)}`);
        if (height >= target) break;
        if (Date.now() > deadline) {
          throw new Error(
            `${peer.name} is at block ${String(height)} of ${String(target)} after 10 minutes; check its log ` +
              `(${layout.logFile(peer.name)}) and run the join again to resume`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }

    const committed = saved.chaincode;
    if (committed === undefined) throw new Error('no chaincode deployed yet; run `medrec network up` first');
    const definition = await adoptChaincode(layout, bin, withOrg, orgKey, committed, progress);
    writeState(layout, { ...saved, joined, chaincode: definition });
  }

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
        ...savedConsortiumFile(this.topology),
        createdAt: new Date().toISOString(),
        identitiesReady: false,
        channelJoined: false,
      }
    );
  }

  startTasks(): ListrTask[] {
    const t = this.topology;
    const layout = this.layout;
    let bin: FabricBinaries | undefined;
    const need = (): FabricBinaries => {
      if (!bin) throw new Error('Fabric binaries are not built yet');
      return bin;
    };
    return [
      {
        title: 'Fabric binaries (built once from Go modules, then cached)',
        task: async (_ctx, task) => {
          const owner = readState(layout)?.owner;
          if (owner !== undefined) {
            throw new Error(
              `${layout.home} is ${owner}'s own state directory (a founder's): it holds no other organisation's ` +
                `keys, so \`network up\` cannot run here; use \`medrec org found|up|down --org ${owner}\``,
            );
          }
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
          await assertPortsFree(layout, t, need());
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
        title: `Raft orderers (${String(t.orderers.length)}) joined to the channel`,
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
        title: 'Peers (of each hospital / institute) joined to the channel',
        task: async (_ctx, task) => {
          const block = await createGenesisBlock(layout, need(), t);
          for (const node of t.peers) {
            task.output = `starting ${node.name}`;
            await startPeer(layout, need(), t, node);
            await this.#retry(() => joinPeer(layout, need(), t, node, block));
          }
          writeState(layout, { ...this.#state(), channelJoined: true });
        },
      },
      {
        title: 'MedRec chaincode as a service (lifecycle, MAJORITY endorsement)',
        task: async (_ctx, task) => {
          const existing = this.#state().chaincode;
          if (existing) {
            const inForce = await startCommittedChaincode(layout, need(), t, existing, (m) => {
              task.output = m;
            });
            if (inForce !== existing) writeState(layout, { ...this.#state(), chaincode: inForce });
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
    ];
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
  async #awaitCommit(progress: (m: string) => void, org: PeerOrgKey = firstPeerOrg(this.topology)): Promise<void> {
    const connection = this.connectAdmin(org);
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
    assertAdminHere(this.layout, org);
    const dir = this.layout.identityDir(org, ORG_ADMIN);
    const endpoint = this.peerEndpoint(org);
    return connectGateway({
      peerAddress: endpoint.address,
      tlsRootCertificate: endpoint.tlsRootCertificate,
      tlsServerName: endpoint.tlsServerName,
      identity: {
        mspId: organisation(this.topology, org).mspId,
        ...readMspIdentity(path.join(dir, 'msp')),
      },
    });
  }

  async removeOrganisation(orgKey: PeerOrgKey, progress: (message: string) => void): Promise<void> {
    const layout = this.layout;
    const saved = readState(layout);
    if (saved?.channelJoined !== true) {
      throw new Error('the consortium is not running: start it with `medrec network up` first');
    }
    // Resolved in the whole file: once the channel step is done the network no longer lists it, and a removal
    // interrupted after that step is run again to finish.
    const whole = this.removalTopology(saved);
    const org = organisation(whole, orgKey);
    if (whole.orderers.some((orderer) => orderer.org === orgKey)) {
      throw new Error(`${orgKey} operates orderers; move them to another organisation before it leaves the channel`);
    }
    if ((saved.removed ?? []).includes(orgKey)) {
      progress(`${org.mspId} was removed from the channel already; finishing what follows`);
    } else {
      const bin = await this.binaries();
      const ctx = { layout, bin, topology: this.topology };
      const members = applicationMembers(await readChannelConfig(ctx, firstPeerOrg(this.topology)));
      if (members.includes(org.mspId)) {
        const signers = applicationSigners(this.topology, members, [orgKey]);
        await applyConfigUpdate(ctx, signers, withoutApplicationOrganisation(org.mspId), progress);
      } else {
        progress(`${org.mspId} is no longer a member of the channel`);
      }
      writeState(layout, { ...saved, removed: [...new Set([...(saved.removed ?? []), orgKey])] });
    }
    progress(`stopping the nodes of ${orgKey}`);
    await stopChaincodeServer(layout, orgKey);
    for (const peer of peersOf(whole, orgKey)) await stopNode(layout, peer.name, 'peer');
    await stopCa(layout, orgKey);
  }

  /** The file's topology with every organisation that has joined, removed ones included (what removal resolves). */
  removalTopology(saved: NetworkState | undefined = readState(this.layout)): Topology {
    return activeTopology(selectFileTopology(saved, this.#options), saved?.joined ?? []);
  }

  async #enrollIdentities(bin: FabricBinaries, progress: (m: string) => void): Promise<void> {
    for (const org of this.topology.organisations) {
      await this.#enrollOrganisation(bin, this.topology, org, progress);
    }
  }

  /** The organisation's MSP, its admin, its nodes' and its chaincode server's identities, from its own CA. */
  async #enrollOrganisation(
    bin: FabricBinaries,
    t: Topology,
    org: Organisation,
    progress: (m: string) => void,
  ): Promise<void> {
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
    // An organisation may operate orderers, run peers, or both; its CA issues its nodes' identities.
    const nodes = [
      ...t.orderers.filter((o) => o.org === org.key).map((o) => ({ name: o.name, type: 'orderer' as const })),
      ...t.peers.filter((p) => p.org === org.key).map((p) => ({ name: p.name, type: 'peer' as const })),
    ];
    for (const node of nodes) {
      await ca.ensureIdentity({ name: node.name, type: node.type, tls: true, hosts: [node.name] });
    }
    if (t.peers.some((p) => p.org === org.key)) {
      await ca.ensureIdentity({ name: CHAINCODE_SERVER_IDENTITY, type: 'client', tls: true });
    }
  }

  /**
   * `org join` on the joining organisation's own directory, once the members have admitted it by a configuration
   * update passed between their hosts: its peers join from the genesis block and catch up, it approves the
   * definition the channel runs, and its chaincode server starts. It holds no other organisation's keys, so it
   * neither signs the admission nor asks another organisation's peer anything.
   */
  async #joinFromOwnDirectory(orgKey: PeerOrgKey, progress: (message: string) => void): Promise<void> {
    const saved = this.#ownedBy(orgKey);
    const { layout, topology } = this;
    const genesis = genesisBlockFile(layout);
    if (!fs.existsSync(genesis)) {
      throw new Error(
        "this host has no genesis block yet: import the founders' definitions (`medrec org import`) and the block " +
          'a member gives you (`medrec channel genesis --import <file>`)',
      );
    }
    const org = organisation(topology, orgKey);
    const bin = await this.binaries();
    // Before its admission its admin may not even read the channel's configuration: that too means "not yet".
    const members = await readChannelConfig({ layout, bin, topology }, orgKey).then(
      applicationMembers,
      (): string[] => [],
    );
    if (!members.includes(org.mspId)) {
      throw new Error(
        `${org.mspId} is not a member of ${CHANNEL_NAME} yet: a member's admin proposes it with the definition ` +
          '`medrec org init` wrote (`medrec channel propose-member`), a majority sign and submit it; then run this again',
      );
    }
    progress(`starting ${caProcessName(org.key)}`);
    await startCa(layout, bin, org);
    for (const peer of peersOf(topology, orgKey)) {
      progress(`starting ${peer.name} and joining it to ${CHANNEL_NAME}`);
      await startPeer(layout, bin, topology, peer);
      await this.#retry(() => joinPeer(layout, bin, topology, peer, genesis));
    }
    writeState(layout, { ...saved, channelJoined: true });
    // Its peer knows the definition the channel runs once it has replayed the block that committed it.
    const running = await committedChaincode(layout, bin, topology, orgKey, (height) => {
      progress(`${peerOf(topology, orgKey).name} catching up: block ${String(height)}`);
    });
    const definition = saved.chaincode ?? (await approveAndCommitFor(layout, bin, topology, orgKey, running, progress));
    if (saved.chaincode !== undefined) {
      await startChaincodeServer(layout, topology, org.key, packageIdOf(definition, org.key));
    }
    writeState(layout, { ...saved, channelJoined: true, chaincode: definition });
    await this.#awaitCommit(progress, orgKey);
  }

  /** The organisation whose own state directory this is; refuses a home of another one or a whole network. */
  #ownedBy(orgKey: OrgKey): NetworkState {
    const saved = readState(this.layout);
    if (saved === undefined) {
      throw new Error(
        `${this.layout.home} holds no organisation yet: \`medrec org init --org ${orgKey}\` creates its state here`,
      );
    }
    if (saved.owner !== orgKey) {
      throw new Error(
        saved.owner === undefined
          ? `${this.layout.home} holds a whole network created by \`medrec network up\`, not one founder's state; ` +
              'give each founding organisation its own MEDREC_HOME'
          : `${this.layout.home} is ${saved.owner}'s state directory; ${orgKey}'s runs on its own host`,
      );
    }
    return saved;
  }

  async initOrganisation(
    orgKey: OrgKey,
    progress: (message: string) => void,
  ): Promise<FoundingDefinition | Record<string, unknown>> {
    const saved = readState(this.layout);
    if (saved !== undefined) this.#ownedBy(orgKey);
    // An organisation the file lists under channel.joining has its own directory too: it is the one that joins.
    const whole = selectFileTopology(saved, this.#options);
    const joining = whole.joining.includes(orgKey);
    const topology = joining ? activeTopology(whole, [orgKey]) : this.topology;
    const org = organisation(topology, orgKey);
    const bin = await ensureFabricBinaries(progress);
    this.#bin = bin;
    progress(`starting ${caProcessName(org.key)}`);
    await startCa(this.layout, bin, org);
    await this.#enrollOrganisation(bin, topology, org, progress);
    writeOrgMsp(this.layout.orgMsp(org.key), this.layout.caCert(org.key));
    writeState(this.layout, {
      ...(saved ?? {
        portBase: topology.portBase,
        ...savedConsortiumFile(topology),
        createdAt: new Date().toISOString(),
        channelJoined: false,
      }),
      identitiesReady: true,
      owner: org.key,
      ...(joining ? { joined: [org.key] } : {}),
    });
    // A founder hands out its founding definition; a joining organisation its channel definition, for a member's
    // admin to propose (`medrec channel propose-member`).
    return joining
      ? printOrgDefinition(this.layout, bin, topology, org)
      : exportFoundingDefinition(this.layout, topology, org.key);
  }

  /** The founders only (no organisation of channel.joining): what the genesis block and definitions describe. */
  #founders(): Topology {
    return activeTopology(selectFileTopology(readState(this.layout), this.#options), []);
  }

  importDefinition(raw: unknown): { definition: FoundingDefinition; added: boolean } {
    const owner = readState(this.layout)?.owner;
    if (owner === undefined) {
      throw new Error(
        `${this.layout.home} is not a founding organisation's state directory: run \`medrec org init --org <name>\` first`,
      );
    }
    if (fs.existsSync(genesisBlockFile(this.layout))) {
      throw new Error('the channel genesis block exists already: definitions are exchanged before it is created');
    }
    const definition = checkFoundingDefinition(raw, this.#founders(), owner);
    return { definition, added: importFoundingDefinition(this.layout, definition) };
  }

  #assertAllDefinitions(): void {
    const missing = missingDefinitions(this.layout, this.#founders());
    if (missing.length > 0) {
      throw new Error(
        `this host lacks the definitions of ${missing.join(', ')}: each writes one with \`medrec org init\` and ` +
          'you import it with `medrec org import <file>`',
      );
    }
  }

  async createFoundingGenesis(): Promise<string> {
    const owner = readState(this.layout)?.owner;
    if (owner === undefined) throw new Error(`run \`medrec org init --org <name>\` in ${this.layout.home} first`);
    this.#assertAllDefinitions();
    return createGenesisBlock(this.layout, await this.binaries(), this.#founders());
  }

  async importFoundingGenesis(file: string): Promise<void> {
    const owner = readState(this.layout)?.owner;
    if (owner === undefined) throw new Error(`run \`medrec org init --org <name>\` in ${this.layout.home} first`);
    this.#assertAllDefinitions();
    const target = genesisBlockFile(this.layout);
    if (fs.existsSync(target)) {
      if (fs.readFileSync(target).equals(fs.readFileSync(file))) return;
      throw new Error(
        `${target} holds a different genesis block already; a founder joins the channel from one block only`,
      );
    }
    await verifyGenesisBlock(this.layout, await this.binaries(), this.#founders(), file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target, fs.constants.COPYFILE_EXCL);
  }

  async foundOrganisation(orgKey: OrgKey, progress: (message: string) => void): Promise<void> {
    const saved = this.#ownedBy(orgKey);
    if (selectFileTopology(saved, this.#options).joining.includes(orgKey)) {
      throw new Error(
        `${orgKey} is listed under channel.joining: it does not found the channel, it joins the running one ` +
          `(\`medrec org join --org ${orgKey}\`, once the members have admitted it)`,
      );
    }
    const genesis = genesisBlockFile(this.layout);
    if (!fs.existsSync(genesis)) {
      throw new Error(
        'this host has no genesis block yet: one founder creates it (`medrec channel genesis --out <file>`), the ' +
          'others import it (`medrec channel genesis --import <file>`)',
      );
    }
    const { layout, topology } = this;
    const org = organisation(topology, orgKey);
    const bin = await this.binaries();
    progress(`starting ${caProcessName(org.key)}`);
    await startCa(layout, bin, org);
    for (const orderer of topology.orderers.filter((o) => o.org === org.key)) {
      progress(`starting ${orderer.name} and joining it to ${CHANNEL_NAME}`);
      await startOrderer(layout, bin, topology, orderer);
      await joinOrderer(layout, bin, orderer, genesis);
    }
    const peers = peersOf(topology, org.key);
    for (const peer of peers) {
      progress(`starting ${peer.name} and joining it to ${CHANNEL_NAME}`);
      await startPeer(layout, bin, topology, peer);
      await this.#retry(() => joinPeer(layout, bin, topology, peer, genesis));
    }
    writeState(layout, { ...saved, channelJoined: true });
    if (peers.length === 0) return;
    const definition =
      saved.chaincode ??
      (await approveAndCommitFor(
        layout,
        bin,
        topology,
        org.key,
        { version: CHAINCODE_VERSION, sequence: 1 },
        progress,
      ));
    if (saved.chaincode !== undefined) {
      await startChaincodeServer(layout, topology, org.key, packageIdOf(definition, org.key));
    }
    writeState(layout, { ...saved, channelJoined: true, chaincode: definition });
    await this.#awaitCommit(progress, org.key);
  }

  async startOrganisation(orgKey: OrgKey, progress: (message: string) => void): Promise<void> {
    const saved = readState(this.layout);
    if (saved?.owner !== undefined) this.#ownedBy(orgKey);
    const chaincode = saved?.chaincode;
    if (saved?.channelJoined !== true || chaincode === undefined) {
      throw new Error(
        `the network in ${this.layout.home} has not been created yet: \`medrec network up\` creates it (every ` +
          'organisation once); `medrec org up` then starts one organisation again',
      );
    }
    const org = organisation(this.topology, orgKey);
    const { layout, topology } = this;
    const bin = await this.binaries();
    progress(`starting ${caProcessName(org.key)}`);
    await startCa(layout, bin, org);
    for (const orderer of topology.orderers.filter((o) => o.org === org.key)) {
      progress(`starting ${orderer.name}`);
      await startOrderer(layout, bin, topology, orderer);
    }
    const peers = peersOf(topology, org.key);
    for (const peer of peers) {
      progress(`starting ${peer.name}`);
      await startPeer(layout, bin, topology, peer);
    }
    if (peers.length > 0) {
      progress(`starting the chaincode server of ${org.key}`);
      await startChaincodeServer(layout, topology, org.key, packageIdOf(chaincode, org.key));
    }
  }

  async stopOrganisation(orgKey: OrgKey, progress: (message: string) => void): Promise<void> {
    if (readState(this.layout)?.owner !== undefined) this.#ownedBy(orgKey);
    const org = organisation(this.topology, orgKey);
    const peers = peersOf(this.topology, org.key);
    if (peers.length > 0) {
      progress(`stopping the chaincode server of ${org.key}`);
      await stopChaincodeServer(this.layout, org.key);
    }
    for (const peer of peers) {
      progress(`stopping ${peer.name}`);
      await stopNode(this.layout, peer.name, 'peer');
    }
    for (const orderer of this.topology.orderers.filter((o) => o.org === org.key)) {
      progress(`stopping ${orderer.name}`);
      await stopNode(this.layout, orderer.name, 'orderer');
    }
    progress(`stopping ${caProcessName(org.key)}`);
    await stopCa(this.layout, org.key);
  }

  async stop(): Promise<void> {
    for (const peer of firstPeers(this.topology)) await stopChaincodeServer(this.layout, peer.org);
    for (const peer of this.topology.peers) await stopNode(this.layout, peer.name, 'peer');
    for (const orderer of this.topology.orderers) await stopNode(this.layout, orderer.name, 'orderer');
    for (const org of this.topology.organisations) await stopCa(this.layout, org.key);
  }

  async enrollUser(
    org: PeerOrgKey,
    name: string,
    attributes: Readonly<Record<string, string>>,
  ): Promise<EnrolledIdentity> {
    const bin = await this.binaries();
    const ca = new CaAdmin(this.layout, bin, organisation(this.topology, org));
    await ca.enrollRegistrar();
    const dir = await ca.ensureIdentity({ name, type: 'client', attributes });
    return {
      mspId: organisation(this.topology, org).mspId,
      ...readMspIdentity(path.join(dir, 'msp')),
    };
  }

  identityServiceOptions(org: PeerOrgKey): IdentityServiceOptions {
    const { ca, mspId } = organisation(this.topology, org);
    const msp = path.join(this.layout.caAdminHome(org), 'msp');
    const keys = fs.readdirSync(path.join(msp, 'keystore'));
    const key = keys[0];
    if (keys.length !== 1 || key === undefined) {
      throw new Error(
        `expected one key in ${path.join(msp, 'keystore')}; run \`medrec network up\` to enroll the CA admin`,
      );
    }
    return {
      caUrl: `https://${ca.host}:${ca.port}`,
      caName: `ca-${org}`,
      tlsRootCertificate: fs.readFileSync(this.layout.caCert(org), 'utf8'),
      mspId,
      registrar: {
        enrollmentId: 'admin',
        mspId,
        certificate: fs.readFileSync(mspCertificateFile(msp), 'utf8'),
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

  /** The organisation's peers, as one failover target when it has several (the CLI then survives a peer's loss). */
  peerEndpoint(org: PeerOrgKey): PeerEndpoint {
    return {
      address: peerAddressList(this.topology, org),
      tlsRootCertificate: fs.readFileSync(this.layout.caCert(org), 'utf8'),
      tlsServerName: 'localhost',
    };
  }

  async stopNode(name: string): Promise<void> {
    await stopNode(this.layout, name, this.#kindOf(name));
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

  async upgradeOrganisationChaincode(
    orgKey: PeerOrgKey,
    progress: (message: string) => void,
  ): Promise<ChaincodeDefinition> {
    const saved = this.#ownedBy(orgKey);
    const current = saved.chaincode;
    if (current === undefined) throw new Error(`${orgKey} has not founded its part yet: run \`medrec org found\``);
    const bin = await this.binaries();
    const target = { version: CHAINCODE_VERSION, sequence: current.sequence + 1 };
    const definition = await approveAndCommitFor(this.layout, bin, this.topology, orgKey, target, progress);
    writeState(this.layout, { ...saved, chaincode: definition });
    await this.#awaitCommit(progress, orgKey);
    return definition;
  }

  async upgradeChaincode(): Promise<ChaincodeDefinition> {
    const owner = readState(this.layout)?.owner;
    if (owner !== undefined) {
      throw new Error(
        `${this.layout.home} is ${owner}'s own state directory: each organisation approves an upgrade on its own ` +
          `host with \`medrec org upgrade-chaincode --org ${owner}\``,
      );
    }
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
    // An earlier chaincode may have left consents out of the grantee index: index them now (idempotent).
    await completeConsentIndex(this);
    return definition;
  }
}
