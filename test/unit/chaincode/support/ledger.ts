import { createHash } from 'node:crypto';

/** One committed modification of a key, as getHistoryForKey reports it. */
export interface HistoryEntry {
  txId: string;
  timestampMs: number;
  isDelete: boolean;
  value: Buffer;
}

export interface CommittedEvent {
  txId: string;
  name: string;
  payload: Buffer;
}

/**
 * The committed world state of one channel, in memory. Only FakeStub transactions that resolve get committed
 * here; nothing a transaction writes is visible until then (Fabric's semantics).
 */
export class Ledger {
  public readonly state = new Map<string, Buffer>();
  public readonly history = new Map<string, HistoryEntry[]>();
  public readonly events: CommittedEvent[] = [];
  public txCount = 0;
  /** Transaction time of the next transaction, in ms; each transaction advances it by one second by default. */
  public clockMs = Date.parse('2030-01-01T00:00:00.000Z');

  public nextTxId(): string {
    this.txCount += 1;
    return createHash('sha256').update(`tx-${this.txCount}`).digest('hex');
  }

  public commit(txId: string, timestampMs: number, writes: Map<string, Buffer | null>, event?: CommittedEvent): void {
    for (const [key, value] of writes) {
      if (value === null) {
        this.state.delete(key);
      } else {
        this.state.set(key, value);
      }
      const entries = this.history.get(key) ?? [];
      entries.push({ txId, timestampMs, isDelete: value === null, value: value ?? Buffer.alloc(0) });
      this.history.set(key, entries);
    }
    if (event !== undefined) {
      this.events.push(event);
    }
  }

  /** Keys in byte order, as LevelDB iterates them (ids are ASCII, so UTF-16 order is the same). */
  public sortedKeys(): string[] {
    return [...this.state.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  public snapshot(): string {
    return JSON.stringify(this.sortedKeys().map((key) => [key, this.state.get(key)?.toString('base64')]));
  }

  public clone(): Ledger {
    const copy = new Ledger();
    for (const [key, value] of this.state) {
      copy.state.set(key, value);
    }
    for (const [key, entries] of this.history) {
      copy.history.set(key, [...entries]);
    }
    copy.events.push(...this.events);
    copy.txCount = this.txCount;
    copy.clockMs = this.clockMs;
    return copy;
  }
}
