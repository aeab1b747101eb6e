import { expect } from 'chai';
import type { Iterators } from 'fabric-shim-api';
import { z } from 'zod';
import { drain, stateEntries } from '../../../chaincode/src/common/state';

/** A state query as fabric-shim hands it over, counting the close messages the chaincode would send to the peer. */
function query(values: readonly string[], failAt?: number): Iterators.StateQueryIterator & { closes: number } {
  let index = 0;
  const iterator = {
    closes: 0,
    next(): Promise<Iterators.NextResult<Iterators.KV>> {
      if (index === failAt) return Promise.reject(new Error('stream broken'));
      const value = values[index];
      if (value === undefined) return Promise.resolve({ done: true } as Iterators.NextResult<Iterators.KV>);
      index += 1;
      const kv = { key: `k${String(index)}`, value: Buffer.from(value), namespace: 'medrec' } as Iterators.KV;
      return Promise.resolve({ value: kv, done: false });
    },
    close(): Promise<void> {
      iterator.closes += 1;
      return Promise.resolve();
    },
  };
  return iterator;
}

describe('state queries: released once, by the peer or by a close', () => {
  it('does not close a query read to its end (the peer released it with its last batch)', async () => {
    const iterator = query(['1', '2', '3']);
    expect(await drain(iterator, z.number(), 'n')).to.deep.equal([1, 2, 3]);
    expect(iterator.closes).to.equal(0);
  });

  it('closes a query the loop leaves early', async () => {
    const iterator = query(['1', '2', '3']);
    for await (const entry of stateEntries(iterator)) {
      if (entry.key === 'k2') break;
    }
    expect(iterator.closes).to.equal(1);
  });

  it('closes a query whose entry fails validation, and the failure reaches the caller', async () => {
    const iterator = query(['1', '"two"', '3']);
    let failure: unknown;
    try {
      await drain(iterator, z.number(), 'n');
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.contain('MEDREC_INTERNAL');
    expect(iterator.closes).to.equal(1);
  });

  it('closes a query whose stream fails mid-way', async () => {
    const iterator = query(['1', '2'], 1);
    let failure: unknown;
    try {
      await drain(iterator, z.number(), 'n');
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.contain('stream broken');
    expect(iterator.closes).to.equal(1);
  });
});
