import { ChaincodeStub } from 'fabric-shim';
import type { Iterators } from 'fabric-shim-api';
import type { Ledger } from './ledger';

const COMPOSITE_NS = '\u0000';
const MAX_RUNE = '\u{10ffff}';
// The peer's own wording (core/ledger txmgr), so a test failure points at the real cause.
const WRITE_THEN_PAGINATED =
  'transaction has already performed a write. Pagination queries are not supported in update transactions';
const PAGINATED_THEN_WRITE = 'transaction has already performed a paginated query. Writes are not allowed';

interface Timestamp {
  seconds: { toString(): string };
  nanos: number;
}

class ArrayIterator<T> implements Iterators.CommonIterator<T> {
  public closed = false;
  readonly #items: T[];
  #index = 0;

  public constructor(items: T[]) {
    this.#items = items;
  }

  public next(): Promise<Iterators.NextResult<T>> {
    const item = this.#items[this.#index];
    if (item === undefined) {
      return Promise.resolve({ done: true } as Iterators.NextResult<T>);
    }
    this.#index += 1;
    return Promise.resolve({ value: item, done: false });
  }

  public close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function timestampOf(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds: { toString: () => String(seconds) }, nanos: (ms % 1000) * 1_000_000 };
}

/**
 * The chaincode stub of one transaction, following the peer: reads see only committed state (never this
 * transaction's writes), writes are buffered until the transaction function resolves, range reads over composite
 * keys are refused like fabric-shim refuses them, pagination returns Fabric's next-key bookmark.
 */
export class FakeStub {
  public readonly writes = new Map<string, Buffer | null>();
  public readonly eventCalls: { name: string; payload: Buffer }[] = [];
  readonly #ledger: Ledger;
  readonly #txId: string;
  readonly #timestampMs: number;
  readonly #fcn: string;
  readonly #args: string[];
  readonly #mspId: string;
  readonly #idBytes: Buffer;
  #paginatedQuery = false;

  public constructor(
    ledger: Ledger,
    tx: { txId: string; timestampMs: number; fcn: string; args: string[]; mspId: string; idBytes: Buffer },
  ) {
    this.#ledger = ledger;
    this.#txId = tx.txId;
    this.#timestampMs = tx.timestampMs;
    this.#fcn = tx.fcn;
    this.#args = tx.args;
    this.#mspId = tx.mspId;
    this.#idBytes = tx.idBytes;
  }

  public getTxID(): string {
    return this.#txId;
  }

  public getChannelID(): string {
    return 'medrec';
  }

  public getTxTimestamp(): Timestamp {
    return timestampOf(this.#timestampMs);
  }

  public getCreator(): { mspid: string; idBytes: Buffer } {
    return { mspid: this.#mspId, idBytes: this.#idBytes };
  }

  public getFunctionAndParameters(): { fcn: string; params: string[] } {
    const name = this.#fcn.includes(':') ? this.#fcn.slice(this.#fcn.indexOf(':') + 1) : this.#fcn;
    return { fcn: name, params: [...this.#args] };
  }

  public getBufferArgs(): Buffer[] {
    return [this.#fcn, ...this.#args].map((arg) => Buffer.from(arg, 'utf8'));
  }

  public getState(key: string): Promise<Uint8Array> {
    assertKey(key);
    return Promise.resolve(this.#ledger.state.get(key) ?? Buffer.alloc(0));
  }

  public putState(key: string, value: Uint8Array): Promise<void> {
    assertKey(key);
    if (this.#paginatedQuery) {
      return Promise.reject(new Error(PAGINATED_THEN_WRITE));
    }
    if (value.length === 0) {
      return Promise.reject(new Error('fake stub: empty values are not allowed; Fabric treats them as deletes'));
    }
    this.writes.set(key, Buffer.from(value));
    return Promise.resolve();
  }

  public deleteState(key: string): Promise<void> {
    assertKey(key);
    if (this.#paginatedQuery) {
      return Promise.reject(new Error(PAGINATED_THEN_WRITE));
    }
    this.writes.set(key, null);
    return Promise.resolve();
  }

  public setEvent(name: string, payload: Uint8Array): void {
    if (name.length === 0) {
      throw new Error('fake stub: event name must not be empty');
    }
    this.eventCalls.push({ name, payload: Buffer.from(payload) });
  }

  public createCompositeKey(objectType: string, attributes: string[]): string {
    return ChaincodeStub.prototype.createCompositeKey.call(this, objectType, attributes);
  }

  public splitCompositeKey(compositeKey: string): { objectType: string | null; attributes: string[] } {
    return ChaincodeStub.prototype.splitCompositeKey.call(this, compositeKey);
  }

  public getStateByRangeWithPagination(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark = '',
  ): Promise<{ iterator: ArrayIterator<Iterators.KV>; metadata: { fetchedRecordsCount: number; bookmark: string } }> {
    for (const key of [startKey, endKey]) {
      if (key.startsWith(COMPOSITE_NS)) {
        return Promise.reject(
          new Error(`first character of the key [${key}] contains a null character which is not allowed`),
        );
      }
    }
    return this.#paginated(() => this.#page(startKey === '' ? '\u0001' : startKey, endKey, pageSize, bookmark));
  }

  public getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark = '',
  ): Promise<{ iterator: ArrayIterator<Iterators.KV>; metadata: { fetchedRecordsCount: number; bookmark: string } }> {
    const prefix = this.createCompositeKey(objectType, attributes);
    return this.#paginated(() => this.#page(prefix, prefix + MAX_RUNE, pageSize, bookmark));
  }

  /** Unpaginated scans are allowed in update transactions (the peer re-checks them for phantoms at commit). */
  public getStateByPartialCompositeKey(objectType: string, attributes: string[]): Promise<ArrayIterator<Iterators.KV>> {
    const prefix = this.createCompositeKey(objectType, attributes);
    const end = prefix + MAX_RUNE;
    const items = this.#ledger
      .sortedKeys()
      .filter((key) => key >= prefix && key < end)
      .map((key) => ({ namespace: 'medrec', key, value: this.#ledger.state.get(key) ?? Buffer.alloc(0) }));
    return Promise.resolve(new ArrayIterator(items));
  }

  /** The peer's rule: paginated queries only in read-only transactions, in either order. */
  #paginated<T>(run: () => T): Promise<T> {
    if (this.writes.size > 0) {
      return Promise.reject(new Error(WRITE_THEN_PAGINATED));
    }
    this.#paginatedQuery = true;
    return Promise.resolve(run());
  }

  public getHistoryForKey(key: string): Promise<ArrayIterator<Iterators.KeyModification>> {
    assertKey(key);
    // Fabric 2.x returns history newest first.
    const entries = [...(this.#ledger.history.get(key) ?? [])].reverse().map((entry) => ({
      txId: entry.txId,
      isDelete: entry.isDelete,
      value: entry.value,
      timestamp: timestampOf(entry.timestampMs) as unknown as Iterators.KeyModification['timestamp'],
    }));
    return Promise.resolve(new ArrayIterator(entries));
  }

  /** LevelDB pagination: the bookmark is the key to resume from, empty once the range is exhausted. */
  #page(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark: string,
  ): { iterator: ArrayIterator<Iterators.KV>; metadata: { fetchedRecordsCount: number; bookmark: string } } {
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new Error('fake stub: pageSize must be a positive integer');
    }
    const from = bookmark === '' ? startKey : bookmark;
    const keys = this.#ledger.sortedKeys().filter((key) => key >= from && key < endKey);
    const pageKeys = keys.slice(0, pageSize);
    const items = pageKeys.map((key) => ({
      namespace: 'medrec',
      key,
      value: this.#ledger.state.get(key) ?? Buffer.alloc(0),
    }));
    // As fabric-shim does: an empty page comes with no metadata message at all, whatever the types say.
    const metadata =
      items.length === 0 ? undefined : { fetchedRecordsCount: items.length, bookmark: keys[pageSize] ?? '' };
    return {
      iterator: new ArrayIterator(items),
      metadata: metadata as unknown as { fetchedRecordsCount: number; bookmark: string },
    };
  }
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new Error('fake stub: key must be a non-empty string');
  }
}
