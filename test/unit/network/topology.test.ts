import { expect } from 'chai';
import { buildTopology, DEFAULT_PORT_BASE, portBaseFromEnv } from '../../../network/src/topology';

describe('network topology', function () {
  it('has 4 organisations with one CA each, 3 orderers and one peer per peer organisation', function () {
    const t = buildTopology(30000);
    expect(t.organisations.map((o) => o.key)).to.deep.equal(['orderer', 'hospital1', 'hospital2', 'research']);
    expect(t.orderers.map((o) => o.name)).to.deep.equal(['orderer1', 'orderer2', 'orderer3']);
    expect(t.peers.map((p) => p.org)).to.deep.equal(['hospital1', 'hospital2', 'research']);
  });

  it('gives every listener a distinct port derived from the base', function () {
    const t = buildTopology(30000);
    const ports = [
      ...t.organisations.flatMap((o) => [o.ca.port, o.ca.operationsPort]),
      ...t.orderers.flatMap((o) => [o.port, o.adminPort, o.operationsPort]),
      ...t.peers.flatMap((p) => [p.port, p.chaincodeListenPort, p.operationsPort, p.chaincodeServerPort, p.apiPort]),
    ];
    expect(new Set(ports).size).to.equal(ports.length);
    expect(Math.min(...ports)).to.be.at.least(30000);
    expect(Math.max(...ports)).to.be.below(31000);
  });

  it('reads MEDREC_PORT_BASE strictly', function () {
    expect(portBaseFromEnv({})).to.equal(DEFAULT_PORT_BASE);
    expect(portBaseFromEnv({ MEDREC_PORT_BASE: '31000' })).to.equal(31000);
    for (const bad of ['12abc', '80', '70000', '3e4', '-30000', ' 30000']) {
      expect(() => portBaseFromEnv({ MEDREC_PORT_BASE: bad }), bad).to.throw(/MEDREC_PORT_BASE/);
    }
  });
});
