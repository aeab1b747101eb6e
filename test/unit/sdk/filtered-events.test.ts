import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { processFilteredChaincodeEvents, type MedrecEvent } from '../../../sdk/src/event-stream';

function filteredTx(
  txId: string,
  code: number,
  events: readonly [chaincode: string, name: string][],
): peer.FilteredTransaction {
  const tx = new peer.FilteredTransaction();
  tx.setTxid(txId);
  tx.setTxValidationCode(code as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
  const actions = new peer.FilteredTransactionActions();
  actions.setChaincodeActionsList(
    events.map(([chaincode, name]) => {
      const event = new peer.ChaincodeEvent();
      event.setChaincodeId(chaincode);
      event.setEventName(name);
      event.setTxId(txId);
      const action = new peer.FilteredChaincodeAction();
      action.setChaincodeEvent(event);
      return action;
    }),
  );
  tx.setTransactionActions(actions);
  return tx;
}

function block(number: number, txs: peer.FilteredTransaction[]): peer.FilteredBlock {
  const b = new peer.FilteredBlock();
  b.setNumber(number);
  b.setFilteredTransactionsList(txs);
  return b;
}

/** A gateway whose peer sends these filtered blocks, then keeps the stream open; records the start it was asked for. */
function gatewayWith(blocks: peer.FilteredBlock[], asked: { start: bigint | undefined }): Gateway {
  return {
    getNetwork: () => ({
      getFilteredBlockEvents: (options: {
        startBlock?: bigint;
        checkpoint?: { getBlockNumber(): bigint | undefined };
      }) => {
        asked.start = options.checkpoint?.getBlockNumber() ?? options.startBlock;
        const state = { closed: false };
        const isClosed = (): boolean => state.closed;
        const generator = (async function* (): AsyncGenerator<peer.FilteredBlock> {
          for (const b of blocks) yield b;
          while (!isClosed()) await new Promise((resolve) => setTimeout(resolve, 5));
        })();
        return Promise.resolve({
          [Symbol.asyncIterator]: () => generator,
          close: () => {
            state.closed = true;
          },
        });
      },
    }),
  } as unknown as Gateway;
}

describe('filtered chaincode events (SDK): names and transaction ids of valid transactions only', function () {
  let dir: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-filtered-'));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers valid MedRec events, skips invalid transactions and other chaincodes, and checkpoints after events', async function () {
    const VALID = peer.TxValidationCode.VALID;
    const MVCC = peer.TxValidationCode.MVCC_READ_CONFLICT;
    const seen: MedrecEvent[] = [];
    const checkpointFile = path.join(dir, 'events.json');
    const asked: { start: bigint | undefined } = { start: undefined };
    const stream = await processFilteredChaincodeEvents(
      gatewayWith(
        [
          block(7, [
            filteredTx('tx-a', VALID, [['medrec', 'trend-query']]),
            filteredTx('tx-b', MVCC, [['medrec', 'trend-query']]),
            filteredTx('tx-c', VALID, [['other', 'trend-query']]),
          ]),
          block(8, [filteredTx('tx-d', VALID, [])]),
        ],
        asked,
      ),
      { checkpointFile, checkpointEveryMs: 60_000 },
      (event) => {
        seen.push(event);
        return Promise.resolve();
      },
    );
    for (let i = 0; i < 100 && seen.length === 0; i += 1) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    stream.close();
    await stream.done;
    expect(seen).to.deep.equal([{ name: 'trend-query', transactionId: 'tx-a', blockNumber: 7n, payload: {} }]);
    // Block 7 had an event: checkpointed (the next start is block 8); block 8 had none and came within the minute.
    const resumed: { start: bigint | undefined } = { start: undefined };
    const again = await processFilteredChaincodeEvents(gatewayWith([], resumed), { checkpointFile }, () =>
      Promise.resolve(),
    );
    again.close();
    await again.done;
    expect(resumed.start).to.equal(8n);
  });
});
