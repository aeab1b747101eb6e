import { Command, InvalidArgumentError } from 'commander';
import { PEER_ORG_HELP, peerOrg } from './cli-options';
import { createConsortium } from './consortium';
import { DEFAULT_INCENTIVE_PARAMETERS, initializeIncentives, scheduleAndBalances } from './incentive';
import { runMiner } from './miner';
import type { PeerOrgKey } from './topology';

/* eslint-disable no-console -- command-line interface: the terminal is its output. */

/** A positive integer of at most `digits` digits, kept as a string (amounts are never floating point). */
function positiveInteger(flag: string, digits: number): (value: string) => string {
  return (value) => {
    if (!new RegExp(`^[1-9][0-9]{0,${digits - 1}}$`).test(value)) {
      throw new InvalidArgumentError(
        `${flag} must be a positive whole number of at most ${digits} digits, not "${value}"`,
      );
    }
    return value;
  };
}

function blockNumber(flag: string): (value: string) => bigint {
  return (value) => {
    if (!/^\d{1,18}$/.test(value)) throw new InvalidArgumentError(`${flag} must be a block number, not "${value}"`);
    return BigInt(value);
  };
}

function batchSize(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 20) {
    throw new InvalidArgumentError(`--batch-size must be a whole number from 1 to 20, not "${value}"`);
  }
  return Number(value);
}

/** `medrec miner --org <org> [--once | --until-height N]`. */
export function minerCommand(): Command {
  return new Command('miner')
    .description(
      "claim the organisation's peer endorsements of valid MedRec transactions (Incentive:ClaimEndorsements, as " +
        'its admin) from its checkpoint on, and attest the pending claims of other organisations found in its own ' +
        "peer's blocks (Incentive:AttestClaims; a claim pays once a majority of the other organisations attest it); " +
        'runs until Ctrl-C unless --once or --until-height',
    )
    .requiredOption('--org <org>', PEER_ORG_HELP, peerOrg)
    .option('--once', 'process the blocks that exist now, then exit')
    .option('--until-height <n>', 'exit once every block below this height is processed', blockNumber('--until-height'))
    .option('--checkpoint <file>', 'checkpoint file (default MEDREC_HOME/miner/<org>.checkpoint)')
    .option('--from-block <n>', 'first block when the checkpoint file is new (default 0)', blockNumber('--from-block'))
    .option('--batch-size <n>', 'endorsements per claim transaction, 1-20', batchSize, 20)
    .action(
      async (opts: {
        org: PeerOrgKey;
        once?: boolean;
        untilHeight?: bigint;
        checkpoint?: string;
        fromBlock?: bigint;
        batchSize: number;
      }) => {
        const follow = opts.once !== true && opts.untilHeight === undefined;
        let onSigint: (() => void) | undefined;
        const stopSignal = follow
          ? new Promise<void>((resolve) => {
              onSigint = resolve;
              process.once('SIGINT', resolve);
            })
          : undefined;
        try {
          const summary = await runMiner(createConsortium({ renderer: 'silent' }), {
            org: opts.org,
            once: opts.once === true,
            batchSize: opts.batchSize,
            renderer: process.stdout.isTTY ? 'default' : 'simple',
            ...(opts.untilHeight === undefined ? {} : { untilHeight: opts.untilHeight }),
            ...(opts.checkpoint === undefined ? {} : { checkpointFile: opts.checkpoint }),
            ...(opts.fromBlock === undefined ? {} : { startBlock: opts.fromBlock }),
            ...(stopSignal === undefined ? {} : { stopSignal }),
          });
          console.log(
            `${summary.mspId}: blocks ${summary.fromBlock}..${summary.nextBlock - 1n} processed (${summary.blocks} ` +
              `this run); claimed ${summary.claimed} (pending until attested), already claimed ` +
              `${summary.alreadyClaimed}, refused ${summary.refused}; attested ${summary.attested} of other ` +
              `organisations' claims (${summary.paid} paid by it), not attested ${summary.attestRefused}` +
              (summary.unknown > 0 ? `, ${summary.unknown} not yet in its peer's blocks` : '') +
              `; own claims pending ${summary.ownPending}; balance ${summary.balance}; next block ${summary.nextBlock}`,
          );
        } finally {
          if (onSigint !== undefined) process.removeListener('SIGINT', onSigint);
        }
      },
    );
}

/** `medrec incentive init --initial-reward <int> --halving-interval <int>`. */
export function incentiveCommand(): Command {
  const incentive = new Command('incentive').description('the proof-of-endorsement reward schedule');
  incentive
    .command('init')
    .description(
      "set the reward schedule once: each organisation's admin proposes or approves it until a majority agrees " +
        '(`network up` already sets the defaults ' +
        `${DEFAULT_INCENTIVE_PARAMETERS.initialReward} / ${DEFAULT_INCENTIVE_PARAMETERS.halvingInterval}); ` +
        'on an initialised network it shows the schedule in place',
    )
    .requiredOption(
      '--initial-reward <n>',
      'credits per claimed endorsement in the first era',
      positiveInteger('--initial-reward', 18),
    )
    .requiredOption(
      '--halving-interval <n>',
      'claims network-wide between halvings',
      positiveInteger('--halving-interval', 12),
    )
    .action(async (opts: { initialReward: string; halvingInterval: string }) => {
      const result = await initializeIncentives(createConsortium({ renderer: 'silent' }), {
        initialReward: opts.initialReward,
        halvingInterval: opts.halvingInterval,
      });
      const s = result.schedule;
      console.log(
        (result.initializedNow ? 'incentive schedule initialised: ' : 'already initialised (parameters unchanged): ') +
          `initial reward ${s.initialReward}, halving every ${s.halvingInterval} claims, cap ${s.cap}; ` +
          `${s.claims} claims so far, ${s.minted} minted, current reward ${s.currentReward}`,
      );
    });
  incentive
    .command('status')
    .description('the schedule and every organisation balance')
    .action(async () => {
      console.log(JSON.stringify(await scheduleAndBalances(createConsortium({ renderer: 'silent' })), null, 2));
    });
  return incentive;
}
