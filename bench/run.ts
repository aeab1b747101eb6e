import { Listr } from 'listr2';
import { benchAuditExport, type ExportBenchResult } from './audit-export.bench';
import fs from 'node:fs';
import path from 'node:path';
import { checkOrderingParameters, createConsortium } from '@medrec/network';
import { benchLedger, type LedgerBenchReport } from './ledger.bench';
import { PROCESS_KINDS } from './process-cpu';
import { ratioChartSvg } from './ratio-chart';

/* eslint-disable no-console -- the benchmark's report is its output */

const USAGE =
  'usage: npm run bench [-- export|ledger|ordering] (default: export and ledger; ledger and ordering need `npm start` first)';

/**
 * `npm run bench`:
 * - export: speed and memory of the streaming audit export at 10,000 and 100,000 events per format. Memory is the
 *   claim under test: peak heap at 100,000 events should be about the same as at 10,000 (one page held at a time).
 * - ledger: throughput and latency of the ledger path on the running network, as ratios to a no-op transaction
 *   (MEDREC_BENCH_SECONDS per case, default 20; MEDREC_BENCH_CONCURRENCY, default "8,32"; MEDREC_BENCH_ONLY, a
 *   comma-separated list of words, runs only the cases whose names contain one, beside the baselines).
 * - ordering: the ledger cases once per batch timeout (MEDREC_BENCH_BATCH_TIMEOUTS, default "100ms,250ms,500ms,1s"),
 *   each set by a channel configuration update; the channel's own parameters are restored afterwards. These are the
 *   curves docs/benchmarks.md chooses the default from.
 */
async function main(): Promise<void> {
  const which = process.argv[2] ?? 'all';
  if (!['all', 'export', 'ledger', 'ordering'].includes(which)) throw new Error(USAGE);
  if (which === 'ordering') {
    await orderingBench();
    return;
  }
  if (which !== 'ledger') await exportBench();
  if (which !== 'export') await ledgerBench();
}

async function exportBench(): Promise<void> {
  const results: ExportBenchResult[] = [];
  const cases = (['json', 'csv', 'fhir'] as const).flatMap((format) =>
    [10_000, 100_000].map((events) => ({ format, events })),
  );
  await new Listr(
    cases.map(({ format, events }) => ({
      title: `audit export, ${format}, ${events.toLocaleString('en')} events`,
      task: async (_ctx: unknown, task: { output: string }) => {
        results.push(
          await benchAuditExport(format, events, (n) => {
            if (n % 5000 === 0) task.output = `${n.toLocaleString('en')} exported`;
          }),
        );
      },
    })),
    { renderer: 'default', fallbackRenderer: 'simple', exitOnError: true },
  ).run();
  console.log('\nformat  events    seconds  events/s  MiB out  peak heap MiB');
  for (const r of results) {
    console.log(
      `${r.format.padEnd(7)} ${String(r.events).padStart(7)}  ${r.seconds.toFixed(2).padStart(7)}  ${String(r.eventsPerSecond).padStart(8)}  ${(r.bytes / 2 ** 20).toFixed(1).padStart(7)}  ${String(r.peakHeapMiB).padStart(13)}`,
    );
  }
}

/** A positive whole number from the environment, or the default; anything else is an error that says what to set. */
function envNumbers(name: string, fallback: readonly number[]): number[] {
  const text = process.env[name];
  if (text === undefined || text === '') return [...fallback];
  const values = text.split(',').map((v) => v.trim());
  if (!values.every((v) => /^[1-9]\d{0,3}$/.test(v))) {
    throw new Error(`${name} must be whole numbers from 1 to 9999 separated by commas, not "${text}"`);
  }
  return values.map(Number);
}

/** Runs the ledger cases once (closed loop at each concurrency), with a progress display. */
async function measureLedger(title: string): Promise<LedgerBenchReport> {
  const [seconds = 20] = envNumbers('MEDREC_BENCH_SECONDS', [20]);
  const concurrencies = envNumbers('MEDREC_BENCH_CONCURRENCY', [8, 32]);
  let report: LedgerBenchReport | undefined;
  await new Listr(
    [
      {
        title: `${title}: ${concurrencies.join(' and ')} concurrent workers, ${seconds} s per case`,
        task: async (_ctx: unknown, task: { output: string }) => {
          report = await benchLedger({
            concurrencies,
            secondsPerCase: seconds,
            only: (process.env.MEDREC_BENCH_ONLY ?? '')
              .split(',')
              .map((word) => word.trim())
              .filter((word) => word !== ''),
            onProgress: (message) => (task.output = message),
          });
        },
      },
    ],
    { renderer: 'default', fallbackRenderer: 'simple', exitOnError: true },
  ).run();
  if (report === undefined) throw new Error('the ledger benchmark produced no report');
  return report;
}

/** R: the operation's TPS over its baseline's at the same concurrency in the same run. */
function ratioOf(results: LedgerBenchReport['results'], r: LedgerBenchReport['results'][number]): number {
  // A fetch is an ordered transaction too (Access:Disclose): it compares with the no-op submit.
  const baseline = results.find((b) => b.baseline && b.kind === r.kind && b.concurrency === r.concurrency);
  return baseline === undefined || baseline.tps === 0 ? NaN : r.tps / baseline.tps;
}

async function ledgerBench(): Promise<void> {
  const report = await measureLedger('ledger path');
  const { results } = report;
  console.log('\noperation                                      c     TPS      R   p50 ms   p99 ms  failed');
  for (const r of results) {
    console.log(
      `${r.operation.padEnd(44)} ${String(r.concurrency).padStart(3)} ${r.tps.toFixed(1).padStart(7)} ${ratioOf(results, r).toFixed(2).padStart(6)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(8)} ${String(r.failed).padStart(7)}`,
    );
    if (r.firstFailure !== undefined) console.log(`    first failure: ${r.firstFailure}`);
  }
  console.log(`\nCPU ms per operation, by process kind (all processes of that kind together)`);
  console.log(`${'operation'.padEnd(44)}   c ${PROCESS_KINDS.map((k) => k.padStart(11)).join('')}`);
  for (const r of results) {
    const cells = PROCESS_KINDS.map((k) => r.cpuMsPerOperation[k].toFixed(1).padStart(11)).join('');
    console.log(`${r.operation.padEnd(44)} ${String(r.concurrency).padStart(3)}${cells}`);
  }
  console.log(`\nchannel height ${String(report.heightBefore)} -> ${String(report.heightAfter)} blocks`);
  const outDir = process.env.MEDREC_BENCH_OUT ?? path.join(report.medrecHome, 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  const stem = path.join(outDir, `ledger-${report.startedAt.replace(/[:.]/g, '-')}`);
  fs.writeFileSync(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
  const bars = results
    .filter((r) => !r.baseline)
    .map((r) => ({ operation: r.operation, concurrency: r.concurrency, ratio: ratioOf(results, r) }));
  fs.writeFileSync(`${stem}.svg`, ratioChartSvg(`MedRec ledger path, R = TPS / no-op TPS (${report.startedAt})`, bars));
  console.log(`results: ${stem}.json, chart: ${stem}.svg`);
}

async function orderingBench(): Promise<void> {
  const timeouts = (process.env.MEDREC_BENCH_BATCH_TIMEOUTS ?? '100ms,250ms,500ms,1s')
    .split(',')
    .map((text) => text.trim());
  for (const batchTimeout of timeouts) checkOrderingParameters({ batchTimeout });
  const consortium = createConsortium({ renderer: 'silent' });
  const original = await consortium.orderingParameters();
  const runs: { batchTimeout: string; report: LedgerBenchReport }[] = [];
  try {
    for (const batchTimeout of timeouts) {
      console.log(`batch timeout ${batchTimeout}: channel configuration update`);
      await consortium.setOrderingParameters({ batchTimeout });
      runs.push({ batchTimeout, report: await measureLedger(`batch timeout ${batchTimeout}`) });
    }
  } finally {
    console.log(
      `restoring batch timeout ${original.batchTimeout}, ${String(original.maxMessageCount)} messages per block`,
    );
    await consortium.setOrderingParameters(original);
  }
  console.log('\nbatch    operation                                      c     TPS      R   p50 ms   p99 ms  failed');
  for (const { batchTimeout, report } of runs) {
    for (const r of report.results) {
      console.log(
        `${batchTimeout.padEnd(8)} ${r.operation.padEnd(44)} ${String(r.concurrency).padStart(3)} ${r.tps.toFixed(1).padStart(7)} ${ratioOf(report.results, r).toFixed(2).padStart(6)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(8)} ${String(r.failed).padStart(7)}`,
      );
    }
  }
  const first = runs[0];
  if (first === undefined) return;
  const outDir = process.env.MEDREC_BENCH_OUT ?? path.join(first.report.medrecHome, 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `ordering-${first.report.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ original, runs }, null, 2)}\n`);
  console.log(`results: ${file}`);
}

main().catch((err: unknown) => {
  console.error(`benchmark failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
