import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { environmentLine, execWord, renderUnits, type ProcessUnit } from '../../../network/src/systemd-units';

const SECRET = 'wallet-S3CRET-$HOME-"quoted"';

function unit(name: string, after: readonly string[] = []): ProcessUnit {
  return {
    spec: {
      name,
      host: '10.0.0.1',
      command: process.execPath,
      args: ['/opt/medrec/dist/api/src/main.js', '100% $PATH "x"'],
      env: { PATH: '/usr/bin:/bin', MEDREC_WALLET_SECRET: SECRET, UNSET: undefined },
    },
    what: 'REST API',
    after,
  };
}

const options = { org: 'hospital1', user: 'medrec', home: '/var/lib/medrec', environmentDir: '/etc/medrec/hospital1' };

describe('systemd units', function () {
  it('quotes ExecStart words so systemd expands neither $ nor % specifiers', function () {
    expect(execWord('a b')).to.equal('"a b"');
    expect(execWord('100% $PATH')).to.equal('"100%% $$PATH"');
    expect(execWord('say "hi" \\ bye')).to.equal('"say \\"hi\\" \\\\ bye"');
    expect(() => execWord('two\nlines')).to.throw('line break');
  });

  it('writes environment values quoted, with $ escaped, and refuses what a file line cannot hold', function () {
    expect(environmentLine('KEY', 'a "b" $c \\d')).to.equal('KEY="a \\"b\\" \\$c \\\\d"');
    expect(() => environmentLine('BAD KEY', 'x')).to.throw('not an environment variable name');
    expect(() => environmentLine('KEY', 'x\ny')).to.throw('line break');
  });

  it('keeps secrets out of the world-readable unit: they go to a 0600 environment file it names', function () {
    const files = renderUnits([unit('ca.hospital1'), unit('api.hospital1', ['ca.hospital1'])], options);
    const service = files.find((f) => f.fileName === 'medrec-hospital1-api.hospital1.service');
    const environment = files.find((f) => f.fileName === 'api.hospital1.env');
    expect(service?.mode).to.equal(0o644);
    expect(service?.content).not.to.contain('S3CRET');
    expect(service?.content).to.contain('EnvironmentFile=/etc/medrec/hospital1/api.hospital1.env');
    expect(service?.content).to.contain('After=network-online.target medrec-hospital1-ca.hospital1.service');
    expect(service?.content).to.contain('User=medrec');
    expect(service?.content).to.contain('ReadWritePaths=/var/lib/medrec');
    expect(environment?.mode).to.equal(0o600);
    expect(environment?.content).to.contain('MEDREC_WALLET_SECRET="wallet-S3CRET-\\$HOME-\\"quoted\\""');
    expect(environment?.content).not.to.contain('UNSET');
    const target = files.find((f) => f.fileName === 'medrec-hospital1.target');
    expect(target?.content).to.contain(
      'Wants=medrec-hospital1-ca.hospital1.service medrec-hospital1-api.hospital1.service',
    );
  });

  it('refuses relative paths and a user name systemd would not take', function () {
    expect(() => renderUnits([unit('api.hospital1')], { ...options, home: 'relative' })).to.throw('absolute');
    expect(() => renderUnits([unit('api.hospital1')], { ...options, user: 'root; rm' })).to.throw('not a user name');
    for (const home of ['/var/lib/med rec', '/var/lib/%h', '/var/lib/medrec/../etc', '/var/lib/medrec\ttab']) {
      expect(() => renderUnits([unit('api.hospital1')], { ...options, home }), home).to.throw('only letters');
    }
    expect(() => renderUnits([unit('api.hospital1')], { ...options, environmentDir: '/etc/med rec' })).to.throw(
      'the environment directory',
    );
    expect(() => renderUnits([unit('api.hospital1')], { ...options, home: '/var/lib/medrec-2_a.b' })).not.to.throw();
  });

  it('passes systemd-analyze verify (the units parse; ExecStart exists)', function () {
    const probe = spawnSync('systemd-analyze', ['--version']);
    if (probe.error !== undefined) {
      throw new Error('systemd-analyze is missing: install systemd (Debian: apt-get install systemd) to run this test');
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-units-'));
    try {
      const files = renderUnits([unit('ca.hospital1'), unit('api.hospital1', ['ca.hospital1'])], {
        ...options,
        environmentDir: dir,
      });
      for (const file of files) fs.writeFileSync(path.join(dir, file.fileName), file.content, { mode: file.mode });
      const units = files.filter((f) => !f.fileName.endsWith('.env')).map((f) => path.join(dir, f.fileName));
      const result = spawnSync('systemd-analyze', ['verify', '--man=no', ...units], { encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`.trim()).to.equal('');
      expect(result.status).to.equal(0);
      // The verifier does catch a broken unit: a command that does not exist.
      fs.writeFileSync(
        path.join(dir, 'broken.service'),
        files[1]?.content.replace(execWord(process.execPath), '"/nonexistent/node"') ?? '',
      );
      expect(() =>
        execFileSync('systemd-analyze', ['verify', '--man=no', path.join(dir, 'broken.service')], { stdio: 'pipe' }),
      ).to.throw();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
