import { Listr } from 'listr2';
import { benchAuditExport, type ExportBenchResult } from './audit-export.bench';
import fs from 'node:fs';
import path from 'node:path';
import { benchLedger, type LedgerBenchReport } from './ledger.bench';
import { PROCESS_KINDS } from './process-cpu';
import { ratioChartSvg } from './ratio-chart';

/* eslint-disable no-console -- the benchmark's report is its output */

const USAGE = 'usage: npm run bench [-- export|ledger] (default: both; the ledger part needs `npm start` first)';

/**
 * `npm run bench`:
 * - export: speed and memory of the streaming audit export at 10,000 and 100,000 events per format. Memory is the
 *   claim under test: peak heap at 100,000 events should be about the same as at 10,000 (one page held at a time).
 * - ledger: throughput and latency of the ledger path on the running network, as ratios to a no-op transaction
 *   (MEDREC_BENCH_SECONDS per case, default 20; MEDREC_BENCH_CONCURRENCY, default "8,32"; MEDREC_BENCH_ONLY, a
 *   comma-separated list of words, runs only the cases whose names contain one, beside the baselines).
 */
async function main(): Promise<void> {
  const which = process.argv[2] ?? 'all';
  if (!['all', 'export', 'ledger'].includes(which)) throw new Error(USAGE);
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

async function ledgerBench(): Promise<void> {
  const [seconds = 20] = envNumbers('MEDREC_BENCH_SECONDS', [20]);
  const concurrencies = envNumbers('MEDREC_BENCH_CONCURRENCY', [8, 32]);
  let report: LedgerBenchReport | undefined;
  await new Listr(
    [
      {
        title: `ledger path: ${concurrencies.join(' and ')} concurrent workers, ${seconds} s per case`,
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
  const { results } = report;
  // A fetch is an ordered transaction too (Access:Disclose): it compares with the no-op submit.
  const ratioOf = (r: (typeof results)[number]): number => {
    const baseline = results.find((b) => b.baseline && b.kind === r.kind && b.concurrency === r.concurrency);
    return baseline === undefined || baseline.tps === 0 ? NaN : r.tps / baseline.tps;
  };
  console.log('\noperation                                      c     TPS      R   p50 ms   p99 ms  failed');
  for (const r of results) {
    console.log(
      `${r.operation.padEnd(44)} ${String(r.concurrency).padStart(3)} ${r.tps.toFixed(1).padStart(7)} ${ratioOf(r).toFixed(2).padStart(6)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(8)} ${String(r.failed).padStart(7)}`,
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
    .map((r) => ({ operation: r.operation, concurrency: r.concurrency, ratio: ratioOf(r) }));
  fs.writeFileSync(`${stem}.svg`, ratioChartSvg(`MedRec ledger path, R = TPS / no-op TPS (${report.startedAt})`, bars));
  console.log(`results: ${stem}.json, chart: ${stem}.svg`);
}

main().catch((err: unknown) => {
  console.error(`benchmark failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
