import { expect } from 'chai';
import { mapBounded } from '../../../network/src/bounded-pool';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Work that records how many calls run at once, finishing in an order unlike the items' order. */
function tracked(): { work: (n: number) => Promise<number>; started: number[]; maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  const started: number[] = [];
  return {
    started,
    maxInFlight: () => max,
    work: async (n) => {
      started.push(n);
      inFlight += 1;
      max = Math.max(max, inFlight);
      await pause((n * 7) % 5);
      inFlight -= 1;
      return n * 10;
    },
  };
}

describe('mapBounded', function () {
  it('resolves with the results in the order of the items, whatever order the calls finish in', async function () {
    const { work } = tracked();
    const items = Array.from({ length: 30 }, (_, i) => i);
    expect(await mapBounded(items, 4, work)).to.deep.equal(items.map((n) => n * 10));
  });

  it('passes each item with its index, and calls the work once per item', async function () {
    const seen: string[] = [];
    await mapBounded(['a', 'b', 'c'], 2, async (item, index) => {
      await pause(0);
      seen.push(`${item}${String(index)}`);
    });
    expect(seen.sort()).to.deep.equal(['a0', 'b1', 'c2']);
  });

  it('never has more calls in flight than the limit, and uses the limit', async function () {
    for (const limit of [1, 3, 8]) {
      const { work, maxInFlight, started } = tracked();
      await mapBounded(
        Array.from({ length: 25 }, (_, i) => i),
        limit,
        work,
      );
      expect(maxInFlight(), `limit ${String(limit)}`).to.equal(limit);
      // Items are started in order.
      expect(started).to.deep.equal(Array.from({ length: 25 }, (_, i) => i));
    }
  });

  it('handles fewer items than the limit, and no items at all', async function () {
    const { work, maxInFlight } = tracked();
    expect(await mapBounded([1, 2], 8, work)).to.deep.equal([10, 20]);
    expect(maxInFlight()).to.equal(2);
    let called = false;
    expect(
      await mapBounded([], 8, () => {
        called = true;
        return Promise.resolve();
      }),
    ).to.deep.equal([]);
    expect(called).to.equal(false);
  });

  it('on a rejection starts nothing more, and rejects only once the calls in flight have settled', async function () {
    const settled: number[] = [];
    const started: number[] = [];
    const failure = new Error('item 2 failed');
    const error = await mapBounded(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (n) => {
        started.push(n);
        if (n === 2) {
          await pause(1);
          throw failure;
        }
        await pause(30);
        settled.push(n);
        return n;
      },
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).to.equal(failure);
    // 0 and 1 were in flight when 2 failed: the run waited for them, and started no item after 2.
    expect(settled).to.deep.equal([0, 1]);
    expect(started).to.deep.equal([0, 1, 2]);
  });

  it('rejects with the first error to happen, dropping later ones of calls that were in flight', async function () {
    const settled: number[] = [];
    const first = new Error('first');
    const error = await mapBounded([0, 1, 2], 3, async (n) => {
      await pause([5, 15, 25][n] ?? 0);
      if (n === 0) throw first;
      if (n === 1) throw new Error('second, dropped');
      settled.push(n);
      return n;
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).to.equal(first);
    expect(settled).to.deep.equal([2]);
  });

  it('rejects on a work function that throws synchronously', async function () {
    const error = await mapBounded([1], 1, () => {
      throw new TypeError('not even a promise');
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).to.be.instanceOf(TypeError);
  });

  it('refuses a limit that is not a whole number from 1', async function () {
    for (const limit of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = await mapBounded([1], limit, () => Promise.resolve(1)).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error, String(limit)).to.be.instanceOf(RangeError);
    }
  });
});
