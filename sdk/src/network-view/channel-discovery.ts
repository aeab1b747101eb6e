/**
 * One question to a peer's discovery service: which organisations, orderers and live peers a channel has. The
 * answer is what the peer's gossip knows now, about every organisation's peers, so one organisation's API can show
 * the whole consortium without reaching any other organisation's host.
 */
import { X509Certificate } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { discovery, gossip } from '@hyperledger/fabric-protos';
import type { NodeChaincode } from '@medrec/contract';
import { LedgerFailureError, NetworkUnavailableError } from '../errors';
import type { ClientIdentity } from '../gateway-connection';
import { decodeSerializedIdentity, subjectValues } from '../ledger-evidence/msp-identity';
import { signedDiscoveryRequest } from './signed-messages';

const DISCOVER_METHOD = '/discovery.Discovery/Discover';

/** An orderer endpoint of the channel configuration, with the TLS roots its organisation publishes there. */
export interface DiscoveredOrderer {
  readonly mspId: string;
  readonly host: string;
  readonly port: number;
  /** PEM: the TLS root and intermediate certificates of the orderer's organisation, from the channel config. */
  readonly tlsRootCertificates: string;
}

/** A peer the channel's gossip reports alive. */
export interface DiscoveredPeer {
  readonly mspId: string;
  readonly endpoint: string;
  /** The common name of its enrollment certificate, or null. */
  readonly name: string | null;
  readonly ledgerHeight: number;
  readonly chaincodes: readonly NodeChaincode[];
}

export interface DiscoveredChannel {
  readonly channel: string;
  readonly organisations: readonly string[];
  readonly orderers: readonly DiscoveredOrderer[];
  readonly peers: readonly DiscoveredPeer[];
}

export interface ChannelDiscoveryOptions {
  /** A gRPC client to the caller's own peer (the process's shared one). */
  readonly client: grpc.Client;
  readonly identity: Readonly<ClientIdentity>;
  readonly channel: string;
  /** How long the peer may take to answer (default 5 s). */
  readonly timeoutMs?: number;
}

const pem = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END CERTIFICATE-----\n`;

/** Config MSP certificates are PEM bytes in Fabric's own configs; tolerate DER too. */
function certificateText(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  return text.includes('-----BEGIN CERTIFICATE-----') ? text : pem(bytes);
}

function commonName(identityBytes: Uint8Array): string | null {
  const identity = decodeSerializedIdentity(identityBytes);
  if (identity === undefined) return null;
  return subjectValues(new X509Certificate(identity.certificatePem), 'CN')[0] ?? null;
}

function gossipMessage(envelope: gossip.Envelope | undefined): gossip.GossipMessage | undefined {
  if (envelope === undefined) return undefined;
  try {
    return gossip.GossipMessage.deserializeBinary(envelope.getPayload_asU8());
  } catch {
    return undefined;
  }
}

function peerOf(mspId: string, peer: discovery.Peer): DiscoveredPeer | undefined {
  const endpoint = gossipMessage(peer.getMembershipInfo())?.getAliveMsg()?.getMembership()?.getEndpoint();
  // A peer with no advertised endpoint is not reachable from outside its organisation; nothing useful to show.
  if (endpoint === undefined || endpoint === '') return undefined;
  const properties = gossipMessage(peer.getStateInfo())?.getStateInfo()?.getProperties();
  return {
    mspId,
    endpoint,
    name: commonName(peer.getIdentity_asU8()),
    ledgerHeight: properties?.getLedgerHeight() ?? 0,
    chaincodes: (properties?.getChaincodesList() ?? []).map((c) => ({ name: c.getName(), version: c.getVersion() })),
  };
}

function resultAt(response: discovery.Response, index: number, what: string): discovery.QueryResult {
  const result = response.getResultsList()[index];
  if (result === undefined) {
    throw new LedgerFailureError({ message: `the peer's discovery service gave no answer to the ${what} query` });
  }
  if (result.hasError()) {
    throw new LedgerFailureError({
      message:
        `the peer's discovery service refused the ${what} query: ${result.getError()?.getContent() ?? ''}; ` +
        "check that this identity is a member of the channel and that the peer's discovery service is enabled",
    });
  }
  return result;
}

/** Reads the channel's organisations, orderers and live peers from the peer's discovery service. */
export async function discoverChannel(options: Readonly<ChannelDiscoveryOptions>): Promise<DiscoveredChannel> {
  const request = await signedDiscoveryRequest(options.identity, options.channel);
  const response = await new Promise<discovery.Response>((resolve, reject) => {
    options.client.makeUnaryRequest(
      DISCOVER_METHOD,
      (message: discovery.SignedRequest) => Buffer.from(message.serializeBinary()),
      (bytes: Buffer) => discovery.Response.deserializeBinary(bytes),
      request,
      { deadline: Date.now() + (options.timeoutMs ?? 5000) },
      (error, value) => {
        if (error !== null || value === undefined) {
          reject(
            new NetworkUnavailableError({
              message: `the peer's discovery service did not answer: ${error?.details ?? 'no response'}; check the peer`,
              cause: error,
            }),
          );
        } else {
          resolve(value);
        }
      },
    );
  });

  const config = resultAt(response, 0, 'configuration').getConfigResult();
  const members = resultAt(response, 1, 'peer membership').getMembers();
  return {
    channel: options.channel,
    organisations: config === undefined ? [] : [...config.getMspsMap().keys()].sort(),
    orderers: config === undefined ? [] : orderersOf(config),
    peers: members === undefined ? [] : peersOf(members),
  };
}

function orderersOf(config: discovery.ConfigResult): DiscoveredOrderer[] {
  const orderers: DiscoveredOrderer[] = [];
  for (const [mspId, endpoints] of config.getOrderersMap().entries()) {
    const definition = config.getMspsMap().get(mspId);
    const roots = [
      ...(definition?.getTlsRootCertsList_asU8() ?? []),
      ...(definition?.getTlsIntermediateCertsList_asU8() ?? []),
    ]
      .map(certificateText)
      .join('');
    for (const endpoint of endpoints.getEndpointList()) {
      orderers.push({ mspId, host: endpoint.getHost(), port: endpoint.getPort(), tlsRootCertificates: roots });
    }
  }
  return orderers;
}

function peersOf(members: discovery.PeerMembershipResult): DiscoveredPeer[] {
  const peers: DiscoveredPeer[] = [];
  for (const [mspId, group] of members.getPeersByOrgMap().entries()) {
    for (const peer of group.getPeersList()) {
      const found = peerOf(mspId, peer);
      if (found !== undefined) peers.push(found);
    }
  }
  return peers;
}
