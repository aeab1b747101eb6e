import { expect } from 'chai';
import { peerTarget } from '../../../sdk/src/gateway-connection';

describe("peerTarget (an organisation's peers as one failover target)", function () {
  it('passes one address through as it is, DNS names included', function () {
    expect(peerTarget('10.0.0.1:7051')).to.equal('10.0.0.1:7051');
    expect(peerTarget('peer0.hospital1.example.org:7051')).to.equal('peer0.hospital1.example.org:7051');
  });

  it("turns a list of IP addresses into gRPC's static-address form, in the given order", function () {
    expect(peerTarget('10.0.0.1:7051,10.0.0.1:7151')).to.equal('ipv4:10.0.0.1:7051,10.0.0.1:7151');
    expect(peerTarget('[::1]:7051, [::1]:7151')).to.equal('ipv6:[::1]:7051,[::1]:7151');
  });

  it('refuses a list with DNS names or mixed address kinds, saying what it takes', function () {
    expect(() => peerTarget('peer0.example.org:7051,peer1.example.org:7051')).to.throw('must be IP:port entries');
    expect(() => peerTarget('10.0.0.1:7051,[::1]:7151')).to.throw('must be IP:port entries');
    expect(() => peerTarget('10.0.0.1:7051,')).to.throw('must be IP:port entries');
  });
});
