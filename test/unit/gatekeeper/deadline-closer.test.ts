import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  startDeadlineCloser,
  type CloseOutcome,
  type DeadlineCloser,
  type DeadlineLedger,
} from '../../../gatekeeper/src/trends/deadline-closer';
import type { TrendQuery, TrendResult } from '../../../sdk/src/chaincode-types';
import { ChaincodeError, NetworkUnavailableError } from '../../../sdk/src/errors';

const id = (c: string): string => c.repeat(64);
const NOW = Date.parse('2026-03-20T12:00:00Z');
const PAST = '2026-03-20T11:59:00.000Z';
const SOON = '2026-03-20T12:00:00.150Z';
const LATER = '2026-03-20T13:00:00.000Z';

type Step = 'open' | 'combined' | Error;

/** A ledger whose GetQuery answers per query in turn (the last answer repeats); CloseQuery succeeds or throws. */
function fakeLedger(
  script: Record<string, Step[]>,
  closeFails: (Error | undefined)[] = [],
): { ledger: DeadlineLedger; calls: { get: string[]; close: string[] } } {
  const calls = { get: [] as string[], close: [] as string[] };
  const ledger: DeadlineLedger = {
    getTrendQuery: (queryId) => {
      calls.get.push(queryId);
      const steps = script[queryId] ?? [new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: 'no such query' })];
      const step = steps.length > 1 ? steps.shift() : steps[0];
      if (step instanceof Error) return Promise.reject(step);
      return Promise.resolve({ queryId, status: step } as TrendQuery);
    },
    closeTrendQuery: (queryId) => {
      calls.close.push(queryId);
      const failure = closeFails.shift();
      if (failure !== undefined) return Promise.reject(failure);
      return Promise.resolve({ value: { queryId } as TrendResult, transactionId: id('f') });
    },
  };
  return { ledger, calls };
}

/** Collects outcomes; `settled(n)` resolves once n final outcomes (not 'retrying') arrived. */
function outcomes(): {
  seen: CloseOutcome[];
  onOutcome: (o: CloseOutcome) => void;
  settled: (n: number) => Promise<void>;
} {
  const seen: CloseOutcome[] = [];
  let waiting: { n: number; resolve: () => void } | undefined;
  return {
    seen,
    onOutcome: (o: CloseOutcome) => {
      seen.push(o);
      if (waiting !== undefined && seen.filter((s) => s.outcome !== 'retrying').length >= waiting.n) waiting.resolve();
    },
    settled: (n: number) =>
      new Promise<void>((resolve) => {
        if (seen.filter((s) => s.outcome !== 'retrying').length >= n) resolve();
        else waiting = { n, resolve };
      }),
  };
}

describe('trend deadline closer', () => {
  let dir: string;
  let closer: DeadlineCloser | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-closer-'));
  });
  afterEach(() => {
    closer?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const options = { graceMs: 0, jitterMs: 0, retryMs: 5, now: () => NOW };

  it('closes an open query once its deadline passed, and forgets it', async () => {
    const { ledger, calls } = fakeLedger({ [id('a')]: ['open'] });
    const seen = outcomes();
    const file = path.join(dir, 'watch.json');
    closer = startDeadlineCloser({ ...options, ledger, file, onOutcome: seen.onOutcome });
    closer.watch(id('a'), PAST);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).to.deep.equal({ [id('a')]: PAST });
    await seen.settled(1);
    expect(seen.seen).to.deep.equal([{ queryId: id('a'), outcome: 'closed', transactionId: id('f') }]);
    expect(calls.close).to.deep.equal([id('a')]);
    expect(closer.watched().size).to.equal(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).to.deep.equal({});
  });

  it('does not close before the deadline', async () => {
    const { ledger, calls } = fakeLedger({ [id('a')]: ['open'] });
    const seen = outcomes();
    closer = startDeadlineCloser({ ...options, ledger, onOutcome: seen.onOutcome });
    closer.watch(id('a'), SOON);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.get.length + calls.close.length, 'nothing asked before the deadline').to.equal(0);
    await seen.settled(1);
    expect(calls.close).to.deep.equal([id('a')]);
  });

  it('leaves a combined query alone, and takes MEDREC_QUERY_CLOSED from a racing custodian as done', async () => {
    const closedMeanwhile = new ChaincodeError({ code: 'MEDREC_QUERY_CLOSED', message: 'already combined' });
    const { ledger, calls } = fakeLedger({ [id('a')]: ['combined'], [id('b')]: ['open'] }, [closedMeanwhile]);
    const seen = outcomes();
    closer = startDeadlineCloser({ ...options, ledger, onOutcome: seen.onOutcome });
    closer.watch(id('a'), PAST);
    closer.watch(id('b'), PAST);
    await seen.settled(2);
    expect(calls.close).to.deep.equal([id('b')]);
    expect(seen.seen.map((o) => [o.queryId, o.outcome]).sort()).to.deep.equal([
      [id('a'), 'already-combined'],
      [id('b'), 'already-combined'],
    ]);
  });

  it('retries while the ledger is unreachable or the peers say the deadline is not reached; gives up on a refusal', async () => {
    const down = new NetworkUnavailableError({ message: 'peer unreachable' });
    const early = new ChaincodeError({ code: 'MEDREC_DEADLINE_NOT_REACHED', message: 'not yet' });
    const forbidden = new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'not a custodian' });
    const { ledger, calls } = fakeLedger({ [id('a')]: [down, 'open'], [id('b')]: ['open'] }, [early, forbidden]);
    const seen = outcomes();
    closer = startDeadlineCloser({ ...options, ledger, onOutcome: seen.onOutcome });
    closer.watch(id('a'), PAST);
    await seen.settled(1);
    closer.watch(id('b'), PAST);
    await seen.settled(2);
    const byQuery = (q: string): string[] => seen.seen.filter((o) => o.queryId === q).map((o) => o.outcome);
    // a: unreachable (retry), then DEADLINE_NOT_REACHED (retry), then the refusal is final.
    expect(byQuery(id('a'))).to.deep.equal(['retrying', 'retrying', 'refused']);
    expect(byQuery(id('b'))).to.deep.equal(['closed']);
    expect(calls.close).to.deep.equal([id('a'), id('a'), id('b')]);
  });

  it('keeps its watch list across a restart, and refuses a damaged one with advice', async () => {
    const file = path.join(dir, 'watch.json');
    const first = fakeLedger({ [id('a')]: ['open'] });
    closer = startDeadlineCloser({ ...options, ledger: first.ledger, file });
    closer.watch(id('a'), LATER);
    closer.stop();
    expect(first.calls.close).to.deep.equal([]);

    const second = fakeLedger({ [id('a')]: ['open'] });
    const seen = outcomes();
    const later = Date.parse(LATER) + 1;
    closer = startDeadlineCloser({
      ...options,
      ledger: second.ledger,
      file,
      now: () => later,
      onOutcome: seen.onOutcome,
    });
    expect([...closer.watched()]).to.deep.equal([[id('a'), LATER]]);
    await seen.settled(1);
    expect(second.calls.close).to.deep.equal([id('a')]);

    fs.writeFileSync(file, JSON.stringify({ 'not-a-query': LATER }));
    expect(() => startDeadlineCloser({ ...options, ledger: second.ledger, file })).to.throw(/move it aside/);
    fs.writeFileSync(file, '{');
    expect(() => startDeadlineCloser({ ...options, ledger: second.ledger, file })).to.throw(/not a map/);
  });
});
