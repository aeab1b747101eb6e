import type { Context } from 'fabric-contract-api';
import { scheduleSchema, type Schedule } from '@medrec/contract';
import { notFound } from '../common/errors';
import { KEY, key } from '../common/keys';
import { readState } from '../common/state';

/** The reward of the n-th claim network-wide (0-based): initialReward halved floor(n / halvingInterval) times. */
export function rewardFor(schedule: Pick<Schedule, 'initialReward' | 'halvingInterval'>, n: bigint): bigint {
  const era = n / BigInt(schedule.halvingInterval);
  const reward = BigInt(schedule.initialReward);
  return era >= BigInt(reward.toString(2).length) ? 0n : reward >> era;
}

/** Total supply once every era has passed: halvingInterval * Σ (initialReward >> k), < 2 * initialReward * interval. */
export function supplyCap(schedule: Pick<Schedule, 'initialReward' | 'halvingInterval'>): bigint {
  let sum = 0n;
  for (let reward = BigInt(schedule.initialReward); reward > 0n; reward >>= 1n) {
    sum += reward;
  }
  return sum * BigInt(schedule.halvingInterval);
}

export async function requireSchedule(ctx: Context): Promise<Schedule> {
  const schedule = await readState(ctx, key(ctx, KEY.incentiveSchedule), scheduleSchema, 'incentive schedule');
  if (schedule === undefined) {
    throw notFound(
      'the incentive schedule is not in effect yet: admins of a majority of the registered organisations must ' +
        'approve identical parameters (Incentive:ProposeSchedule, Incentive:ApproveSchedule)',
    );
  }
  return schedule;
}
