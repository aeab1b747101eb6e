import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { BUILDER_DIR } from '../../../network/src/paths';

function builder(step: 'detect' | 'build' | 'release', ...args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(path.join(BUILDER_DIR, 'bin', step), args, { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('chaincode-as-a-service external builder', function () {
  let dir: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-builder-'));
    for (const sub of ['src', 'meta', 'out', 'release']) fs.mkdirSync(path.join(dir, sub));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('detects only packages whose metadata type is ccaas', function () {
    fs.writeFileSync(path.join(dir, 'meta', 'metadata.json'), JSON.stringify({ type: 'ccaas', label: 'x' }));
    expect(builder('detect', path.join(dir, 'src'), path.join(dir, 'meta')).status).to.equal(0);
    fs.writeFileSync(path.join(dir, 'meta', 'metadata.json'), JSON.stringify({ type: 'node', label: 'x' }));
    expect(builder('detect', path.join(dir, 'src'), path.join(dir, 'meta')).status).to.equal(1);
  });

  it('builds and releases connection.json where the peer looks for a chaincode server', function () {
    const connection = { address: '127.0.0.1:9999', dial_timeout: '10s', tls_required: true, root_cert: 'PEM' };
    fs.writeFileSync(path.join(dir, 'src', 'connection.json'), JSON.stringify(connection));
    expect(builder('build', path.join(dir, 'src'), path.join(dir, 'meta'), path.join(dir, 'out')).status).to.equal(0);
    expect(builder('release', path.join(dir, 'out'), path.join(dir, 'release')).status).to.equal(0);
    const released = JSON.parse(
      fs.readFileSync(path.join(dir, 'release', 'chaincode', 'server', 'connection.json'), 'utf8'),
    ) as unknown;
    expect(released).to.deep.equal(connection);
  });

  it('refuses a package without a chaincode server address, saying what is wrong', function () {
    fs.writeFileSync(path.join(dir, 'src', 'connection.json'), JSON.stringify({ dial_timeout: '10s' }));
    const result = builder('build', path.join(dir, 'src'), path.join(dir, 'meta'), path.join(dir, 'out'));
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(/has no "address"/);
  });
});
