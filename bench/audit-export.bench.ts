import crypto from 'node:crypto';
import {
  createPrivateKeyManifestSigner,
  writeAuditExport,
  type AuditEventSource,
  type ExportFormat,
  type AuditEvent,
} from '@medrec/sdk';

export interface ExportBenchResult {
  readonly format: ExportFormat;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly bytes: number;
  /** Largest heap in use sampled during the run, MiB: it should not grow with the number of events. */
  readonly peakHeapMiB: number;
}

const PAGE = 200;
const T0 = Date.parse('2026-01-01T00:00:00Z');

function event(i: number, patientId: string): AuditEvent {
  const txId = crypto.createHash('sha256').update(String(i)).digest('hex');
  return {
    eventId: txId,
    txId,
    time: new Date(T0 + i * 1000).toISOString(),
    type: i % 3 === 0 ? 'AccessDecided' : i % 3 === 1 ? 'DisclosureConfirmed' : 'RecordRegistered',
    actor: { participantId: `doc-${i % 50}`, mspId: 'Hospital1MSP', role: 'clinician' },
    patientId,
    subject: { kind: 'record', id: `rec-${i}` },
    ...(i % 3 === 0 ? { outcome: 'permit' as const, reason: 'consent' } : {}),
  };
}

/** A ledger stand-in that produces `total` events lazily, one page at a time, like the Audit queries do. */
function syntheticSource(total: number): AuditEventSource {
  return {
    async *pages(filters) {
      const patientId = filters.patientId ?? 'pat-bench';
      for (let start = 0; start < total; start += PAGE) {
        const page: AuditEvent[] = [];
        for (let i = start; i < Math.min(total, start + PAGE); i++) page.push(event(i, patientId));
        yield await Promise.resolve(page);
      }
    },
  };
}

/** Exports `events` synthetic events in `format` to a sink that only counts bytes, sampling heap use. */
export async function benchAuditExport(
  format: ExportFormat,
  events: number,
  onProgress: (exported: number) => void,
): Promise<ExportBenchResult> {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let bytes = 0;
  let peakHeap = 0;
  const sample = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 20);
  const started = process.hrtime.bigint();
  try {
    await writeAuditExport({
      source: syntheticSource(events),
      proofs: {
        proofOf: (txId) =>
          Promise.resolve({ channel: 'medrec', blockNumber: 1000, transactionId: txId, validationCode: 'VALID' }),
      },
      ledgerHeight: () => Promise.resolve(1001),
      filters: { patientId: 'pat-bench' },
      format,
      sink: {
        write: (text) => {
          bytes += Buffer.byteLength(text);
          return Promise.resolve();
        },
      },
      signer: createPrivateKeyManifestSigner(privateKey, 'benchmark signer (no certificate)'),
      generatedBy: { participantId: 'compliance-bench', mspId: 'Hospital1MSP' },
      channel: 'medrec',
      onProgress,
    });
  } finally {
    clearInterval(sample);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    format,
    events,
    seconds,
    eventsPerSecond: Math.round(events / seconds),
    bytes,
    peakHeapMiB: Math.round((Math.max(peakHeap, process.memoryUsage().heapUsed) / 2 ** 20) * 10) / 10,
  };
}
