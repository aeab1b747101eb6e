/** An in-memory ledger of audit events laid out in synthetic blocks, with the qscc and audit queries over it. */
import type { AuditEvent, AuditQuery, Page } from '../../../../sdk/src/chaincode-types';
import type { AuditQueries } from '../../../../sdk/src/audit-export/audit-event-source';
import type { Qscc } from '../../../../sdk/src/audit-export/qscc';
import { auditWrites, buildBlock, buildProcessedTransaction, type SyntheticTransaction } from './block-builder';

export const CHANNEL = 'medrec';

export interface FakeLedger extends AuditQueries {
  readonly events: readonly AuditEvent[];
  readonly blocks: ReadonlyMap<number, Uint8Array>;
  readonly qscc: Qscc;
  readonly calls: string[];
}

function txId(n: number): string {
  return n.toString(16).padStart(64, '0');
}

/** `count` events, `perBlock` transactions per block starting at block 5; every third event is another actor's. */
export function makeEvents(count: number): AuditEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const id = txId(i + 1);
    const base = {
      eventId: id,
      txId: id,
      time: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
      type:
        i % 4 === 3
          ? ('DisclosureConfirmed' as const)
          : i % 4 === 1
            ? ('AccessDecided' as const)
            : ('RecordRegistered' as const),
      actor:
        i % 3 === 2
          ? { participantId: 'clin-b', mspId: 'Hospital2MSP', role: 'clinician' as const }
          : { participantId: 'clin-a', mspId: 'Hospital1MSP', role: 'clinician' as const },
      patientId: i % 5 === 4 ? 'pat-2' : 'pat-1',
      subject: { kind: i % 4 === 3 ? ('ticket' as const) : ('record' as const), id: `rec-${i}` },
    };
    return i % 4 === 1 ? { ...base, outcome: 'permit' as const, reason: 'consent' } : base;
  });
}

export function createFakeLedger(events: readonly AuditEvent[], perBlock = 3): FakeLedger {
  const blocks = new Map<number, Uint8Array>();
  const txs = new Map<string, SyntheticTransaction>();
  const blockOf = new Map<string, number>();
  for (let start = 0, n = 5; start < events.length; start += perBlock, n += 1) {
    const slice = events
      .slice(start, start + perBlock)
      .map((event) => ({ txId: event.txId, writes: auditWrites(event) }));
    // An unrelated, invalid transaction in each block, as real blocks have.
    const noise: SyntheticTransaction = {
      txId: `noise-${n}`,
      writes: [{ namespace: 'medrec', key: 'other', value: '{}' }],
      validationCode: 11,
    };
    for (const tx of slice) {
      txs.set(tx.txId, tx);
      blockOf.set(tx.txId, n);
    }
    blocks.set(n, buildBlock(n, [...slice, noise], CHANNEL));
  }
  const calls: string[] = [];
  const page = (selected: readonly AuditEvent[], query: AuditQuery): Page<AuditEvent> => {
    const inWindow = selected.filter(
      (e) => (query.from === undefined || e.time >= query.from) && (query.to === undefined || e.time < query.to),
    );
    const start = query.bookmark ? Number(query.bookmark) : 0;
    const size = query.pageSize ?? 50;
    const items = inWindow.slice(start, start + size);
    return { items, bookmark: start + size < inWindow.length ? String(start + size) : '' };
  };
  const qscc: Qscc = {
    channel: CHANNEL,
    getHeight: () => Promise.resolve(Math.max(-1, ...blocks.keys()) + 1),
    getBlockByNumber: (n) => {
      calls.push(`GetBlockByNumber ${n}`);
      const bytes = blocks.get(n);
      return bytes ? Promise.resolve(bytes) : Promise.reject(new Error(`no block ${n}`));
    },
    getBlockByTxId: (id) => {
      calls.push(`GetBlockByTxID ${id}`);
      const n = blockOf.get(id);
      const bytes = n === undefined ? undefined : blocks.get(n);
      return bytes ? Promise.resolve(bytes) : Promise.reject(new Error(`no tx ${id}`));
    },
    getTransactionById: (id) => {
      calls.push(`GetTransactionByID ${id}`);
      const tx = txs.get(id);
      return tx ? Promise.resolve(buildProcessedTransaction(CHANNEL, tx)) : Promise.reject(new Error(`no tx ${id}`));
    },
  };
  return {
    events,
    blocks,
    qscc,
    calls,
    auditByPatient: (q) =>
      Promise.resolve(
        page(
          events.filter((e) => e.patientId === q.patientId),
          q,
        ),
      ),
    auditByActor: (q) =>
      Promise.resolve(
        page(
          events.filter((e) => e.actor.participantId === q.actorId),
          q,
        ),
      ),
  };
}
