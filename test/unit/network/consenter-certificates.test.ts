import { expect } from 'chai';
import {
  checkConsenterChange,
  consenterCertificate,
  ordererOrgTlsRoots,
  withConsenterCertificate,
} from '../../../network/src/consenter-certificates';
import { issueLeaf, makeCa } from '../chaincode/support/certs';

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
    expect(() => {
      withConsenterCertificate('10.0.0.2', 7051, pem('NEW'))(config());
    }).to.throw('no consenter at 10.0.0.2:7051');
    expect(() => withConsenterCertificate('10.0.0.2', 7050, 'not a certificate')).to.throw('is not a PEM certificate');
    expect(() => {
      withConsenterCertificate('10.0.0.2', 7050, pem('NEW'))({ channel_group: {} });
    }).to.throw('no Raft consenter set');
  });

  describe('an update an operator signs only if it rotates the one certificate it names', function () {
    const ca = makeCa('/O=Hospital2MSP/CN=tlsca.hospital2');
    const otherCa = makeCa('/O=Hospital1MSP/CN=tlsca.hospital1');
    const orderer = { name: 'orderer2', host: '10.0.0.2', port: 7050 };
    const fresh = issueLeaf(ca, '/O=Hospital2MSP/CN=orderer2', 365, undefined, 'DNS:orderer2,IP:10.0.0.2').certPem;
    const current: Record<string, unknown> = { ...config(), sequence: '4' };
    const roots = [b64(ca.certPem)];

    /** The update compute_update writes for a mutated copy of the current config: the ConsensusType at version + 1. */
    function updateOf(mutate: (value: Record<string, unknown>) => void): Record<string, unknown> {
      const next = structuredClone(current);
      const value = (
        next.channel_group as { groups: { Orderer: { values: { ConsensusType: { value: Record<string, unknown> } } } } }
      ).groups.Orderer.values.ConsensusType.value;
      mutate(value);
      return {
        read_set: { groups: { Orderer: { values: {} } } },
        write_set: { groups: { Orderer: { values: { ConsensusType: { version: '1', value } } } } },
      };
    }
    const consenters = (value: Record<string, unknown>): Record<string, unknown>[] =>
      (value.metadata as { consenters: Record<string, unknown>[] }).consenters;
    const rotate = (value: Record<string, unknown>, index: number, cert: string): void => {
      const entry = consenters(value)[index];
      if (entry === undefined) throw new Error('fixture without that consenter');
      entry.client_tls_cert = b64(cert);
      entry.server_tls_cert = b64(cert);
    };

    it("accepts orderer2's new certificate from its operator's TLS CA, naming its host, and describes it", function () {
      const change = checkConsenterChange(
        updateOf((v) => {
          rotate(v, 1, fresh);
        }),
        current,
        orderer,
        roots,
      );
      expect(change.certificatePem.trim()).to.equal(fresh.trim());
      expect(change.description).to.contain('CN=orderer2').and.contain('CN=tlsca.hospital2').and.contain('SHA-256');
    });

    it('refuses another consenter, two at once, a different client certificate, or a change of options', function () {
      expect(() =>
        checkConsenterChange(
          updateOf((v) => {
            rotate(v, 0, fresh);
          }),
          current,
          orderer,
          roots,
        ),
      ).to.throw('the consenter it changes is 10.0.0.1:7050, not orderer2');
      const both = updateOf((v) => {
        rotate(v, 0, fresh);
        rotate(v, 1, fresh);
      });
      expect(() => checkConsenterChange(both, current, orderer, roots)).to.throw('changes 2 consenters');
      const split = updateOf((v) => {
        rotate(v, 1, fresh);
        const entry = consenters(v)[1];
        if (entry !== undefined) entry.client_tls_cert = b64(pem('OTHER'));
      });
      expect(() => checkConsenterChange(split, current, orderer, roots)).to.throw(
        'client and server certificates differ',
      );
      const options = updateOf((v) => {
        rotate(v, 1, fresh);
        (v.metadata as Record<string, unknown>).options = { election_tick: 1 };
      });
      expect(() => checkConsenterChange(options, current, orderer, roots)).to.throw('changes the Raft options');
      const added = updateOf((v) => {
        consenters(v).push({ host: '10.0.0.9', port: 7050, client_tls_cert: b64(fresh), server_tls_cert: b64(fresh) });
      });
      expect(() => checkConsenterChange(added, current, orderer, roots)).to.throw('adds or removes a consenter');
    });

    it("refuses a certificate from another CA, one that does not name the orderer's host, or one expired", function () {
      const foreign = issueLeaf(otherCa, '/O=Hospital1MSP/CN=orderer2', 365, undefined, 'IP:10.0.0.2').certPem;
      expect(() =>
        checkConsenterChange(
          updateOf((v) => {
            rotate(v, 1, foreign);
          }),
          current,
          orderer,
          roots,
        ),
      ).to.throw('not issued by a TLS root its operator has on the channel');
      const elsewhere = issueLeaf(ca, '/O=Hospital2MSP/CN=orderer2', 365, undefined, 'IP:10.0.0.7').certPem;
      expect(() =>
        checkConsenterChange(
          updateOf((v) => {
            rotate(v, 1, elsewhere);
          }),
          current,
          orderer,
          roots,
        ),
      ).to.throw('does not name its host 10.0.0.2');
      const later = new Date(Date.now() + 400 * 24 * 3600_000);
      expect(() =>
        checkConsenterChange(
          updateOf((v) => {
            rotate(v, 1, fresh);
          }),
          current,
          orderer,
          roots,
          later,
        ),
      ).to.throw('not valid now');
      expect(() => checkConsenterChange({ write_set: {} }, current, orderer, roots)).to.throw(
        'does not write the Raft consenter set',
      );
    });

    it('refuses moving a consenter to another address, or rotating one orderer under the name of another', function () {
      // Another consenter moved onto orderer2's address with the new certificate.
      const moved = updateOf((v) => {
        rotate(v, 0, fresh);
        const entry = consenters(v)[0];
        if (entry !== undefined) entry.host = '10.0.0.2';
      });
      expect(() => checkConsenterChange(moved, current, orderer, roots)).to.throw(
        'the consenter it changes is 10.0.0.1:7050',
      );
      // orderer2's own entry given a new port along with the certificate.
      const onOtherPort = { ...orderer, port: 7051 };
      const renumbered = updateOf((v) => {
        rotate(v, 1, fresh);
        const entry = consenters(v)[1];
        if (entry !== undefined) entry.port = 7051;
      });
      expect(() => checkConsenterChange(renumbered, current, onOtherPort, roots)).to.throw(
        'the consenter it changes is 10.0.0.2:7050',
      );
      // The orderer at 10.0.0.2:7050 rotated, checked as the one at 10.0.0.2:7051.
      const rotated = updateOf((v) => {
        rotate(v, 1, fresh);
      });
      expect(() => checkConsenterChange(rotated, current, onOtherPort, roots)).to.throw('not orderer2 (10.0.0.2:7051)');
    });

    it('refuses a change of the consensus state, a consenter set that is not a list, and a channel without Raft', function () {
      const maintenance = updateOf((v) => {
        rotate(v, 1, fresh);
        v.state = 'STATE_MAINTENANCE';
      });
      expect(() => checkConsenterChange(maintenance, current, orderer, roots)).to.throw(
        'changes the consensus type or its state',
      );
      const notList = updateOf((v) => {
        (v.metadata as Record<string, unknown>).consenters = {};
      });
      expect(() => checkConsenterChange(notList, current, orderer, roots)).to.throw('adds or removes a consenter');
      const rotated = updateOf((v) => {
        rotate(v, 1, fresh);
      });
      expect(() => checkConsenterChange(rotated, { channel_group: {} }, orderer, roots)).to.throw(
        'does not write the Raft consenter set',
      );
    });

    it("refuses a certificate from an impostor CA named as the operator's, one not yet valid, and one unreadable", function () {
      const impostor = makeCa('/O=Hospital2MSP/CN=tlsca.hospital2');
      const forged = issueLeaf(impostor, '/O=Hospital2MSP/CN=orderer2', 365, undefined, 'IP:10.0.0.2', true).certPem;
      expect(() =>
        checkConsenterChange(
          updateOf((v) => {
            rotate(v, 1, forged);
          }),
          current,
          orderer,
          roots,
        ),
      ).to.throw('not issued by a TLS root its operator has on the channel');
      const earlier = new Date(Date.now() - 86_400_000);
      const rotated = updateOf((v) => {
        rotate(v, 1, fresh);
      });
      expect(() => checkConsenterChange(rotated, current, orderer, roots, earlier)).to.throw('not valid now');
      const garbage = updateOf((v) => {
        rotate(v, 1, pem('GARBAGE'));
      });
      expect(() => checkConsenterChange(garbage, current, orderer, roots)).to.throw(
        'is not a readable X.509 certificate',
      );
    });

    it('accepts an orderer known by a DNS name when the certificate names it, and refuses it when it does not', function () {
      const byName = { ...orderer, host: 'orderer2.hospital2.example' };
      const named = structuredClone(current);
      const value = (
        named.channel_group as {
          groups: { Orderer: { values: { ConsensusType: { value: Record<string, unknown> } } } };
        }
      ).groups.Orderer.values.ConsensusType.value;
      const entry = consenters(value)[1];
      if (entry !== undefined) entry.host = byName.host;
      const next = structuredClone(value);
      const withCert = (cert: string): Record<string, unknown> => {
        const written = structuredClone(next);
        rotate(written, 1, cert);
        return { write_set: { groups: { Orderer: { values: { ConsensusType: { version: '1', value: written } } } } } };
      };
      const dns = issueLeaf(ca, '/O=Hospital2MSP/CN=orderer2', 365, undefined, `DNS:${byName.host}`).certPem;
      expect(checkConsenterChange(withCert(dns), named, byName, roots).certificatePem.trim()).to.equal(dns.trim());
      expect(() => checkConsenterChange(withCert(fresh), named, byName, roots)).to.throw(
        `does not name its host ${byName.host}`,
      );
    });

    it("reads an operator's TLS roots from its MSP in the Orderer group", function () {
      const withMsp = {
        channel_group: {
          groups: {
            Orderer: {
              groups: { Hospital2MSP: { values: { MSP: { value: { config: { tls_root_certs: roots } } } } } },
            },
          },
        },
      };
      expect(ordererOrgTlsRoots(withMsp, 'Hospital2MSP')).to.deep.equal(roots);
      expect(ordererOrgTlsRoots(withMsp, 'Hospital1MSP')).to.deep.equal([]);
      const mixed = structuredClone(withMsp);
      mixed.channel_group.groups.Orderer.groups.Hospital2MSP.values.MSP.value.config.tls_root_certs = [
        ...roots,
        7 as unknown as string,
      ];
      expect(ordererOrgTlsRoots(mixed, 'Hospital2MSP')).to.deep.equal(roots);
    });
  });
});
