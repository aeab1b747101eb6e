import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Each workspace and the workspaces it may depend on: the layers, from the contract up to the tooling. */
const LAYERS: Readonly<Record<string, readonly string[]>> = {
  contract: [],
  chaincode: ['contract'],
  sdk: ['contract'],
  gatekeeper: ['contract', 'sdk'],
  api: ['contract', 'sdk', 'gatekeeper'],
  network: ['contract', 'sdk', 'gatekeeper', 'api'],
  // The web console is a browser application: the contract's types and pure functions, nothing of the server side.
  console: ['contract'],
};

interface Manifest {
  readonly name: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

function manifest(dir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') || entry.name.endsWith('.tsx') ? [full] : [];
  });
}

/** Every module specifier a file imports, re-exports or requires. */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from\s+|import\s+|import\(|require\()'([^']+)'/g)].map((m) => m[1] ?? '');
  return found.filter((s) => s !== '');
}

/** 'pkg/sub' -> 'pkg', '@scope/pkg/sub' -> '@scope/pkg'. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const BUILTINS = new Set(builtinModules);
const nameOf = (dir: string): string => manifest(dir).name;

describe('workspaces and their boundaries', () => {
  it('declares the workspaces in the root package.json', () => {
    const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces?: string[] };
    expect(root.workspaces).to.have.members(Object.keys(LAYERS));
  });

  for (const dir of Object.keys(LAYERS)) {
    it(`${dir}: imports only what its package.json declares, and other workspaces only by name, downwards`, () => {
      const declared = new Set(Object.keys(manifest(dir).dependencies ?? {}));
      const workspaceNames = new Map(Object.keys(LAYERS).map((d) => [nameOf(d), d]));
      const allowed = new Set((LAYERS[dir] ?? []).map(nameOf));
      const packageRoot = path.join(ROOT, dir);
      for (const file of sourceFiles(path.join(packageRoot, 'src'))) {
        const where = path.relative(ROOT, file);
        for (const specifier of specifiers(file)) {
          if (specifier.startsWith('.')) {
            const target = path.resolve(path.dirname(file), specifier);
            expect(target.startsWith(packageRoot + path.sep), `${where}: ${specifier} leaves ${dir}/`).to.equal(true);
            continue;
          }
          if (specifier.startsWith('node:') || BUILTINS.has(specifier)) continue;
          const pkg = packageOf(specifier);
          if (workspaceNames.has(pkg)) {
            expect(allowed.has(pkg), `${where}: ${dir} may not depend on ${pkg}`).to.equal(true);
            expect(specifier, `${where}: import ${pkg}'s entry point, not ${specifier}`).to.equal(pkg);
          }
          expect(declared.has(pkg), `${where}: ${pkg} is not in ${dir}/package.json`).to.equal(true);
        }
      }
    });
  }

  it('each workspace builds from its own src/index.ts and its package.json points there', () => {
    // The console is an application Vite bundles into console/dist, not a package another workspace requires.
    for (const dir of Object.keys(LAYERS).filter((d) => d !== 'console')) {
      const m = manifest(dir) as Manifest & { main?: string; types?: string };
      expect(m.types, dir).to.equal('./src/index.ts');
      expect(m.main, dir).to.equal('./index.js');
      const shim = fs.readFileSync(path.join(ROOT, dir, 'index.js'), 'utf8');
      expect(shim, `${dir}/index.js`).to.contain(`require('../dist/${dir}/src/index.js')`);
      expect(fs.existsSync(path.join(ROOT, dir, 'src', 'index.ts')), `${dir}/src/index.ts`).to.equal(true);
    }
  });
});
