import { expect } from 'chai';
import type { NetworkView } from '@medrec/contract';
import { nodeRows } from '../../../console/src/logic/node-rows';

const peer = (
  name: string,
  height: number,
  version = '1.0',
  status: 'up' | 'unreachable' = 'up',
): NetworkView['peers'][number] => ({
  mspId: `${name.split('.')[1] ?? 'x'}MSP`,
  endpoint: `10.0.0.1:${String(height)}`,
  name,
  status,
  ledgerHeight: height,
  chaincodes: [
    { name: 'medrec', version },
    { name: '_lifecycle', version: '1' },
  ],
  lastSeenAt: '2026-12-02T10:00:00.000Z',
});

const view = (peers: NetworkView['peers'], orderers: NetworkView['orderers'] = []): NetworkView => ({
  channel: 'medrec',
  observedAt: '2026-12-02T10:00:05.000Z',
  organisations: ['hospital1MSP', 'hospital2MSP'],
  peers,
  orderers,
});

describe("console: the operator's node rows", () => {
  it('measures each answering node against the highest height any node reports', () => {
    const summary = nodeRows(
      view(
        [peer('peer0.hospital1', 40), peer('peer0.hospital2', 37)],
        [{ mspId: 'OrdererMSP', endpoint: '10.0.0.9:7050', status: 'up', height: 41, detail: null }],
      ),
    );
    expect(summary.tip).to.equal(41);
    expect(summary.rows.map((r) => [r.name, r.behind])).to.deep.equal([
      ['peer0.hospital1', 1],
      ['peer0.hospital2', 4],
      ['10.0.0.9:7050', 0],
    ]);
    expect(summary.healthy).to.equal(true);
    expect(summary.sentence).to.equal('3 of 3 nodes answer.');
  });

  it('marks a node that does not answer as down, never as behind, and the consortium as not whole', () => {
    const summary = nodeRows(
      view(
        [peer('peer0.hospital1', 40), peer('peer1.hospital1', 90, '1.0', 'unreachable')],
        [{ mspId: 'OrdererMSP', endpoint: '10.0.0.9:7050', status: 'unreachable', height: null, detail: 'refused' }],
      ),
    );
    // The stale peer's old height does not raise the tip.
    expect(summary.tip).to.equal(40);
    expect(summary.rows.map((r) => [r.up, r.behind])).to.deep.equal([
      [true, 0],
      [false, null],
      [false, null],
    ]);
    expect(summary.rows[1]?.note).to.include('Not reported by gossip since');
    expect(summary.rows[2]?.note).to.equal('refused');
    expect(summary.healthy).to.equal(false);
    expect(summary.sentence).to.equal('1 of 3 nodes answer.');
  });

  it('says when the peers that answer run different definitions of a chaincode', () => {
    const summary = nodeRows(view([peer('peer0.hospital1', 5, '1.1'), peer('peer0.hospital2', 5, '1.0')]));
    expect(summary.healthy).to.equal(false);
    expect(summary.sentence).to.equal(
      '2 of 2 nodes answer; peers run different definitions of medrec (seq 1.0, seq 1.1).',
    );
    expect(summary.rows[0]?.chaincodes).to.equal('medrec seq 1.1');
  });

  it('has a tip of 0 when nothing answers', () => {
    expect(nodeRows(view([])).tip).to.equal(0);
  });
});
