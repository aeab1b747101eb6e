import {
  checkpointers,
  type ChaincodeEvent,
  type CloseableAsyncIterable,
  type Gateway,
} from '@hyperledger/fabric-gateway';
import { peer, type common } from '@hyperledger/fabric-protos';

/** A MedRec chaincode event: the chaincode emits exactly one per state-changing transaction, with no PHI. */
export interface MedrecEvent {
  readonly name: string;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface EventStreamOptions {
  /** File holding the checkpoint (last block and transaction processed); created when missing. */
  readonly checkpointFile: string;
  /** Block to start from when the checkpoint file is new (default: the next block committed). */
  readonly startBlock?: bigint;
  readonly channel?: string;
  readonly chaincode?: string;
}

export interface EventStream {
  /** Resolves when the stream is closed; rejects if the connection fails (restart it to resume from the checkpoint). */
  readonly done: Promise<void>;
  close(): void;
}

const utf8 = new TextDecoder();

function toMedrecEvent(event: ChaincodeEvent): MedrecEvent {
  const text = utf8.decode(event.payload);
  const payload = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  return { name: event.eventName, transactionId: event.transactionId, blockNumber: event.blockNumber, payload };
}

/**
 * Delivers chaincode events to `handler` one at a time and records each in the checkpoint file only after the
 * handler has completed, so a listener restarted at any point neither misses nor repeats an event.
 */
export async function processChaincodeEvents(
  gateway: Gateway,
  options: Readonly<EventStreamOptions>,
  handler: (event: MedrecEvent) => Promise<void>,
): Promise<EventStream> {
  const checkpointer = await checkpointers.file(options.checkpointFile);
  const network = gateway.getNetwork(options.channel ?? 'medrec');
  const events = await network.getChaincodeEvents(options.chaincode ?? 'medrec', {
    checkpoint: checkpointer,
    ...(options.startBlock === undefined ? {} : { startBlock: options.startBlock }),
  });
  return consumeInOrder(events, async (event) => {
    await handler(toMedrecEvent(event));
    await checkpointer.checkpointChaincodeEvent(event);
  });
}

/**
 * Runs `step` on each item in order; after close(), items already buffered are not delivered, and the error the
 * closed iterator ends with is not one.
 */
function consumeInOrder<T>(items: CloseableAsyncIterable<T>, step: (item: T) => Promise<void>): EventStream {
  const state = { closed: false }; // mutated by close(), possibly from inside step
  const done = (async (): Promise<void> => {
    try {
      for await (const item of items) {
        if (state.closed) break;
        await step(item);
      }
    } catch (err) {
      if (!state.closed) throw err;
    }
  })();
  return {
    done,
    close: () => {
      state.closed = true;
      items.close();
    },
  };
}

export interface BlockStreamOptions {
  /** File holding the checkpoint (the next block to process); created when missing. */
  readonly checkpointFile: string;
  /** Block to start from when the checkpoint file is new (default: the next block committed). */
  readonly startBlock?: bigint;
  readonly channel?: string;
}

/**
 * Delivers full blocks to `handler` in order and checkpoints each block only after the handler has completed, so a
 * restarted listener neither misses nor repeats a block (the miner follows blocks this way).
 */
export async function processBlocks(
  gateway: Gateway,
  options: Readonly<BlockStreamOptions>,
  handler: (block: common.Block, blockNumber: bigint) => Promise<void>,
): Promise<EventStream> {
  const checkpointer = await checkpointers.file(options.checkpointFile);
  const blocks = await gateway.getNetwork(options.channel ?? 'medrec').getBlockEvents({
    checkpoint: checkpointer,
    ...(options.startBlock === undefined ? {} : { startBlock: options.startBlock }),
  });
  return consumeInOrder(blocks, async (block) => {
    const blockNumber = BigInt(block.getHeader()?.getNumber() ?? 0);
    await handler(block, blockNumber);
    await checkpointer.checkpointBlock(blockNumber);
  });
}

export interface FilteredEventStreamOptions extends BlockStreamOptions {
  /** How often, at most, a block without events is checkpointed (default 5 s); a block with events always is. */
  readonly checkpointEveryMs?: number;
  readonly chaincode?: string;
}

/**
 * Delivers the names and transaction ids of the chaincode events of valid transactions, read from filtered blocks: the
 * smallest block events a peer sends (no payloads, no read-write sets). For a listener that needs only to know that
 * an event happened (a trend query, whose id is its transaction id) this costs the peer and the listener far less
 * than full chaincode events. Checkpointed after each block that had events, otherwise at most every few seconds: a
 * restart replays at most those seconds of blocks, so handlers must tolerate seeing an event again.
 */
export async function processFilteredChaincodeEvents(
  gateway: Gateway,
  options: Readonly<FilteredEventStreamOptions>,
  handler: (event: MedrecEvent) => Promise<void>,
): Promise<EventStream> {
  const checkpointer = await checkpointers.file(options.checkpointFile);
  const chaincode = options.chaincode ?? 'medrec';
  const every = options.checkpointEveryMs ?? 5000;
  let lastCheckpoint = Date.now();
  const blocks = await gateway.getNetwork(options.channel ?? 'medrec').getFilteredBlockEvents({
    checkpoint: checkpointer,
    ...(options.startBlock === undefined ? {} : { startBlock: options.startBlock }),
  });
  return consumeInOrder(blocks, async (block) => {
    const blockNumber = BigInt(block.getNumber());
    let delivered = 0;
    for (const tx of block.getFilteredTransactionsList()) {
      if (tx.getTxValidationCode() !== peer.TxValidationCode.VALID) continue;
      for (const action of tx.getTransactionActions()?.getChaincodeActionsList() ?? []) {
        const event = action.getChaincodeEvent();
        if (event?.getChaincodeId() !== chaincode || event.getEventName() === '') continue;
        await handler({ name: event.getEventName(), transactionId: tx.getTxid(), blockNumber, payload: {} });
        delivered += 1;
      }
    }
    if (delivered > 0 || Date.now() - lastCheckpoint >= every) {
      await checkpointer.checkpointBlock(blockNumber);
      lastCheckpoint = Date.now();
    }
  });
}
