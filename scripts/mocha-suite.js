#!/usr/bin/env node
// Runs one compiled mocha suite (unit | integration | browser | drill) with the spec reporter and records its counts for the summary.
// Pending (skipped) tests count as failures: a suite skipped by accident must fail CI.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const suite = process.argv[2];
const root = path.resolve(__dirname, '..');
const config = {
  unit: { dir: 'dist/test/unit', timeout: 20_000 },
  integration: { dir: 'dist/test/integration', timeout: 600_000 },
  // The web console in Chromium against the APIs of the network the integration suites use (same root hooks).
  browser: { dir: 'dist/test/browser', timeout: 900_000, setup: 'dist/test/integration/setup.js' },
  // The reduced fault drill: on the network the integration suites use (same root hooks), run after them.
  drill: { dir: 'dist/test/drill', timeout: 900_000, setup: 'dist/test/integration/setup.js' },
}[suite];
if (!config) {
  process.stderr.write('usage: mocha-suite.js unit|integration|browser|drill\n');
  process.exit(2);
}
require('source-map-support/register');

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  });
}

const files = findTests(path.join(root, config.dir)).sort();
const resultFile = path.join(root, 'dist', 'test-results', `${suite}.json`);
fs.mkdirSync(path.dirname(resultFile), { recursive: true });
const mocha = new Mocha({ reporter: 'spec', timeout: config.timeout, forbidOnly: true, forbidPending: true });
for (const file of files) mocha.addFile(file);
const setup = path.join(root, config.setup ?? path.join(config.dir, 'setup.js'));
if (fs.existsSync(setup)) mocha.rootHooks(require(setup).mochaHooks);

const runner = mocha.run((failures) => {
  const { passes = 0, pending = 0 } = runner.stats ?? {};
  const failed = failures + pending + (files.length === 0 ? 1 : 0);
  if (files.length === 0) process.stderr.write(`no ${suite} test files under ${config.dir}: that is a failure\n`);
  fs.writeFileSync(resultFile, JSON.stringify({ suite, passed: passes, failed }));
  process.exitCode = failed > 0 ? 1 : 0;
});
