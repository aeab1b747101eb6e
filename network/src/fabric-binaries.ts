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
import { binaryCacheRoot } from './paths';

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
}

const BUILDS: readonly ModuleBuild[] = [
  { module: FABRIC_MODULE, version: FABRIC_MODULE_VERSION, tools: FABRIC_TOOLS, cgo: false },
  // fabric-ca-server stores its registry in SQLite through cgo.
  { module: FABRIC_CA_MODULE, version: FABRIC_CA_MODULE_VERSION, tools: FABRIC_CA_TOOLS, cgo: true },
];

function cacheDir(): string {
  const key = `fabric-${FABRIC_MODULE_VERSION}_ca-${FABRIC_CA_MODULE_VERSION}`;
  return path.join(binaryCacheRoot(), key);
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
    fs.writeFileSync(
      path.join(work, 'go.mod'),
      `module medrec.local/build\n\ngo 1.26\n\nrequire ${build.module} ${build.version}\n`,
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
