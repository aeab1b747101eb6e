import { expect } from 'chai';
import { runMinerDaemon } from '../../../network/src/miner-daemon';
import { DEFAULT_MINER_INTERVAL_SECONDS, minerIntervalSeconds } from '../../../network/src/miner-process';
import type { MinerSummary } from '../../../network/src/miner/miner';

const summary = (from: bigint, next: bigint): MinerSummary => ({
  mspId: 'Hospital1MSP',
  fromBlock: from,
  nextBlock: next,
  blocks: Number(next - from),
  claimed: 2,
  alreadyClaimed: 0,
  refused: 0,
  attested: 1,
  paid: 1,
  attestRefused: 0,
  unknown: 0,
  ownPending: 2,
  balance: '40',
});

describe('miner service: rounds', () => {
  it('runs a round, waits, runs again from where it stopped; a failed round is logged and retried; stop ends it', async () => {
    const lines: string[] = [];
    let stop = (): void => undefined;
    const stopSignal = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const rounds: number[] = [];
    const outcomes: (() => Promise<MinerSummary>)[] = [
      () => Promise.resolve(summary(0n, 10n)),
      () => Promise.reject(new Error('orderer unreachable')),
      () => Promise.resolve(summary(10n, 12n)),
    ];
    await runMinerDaemon({
      intervalMs: 5,
      stopSignal,
      log: (line) => lines.push(line),
      runRound: () => {
        rounds.push(Date.now());
        const next = outcomes.shift();
        if (outcomes.length === 0) stop();
        return next === undefined ? Promise.reject(new Error('no more rounds')) : next();
      },
    });
    expect(rounds).to.have.length(3);
    expect(lines).to.have.length(4);
    expect(lines[0]).to.contain('blocks 0..9 (10 this round)').and.contain('claimed 2').and.contain('balance 40');
    expect(lines[1]).to.contain('round failed (1 in a row)').and.contain('orderer unreachable');
    expect(lines[2]).to.contain('blocks 10..11');
    expect(lines[3]).to.equal('stopped');
  });

  it('stops during the pause between rounds without waiting for it', async () => {
    let stop = (): void => undefined;
    const stopSignal = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let rounds = 0;
    const started = Date.now();
    const running = runMinerDaemon({
      intervalMs: 60_000,
      stopSignal,
      log: () => undefined,
      runRound: () => {
        rounds += 1;
        return Promise.resolve(summary(0n, 1n));
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    stop();
    await running;
    expect(rounds).to.equal(1);
    expect(Date.now() - started).to.be.below(30_000);
  });

  it('reads MEDREC_MINER_INTERVAL_SECONDS strictly', () => {
    expect(minerIntervalSeconds({})).to.equal(DEFAULT_MINER_INTERVAL_SECONDS);
    expect(minerIntervalSeconds({ MEDREC_MINER_INTERVAL_SECONDS: '' })).to.equal(DEFAULT_MINER_INTERVAL_SECONDS);
    expect(minerIntervalSeconds({ MEDREC_MINER_INTERVAL_SECONDS: '5' })).to.equal(5);
    expect(minerIntervalSeconds({ MEDREC_MINER_INTERVAL_SECONDS: '3600' })).to.equal(3600);
    for (const bad of ['0', '3601', '-1', '1.5', '30s', '0x10', ' 30']) {
      expect(() => minerIntervalSeconds({ MEDREC_MINER_INTERVAL_SECONDS: bad }), bad).to.throw(/1 to 3600/);
    }
  });
});
