/**
 * The local consortium as one thing to start, stop and inspect: the Fabric nodes (fabric-network.ts), MedRec on top
 * (medrec-bootstrap.ts) and their status (network-status.ts), composed here and nowhere else.
 */
import fs from 'node:fs';
import { Listr } from 'listr2';
import { createIdentityService, type GatewayConnection, type IdentityServiceOptions } from '@medrec/sdk';
import type { ChaincodeDefinition } from './chaincode-deployment';
import type { EnrolledIdentity, PeerEndpoint } from './fabric-access';
import type { FabricBinaries } from './fabric-binaries';
import { createFabricNetwork } from './fabric-network';
import type { FoundingDefinition } from './founding-definition';
import type { Layout } from './layout';
import { applyConfigUpdate, readChannelConfig } from './channel-update';
import { createMedrecBootstrap, stopOrganisationServices } from './medrec-bootstrap';
import { readState } from './network-state';
import { readNetworkStatus, type NetworkStatus } from './network-status';
import type { ChainInfo } from './nodes';
import { orderingParametersOf, withOrderingParameters, type OrderingParameters } from './ordering-parameters';
import {
  firstPeerOrg,
  ordererOrganisations,
  organisation,
  peerOrgKeys,
  peersOf,
  type OrgKey,
  type PeerOrgKey,
  type Topology,
} from './topology';
import { renewOrganisationEnrollments, type EnrollmentRenewal } from './enrollment-renewal';
import { openOrgWallet } from './user-provisioning';
import { renewWalletIdentities } from './wallet-renewal';
import { rotateOrganisationTls } from './tls-rotation';

// Still offered here: the CLI, the tests and the bench import them from this file.
export type { EnrolledIdentity, PeerEndpoint } from './fabric-access';
export type { NetworkStatus, NodeStatus } from './network-status';

export interface ConsortiumOptions {
  readonly home?: string;
  readonly portBase?: number;
  /** A consortium file (docs/consortium-file.md); else network.json's, else MEDREC_CONSORTIUM, else local.yaml. */
  readonly consortiumFile?: string;
  /** 'silent' for tests and --json; 'default' draws task progress (falls back to plain lines without a TTY). */
  readonly renderer?: 'default' | 'simple' | 'silent';
}

/** The consortium network its file describes: build, start, resume, stop, inspect and upgrade. */
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
  /**
   * A hospital joins the running consortium (listed under channel.joining in the consortium file): the Fabric side
   * (FabricNetwork.joinOrganisation), then its MedRec services (registration on the ledger, gatekeeper, API,
   * miner). No other organisation restarts.
   */
  joinOrganisation(org: PeerOrgKey): Promise<void>;
  /** A joining organisation's CA, identities and channel definition (to hand to a member's admin as a file). */
  prepareOrganisation(org: PeerOrgKey, progress?: (message: string) => void): Promise<Record<string, unknown>>;
  /**
   * An organisation leaves the running consortium: its miner, API and gatekeeper stop, then the channel drops it
   * (FabricNetwork.removeOrganisation) and its nodes stop, and the other members' admins retire it in MedRec's
   * registrar (Registrar:ApproveRetirement). Its records' pointers and their history stay on the ledger; its
   * certificates no longer read, write or endorse.
   */
  removeOrganisation(org: PeerOrgKey, progress?: (message: string) => void): Promise<void>;
  /**
   * `medrec org up`: one organisation's processes on the host it runs on, of a network `up` has created: its CA,
   * the orderers it operates, its peers and chaincode server, then its gatekeeper, API and miner. The other
   * organisations are not touched.
   */
  startOrganisation(org: OrgKey, progress?: (message: string) => void): Promise<void>;
  /** `medrec org down`: stops one organisation's processes (services first, then its nodes); its data stays. */
  stopOrganisation(org: OrgKey, progress?: (message: string) => void): Promise<void>;
  /**
   * `medrec org rotate-tls`: new TLS certificates for one organisation's peers and orderers, one node at a time (an
   * orderer's through a configuration update of the Raft consenter set, signed by the orderer organisations).
   */
  rotateTls(org: OrgKey, progress?: (message: string) => void): Promise<void>;
  /**
   * `medrec org renew-enrollment`: new enrollment certificates from its CA for every identity of one organisation
   * (nodes restart one at a time, then its services); returns the identities renewed.
   */
  renewEnrollments(org: OrgKey, progress?: (message: string) => void): Promise<EnrollmentRenewal>;
  /**
   * Founding a consortium from separate hosts, each organisation on its own with its own state directory (`medrec
   * org init | import`, `channel genesis`, `org found`): FabricNetwork's founding steps, and for a peer
   * organisation its MedRec services once its nodes have joined. initOrganisation returns a founder's founding
   * definition, or a joining organisation's channel definition (both public).
   */
  initOrganisation(
    org: OrgKey,
    progress?: (message: string) => void,
  ): Promise<FoundingDefinition | Record<string, unknown>>;
  importDefinition(raw: unknown): { definition: FoundingDefinition; added: boolean };
  createFoundingGenesis(): Promise<string>;
  importFoundingGenesis(file: string): Promise<void>;
  foundOrganisation(org: OrgKey, progress?: (message: string) => void): Promise<void>;
  /** On a founder's own state directory: its part of the next chaincode sequence (FabricNetwork's). */
  upgradeOrganisationChaincode(org: PeerOrgKey, progress?: (message: string) => void): Promise<ChaincodeDefinition>;
  /** The channel's batching parameters, from its newest config block. */
  orderingParameters(): Promise<OrderingParameters>;
  /**
   * Changes the batching parameters by a channel configuration update signed by the admins of every organisation
   * that operates an orderer; false when the channel already has them.
   */
  setOrderingParameters(
    parameters: Partial<OrderingParameters>,
    progress?: (message: string) => void,
  ): Promise<boolean>;
}

/** The organisations whose admins sign an ordering-service change (each runs at least one orderer). */
function ordererOperators(topology: Topology): OrgKey[] {
  return ordererOrganisations(topology).map((org) => org.key);
}

export function createConsortium(options: ConsortiumOptions = {}): Consortium {
  const fabricOptions = {
    ...(options.home === undefined ? {} : { home: options.home }),
    ...(options.portBase === undefined ? {} : { portBase: options.portBase }),
    ...(options.consortiumFile === undefined ? {} : { consortiumFile: options.consortiumFile }),
  };
  const fabric = createFabricNetwork(fabricOptions);
  const medrec = createMedrecBootstrap(fabric);
  const renderer = options.renderer ?? 'default';
  return {
    topology: fabric.topology,
    layout: fabric.layout,
    async up() {
      // One task list, Fabric first: MedRec's steps need a committing channel.
      const tasks = new Listr([...fabric.startTasks(), ...medrec.startTasks()], {
        renderer,
        fallbackRenderer: 'simple',
        exitOnError: true,
        rendererOptions: { collapseErrors: false },
      });
      await tasks.run();
    },
    async down(downOptions = {}) {
      // Processes are found by their pid files, not through the binaries: nodes started from an earlier build
      // (before a patch or version change) are stopped too. MedRec's processes use the nodes, so they stop first.
      await medrec.stop();
      await fabric.stop();
      if (downOptions.purge === true) fs.rmSync(fabric.layout.home, { recursive: true, force: true });
    },
    status: () => readNetworkStatus(fabric),
    stopNode: (name) => fabric.stopNode(name),
    startNode: (name) => fabric.startNode(name),
    upgradeChaincode: () => fabric.upgradeChaincode(),
    binaries: () => fabric.binaries(),
    enrollUser: (org, name, attributes) => fabric.enrollUser(org, name, attributes),
    peerEndpoint: (org) => fabric.peerEndpoint(org),
    connectAdmin: (org) => fabric.connectAdmin(org),
    identityServiceOptions: (org) => fabric.identityServiceOptions(org),
    chainInfo: (org) => fabric.chainInfo(org),
    fetchNewestBlock: (ordererName) => fabric.fetchNewestBlock(ordererName),
    async joinOrganisation(org) {
      if (readState(fabric.layout)?.owner !== undefined) {
        // Its own directory: only its own admin is here, so only its own services are set up.
        const progress = (message: string): void => {
          if (renderer !== 'silent') process.stderr.write(`› ${message}\n`);
        };
        await fabric.joinOrganisation(org, progress);
        await createMedrecBootstrap(createFabricNetwork(fabricOptions)).setUpOrganisation(org, progress);
        return;
      }
      const tasks = new Listr(
        [
          {
            title: `${org} admitted to the channel, its peers joined and caught up, the chaincode approved for it`,
            task: async (_ctx, task) => {
              await fabric.joinOrganisation(org, (message) => {
                task.output = message;
              });
            },
            rendererOptions: { outputBar: 1 },
          },
          {
            title: `MedRec services of ${org}`,
            // A fresh view of the network: the topology now includes the organisation that joined.
            task: (_ctx, task) => task.newListr(createMedrecBootstrap(createFabricNetwork(fabricOptions)).startTasks()),
          },
        ],
        { renderer, fallbackRenderer: 'simple', exitOnError: true, rendererOptions: { collapseErrors: false } },
      );
      await tasks.run();
    },
    async startOrganisation(org, progress = () => undefined) {
      await fabric.startOrganisation(org, progress);
      if (peersOf(fabric.topology, org).length > 0) await medrec.startOrganisation(org, progress);
    },
    async stopOrganisation(org, progress = () => undefined) {
      if (peersOf(fabric.topology, org).length > 0) await medrec.stopOrganisation(org, progress);
      await fabric.stopOrganisation(org, progress);
    },
    async rotateTls(org, progress = () => undefined) {
      const ctx = { layout: fabric.layout, bin: await fabric.binaries(), topology: fabric.topology };
      await rotateOrganisationTls(ctx, org, progress);
    },
    async renewEnrollments(org, progress = () => undefined) {
      const ctx = { layout: fabric.layout, bin: await fabric.binaries(), topology: fabric.topology };
      const services =
        peersOf(fabric.topology, org).length > 0
          ? {
              stop: () => medrec.stopOrganisation(org, progress),
              start: () => medrec.startOrganisation(org, progress),
              renewWallet: async (walletProgress: (message: string) => void) =>
                renewWalletIdentities(
                  await openOrgWallet(fabric, org),
                  createIdentityService(fabric.identityServiceOptions(org)),
                  walletProgress,
                ),
            }
          : undefined;
      return renewOrganisationEnrollments(ctx, org, services, progress);
    },
    prepareOrganisation: (org, progress = () => undefined) => fabric.prepareOrganisation(org, progress),
    initOrganisation: (org, progress = () => undefined) => fabric.initOrganisation(org, progress),
    importDefinition: (raw) => fabric.importDefinition(raw),
    upgradeOrganisationChaincode: (org, progress = () => undefined) =>
      fabric.upgradeOrganisationChaincode(org, progress),
    createFoundingGenesis: () => fabric.createFoundingGenesis(),
    importFoundingGenesis: (file) => fabric.importFoundingGenesis(file),
    async foundOrganisation(org, progress = () => undefined) {
      await fabric.foundOrganisation(org, progress);
      if (peersOf(fabric.topology, org).length > 0) await medrec.setUpOrganisation(org, progress);
    },
    async removeOrganisation(org, progress = () => undefined) {
      const owner = readState(fabric.layout)?.owner;
      if (owner !== undefined) {
        // Before anything stops: this directory holds only its owner's admin, and a removal needs a majority's.
        throw new Error(
          `this is ${owner}'s own directory, which holds no other member's admin: a removal passes between the ` +
            `admins' hosts as a file (\`medrec channel propose-removal --member <mspId> --as ${owner} --out <file>\`, ` +
            '`medrec channel sign <file> --as <org> --expect-removal <mspId>` on the others, `medrec channel submit`)',
        );
      }
      // Resolved with removed organisations included, so that a removal interrupted after the channel step resumes.
      const whole = fabric.removalTopology();
      await stopOrganisationServices(fabric.layout, whole, org, progress);
      const mspId = organisation(whole, org).mspId;
      await fabric.removeOrganisation(org, progress);
      // Out of the channel, then out of everything MedRec counts by its registrar (votes, trend queries, consents,
      // read requests): the same majority of the others decides both.
      const others = peerOrgKeys(fabric.topology).filter((key) => key !== org);
      await medrec.retireOrganisation(mspId, others, progress);
    },
    async orderingParameters() {
      const ctx = { layout: fabric.layout, bin: await fabric.binaries(), topology: fabric.topology };
      // Any member's admin may read the config: on an organisation's own directory, its own admin is the one here.
      const reader =
        readState(fabric.layout)?.owner ?? ordererOperators(fabric.topology)[0] ?? firstPeerOrg(fabric.topology);
      return orderingParametersOf(await readChannelConfig(ctx, reader));
    },
    async setOrderingParameters(parameters, progress = () => undefined) {
      const mutation = withOrderingParameters(parameters);
      const ctx = { layout: fabric.layout, bin: await fabric.binaries(), topology: fabric.topology };
      return applyConfigUpdate(ctx, ordererOperators(fabric.topology), mutation, progress);
    },
  };
}
