import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from './command';
import {
  FABRIC_CA_MODULE,
  FABRIC_CA_MODULE_VERSION,
  FABRIC_CA_TOOLS,
  FABRIC_MODULE,
  FABRIC_MODULE_VERSION,
  FABRIC_TOOLS,
  type FabricTool,
} from './fabric-version';
import { binaryCacheRoot, FABRIC_PATCHES_DIR } from './paths';

export interface FabricBinaries {
  readonly binDir: string;
  /** Fabric's sampleconfig/ from the module cache, used as FABRIC_CFG_PATH with every setting overridden by env. */
  readonly sampleConfigDir: string;
  path(tool: FabricTool): string;
}

interface ModuleBuild {
  readonly module: string;
  readonly version: string;
  readonly tools: readonly string[];
  readonly cgo: boolean;
  /** Fixes applied to the module's source before it is built (files in network/fabric-patches, in order). */
  readonly patches: readonly string[];
}

/**
 * The pinned Fabric commit predates the fix of fabric issue #4199: a Raft orderer deadlocks on restart while it
 * re-applies configuration changes (its chain waits for the node goroutine to sync the WAL while that goroutine
 * waits for the chain). Whole-network restarts here hung for exactly that reason, so the fix is applied: the WAL is
 * synced by the goroutine that owns it, before it hands the entries over.
 */
const BUILDS: readonly ModuleBuild[] = [
  {
    module: FABRIC_MODULE,
    version: FABRIC_MODULE_VERSION,
    tools: FABRIC_TOOLS,
    cgo: false,
    patches: ['0001-raft-sync-wal-in-node-goroutine.patch'],
  },
  // fabric-ca-server stores its registry in SQLite through cgo.
  { module: FABRIC_CA_MODULE, version: FABRIC_CA_MODULE_VERSION, tools: FABRIC_CA_TOOLS, cgo: true, patches: [] },
];

/** The pinned versions and the content of every patch: a changed patch builds new binaries. */
function cacheDir(): string {
  const patches = createHash('sha256');
  for (const build of BUILDS) {
    for (const patch of build.patches) patches.update(fs.readFileSync(path.join(FABRIC_PATCHES_DIR, patch)));
  }
  const key = `fabric-${FABRIC_MODULE_VERSION}_ca-${FABRIC_CA_MODULE_VERSION}_p-${patches.digest('hex').slice(0, 12)}`;
  return path.join(binaryCacheRoot(), key);
}

/** Copies the module's source out of the read-only module cache and applies the build's patches to the copy. */
async function patchedSource(
  build: ModuleBuild,
  work: string,
  goEnv: NodeJS.ProcessEnv,
  onProgress: (message: string) => void,
): Promise<string> {
  const downloaded = JSON.parse(
    await runCommand('go', ['mod', 'download', '-json', `${build.module}@${build.version}`], {
      step: `download ${build.module}@${build.version} to patch it`,
      env: goEnv,
    }),
  ) as { Dir?: unknown };
  if (typeof downloaded.Dir !== 'string') throw new Error(`go mod download named no directory for ${build.module}`);
  const source = path.join(work, 'src');
  fs.rmSync(source, { recursive: true, force: true });
  fs.cpSync(downloaded.Dir, source, { recursive: true });
  makeWritable(source);
  for (const patch of build.patches) {
    onProgress(`applying ${patch}`);
    await runCommand(
      'patch',
      ['-p1', '--batch', '--forward', '-d', source, '-i', path.join(FABRIC_PATCHES_DIR, patch)],
      { step: `apply network/fabric-patches/${patch} to ${build.module}@${build.version}` },
    );
  }
  return source;
}

/** Module cache files are read-only; the patched copy must not be. */
function makeWritable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else if (entry.isFile()) fs.chmodSync(full, 0o644);
  }
}

function sampleConfigDir(goModCache: string): string {
  return path.join(goModCache, `${FABRIC_MODULE}@${FABRIC_MODULE_VERSION}`, 'sampleconfig');
}

function describe(binDir: string, configDir: string): FabricBinaries {
  return { binDir, sampleConfigDir: configDir, path: (tool) => path.join(binDir, tool) };
}

/** Returns the cached binaries if every one is present for the pinned versions, else undefined. */
export function cachedFabricBinaries(): FabricBinaries | undefined {
  const dir = cacheDir();
  const stampFile = path.join(dir, 'stamp.json');
  if (!fs.existsSync(stampFile)) return undefined;
  const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { sampleConfigDir?: unknown };
  const binDir = path.join(dir, 'bin');
  const allThere = [...FABRIC_TOOLS, ...FABRIC_CA_TOOLS].every((tool) => fs.existsSync(path.join(binDir, tool)));
  if (!allThere || typeof stamp.sampleConfigDir !== 'string' || !fs.existsSync(stamp.sampleConfigDir)) {
    return undefined;
  }
  return describe(binDir, stamp.sampleConfigDir);
}

/**
 * Builds Fabric's and Fabric CA's binaries from their Go modules unless the cache already holds them.
 * Each module is built in its own throwaway main module so that each uses exactly its own go.mod's dependency set
 * (`go install pkg@version` cannot be used: it reads the module's version list, which the proxy here refuses).
 */
export async function ensureFabricBinaries(onProgress: (message: string) => void): Promise<FabricBinaries> {
  const cached = cachedFabricBinaries();
  if (cached) {
    onProgress(`using cached binaries in ${cached.binDir}`);
    return cached;
  }
  const dir = cacheDir();
  const binDir = path.join(dir, 'bin');
  fs.mkdirSync(binDir, { recursive: true });
  const goEnv = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  const goModCache = (
    await runCommand('go', ['env', 'GOMODCACHE'], { step: 'locate the Go module cache (is Go installed?)', env: goEnv })
  ).trim();

  for (const build of BUILDS) {
    const work = path.join(dir, 'work', path.basename(build.module));
    fs.mkdirSync(work, { recursive: true });
    const replace =
      build.patches.length === 0
        ? ''
        : `\nreplace ${build.module} => ${await patchedSource(build, work, goEnv, onProgress)}\n`;
    fs.writeFileSync(
      path.join(work, 'go.mod'),
      `module medrec.local/build\n\ngo 1.26\n\nrequire ${build.module} ${build.version}\n${replace}`,
    );
    const imports = build.tools.map((tool) => `\t_ "${build.module}/cmd/${tool}"\n`).join('');
    fs.writeFileSync(path.join(work, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport (\n${imports})\n`);
    onProgress(`resolving ${build.module}@${build.version} through the Go module proxy`);
    await runCommand('go', ['mod', 'tidy'], {
      step: `resolve ${build.module}@${build.version} (if the checksum database is unreachable, set GONOSUMDB=github.com/hyperledger)`,
      cwd: work,
      env: goEnv,
    });
    let compiled = 0;
    const packages = build.tools.map((tool) => `${build.module}/cmd/${tool}`);
    await runCommand('go', ['build', '-v', '-trimpath', '-o', binDir + path.sep, ...packages], {
      step: `build ${build.tools.join(', ')} from ${build.module}@${build.version}`,
      cwd: work,
      env: { ...goEnv, CGO_ENABLED: build.cgo ? '1' : '0' },
      onLine: () => {
        compiled += 1;
        if (compiled % 25 === 0) onProgress(`building ${path.basename(build.module)}: ${compiled} packages compiled`);
      },
    });
    onProgress(`built ${build.tools.join(', ')}`);
  }
  const configDir = sampleConfigDir(goModCache);
  fs.writeFileSync(
    path.join(dir, 'stamp.json'),
    JSON.stringify({ fabric: FABRIC_MODULE_VERSION, fabricCa: FABRIC_CA_MODULE_VERSION, sampleConfigDir: configDir }),
  );
  return describe(binDir, configDir);
}
