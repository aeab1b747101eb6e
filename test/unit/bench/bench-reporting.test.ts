import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { cpuPerOperation, sampleCpu, type CpuSample } from '../../../bench/process-cpu';
import { caseSelected } from '../../../bench/ledger.bench';
import { ratioChartSvg } from '../../../bench/ratio-chart';

const ZERO: CpuSample = { peer: 0, orderer: 0, chaincode: 0, api: 0, gatekeeper: 0, ca: 0, client: 0 };

describe('bench: CPU per process kind', function () {
  let dir: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-pids-'));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sums the CPU of the processes named in pid files by kind, and ignores what it cannot read', function () {
    // This test process stands in for an API; a malformed pid, a vanished process and an unknown name count nothing.
    fs.writeFileSync(path.join(dir, 'api.hospital1.pid'), `${String(process.pid)}\n`);
    fs.writeFileSync(path.join(dir, 'peer0.hospital1.pid'), '12abc');
    fs.writeFileSync(path.join(dir, 'orderer1.pid'), '999999999');
    fs.writeFileSync(path.join(dir, 'miner.hospital1.pid'), String(process.pid));
    for (let i = 0; i < 2e6; i++) Math.sqrt(i);
    const sample = sampleCpu(dir);
    expect(sample.api).to.be.above(0);
    expect(sample.peer).to.equal(0);
    expect(sample.orderer).to.equal(0);
    expect(sample.client).to.be.above(0);
  });

  it('counts only the client when there is no pid directory', function () {
    const sample = sampleCpu(path.join(dir, 'missing'));
    expect({ ...sample, client: 0 }).to.deep.equal(ZERO);
  });

  it('divides the difference by the operations completed, to a tenth of a millisecond; none completed is zero', function () {
    const after = { ...ZERO, peer: 1000, api: 333 };
    expect(cpuPerOperation(ZERO, after, 30)).to.deep.include({ peer: 33.3, api: 11.1, orderer: 0 });
    expect(cpuPerOperation(ZERO, after, 0).peer).to.equal(0);
  });
});

describe('bench: the R chart', function () {
  it('draws a bar per operation and concurrency, the target line, and escapes names', function () {
    const svg = ratioChartSvg('R <chart>', [
      { operation: 'fetch & read', concurrency: 8, ratio: 0.78 },
      { operation: 'fetch & read', concurrency: 32, ratio: 0.63 },
    ]);
    expect(svg).to.match(/^<svg /);
    expect(svg).to.contain('fetch &#38; read');
    expect(svg).to.contain('R &#60;chart&#62;');
    expect(svg).to.contain('>0.78<');
    expect(svg).to.contain('>0.63<');
    expect(svg).to.contain('target R = 0.8');
    expect(svg.match(/<rect [^>]*height="12"/g)).to.have.length(2 + 2);
  });
});

describe('bench: choosing cases (MEDREC_BENCH_ONLY)', function () {
  it('runs every case without a filter, only matching ones (any word, any case) with one, and always the baselines', function () {
    expect(caseSelected('register record (REST)', [])).to.equal(true);
    expect(caseSelected('register record (REST)', undefined)).to.equal(true);
    expect(caseSelected('cross-organisation record fetch (REST)', ['FETCH'])).to.equal(true);
    expect(caseSelected('register record (REST)', ['fetch'])).to.equal(false);
    expect(caseSelected('grant consent (REST)', ['fetch', 'consent'])).to.equal(true);
    expect(caseSelected('no-op heartbeat (SDK, baseline)', ['fetch'])).to.equal(true);
  });
});
