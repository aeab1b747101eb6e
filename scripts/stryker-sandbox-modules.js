#!/usr/bin/env node
// Gives a Stryker sandbox (.stryker-tmp/sandbox-*) a node_modules of its own in which the project's workspace packages
// (@medrec/*) are the sandbox's copies: every other entry links to the checkout's node_modules. Without it, a mutated
// package imported by name resolves through the checkout's workspace links to the checkout's unmutated dist/, and the
// tests check errors against a second copy of each class (instanceof fails). Stryker's build command: it then
// compiles the sandbox (one command, since Stryker runs it without a shell).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const sandbox = process.cwd();
const original = path.resolve(sandbox, '..', '..', 'node_modules');
const own = path.join(sandbox, 'node_modules');
if (!fs.existsSync(path.join(original, '@medrec'))) {
  process.stderr.write(`no workspace packages under ${original}; run npm ci in the checkout first\n`);
  process.exit(1);
}
// Stryker may have linked the whole directory: replace that link with a directory of links.
if (fs.existsSync(own) && fs.lstatSync(own).isSymbolicLink()) fs.unlinkSync(own);
fs.mkdirSync(path.join(own, '@medrec'), { recursive: true });
for (const entry of fs.readdirSync(original)) {
  if (entry === '@medrec' || fs.existsSync(path.join(own, entry))) continue;
  fs.symlinkSync(path.join(original, entry), path.join(own, entry));
}
const { workspaces } = JSON.parse(fs.readFileSync(path.join(sandbox, 'package.json'), 'utf8'));
for (const dir of workspaces) {
  const { name } = JSON.parse(fs.readFileSync(path.join(sandbox, dir, 'package.json'), 'utf8'));
  const link = path.join(own, ...name.split('/'));
  if (!fs.existsSync(link)) fs.symlinkSync(path.join(sandbox, dir), link);
}

const tsc = spawnSync(path.join(own, '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: sandbox, stdio: 'inherit' });
process.exit(tsc.status ?? 1);
