#!/usr/bin/env node
// Entry point for `npx medrec` and `npm start`. Plain JavaScript with no dependencies so that it can install and build
// the project on a fresh clone before loading the compiled CLI.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (args) => execFileSync(npm, args, { cwd: root, stdio: 'inherit' });
const argv = process.argv.slice(2);
// Commands that (re)start things build first, so they always run the current code; the rest use the last build.
const building = argv[0] === 'start' || (argv[0] === 'network' && ['up', 'upgrade-chaincode'].includes(argv[1] ?? ''));

try {
  if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
    process.stderr.write('medrec: installing dependencies (npm ci)...\n');
    run(['ci', '--no-audit', '--no-fund']);
  }
  if (building || !fs.existsSync(path.join(root, 'dist', 'network', 'src', 'cli.js'))) {
    process.stderr.write('medrec: compiling TypeScript...\n');
    run(['run', '--silent', 'build']);
  }
} catch {
  process.stderr.write(
    'medrec: installing or building failed (see the output above); fix it and run the command again\n',
  );
  process.exit(1);
}
// fabric-common (loaded through fabric-ca-client) parses process.argv with nconf/yargs when it loads and would print
// its own help for --help: hide our arguments from it and hand them to the CLI directly.
const cliArgv = [...process.argv];
process.argv = process.argv.slice(0, 2);
require(path.join(root, 'dist', 'network', 'src', 'cli.js'))
  .main(cliArgv)
  .catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
