#!/usr/bin/env node
// Turns Stryker's JSON report (reports/mutation/mutation.json, written by `npm run test:mutation`) into the Markdown
// that docs/mutation-testing.md records: the score table per file, then every surviving and uncovered mutant, one
// line each (file:line, mutator, original → replacement).
//   node scripts/mutation-summary.js [report.json] > summary.md
// Score = (killed + timeout) / (killed + timeout + survived + no coverage), as Stryker computes it; mutants that
// do not run at all (runtime and compile errors) are left out of it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const reportFile = process.argv[2] ?? path.resolve(__dirname, '..', 'reports', 'mutation', 'mutation.json');
const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
const files = Object.keys(report.files).sort();

function count(mutants) {
  const c = { total: 0, Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, errors: 0 };
  for (const m of mutants) {
    c.total += 1;
    if (m.status === 'RuntimeError' || m.status === 'CompileError') c.errors += 1;
    else if (m.status in c) c[m.status] += 1;
  }
  return c;
}

function percent(part, whole) {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(2)}%`;
}

function row(name, c) {
  const detected = c.Killed + c.Timeout;
  const score = percent(detected, detected + c.Survived + c.NoCoverage);
  const covered = percent(detected, detected + c.Survived);
  return `| ${name} | ${c.total} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.errors} | ${score} | ${covered} |`;
}

/** The source text a mutant replaced, from its 1-based line and column location. */
function original(source, { start, end }) {
  const lines = source.split('\n');
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  return [
    lines[start.line - 1].slice(start.column - 1),
    ...lines.slice(start.line, end.line - 1),
    lines[end.line - 1].slice(0, end.column - 1),
  ].join('\n');
}

const squash = (text) => text.split(/\s+/).filter(Boolean).join(' ');
const shorten = (text, n) => (text.length <= n ? text : `${text.slice(0, n - 1)}…`);

/** Both sides of a long mutant cut to the part that differs, with a little context. */
function pair(a, b, n = 70, context = 20) {
  if (a.length <= n && b.length <= n) return [a, b];
  let p = 0;
  while (p < Math.min(a.length, b.length) && a[p] === b[p]) p += 1;
  let q = 0;
  while (q < Math.min(a.length, b.length) - p && a[a.length - 1 - q] === b[b.length - 1 - q]) q += 1;
  if (p + q === 0) return [shorten(a, n), shorten(b, n)];
  const start = Math.max(0, p - context);
  const pre = start > 0 ? '…' : '';
  if (a.length - p - q > n || b.length - p - q > n) {
    return [shorten(pre + a.slice(start), n), shorten(pre + b.slice(start), n)];
  }
  const cut = (t) => {
    const stop = Math.min(t.length, t.length - q + context);
    return pre + t.slice(start, stop) + (stop < t.length ? '…' : '');
  };
  return [cut(a), cut(b)];
}

const out = [];
out.push('| File | Mutants | Killed | Timeout | Survived | No coverage | Errors | Score | Score (covered) |');
out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const all = [];
for (const file of files) {
  const mutants = report.files[file].mutants;
  all.push(...mutants);
  out.push(row(`\`${file}\``, count(mutants)));
}
out.push(row('**All files**', count(all)));

for (const file of files) {
  const { source, mutants } = report.files[file];
  const left = mutants
    .filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
    .sort((x, y) => x.location.start.line - y.location.start.line || x.location.start.column - y.location.start.column);
  if (left.length === 0) continue;
  out.push('', `### \`${file}\` (${left.length})`, '');
  for (const m of left) {
    const [from, to] = pair(squash(original(source, m.location)), squash(m.replacement ?? '')).map((t) =>
      t.replaceAll('`', "'"),
    );
    const tag = m.status === 'NoCoverage' ? ' _(no coverage)_' : '';
    out.push(`- \`${file}:${m.location.start.line}\` ${m.mutatorName}${tag}: \`${from}\` → \`${to}\``);
  }
}
process.stdout.write(`${out.join('\n')}\n`);
