import { expect } from 'chai';
import { watchChannelHeight, type BlockNumbers } from '../../../sdk/src/height-watcher';

/** A block stream the test feeds by hand, like a peer committing blocks. */
function feed(): { stream: BlockNumbers; push(n: number): void; fail(): void; closed: () => boolean } {
  const waiting: ((r: IteratorResult<bigint>) => void)[] = [];
  const failures: ((e: Error) => void)[] = [];
  const queue: bigint[] = [];
  let closed = false;
  let failed = false;
  const next = (): Promise<IteratorResult<bigint>> => {
    const value = queue.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (closed) return Promise.resolve({ value: undefined, done: true });
    if (failed) return Promise.reject(new Error('peer went away'));
    return new Promise((resolve, reject) => {
      waiting.push(resolve);
      failures.push(reject);
    });
  };
  return {
    stream: { [Symbol.asyncIterator]: () => ({ next }), close: () => (closed = true) },
    push: (n) => {
      const resolve = waiting.shift();
      failures.shift();
      if (resolve) resolve({ value: BigInt(n), done: false });
      else queue.push(BigInt(n));
    },
    fail: () => {
      failed = true;
      waiting.shift();
      failures.shift()?.(new Error('peer went away'));
    },
    closed: () => closed,
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('channel height from the peer block stream (SDK)', function () {
  it('asks the peer once, then follows committed blocks without asking again', async function () {
    let asked = 0;
    const blocks = feed();
    const opened: bigint[] = [];
    const watcher = watchChannelHeight({
      query: () => Promise.resolve((asked += 1) && 10),
      blocks: (start) => {
        opened.push(start);
        return Promise.resolve(blocks.stream);
      },
    });
    const [first, second] = await Promise.all([watcher.height(), watcher.height()]);
    expect([first, second]).to.deep.equal([10, 10]);
    await tick();
    expect(opened).to.deep.equal([10n]); // one stream for concurrent callers, from the height the peer gave
    blocks.push(10);
    blocks.push(11);
    await tick();
    expect(await watcher.height()).to.equal(12);
    expect(asked).to.equal(2); // the two concurrent first calls; none since the stream is open
    watcher.close();
    expect(blocks.closed()).to.equal(true);
  });

  it('asks the peer again and reopens the stream after it fails, never going backwards', async function () {
    const streams = [feed(), feed()];
    let peerHeight = 5;
    let opens = 0;
    const watcher = watchChannelHeight({
      query: () => Promise.resolve(peerHeight),
      blocks: () => Promise.resolve((streams[opens++] ?? feed()).stream),
    });
    expect(await watcher.height()).to.equal(5);
    await tick();
    streams[0]?.push(7);
    await tick();
    expect(await watcher.height()).to.equal(8);
    streams[0]?.fail();
    await tick();
    await tick();
    peerHeight = 6; // a peer answering lower (another replica) does not move the height back
    expect(await watcher.height()).to.equal(8);
    await tick();
    expect(opens).to.equal(2);
    watcher.close();
  });
});
