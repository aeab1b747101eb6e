/**
 * The Raft consenter set in a channel configuration: which TLS certificate each orderer presents, by its host and
 * port (etcdraft.ConfigMetadata in the Orderer group's ConsensusType value). An orderer's TLS certificate is rotated
 * by replacing its entry here (a configuration update the orderer organisations' admins sign), then restarting it
 * with the new certificate: the other orderers accept its cluster connections by this certificate.
 */
import { at, type ChannelConfigJson, type ConfigMutation } from './channel-update';

interface Consenter {
  host: string;
  port: number;
  client_tls_cert: string;
  server_tls_cert: string;
}

const CONSENTERS = ['channel_group', 'groups', 'Orderer', 'values', 'ConsensusType', 'value', 'metadata', 'consenters'];

function consentersOf(config: ChannelConfigJson): Consenter[] {
  const consenters = at(config, CONSENTERS);
  if (!Array.isArray(consenters)) throw new Error('the channel config has no Raft consenter set; is it etcdraft?');
  return consenters as Consenter[];
}

/** The certificate (PEM) the consenter set holds for the orderer at host:port, or undefined when none is there. */
export function consenterCertificate(config: ChannelConfigJson, host: string, port: number): string | undefined {
  const found = consentersOf(config).find((c) => c.host === host && c.port === port);
  return found === undefined ? undefined : Buffer.from(found.server_tls_cert, 'base64').toString('utf8');
}

/** The mutation that gives the orderer at host:port a new TLS certificate (client and server: the same one). */
export function withConsenterCertificate(host: string, port: number, certificatePem: string): ConfigMutation {
  if (!certificatePem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`the new certificate for ${host}:${String(port)} is not a PEM certificate`);
  }
  const encoded = Buffer.from(certificatePem, 'utf8').toString('base64');
  return (config) => {
    const consenter = consentersOf(config).find((c) => c.host === host && c.port === port);
    if (consenter === undefined) {
      throw new Error(`no consenter at ${host}:${String(port)} in the channel's Raft consenter set`);
    }
    consenter.client_tls_cert = encoded;
    consenter.server_tls_cert = encoded;
  };
}
