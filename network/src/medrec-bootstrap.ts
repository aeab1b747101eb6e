/**
 * MedRec on top of the running Fabric nodes: organisations registered on the ledger, the incentive schedule, one
 * Database Gatekeeper, one REST API (with its first admin and token) and one miner per organisation.
 */
import fs from 'node:fs';
import type { ListrTask } from 'listr2';
import { createMedrecClient } from '@medrec/sdk';
import { apiAdminParticipantId, apiProcessName, ensureAdminToken, startApi, stopApi } from './api-process';
import { CaAdmin } from './certificate-authority';
import { untilDiscoverySettles } from './discovery-retry';
import type { FabricNetwork } from './fabric-network';
import type { Layout } from './layout';
import {
  GATEKEEPER_IDENTITY,
  gatekeeperParticipantId,
  gatekeeperProcessName,
  gatekeeperUrl,
  startGatekeeper,
  stopGatekeeper,
} from './gatekeeper-process';
import { completeConsentIndex } from './consent-index';
import { DEV_LEGAL_IDENTITIES } from './dev-legal-identities';
import { initializeIncentives, voteIncentives } from './incentive';
import {
  DEFAULT_MINER_INTERVAL_SECONDS,
  minerIntervalSeconds,
  minerProcessName,
  startMiner,
  startMiners,
  stopMiner,
  stopMiners,
} from './miner-process';
import {
  firstPeerOrg,
  firstPeers,
  organisation,
  peerAddressList,
  peerOf,
  type PeerNode,
  type PeerOrgKey,
  type Topology,
} from './topology';
import { provisionUser } from './user-provisioning';

export interface MedrecBootstrap {
  /** The steps that set MedRec up once the Fabric nodes are up; each is idempotent, so a second `up` resumes. */
  startTasks(): ListrTask[];
  /**
   * Retires an organisation in MedRec's registrar (Registrar:ApproveRetirement) as the admins of `approvers`, one
   * after another, until the chaincode reports it retired; nothing when it already is. Throws when they are not a
   * majority of the other members.
   */
  retireOrganisation(
    mspId: string,
    approvers: readonly PeerOrgKey[],
    progress: (message: string) => void,
  ): Promise<void>;
  /** Stops the miners, the APIs, then the gatekeepers (the APIs call them); the Fabric nodes are left to their owner. */
  stop(): Promise<void>;
  /** One organisation's gatekeeper, API and miner, started again on a network already set up. */
  startOrganisation(org: PeerOrgKey, progress: (message: string) => void): Promise<void>;
  /**
   * A founding organisation's MedRec side, on its own host with only its own admin: registered in the registrar,
   * its vote for the incentive schedule, its gatekeeper, API (first admin and token) and miner.
   */
  setUpOrganisation(org: PeerOrgKey, progress: (message: string) => void): Promise<void>;
  /** Stops one organisation's miner, API and gatekeeper. */
  stopOrganisation(org: PeerOrgKey, progress: (message: string) => void): Promise<void>;
}

/**
 * Stops one organisation's miner, API and gatekeeper. The topology names where they run: the active one, or for an
 * organisation being removed the whole file's (removed organisations included).
 */
export async function stopOrganisationServices(
  layout: Layout,
  topology: Topology,
  org: PeerOrgKey,
  progress: (message: string) => void,
): Promise<void> {
  const peer = peerOf(topology, org);
  progress(`stopping ${minerProcessName(org)}, ${apiProcessName(peer)} and ${gatekeeperProcessName(peer)}`);
  await stopMiner(layout, org);
  await stopApi(layout, peer);
  await stopGatekeeper(layout, peer);
}

export function createMedrecBootstrap(fabric: FabricNetwork): MedrecBootstrap {
  return new MedrecBootstrapImpl(fabric);
}

class MedrecBootstrapImpl implements MedrecBootstrap {
  readonly #fabric: FabricNetwork;

  constructor(fabric: FabricNetwork) {
    this.#fabric = fabric;
  }

  startTasks(): ListrTask[] {
    const t = this.#fabric.topology;
    const layout = this.#fabric.layout;
    return [
      {
        title: 'Organisations registered on the ledger by their admins (name, gatekeeper URL, CA root)',
        task: async (_ctx, task) => {
          for (const peer of firstPeers(t)) {
            task.output = peer.org;
            await this.#registerOrganisation(peer.org);
          }
        },
      },
      {
        title: 'Consent index by grantee complete (Consent:IndexGrantees; a no-op once done)',
        task: async (_ctx, task) => {
          const indexed = await completeConsentIndex(this.#fabric, firstPeerOrg(t), (n) => {
            task.output = `${n} consents indexed`;
          });
          task.output = indexed === 0 ? 'already complete' : `${indexed} consents indexed`;
        },
      },
      {
        title:
          "Incentive schedule approved by a majority of the organisations' admins (network/src/incentive.ts " +
          'defaults; kept if already set)',
        task: async (_ctx, task) => {
          const { initializedNow, schedule } = await initializeIncentives(this.#fabric);
          task.output =
            `${initializedNow ? 'approved' : 'already in effect'}: initial reward ${schedule.initialReward}, ` +
            `halving every ${schedule.halvingInterval} claims`;
        },
      },
      {
        title: 'Database Gatekeepers (one per custodian organisation, with its own identity and record store)',
        task: async (_ctx, task) => {
          // One gatekeeper, API and miner per organisation, on its first peer: one peer per organisation for now.
          for (const peer of firstPeers(t)) {
            task.output = gatekeeperProcessName(peer);
            await this.#ensureGatekeeperIdentity(peer);
            await startGatekeeper(layout, organisation(t, peer.org), peer, peerAddressList(t, peer.org));
          }
        },
      },
      {
        title: 'REST APIs (one per organisation; first admin token in MEDREC_HOME/api/<org>/admin.token)',
        task: async (_ctx, task) => {
          for (const peer of firstPeers(t)) {
            task.output = apiProcessName(peer);
            await this.#ensureApiAdmin(peer);
            await ensureAdminToken(layout, organisation(t, peer.org), peer);
            await startApi(layout, organisation(t, peer.org), peer, peerAddressList(t, peer.org));
          }
        },
      },
      {
        title:
          "Miners (one per organisation, as its admin: claim its peers' endorsements, attest the others' claims; " +
          `a round every ${String(minerIntervalSeconds(process.env))} s, default ${String(DEFAULT_MINER_INTERVAL_SECONDS)})`,
        task: () => {
          startMiners(layout, t);
        },
      },
    ];
  }

  /** Starts one organisation's gatekeeper, API and miner (each one not running) of a network already set up. */
  async startOrganisation(org: PeerOrgKey, progress: (message: string) => void): Promise<void> {
    const { layout, topology: t } = this.#fabric;
    const peer = peerOf(t, org);
    progress(gatekeeperProcessName(peer));
    await startGatekeeper(layout, organisation(t, org), peer, peerAddressList(t, org));
    progress(apiProcessName(peer));
    await startApi(layout, organisation(t, org), peer, peerAddressList(t, org));
    progress(minerProcessName(org));
    startMiner(layout, t, peer);
  }

  async setUpOrganisation(org: PeerOrgKey, progress: (message: string) => void): Promise<void> {
    const { layout, topology: t } = this.#fabric;
    const peer = peerOf(t, org);
    progress(`registering ${org} in MedRec's registrar`);
    await this.#registerOrganisation(org);
    const schedule = await voteIncentives(this.#fabric, org);
    progress(
      schedule === undefined
        ? `${org} approved the incentive schedule; it takes effect when a majority of the registered organisations has`
        : `incentive schedule in effect: initial reward ${schedule.initialReward}`,
    );
    progress(gatekeeperProcessName(peer));
    await this.#ensureGatekeeperIdentity(peer);
    await startGatekeeper(layout, organisation(t, org), peer, peerAddressList(t, org));
    progress(apiProcessName(peer));
    await this.#ensureApiAdmin(peer);
    await ensureAdminToken(layout, organisation(t, org), peer);
    await startApi(layout, organisation(t, org), peer, peerAddressList(t, org));
    progress(minerProcessName(org));
    startMiner(layout, t, peer);
  }

  async retireOrganisation(
    mspId: string,
    approvers: readonly PeerOrgKey[],
    progress: (message: string) => void,
  ): Promise<void> {
    for (const approver of approvers) {
      const connection = this.#fabric.connectAdmin(approver);
      try {
        const client = createMedrecClient(connection.gateway);
        // A channel update has just been committed: discovery may take a moment to agree with it.
        const current = await untilDiscoverySettles(() => client.getOrganisation(mspId));
        if (current.retirement !== undefined) {
          progress(`${mspId} is retired in MedRec's registrar`);
          return;
        }
        progress(`${approver}'s admin approves retiring ${mspId} in MedRec's registrar`);
        const { value } = await untilDiscoverySettles(() => client.approveRetirement(mspId));
        if (value.retired) {
          progress(`${mspId} is retired in MedRec's registrar`);
          return;
        }
      } finally {
        connection.close();
      }
    }
    throw new Error(
      `${approvers.join(', ')} are not a majority of the other members: ${mspId} is not retired in MedRec's ` +
        "registrar; have more members' admins approve (POST /v1/organisations/{mspId}/retirement)",
    );
  }

  /** Stops one organisation's miner, API and gatekeeper (what uses the ledger stops before what it uses). */
  async stopOrganisation(org: PeerOrgKey, progress: (message: string) => void): Promise<void> {
    await stopOrganisationServices(this.#fabric.layout, this.#fabric.topology, org, progress);
  }

  async stop(): Promise<void> {
    const { layout, topology } = this.#fabric;
    await stopMiners(layout, topology);
    for (const peer of firstPeers(topology)) await stopApi(layout, peer);
    for (const peer of firstPeers(topology)) await stopGatekeeper(layout, peer);
  }

  /** Idempotent: the chaincode treats the same body as a no-op. The admin's certificate carries medrec.role=admin. */
  async #registerOrganisation(org: PeerOrgKey): Promise<void> {
    const { layout, topology } = this.#fabric;
    const connection = this.#fabric.connectAdmin(org);
    try {
      const definition = organisation(topology, org);
      await untilDiscoverySettles(() =>
        createMedrecClient(connection.gateway).registerOrganisation({
          mspId: definition.mspId,
          displayName: definition.displayName,
          gatekeeperUrl: gatekeeperUrl(peerOf(topology, org)),
          caRootCertsPem: [fs.readFileSync(layout.caCert(org), 'utf8')],
          ...DEV_LEGAL_IDENTITIES[org],
        }),
      );
    } finally {
      connection.close();
    }
  }

  /** Enrolls the gatekeeper (role gatekeeper) at its CA and registers it as a participant, once; idempotent. */
  async #ensureGatekeeperIdentity(peer: PeerNode): Promise<void> {
    const org = organisation(this.#fabric.topology, peer.org);
    const participantId = gatekeeperParticipantId(peer);
    // The Fabric start tasks have built (or found) the binaries by the time this runs.
    const bin = await this.#fabric.binaries();
    await new CaAdmin(this.#fabric.layout, bin, org).ensureIdentity({
      name: GATEKEEPER_IDENTITY,
      type: 'client',
      attributes: { 'medrec.role': 'gatekeeper', 'medrec.id': participantId },
      // Its HTTPS server certificate, from the organisation's CA (enrolled also on networks that predate it).
      tls: true,
    });
    const connection = this.#fabric.connectAdmin(peer.org);
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
    const connection = this.#fabric.connectAdmin(peer.org);
    try {
      await provisionUser(
        this.#fabric,
        { org: peer.org, role: 'admin', participantId: apiAdminParticipantId(peer) },
        createMedrecClient(connection.gateway),
      );
    } finally {
      connection.close();
    }
  }
}
