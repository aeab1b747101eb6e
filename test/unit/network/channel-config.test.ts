import { expect } from 'chai';
import { channelConfig } from '../../../network/src/channel-config';
import { Layout } from '../../../network/src/layout';
import { buildTopology } from '../../../network/src/topology';

interface Profile {
  Orderer: { OrdererType: string; EtcdRaft: { Consenters: { Port: number }[] }; Organizations: { ID: string }[] };
  Application: {
    Organizations: { ID: string; AnchorPeers: { Port: number }[]; Policies: { Endorsement: { Rule: string } } }[];
    Policies: Record<string, { Type: string; Rule: string }>;
  };
}

describe('channel configuration', function () {
  const topology = buildTopology(30000);
  const config = channelConfig(new Layout('/tmp/medrec-test-home'), topology) as {
    Profiles: { MedrecChannel: Profile };
  };
  const profile = config.Profiles.MedrecChannel;

  it('orders with Raft across the three orderers', function () {
    expect(profile.Orderer.OrdererType).to.equal('etcdraft');
    expect(profile.Orderer.EtcdRaft.Consenters.map((c) => c.Port)).to.deep.equal(topology.orderers.map((o) => o.port));
    expect(profile.Orderer.Organizations.map((o) => o.ID)).to.deep.equal(['OrdererMSP']);
  });

  it('requires a MAJORITY of organisations to endorse transactions and chaincode definitions', function () {
    expect(profile.Application.Policies.Endorsement).to.deep.equal({
      Type: 'ImplicitMeta',
      Rule: 'MAJORITY Endorsement',
    });
    expect(profile.Application.Policies.LifecycleEndorsement).to.deep.equal({
      Type: 'ImplicitMeta',
      Rule: 'MAJORITY Endorsement',
    });
  });

  it('lists every peer organisation with its anchor peer, endorsing only through its peers', function () {
    const orgs = profile.Application.Organizations;
    expect(orgs.map((o) => o.ID)).to.deep.equal(['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP']);
    expect(orgs.map((o) => o.AnchorPeers[0]?.Port)).to.deep.equal(topology.peers.map((p) => p.port));
    for (const org of orgs) expect(org.Policies.Endorsement.Rule).to.equal(`OR('${org.ID}.peer')`);
  });
});
