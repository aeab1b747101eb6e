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

  it('releases CouchDB index definitions where the peer reads them: statedb/couchdb/indexes, not nested', function () {
    // Fabric's external builder contract: a package carries META-INF/statedb/couchdb/indexes/*.json and the peer
    // reads RELEASE_OUTPUT_DIR/statedb/couchdb/indexes/*.json.
    const index = { index: { fields: ['docType', 'patientId'] }, ddoc: 'byPatient', name: 'byPatient', type: 'json' };
    const connection = { address: '127.0.0.1:9999', dial_timeout: '10s', tls_required: false };
    fs.writeFileSync(path.join(dir, 'src', 'connection.json'), JSON.stringify(connection));
    const indexes = path.join(dir, 'src', 'META-INF', 'statedb', 'couchdb', 'indexes');
    fs.mkdirSync(indexes, { recursive: true });
    fs.writeFileSync(path.join(indexes, 'byPatient.json'), JSON.stringify(index));
    expect(builder('build', path.join(dir, 'src'), path.join(dir, 'meta'), path.join(dir, 'out')).status).to.equal(0);
    expect(builder('release', path.join(dir, 'out'), path.join(dir, 'release')).status).to.equal(0);

    const released = path.join(dir, 'release', 'statedb', 'couchdb', 'indexes', 'byPatient.json');
    expect(JSON.parse(fs.readFileSync(released, 'utf8'))).to.deep.equal(index);
    expect(fs.existsSync(path.join(dir, 'release', 'statedb', 'statedb'))).to.equal(false);
    expect(fs.readdirSync(path.join(dir, 'release')).sort()).to.deep.equal(['chaincode', 'statedb']);
    const server = JSON.parse(
      fs.readFileSync(path.join(dir, 'release', 'chaincode', 'server', 'connection.json'), 'utf8'),
    ) as unknown;
    expect(server).to.deep.equal(connection);
  });

  it('releases no statedb directory for a package without index definitions', function () {
    fs.writeFileSync(path.join(dir, 'src', 'connection.json'), JSON.stringify({ address: '127.0.0.1:9999' }));
    expect(builder('build', path.join(dir, 'src'), path.join(dir, 'meta'), path.join(dir, 'out')).status).to.equal(0);
    expect(builder('release', path.join(dir, 'out'), path.join(dir, 'release')).status).to.equal(0);
    expect(fs.readdirSync(path.join(dir, 'release'))).to.deep.equal(['chaincode']);
  });

  it('refuses a package without a chaincode server address, saying what is wrong', function () {
    fs.writeFileSync(path.join(dir, 'src', 'connection.json'), JSON.stringify({ dial_timeout: '10s' }));
    const result = builder('build', path.join(dir, 'src'), path.join(dir, 'meta'), path.join(dir, 'out'));
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(/has no "address"/);
  });
});
