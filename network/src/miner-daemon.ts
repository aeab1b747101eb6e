/**
 * The miner as a service: `network up` runs one per organisation. It works in rounds: every round processes the
 * blocks committed since its checkpoint (claims its organisation's endorsements, then attests the other
 * organisations' pending claims), and then waits. Rounds, rather than reacting to every block, keep the miners'
 * own transactions to a few per interval however busy the channel is: claims go in batches of up to 20.
 */
import type { MinerSummary } from './miner/miner';

export interface MinerDaemonOptions {
  /** One bounded miner run from the checkpoint to the current height (runMiner with `once`). */
  readonly runRound: () => Promise<MinerSummary>;
  /** Pause between the end of one round and the start of the next. */
  readonly intervalMs: number;
  /** Resolves when the daemon should stop (SIGTERM): during a pause at once, during a round when it ends. */
  readonly stopSignal: Promise<void>;
  /** One line per round or failure. */
  readonly log: (line: string) => void;
}

/** Runs rounds until stopSignal resolves; a failed round (peer or orderer down) is logged and retried next round. */
export async function runMinerDaemon(options: Readonly<MinerDaemonOptions>): Promise<void> {
  let stopping = false;
  // A function, not the variable: the stop signal changes it while the loop awaits.
  const isStopping = (): boolean => stopping;
  let wake: (() => void) | undefined;
  void options.stopSignal.then(() => {
    stopping = true;
    wake?.();
  });
  let failures = 0;
  while (!isStopping()) {
    try {
      const summary = await options.runRound();
      failures = 0;
      options.log(describeRound(summary));
    } catch (err) {
      failures += 1;
      options.log(
        `round failed (${String(failures)} in a row), retrying in ${String(options.intervalMs / 1000)} s: ` +
          (err instanceof Error ? err.message : String(err)),
      );
    }
    if (isStopping()) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
  }
  options.log('stopped');
}

function describeRound(s: MinerSummary): string {
  const blocks =
    s.nextBlock > s.fromBlock
      ? `blocks ${s.fromBlock.toString()}..${(s.nextBlock - 1n).toString()} (${String(s.blocks)} this round)`
      : `no new block (next ${s.nextBlock.toString()})`;
  return (
    `${blocks}: ` +
    `claimed ${String(s.claimed)}, already claimed ${String(s.alreadyClaimed)}, refused ${String(s.refused)}; ` +
    `attested ${String(s.attested)} (paid ${String(s.paid)}), not attested ${String(s.attestRefused)}; ` +
    `own pending ${String(s.ownPending)}; balance ${s.balance}`
  );
}
