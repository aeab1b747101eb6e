import { Listr } from 'listr2';
import { benchAuditExport, type ExportBenchResult } from './audit-export.bench';

/* eslint-disable no-console -- the benchmark's report is its output */

/**
 * `npm run bench`: speed and memory of the streaming audit export at 10,000 and 100,000 events per format. Memory is
 * the claim under test: peak heap at 100,000 events should be about the same as at 10,000 (one page held at a time).
 */
async function main(): Promise<void> {
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

main().catch((err: unknown) => {
  console.error(`benchmark failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
