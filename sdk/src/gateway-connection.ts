import type crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, type Gateway } from '@hyperledger/fabric-gateway';
import { nodeCryptoSigning } from './node-crypto-signer';

/** An identity issued by an organisation's CA: its MSP id, certificate and private key (PEM). */
export interface ClientIdentity {
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: string;
  /** The same key already parsed (a caching wallet's), preferred by signers over parsing the PEM again. */
  readonly signingKey?: crypto.KeyObject;
}

export interface GatewayConnectionOptions {
  /**
   * host:port of the peer whose Fabric Gateway service this client uses, or several of one organisation's peers as
   * "ip:port,ip:port" (IP addresses): the client uses the first that answers and fails over to the next (peerTarget).
   */
  readonly peerAddress: string;
  /** PEM of the CA that issued the peer's TLS certificate; the connection is always TLS-verified. */
  readonly tlsRootCertificate: string;
  readonly identity: ClientIdentity;
  /** Name to verify in the peer's TLS certificate when peerAddress is an IP address (e.g. "localhost"). */
  readonly tlsServerName?: string;
}

export interface GatewayConnection {
  readonly gateway: Gateway;
  close(): void;
}

/** Where a peer's Fabric Gateway service is and how its TLS certificate is verified. */
export type PeerClientOptions = Pick<GatewayConnectionOptions, 'peerAddress' | 'tlsRootCertificate' | 'tlsServerName'>;

/**
 * The gRPC target for one peer address, or for a failover list of an organisation's peers. A list becomes gRPC's
 * static-address form (ipv4:a:p,b:p or ipv6:[a]:p,[b]:p, https://github.com/grpc/grpc/blob/master/doc/naming.md)
 * under the default pick_first policy: one connection at a time, to the first address that accepts it; when that
 * peer goes away the channel reconnects to the next. Calls in flight on the lost connection fail (UNAVAILABLE), the
 * next ones go through the other peer. A list of DNS names is refused: gRPC's dns resolver takes one name.
 */
export function peerTarget(peerAddress: string): string {
  const addresses = peerAddress.split(',').map((address) => address.trim());
  const [only] = addresses;
  if (addresses.length === 1 && only !== undefined) return only;
  const v4 = addresses.every((address) => /^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(address));
  const v6 = addresses.every((address) => /^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(address));
  if (!v4 && !v6) {
    throw new Error(
      `peer address list "${peerAddress}" must be IP:port entries of one kind (IPv4, or [IPv6]:port); give DNS ` +
        'names one at a time, or one name whose DNS answer lists every peer',
    );
  }
  return `${v4 ? 'ipv4' : 'ipv6'}:${addresses.join(',')}`;
}

/**
 * One gRPC client for a peer endpoint. fabric-gateway's guidance is one client per peer, shared by every Gateway
 * (each with its own identity and signer): a client per user would open a TLS connection per user. The caller owns it
 * and closes it once, after every Gateway using it is closed.
 */
export function createPeerClient(options: Readonly<PeerClientOptions>): grpc.Client {
  const channelOptions = {
    // A restarted peer is reconnected to within about 2 s: gRPC's default backoff grows to 120 s, and the fault drill
    // saw an API stay unable to reach its restarted peer for 20 s.
    'grpc.initial_reconnect_backoff_ms': 250,
    'grpc.max_reconnect_backoff_ms': 2_000,
    ...(options.tlsServerName === undefined ? {} : { 'grpc.ssl_target_name_override': options.tlsServerName }),
  };
  return new grpc.Client(
    peerTarget(options.peerAddress),
    grpc.credentials.createSsl(Buffer.from(options.tlsRootCertificate)),
    channelOptions,
  );
}

/**
 * A Gateway over an existing (shared) gRPC client, signing with the caller's own key (never a shared organisation
 * identity). Closing the Gateway does not close the client: Gateway.close() only releases the Gateway's own state.
 */
export function connectWithClient(client: grpc.Client, identity: Readonly<ClientIdentity>): Gateway {
  return connect({
    client,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
    // node:crypto rather than fabric-gateway's noble signer (10x slower); the pair brings its own hash option.
    ...nodeCryptoSigning(identity.signingKey ?? identity.privateKey),
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    // A transaction an orderer accepted just before its Raft leader died is never ordered: the caller learns it only
    // from this deadline, so it is kept short enough to answer 503 "retry later" rather than hang (fault drill).
    commitStatusOptions: () => ({ deadline: Date.now() + 30_000 }),
  });
}

/**
 * Opens a Fabric Gateway connection with its own gRPC client, for one-identity processes (the gatekeeper, the CLI);
 * close() closes both. A process serving many users shares one client per peer instead (createPeerClient).
 */
export function connectGateway(options: Readonly<GatewayConnectionOptions>): GatewayConnection {
  const client = createPeerClient(options);
  const gateway = connectWithClient(client, options.identity);
  return {
    gateway,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}
