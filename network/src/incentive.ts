import type { IncentiveSchedule } from '../../sdk/src/chaincode-types';
import { createMedrecClient } from '../../sdk/src/medrec-client';
import { medrecCodeOf } from '../../sdk/src/miner/miner';
import type { Consortium } from './consortium';
import { untilDiscoverySettles } from './discovery-retry';
import type { PeerOrgKey } from './topology';

/**
 * The schedule `network up` sets on a fresh network: 1,000,000 credits per claimed endorsement, halving every
 * 10,000 claims network-wide, so the supply is capped just under 2 * 10^10 credits.
 */
export const DEFAULT_INCENTIVE_PARAMETERS = { initialReward: '1000000', halvingInterval: '10000' } as const;

export interface IncentiveInitResult {
  /** False when the schedule was already initialised (its parameters are set once and kept). */
  readonly initializedNow: boolean;
  readonly schedule: IncentiveSchedule;
}

/**
 * Calls Incentive:Initialize as `org`'s admin, once: on an initialised network the chaincode answers
 * MEDREC_CONFLICT, which means done, and the existing schedule is returned unchanged.
 */
export async function initializeIncentives(
  consortium: Consortium,
  parameters: Readonly<{ initialReward: string; halvingInterval: string }> = DEFAULT_INCENTIVE_PARAMETERS,
  org: PeerOrgKey = 'hospital1',
): Promise<IncentiveInitResult> {
  const connection = consortium.connectAdmin(org);
  try {
    const client = createMedrecClient(connection.gateway);
    try {
      const { value } = await untilDiscoverySettles(() => client.initializeIncentives(parameters));
      return { initializedNow: true, schedule: value };
    } catch (err) {
      if (medrecCodeOf(err) !== 'MEDREC_CONFLICT') throw err;
      return { initializedNow: false, schedule: await client.getSchedule() };
    }
  } finally {
    connection.close();
  }
}

/** The schedule and each peer organisation's balance, read through hospital1's admin. */
export async function scheduleAndBalances(
  consortium: Consortium,
): Promise<{ schedule: IncentiveSchedule; balances: Record<string, string> }> {
  const connection = consortium.connectAdmin('hospital1');
  try {
    const client = createMedrecClient(connection.gateway);
    const balances: Record<string, string> = {};
    for (const org of consortium.topology.organisations.filter((o) => o.key !== 'orderer')) {
      balances[org.mspId] = (await client.getBalance({ kind: 'organisation', mspId: org.mspId })).amount;
    }
    return { schedule: await client.getSchedule(), balances };
  } finally {
    connection.close();
  }
}
