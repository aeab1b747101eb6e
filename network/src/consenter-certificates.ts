/**
 * The Raft consenter set in a channel configuration: which TLS certificate each orderer presents, by its host and
 * port (etcdraft.ConfigMetadata in the Orderer group's ConsensusType value). An orderer's TLS certificate is rotated
 * by replacing its entry here (a configuration update the orderer organisations' admins sign), then restarting it
 * with the new certificate: the other orderers accept its cluster connections by this certificate.
 */
import { X509Certificate } from 'node:crypto';
import { certificateNamesHost } from './certificate-host';
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

/** What an update does to the consenter set, checked before an operator's admin signs it. */
export interface ConsenterChange {
  /** The new certificate (PEM) of the one consenter it changes. */
  readonly certificatePem: string;
  /** Subject, issuer, validity and SHA-256 fingerprint, for the signer to compare with what the operator announced. */
  readonly description: string;
}

interface ConsensusTypeValue {
  readonly type?: unknown;
  readonly state?: unknown;
  readonly metadata?: { readonly consenters?: unknown; readonly options?: unknown };
}

function consensusTypeOf(channel: unknown): ConsensusTypeValue | undefined {
  type Channel = { groups?: { Orderer?: { values?: { ConsensusType?: { value?: ConsensusTypeValue } } } } } | null;
  return (channel as Channel)?.groups?.Orderer?.values?.ConsensusType?.value;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Checks that an update changes the TLS certificate of the consenter at host:port and nothing else in the
 * ConsensusType value: same type, state and options, the same consenters in the same order, the others untouched,
 * client and server certificate the same. The new certificate must be issued by one of the operator's TLS roots (as
 * the channel's MSP of that organisation lists them, base64 PEM), be valid now and name the orderer's host. Throws,
 * saying what is wrong, otherwise.
 */
export function checkConsenterChange(
  update: unknown,
  current: ChannelConfigJson,
  orderer: Readonly<{ name: string; host: string; port: number }>,
  operatorTlsRoots: readonly string[],
  now = new Date(),
): ConsenterChange {
  const written = consensusTypeOf((update as { write_set?: unknown } | null)?.write_set);
  const before = consensusTypeOf((current as { channel_group?: unknown }).channel_group);
  if (written === undefined || before === undefined) {
    throw new Error('it does not write the Raft consenter set (the Orderer ConsensusType value)');
  }
  checkOnlyConsentersDiffer(written, before);
  const mine = changedConsenter(written, before, orderer);
  const certificatePem = Buffer.from(mine.server_tls_cert, 'base64').toString('utf8');
  return { certificatePem, description: describeIssuedCertificate(certificatePem, orderer, operatorTlsRoots, now) };
}

function checkOnlyConsentersDiffer(written: ConsensusTypeValue, before: ConsensusTypeValue): void {
  if (!same(written.type, before.type) || !same(written.state, before.state)) {
    throw new Error('it changes the consensus type or its state, not only a certificate');
  }
  if (!same(written.metadata?.options, before.metadata?.options)) {
    throw new Error(
      'it changes the Raft options (tick interval, election tick, snapshot size…), not only a certificate',
    );
  }
}

/** The one consenter entry the update changes, which must be the orderer's own, with one certificate for both roles. */
function changedConsenter(
  written: ConsensusTypeValue,
  before: ConsensusTypeValue,
  orderer: Readonly<{ name: string; host: string; port: number }>,
): Consenter {
  const next = written.metadata?.consenters;
  const was = before.metadata?.consenters;
  if (!Array.isArray(next) || !Array.isArray(was) || next.length !== was.length) {
    throw new Error('it adds or removes a consenter, not only a certificate');
  }
  const changed = next.flatMap((entry, i) => (same(entry, was[i]) ? [] : [i]));
  const index = changed[0];
  if (changed.length !== 1 || index === undefined) {
    throw new Error(`it changes ${String(changed.length)} consenters; a rotation changes exactly one`);
  }
  const [mine, old] = [next[index] as Consenter, was[index] as Consenter];
  if (mine.host !== orderer.host || mine.port !== orderer.port || old.host !== mine.host || old.port !== mine.port) {
    throw new Error(
      `the consenter it changes is ${old.host}:${String(old.port)}, not ${orderer.name} ` +
        `(${orderer.host}:${String(orderer.port)})`,
    );
  }
  if (mine.client_tls_cert !== mine.server_tls_cert) {
    throw new Error('its client and server certificates differ; the rotation gives the orderer one certificate');
  }
  return mine;
}

function describeIssuedCertificate(
  pem: string,
  orderer: Readonly<{ name: string; host: string }>,
  roots: readonly string[],
  now: Date,
): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new Error(`the new certificate of ${orderer.name} is not a readable X.509 certificate`);
  }
  const issuer = roots
    .map((root) => new X509Certificate(Buffer.from(root, 'base64').toString('utf8')))
    .find((root) => cert.checkIssued(root) && cert.verify(root.publicKey));
  if (issuer === undefined) {
    throw new Error(
      `the new certificate of ${orderer.name} is not issued by a TLS root its operator has on the channel`,
    );
  }
  if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
    throw new Error(`the new certificate of ${orderer.name} is not valid now (${cert.validFrom} to ${cert.validTo})`);
  }
  if (!certificateNamesHost(cert, orderer.host)) {
    throw new Error(`the new certificate of ${orderer.name} does not name its host ${orderer.host}`);
  }
  return (
    `${orderer.name}'s new TLS certificate: ${cert.subject.replaceAll('\n', ', ')}; issued by ` +
    `${issuer.subject.replaceAll('\n', ', ')}; valid ${cert.validFrom} to ${cert.validTo}; SHA-256 ${cert.fingerprint256}`
  );
}

/** The TLS roots (base64 PEM) the channel's Orderer group lists for an organisation's MSP; empty when it lists none. */
export function ordererOrgTlsRoots(config: ChannelConfigJson, mspId: string): string[] {
  const roots = at(config, ['channel_group', 'groups', 'Orderer', 'groups', mspId, 'values', 'MSP', 'value', 'config']);
  const list = (roots as { tls_root_certs?: unknown } | undefined)?.tls_root_certs;
  return Array.isArray(list) ? list.filter((root): root is string => typeof root === 'string') : [];
}
