import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createHarness } from './support/harness';

/** A stand-in for console/dist: an index.html naming one hashed script, as Vite writes it. */
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-console-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html lang="en"><head><script type="module" src="/console/assets/index-abc.js"></script>' +
      '</head><body><div id="root"></div></body></html>',
  );
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'export {};\n');
  return dir;
}

/** The policy as a map of directive -> sources. */
function policy(header: unknown): Map<string, string[]> {
  expect(header, 'a Content-Security-Policy header').to.be.a('string');
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== '')
      .map(([name = '', ...sources]) => [name, sources]),
  );
}

describe('api: the web console at /console/', () => {
  it('serves the build with a policy that allows this origin only: no inline script or style, no framing', async () => {
    const dir = fakeBuild();
    const h = createHarness({ options: { consoleDirectory: dir } });
    try {
      const index = await h.http.get('/console/');
      expect(index.status).to.equal(200);
      expect(index.type).to.equal('text/html');
      expect(index.text).to.include('/console/assets/index-abc.js');
      expect(index.headers['cache-control']).to.equal('no-cache');
      const csp = policy(index.headers['content-security-policy']);
      for (const directive of ['default-src', 'script-src', 'style-src', 'img-src', 'connect-src', 'font-src']) {
        expect(csp.get(directive), directive).to.deep.equal(["'self'"]);
      }
      expect(csp.get('frame-ancestors')).to.deep.equal(["'none'"]);
      expect(csp.get('object-src')).to.deep.equal(["'none'"]);
      expect(index.headers['content-security-policy']).to.not.match(/unsafe-inline|unsafe-eval|https?:|data:/);

      const script = await h.http.get('/console/assets/index-abc.js');
      expect(script.status).to.equal(200);
      expect(script.type).to.equal('text/javascript');
      expect(policy(script.headers['content-security-policy']).get('script-src')).to.deep.equal(["'self'"]);

      const bare = await h.http.get('/console');
      expect(bare.status).to.equal(301);
      expect(bare.headers.location).to.equal('/console/');
      expect((await h.http.get('/console/assets/missing.js')).status).to.equal(404);
    } finally {
      h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the rest of the API under its own policy', async () => {
    const h = createHarness({ options: { consoleDirectory: fakeBuild() } });
    try {
      const docs = await h.http.get('/docs/');
      expect(policy(docs.headers['content-security-policy']).get('frame-ancestors')).to.deep.equal(["'self'"]);
    } finally {
      h.close();
    }
  });

  it('says how to build the console when the build is missing, and serves nothing when none is configured', async () => {
    const missing = path.join(os.tmpdir(), `medrec-no-console-${String(process.pid)}`);
    const h = createHarness({ options: { consoleDirectory: missing } });
    try {
      const res = await h.http.get('/console/');
      expect(res.status).to.equal(503);
      expect(res.type).to.equal('application/problem+json');
      expect((res.body as { detail: string }).detail).to.include('npm run build');
    } finally {
      h.close();
    }
    const none = createHarness();
    try {
      expect((await none.http.get('/console/')).status).to.equal(404);
    } finally {
      none.close();
    }
  });
});
