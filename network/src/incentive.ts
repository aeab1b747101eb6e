import { type IncentiveSchedule, createMedrecClient, type MedrecClient } from '@medrec/sdk';
import { medrecCodeOf } from './miner/miner';
import { untilDiscoverySettles } from './discovery-retry';
import type { FabricAccess } from './fabric-access';
import { firstPeerOrg, peerOrganisations, peerOrgKeys, type PeerOrgKey } from './topology';

/**
 * The schedule `network up` sets on a fresh network: 1,000,000 credits per claimed endorsement, halving every
 * 10,000 claims network-wide, so the supply is capped just under 2 * 10^10 credits.
 */
export const DEFAULT_INCENTIVE_PARAMETERS = { initialReward: '1000000', halvingInterval: '10000' } as const;

export interface IncentiveInitResult {
  /** False when the schedule was already in effect (the consortium sets its parameters once and keeps them). */
  readonly initializedNow: boolean;
  readonly schedule: IncentiveSchedule;
}

/** The schedule in effect, or undefined while the consortium has not approved one. */
async function scheduleInEffect(client: MedrecClient): Promise<IncentiveSchedule | undefined> {
  try {
    return await untilDiscoverySettles(() => client.getSchedule());
  } catch (err) {
    if (medrecCodeOf(err) !== 'MEDREC_NOT_FOUND') throw err;
    return undefined;
  }
}

/**
 * The consortium sets the schedule: each organisation's admin in turn proposes the same parameters (proposing
 * parameters already proposed approves them), until admins of a strict majority of the registered organisations
 * approve them and the schedule takes effect. An organisation that already approves them (an interrupted earlier
 * run) answers MEDREC_CONFLICT and the next one votes; on a network whose schedule is in effect nothing is
 * submitted and the existing schedule is returned unchanged.
 */
/**
 * One organisation's vote for the schedule, as its admin, on its own host: it proposes (or approves) the parameters
 * unless a schedule is in effect. Returns the schedule once in effect, else undefined (the others have yet to vote).
 */
export async function voteIncentives(
  consortium: FabricAccess,
  org: PeerOrgKey,
  parameters: Readonly<{ initialReward: string; halvingInterval: string }> = DEFAULT_INCENTIVE_PARAMETERS,
): Promise<IncentiveSchedule | undefined> {
  const connection = consortium.connectAdmin(org);
  try {
    const client = createMedrecClient(connection.gateway);
    const current = await scheduleInEffect(client);
    if (current !== undefined) return current;
    try {
      const { value } = await untilDiscoverySettles(() => client.proposeIncentiveSchedule(parameters));
      return value.schedule ?? undefined;
    } catch (err) {
      // It approves these parameters already (an earlier run): its vote stands.
      if (medrecCodeOf(err) !== 'MEDREC_CONFLICT') throw err;
      return undefined;
    }
  } finally {
    connection.close();
  }
}

export async function initializeIncentives(
  consortium: FabricAccess,
  parameters: Readonly<{ initialReward: string; halvingInterval: string }> = DEFAULT_INCENTIVE_PARAMETERS,
  orgs: readonly PeerOrgKey[] = peerOrgKeys(consortium.topology),
): Promise<IncentiveInitResult> {
  let voted = false;
  for (const org of orgs) {
    const connection = consortium.connectAdmin(org);
    try {
      const client = createMedrecClient(connection.gateway);
      const current = await scheduleInEffect(client);
      if (current !== undefined) return { initializedNow: voted, schedule: current };
      try {
        const { value } = await untilDiscoverySettles(() => client.proposeIncentiveSchedule(parameters));
        voted = true;
        if (value.schedule !== null) return { initializedNow: true, schedule: value.schedule };
      } catch (err) {
        if (medrecCodeOf(err) !== 'MEDREC_CONFLICT') throw err;
      }
    } finally {
      connection.close();
    }
  }
  const connection = consortium.connectAdmin(orgs[0] ?? firstPeerOrg(consortium.topology));
  try {
    const client = createMedrecClient(connection.gateway);
    const schedule = await scheduleInEffect(client);
    if (schedule !== undefined) return { initializedNow: voted, schedule };
    const { organisations, required, items } = await client.listScheduleProposals();
    throw new Error(
      `the incentive schedule is not in effect: ${orgs.join(', ')} approved initial reward ` +
        `${parameters.initialReward} / halving interval ${parameters.halvingInterval}, but ${required} of ` +
        `${organisations} registered organisations must approve identical parameters; proposals now: ` +
        (items
          .map((p) => `${p.initialReward}/${p.halvingInterval} by ${p.approvals.map((a) => a.mspId).join('+')}`)
          .join('; ') || 'none'),
    );
  } finally {
    connection.close();
  }
}

/** The schedule and each peer organisation's balance, read through the first peer organisation's admin. */
export async function scheduleAndBalances(
  consortium: FabricAccess,
): Promise<{ schedule: IncentiveSchedule; balances: Record<string, string> }> {
  const connection = consortium.connectAdmin(firstPeerOrg(consortium.topology));
  try {
    const client = createMedrecClient(connection.gateway);
    const balances: Record<string, string> = {};
    for (const org of peerOrganisations(consortium.topology)) {
      balances[org.mspId] = (await client.getBalance({ kind: 'organisation', mspId: org.mspId })).amount;
    }
    return { schedule: await client.getSchedule(), balances };
  } finally {
    connection.close();
  }
}
