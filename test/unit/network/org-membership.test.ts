import { expect } from 'chai';
import { channelGauge, ledgerHeightOf } from '../../../network/src/health';
import {
  applicationMembers,
  applicationSigners,
  majorityOf,
  mspIdOfDefinition,
  withApplicationOrganisation,
  withoutApplicationOrganisation,
} from '../../../network/src/org-membership';
import { buildTopology } from '../../../network/src/topology';

/** The application group of a decoded channel config, as configtxlator writes it (groups keyed by MSP id). */
function config(...mspIds: string[]): Record<string, unknown> {
  return {
    sequence: '3',
    channel_group: {
      groups: { Application: { groups: Object.fromEntries(mspIds.map((id) => [id, { values: { MSP: id } }])) } },
    },
  };
}

describe('channel membership: who is in the application group, who signs a change', () => {
  it('lists the members, sorted', () => {
    expect(applicationMembers(config('ResearchMSP', 'Hospital1MSP'))).to.deep.equal(['Hospital1MSP', 'ResearchMSP']);
    expect(() => applicationMembers({ channel_group: { groups: {} } })).to.throw('no Application group');
  });

  it('adds a definition once, as a copy, and refuses a second add', () => {
    const changed = config('Hospital1MSP');
    const definition = { values: { MSP: 'Hospital3MSP' } };
    withApplicationOrganisation('Hospital3MSP', definition)(changed);
    expect(applicationMembers(changed)).to.deep.equal(['Hospital1MSP', 'Hospital3MSP']);
    definition.values.MSP = 'changed later';
    expect(JSON.stringify(changed)).not.to.contain('changed later');
    expect(() => {
      withApplicationOrganisation('Hospital3MSP', definition)(changed);
    }).to.throw('already a member');
  });

  it('reads the MSP id of a definition file, and refuses anything else', () => {
    const definition = { values: { MSP: { value: { config: { name: 'Hospital3MSP' } } } } };
    expect(mspIdOfDefinition(definition)).to.equal('Hospital3MSP');
    for (const bad of [{}, { values: { MSP: { value: { config: { name: 'has space' } } } } }, null, 'Hospital3MSP']) {
      expect(() => mspIdOfDefinition(bad), JSON.stringify(bad)).to.throw('not an organisation definition');
    }
  });

  it('removes a member, refusing one that is absent and the last one', () => {
    const changed = config('Hospital1MSP', 'Hospital3MSP');
    withoutApplicationOrganisation('Hospital3MSP')(changed);
    expect(applicationMembers(changed)).to.deep.equal(['Hospital1MSP']);
    expect(() => {
      withoutApplicationOrganisation('Hospital3MSP')(changed);
    }).to.throw('not a member');
    expect(() => {
      withoutApplicationOrganisation('Hospital1MSP')(changed);
    }).to.throw('last member');
  });

  it('asks a majority of the members: 2 of 3, 3 of 4, never the one that leaves', () => {
    expect([1, 2, 3, 4, 5].map(majorityOf)).to.deep.equal([1, 2, 2, 3, 3]);
    const topology = buildTopology(27000);
    const three = ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP'];
    expect(applicationSigners(topology, three)).to.deep.equal(['hospital1', 'hospital2']);
    expect(applicationSigners(topology, three, ['hospital1'])).to.deep.equal(['hospital2', 'research']);
    expect(() => applicationSigners(topology, [...three, 'Hospital3MSP', 'Hospital4MSP'], ['hospital1'])).to.throw(
      'needs the admins of 3 of its 5 members',
    );
  });
});

describe('a peer ledger height from its Prometheus metrics', () => {
  const metrics = [
    '# HELP ledger_blockchain_height Height of the chain in blocks.',
    '# TYPE ledger_blockchain_height gauge',
    'ledger_blockchain_height{channel="other"} 9',
    'ledger_blockchain_height{channel="medrec"} 4487',
  ].join('\n');

  it("reads the channel's sample", () => {
    expect(ledgerHeightOf(metrics, 'medrec')).to.equal(4487);
    expect(ledgerHeightOf(metrics, 'other')).to.equal(9);
  });

  it('has no height for a channel the peer has not joined, or a malformed sample', () => {
    expect(ledgerHeightOf(metrics, 'med')).to.equal(undefined);
    expect(ledgerHeightOf('ledger_blockchain_height{channel="medrec"} 1.5', 'medrec')).to.equal(undefined);
    expect(ledgerHeightOf('ledger_blockchain_height{channel="medrec"} -1', 'medrec')).to.equal(undefined);
    expect(ledgerHeightOf('', 'medrec')).to.equal(undefined);
  });

  it("reads an orderer's Raft gauges by channel (how many consenters its leader counts active)", () => {
    const orderer = [
      '# TYPE consensus_etcdraft_active_nodes gauge',
      'consensus_etcdraft_active_nodes{channel="medrec"} 2',
      'consensus_etcdraft_cluster_size{channel="medrec"} 3',
      'consensus_etcdraft_active_nodes{channel="medrec2"} 3',
    ].join('\n');
    expect(channelGauge(orderer, 'consensus_etcdraft_active_nodes', 'medrec')).to.equal(2);
    expect(channelGauge(orderer, 'consensus_etcdraft_cluster_size', 'medrec')).to.equal(3);
    expect(channelGauge(orderer, 'consensus_etcdraft_cluster_size', 'medrec2')).to.equal(undefined);
    expect(channelGauge(orderer, 'consensus_etcdraft_active', 'medrec')).to.equal(undefined);
  });
});
