import { expect } from 'chai';
import { caClientCall } from '../../../network/src/certificate-authority';

describe('network: fabric-ca-client invocations keep credentials out of argv', () => {
  const base = { home: '/tmp/ca-admin', url: 'https://127.0.0.1:27054' };

  it('enrolls with the user and password in FABRIC_CA_CLIENT_URL only', () => {
    const call = caClientCall(['enroll', '-M', '/tmp/msp'], { ...base, user: 'peer0', password: 's3cr3t-pw' });
    expect(call.args.join(' ')).to.not.include('s3cr3t-pw');
    expect(call.env.FABRIC_CA_CLIENT_URL).to.equal('https://peer0:s3cr3t-pw@127.0.0.1:27054');
    expect(call.env.FABRIC_CA_CLIENT_HOME).to.equal('/tmp/ca-admin');
    expect(call.env).to.not.have.property('FABRIC_CA_CLIENT_ID_SECRET');
  });

  it("registers with the new identity's secret in FABRIC_CA_CLIENT_ID_SECRET and an unauthenticated URL", () => {
    const call = caClientCall(['register', '--id.name', 'u1'], { ...base, newIdentitySecret: 'n3w-s3cr3t' });
    expect(call.args.join(' ')).to.not.include('n3w-s3cr3t');
    expect(call.env.FABRIC_CA_CLIENT_ID_SECRET).to.equal('n3w-s3cr3t');
    expect(call.env.FABRIC_CA_CLIENT_URL).to.equal('https://127.0.0.1:27054');
  });

  it('percent-encodes credentials that would otherwise break the URL', () => {
    const call = caClientCall(['enroll'], { ...base, user: 'a@b', password: 'p:w/x' });
    const url = new URL(call.env.FABRIC_CA_CLIENT_URL ?? '');
    expect(decodeURIComponent(url.username)).to.equal('a@b');
    expect(decodeURIComponent(url.password)).to.equal('p:w/x');
    expect(url.host).to.equal('127.0.0.1:27054');
  });
});
