import { expect } from 'chai';
import { peer } from '@hyperledger/fabric-protos';
import { FakeStub } from './support/fake-stub';
import { Ledger } from './support/ledger';

function stubOn(ledger: Ledger, txId = 'tx'): FakeStub {
  return new FakeStub(ledger, { txId, timestampMs: 0, fcn: 'X:Y', args: [], mspId: 'M', idBytes: Buffer.from('') });
}

describe('FakeStub follows Fabric semantics', () => {
  it('does not let a transaction read its own writes, and commits them only on commit', async () => {
    const ledger = new Ledger();
    const stub = stubOn(ledger);
    await stub.putState('k', Buffer.from('v'));
    expect((await stub.getState('k')).length).to.equal(0);
    ledger.commit('tx', 0, stub.writes);
    expect(Buffer.from(await stubOn(ledger).getState('k')).toString()).to.equal('v');
  });

  it('encodes composite keys like fabric-shim and refuses them in range queries', async () => {
    const stub = stubOn(new Ledger());
    expect(stub.createCompositeKey('t', ['a', 'b'])).to.equal('\u0000t\u0000a\u0000b\u0000');
    expect(stub.splitCompositeKey('\u0000t\u0000a\u0000b\u0000')).to.deep.equal({
      objectType: 't',
      attributes: ['a', 'b'],
    });
    let message = '';
    await stub.getStateByRangeWithPagination('\u0000t', 'z', 10).catch((error: unknown) => {
      message = (error as Error).message;
    });
    expect(message).to.contain('null character');
  });

  it('paginates with next-key bookmarks, empty at the end', async () => {
    const ledger = new Ledger();
    const writer = stubOn(ledger);
    for (const id of ['a', 'b', 'c']) {
      await writer.putState(writer.createCompositeKey('t', [id]), Buffer.from(id));
    }
    await writer.putState('other', Buffer.from('x'));
    ledger.commit('tx', 0, writer.writes);
    const reader = stubOn(ledger);
    const first = await reader.getStateByPartialCompositeKeyWithPagination('t', [], 2, '');
    expect(first.metadata).to.deep.equal({ fetchedRecordsCount: 2, bookmark: reader.createCompositeKey('t', ['c']) });
    const second = await reader.getStateByPartialCompositeKeyWithPagination('t', [], 2, first.metadata.bookmark);
    expect(second.metadata).to.deep.equal({ fetchedRecordsCount: 1, bookmark: '' });
    const range = await reader.getStateByRangeWithPagination('', 'zzz', 10);
    expect(range.metadata.fetchedRecordsCount).to.equal(1);
  });

  it('gives an empty page no metadata at all, as fabric-shim does with what the peer sends', async () => {
    // The peer (core/chaincode/query_response_generator.go) always sets QueryResponse.metadata to the marshalled
    // QueryResponseMetadata; for an empty, exhausted page that is {0, ""}, which proto3 marshals to no bytes, so the
    // field is absent on the wire and fabric-shim's handleGetQueryResult (`if (payload.getMetadata())`) leaves
    // `metadata` undefined. Round-trip both pages the way the peer and the shim do.
    const wire = (count: number, bookmark: string): Uint8Array => {
      const metadata = new peer.QueryResponseMetadata();
      metadata.setFetchedRecordsCount(count);
      metadata.setBookmark(bookmark);
      const response = new peer.QueryResponse();
      response.setMetadata(metadata.serializeBinary());
      return response.serializeBinary();
    };
    expect(Boolean(peer.QueryResponse.deserializeBinary(wire(0, '')).getMetadata())).to.equal(false);
    expect(Boolean(peer.QueryResponse.deserializeBinary(wire(1, '')).getMetadata())).to.equal(true);
    const reader = stubOn(new Ledger());
    const empty = await reader.getStateByRangeWithPagination('a', 'z', 5);
    expect(empty.metadata).to.equal(undefined);
    const emptyComposite = await reader.getStateByPartialCompositeKeyWithPagination('t', [], 5);
    expect(emptyComposite.metadata).to.equal(undefined);
  });

  it('refuses to mix paginated queries and writes in one transaction, like the peer', async () => {
    const writeFirst = stubOn(new Ledger());
    await writeFirst.putState('k', Buffer.from('v'));
    let message = '';
    await writeFirst.getStateByRangeWithPagination('a', 'z', 1).catch((error: unknown) => {
      message = (error as Error).message;
    });
    expect(message).to.contain('Pagination queries are not supported in update transactions');
    const queryFirst = stubOn(new Ledger());
    await queryFirst.getStateByPartialCompositeKeyWithPagination('t', [], 1);
    message = '';
    await queryFirst.deleteState('k').catch((error: unknown) => {
      message = (error as Error).message;
    });
    expect(message).to.contain('Writes are not allowed');
  });

  it('reports committed history newest first, deletes included', async () => {
    const ledger = new Ledger();
    const one = stubOn(ledger, 't1');
    await one.putState('k', Buffer.from('1'));
    ledger.commit('t1', 1000, one.writes);
    const two = stubOn(ledger, 't2');
    await two.deleteState('k');
    ledger.commit('t2', 2000, two.writes);
    const iterator = await stubOn(ledger).getHistoryForKey('k');
    const first = await iterator.next();
    const second = await iterator.next();
    const end = await iterator.next();
    expect([first.value.txId, first.value.isDelete, second.value.txId, end.done]).to.deep.equal([
      't2',
      true,
      't1',
      true,
    ]);
  });

  it('refuses empty keys and empty values like the peer', async () => {
    const stub = stubOn(new Ledger());
    expect(() => stub.getState('')).to.throw('key');
    let message = '';
    await stub.putState('k', Buffer.alloc(0)).catch((error: unknown) => {
      message = (error as Error).message;
    });
    expect(message).to.contain('empty');
  });
});
