import fs from 'node:fs';
import path from 'node:path';
import { Listr } from 'listr2';
import { createConsortium } from '@medrec/network';
import { runDrill, type DrillReport } from './fault-drill';
import { fullDrill, reducedDrill } from './faults';

/* eslint-disable no-console -- the drill's report is its output */

const USAGE =
  'usage: npm run drill [-- full|reduced] (default: full; needs the running network from `npm start`); ' +
  'MEDREC_DRILL_ONLY=word,word runs only the faults whose names contain one';

/**
 * `npm run drill`: the fault drill on the running network (see fault-drill.ts). Prints one line per fault, writes
 * the report as JSON under $MEDREC_HOME/drill/, and exits non-zero when any fault broke a rule.
 */
async function main(): Promise<void> {
  const which = process.argv[2] ?? 'full';
  if (which !== 'full' && which !== 'reduced') throw new Error(USAGE);
  const consortium = createConsortium({ renderer: 'silent' });
  let report: DrillReport | undefined;
  await new Listr(
    [
      {
        title: `fault drill (${which})`,
        task: async (_ctx: unknown, task: { output: string }) => {
          // MEDREC_DRILL_ONLY=leader,majority keeps the faults whose names contain one of the words.
          const only = (process.env.MEDREC_DRILL_ONLY ?? '').split(',').filter((w) => w !== '');
          const faults = (which === 'full' ? fullDrill() : reducedDrill()).filter(
            (f) => only.length === 0 || only.some((word) => f.name.includes(word)),
          );
          report = await runDrill({
            consortium,
            faults,
            workers: 4,
            pauseMs: 250,
            faultSeconds: 5,
            onProgress: (message) => (task.output = message),
          });
        },
      },
    ],
    { renderer: 'default', fallbackRenderer: 'simple', exitOnError: true },
  ).run();
  if (report === undefined) throw new Error('the drill produced no report');
  console.log(
    `\n${'fault'.padEnd(56)} ${'next commit'.padStart(12)} ${'after heal'.padStart(11)}  lost  agree  errors`,
  );
  for (const f of report.faults) {
    const ms = (v: number | null): string => (v === null ? '-' : `${(v / 1000).toFixed(1)} s`);
    const errors = Object.entries(f.errors)
      .map(([k, n]) => `${k}:${String(n)}`)
      .join(' ');
    console.log(
      `${f.fault.padEnd(56)} ${ms(f.msToNextCommit).padStart(12)} ${ms(f.msFromHealToCommit).padStart(11)} ${String(f.lost.length).padStart(5)}  ${(f.peersAgree ? 'yes' : 'NO').padStart(5)}  ${errors}`,
    );
    for (const problem of f.problems) console.log(`    ✖ ${problem}`);
  }
  const dir = path.join(consortium.layout.home, 'drill');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `drill-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${report.passed ? 'every fault passed' : 'SOME FAULTS FAILED'}; report: ${file}`);
  if (!report.passed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`drill failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
