import type { Network } from '@hyperledger/fabric-gateway';

/** Block numbers as a peer commits them; close() ends the stream. */
export type BlockNumbers = AsyncIterable<bigint> & { close(): void };

/**
 * The channel height a peer has reached, kept current from its stream of committed blocks instead of asking the peer
 * (qscc GetChainInfo, a signed proposal) on every read. One per process and peer: the REST API passes it with each
 * read request, the gatekeeper waits on it before it submits. While the stream is down (first use, peer restart), the
 * peer is asked directly and the stream is reopened.
 *
 * The answer can trail the peer by the moment between its commit and the block event, never run ahead of it: a
 * height that is a block short only lets a gatekeeper decide a little earlier, and a decision on state that changed
 * meanwhile fails Fabric's read-set check at commit (the gatekeeper then retries), so nothing is served that a newer
 * block forbids.
 */
export interface ChannelHeightWatcher {
  height(): Promise<number>;
  close(): void;
}

export interface HeightWatcherOptions {
  /** Asks the peer for its height (qscc): the first answer, and whenever the block stream is down. */
  readonly query: () => Promise<number>;
  /** Block numbers as the peer commits them, from `startBlock` on. */
  readonly blocks: (startBlock: bigint) => Promise<BlockNumbers>;
}

export function watchChannelHeight(options: Readonly<HeightWatcherOptions>): ChannelHeightWatcher {
  let known = 0;
  let live = false;
  let stream: BlockNumbers | undefined;
  // Set synchronously when a stream is being opened, so that concurrent calls open one.
  let following = false;
  let closed = false;

  const follow = async (start: number): Promise<void> => {
    const blocks = await options.blocks(BigInt(start));
    if (closed) {
      blocks.close();
      return;
    }
    stream = blocks;
    live = true;
    try {
      for await (const blockNumber of blocks) known = Math.max(known, Number(blockNumber) + 1);
    } finally {
      live = false;
      stream = undefined;
    }
  };
  const start = (from: number): void => {
    following = true;
    // The stream ends with an error when the peer goes away; the next height() asks the peer and reopens it.
    follow(from)
      .catch(() => undefined)
      .finally(() => {
        following = false;
        live = false;
      });
  };

  return {
    async height(): Promise<number> {
      if (live) return known;
      const asked = await options.query();
      known = Math.max(known, asked);
      if (!following && !closed) start(asked);
      return known;
    },
    close(): void {
      closed = true;
      live = false;
      stream?.close();
    },
  };
}

/** The committed block numbers of a channel, from a peer's filtered block stream (the smallest kind of block event). */
export function filteredBlockNumbers(network: Network): (startBlock: bigint) => Promise<BlockNumbers> {
  return async (startBlock) => {
    const events = await network.getFilteredBlockEvents({ startBlock });
    const numbers = (async function* (): AsyncGenerator<bigint> {
      for await (const block of events) yield BigInt(block.getNumber());
    })();
    return {
      [Symbol.asyncIterator]: () => numbers,
      close: () => {
        events.close();
      },
    };
  };
}
