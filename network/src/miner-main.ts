/**
 * Entry point of one organisation's miner service (started by `network up`, see miner-process.ts). Its settings come
 * from the environment: MEDREC_MINER_ORG, MEDREC_HOME, MEDREC_CONSORTIUM, MEDREC_PORT_BASE and
 * MEDREC_MINER_INTERVAL_SECONDS.
 */
import { createConsortium } from './consortium';
import { runMiner } from './miner';
import { runMinerDaemon } from './miner-daemon';
import { minerIntervalSeconds } from './miner-process';
import { peerOrgKeys } from './topology';

function log(org: string, line: string): void {
  process.stdout.write(`${new Date().toISOString()} miner ${org}: ${line}\n`);
}

async function main(): Promise<void> {
  const consortium = createConsortium({ renderer: 'silent' });
  const orgs = peerOrgKeys(consortium.topology);
  const org = orgs.find((candidate) => candidate === process.env.MEDREC_MINER_ORG);
  if (org === undefined) {
    throw new Error(`MEDREC_MINER_ORG must be one of ${orgs.join(', ')}`);
  }
  const intervalSeconds = minerIntervalSeconds(process.env);
  const stopSignal = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log(org, `started; a round every ${String(intervalSeconds)} s`);
  await runMinerDaemon({
    // A round is bounded (up to the height when it starts) and checkpointed per block, so it is not interrupted:
    // handing it the daemon's stop signal would add a listener to that one promise every round.
    runRound: () => runMiner(consortium, { org, once: true, renderer: 'silent' }),
    intervalMs: intervalSeconds * 1000,
    stopSignal,
    log: (line) => {
      log(org, line);
    },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`miner failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
