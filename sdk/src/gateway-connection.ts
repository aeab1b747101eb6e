import crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';

/** An identity issued by an organisation's CA: its MSP id, certificate and private key (PEM). */
export interface ClientIdentity {
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: string;
}

export interface GatewayConnectionOptions {
  /** host:port of the peer whose Fabric Gateway service this client uses. */
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

/** Opens a Fabric Gateway connection that signs with the caller's own key (never a shared organisation identity). */
export function connectGateway(options: Readonly<GatewayConnectionOptions>): GatewayConnection {
  const channelOptions =
    options.tlsServerName === undefined ? {} : { 'grpc.ssl_target_name_override': options.tlsServerName };
  const client = new grpc.Client(
    options.peerAddress,
    grpc.credentials.createSsl(Buffer.from(options.tlsRootCertificate)),
    channelOptions,
  );
  const gateway = connect({
    client,
    identity: { mspId: options.identity.mspId, credentials: Buffer.from(options.identity.certificate) },
    signer: signers.newPrivateKeySigner(crypto.createPrivateKey(options.identity.privateKey)),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  return {
    gateway,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}
