import { expect } from 'chai';
import { consenterCertificate, withConsenterCertificate } from '../../../network/src/consenter-certificates';

const pem = (n: string): string => `-----BEGIN CERTIFICATE-----\n${n}\n-----END CERTIFICATE-----\n`;
const b64 = (text: string): string => Buffer.from(text).toString('base64');

function config(): Record<string, unknown> {
  const consenter = (host: string, port: number, cert: string): Record<string, unknown> => ({
    host,
    port,
    client_tls_cert: b64(cert),
    server_tls_cert: b64(cert),
  });
  return {
    channel_group: {
      groups: {
        Orderer: {
          values: {
            ConsensusType: {
              value: {
                metadata: {
                  consenters: [consenter('10.0.0.1', 7050, pem('ONE')), consenter('10.0.0.2', 7050, pem('TWO'))],
                },
              },
            },
          },
        },
      },
    },
  };
}

describe('consenter certificates (Raft consenter set)', function () {
  it('reads the certificate the set holds for an orderer, by host and port', function () {
    expect(consenterCertificate(config(), '10.0.0.2', 7050)).to.equal(pem('TWO'));
    expect(consenterCertificate(config(), '10.0.0.2', 7051)).to.equal(undefined);
  });

  it("replaces one orderer's client and server certificate and leaves the others as they are", function () {
    const changed = config();
    withConsenterCertificate('10.0.0.2', 7050, pem('NEW'))(changed);
    expect(consenterCertificate(changed, '10.0.0.2', 7050)).to.equal(pem('NEW'));
    expect(consenterCertificate(changed, '10.0.0.1', 7050)).to.equal(pem('ONE'));
    const consenters = (
      changed.channel_group as {
        groups: { Orderer: { values: { ConsensusType: { value: { metadata: { consenters: unknown[] } } } } } };
      }
    ).groups.Orderer.values.ConsensusType.value.metadata.consenters as { client_tls_cert: string }[];
    expect(consenters[1]?.client_tls_cert).to.equal(b64(pem('NEW')));
  });

  it('refuses an orderer the set does not hold, a certificate that is not PEM and a config without Raft', function () {
    expect(() => {
      withConsenterCertificate('10.0.0.9', 7050, pem('NEW'))(config());
    }).to.throw('no consenter at 10.0.0.9:7050');
    expect(() => withConsenterCertificate('10.0.0.2', 7050, 'not a certificate')).to.throw('is not a PEM certificate');
    expect(() => {
      withConsenterCertificate('10.0.0.2', 7050, pem('NEW'))({ channel_group: {} });
    }).to.throw('no Raft consenter set');
  });
});
