import { checkpointers, type ChaincodeEvent, type Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import {
  connectWithClient,
  createMedrecClient,
  createPeerClient,
  discoverChannel,
  filteredBlockNumbers,
  probeOrderer,
  watchChannelHeight,
  type ChannelHeightWatcher,
  type ClientIdentity,
  type DiscoveredChannel,
  type DiscoveredOrderer,
  type MedrecClient,
  type OrdererProbeResult,
  type MedrecEvent,
  type Wallet,
} from '@medrec/sdk';
import type { EventPosition, EventSubscription, LedgerGateway, UserContext } from '../ports';

export interface PeerEndpoint {
  readonly address: string;
  readonly tlsRootCertificate: string;
  readonly tlsServerName?: string;
}

export interface WalletLedgerGatewayOptions {
  readonly wallet: Wallet;
  readonly peer: PeerEndpoint;
  readonly channel?: string;
  readonly chaincode?: string;
  /** Per-user Gateways kept for reuse (least recently used are closed first); they all share one gRPC client. */
  readonly maxConnections?: number;
  /** How the process's one connection to the peer is opened (default: a gRPC client); tests pass a fake. */
  readonly openPeer?: (peer: PeerEndpoint) => PeerConnector;
  /**
   * The API's own identity, which follows the peer's committed blocks for currentHeight(); without it, currentHeight()
   * asks the peer each time as `heightIdentity` would (and fails: there is no identity to ask with).
   */
  readonly heightIdentity?: UserContext;
}

/**
 * The process's one connection to its peer (a gRPC client) and how a user's Gateway is made over it. Following
 * fabric-gateway's guidance, every user's Gateway shares it: a Gateway is cheap (an identity and a signer), a gRPC
 * client is a TLS connection.
 */
export interface PeerConnector {
  connect(identity: Readonly<ClientIdentity>): Gateway;
  /** Asks the peer's discovery service about the channel, signed by `identity`, over the same client. */
  discover(identity: Readonly<ClientIdentity>, channel: string): Promise<DiscoveredChannel>;
  /** Closes the shared client; called once, when the whole ledger gateway is closed. */
  close(): void;
}

/** The default PeerConnector: one grpc.Client for the peer endpoint, shared by every Gateway made over it. */
export function openSharedPeer(peer: PeerEndpoint): PeerConnector {
  const client = createPeerClient({
    peerAddress: peer.address,
    tlsRootCertificate: peer.tlsRootCertificate,
    ...(peer.tlsServerName === undefined ? {} : { tlsServerName: peer.tlsServerName }),
  });
  return {
    connect: (identity) => connectWithClient(client, identity),
    discover: (identity, channel) => discoverChannel({ client, identity, channel }),
    close: () => {
      client.close();
    },
  };
}

export interface ClosableLedgerGateway extends LedgerGateway {
  /** The user's own gateway connection (for system chaincode queries such as qscc). */
  gatewayFor(user: UserContext): Promise<Gateway>;
  /**
   * The channel height as the peer reports it (qscc GetChainInfo), asked as `user`: answers only when the peer is
   * reachable and serves the channel. Used by /healthz with the API's own admin identity.
   */
  channelHeight(user: UserContext): Promise<bigint>;
  /**
   * The peer's height as this process last saw it committed (a block stream, one per process), for read requests:
   * no proposal per call. Needs `heightIdentity`.
   */
  currentHeight(): Promise<number>;
  /** The channel's organisations, orderers and live peers from the peer's discovery service, asked as `user`. */
  discover(user: UserContext): Promise<DiscoveredChannel>;
  /** Whether an orderer delivers the channel's newest block to `user`, and its height; never throws. */
  probeOrderer(user: UserContext, orderer: DiscoveredOrderer): Promise<OrdererProbeResult>;
  /** Closes every user's Gateway, then the shared peer client; the gateway cannot be used afterwards. */
  close(): void;
}

/** The user's identity is missing from the organisation's wallet (it was never provisioned here). */
export class UnknownIdentityError extends Error {
  constructor(user: UserContext) {
    super(
      `no identity for ${user.enrollmentId} in the ${user.org} wallet; register the user again through this organisation`,
    );
    this.name = 'UnknownIdentityError';
  }
}

const utf8 = new TextDecoder();

/** The event's JSON payload, or undefined when it is not a JSON object. */
function payloadOf(event: ChaincodeEvent): Record<string, unknown> | undefined {
  const text = utf8.decode(event.payload);
  if (text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Each request acts as its own user: transactions are signed with the user's enrolled identity from the wallet,
 * never with a shared organisation identity. Each user has a Gateway (cached, least recently used closed first); all
 * of them share the process's one gRPC client to the peer, which only close() closes.
 */
export function createWalletLedgerGateway(options: Readonly<WalletLedgerGatewayOptions>): ClosableLedgerGateway {
  const gateways = new Map<string, Gateway>();
  const max = options.maxConnections ?? 100;
  const channel = options.channel ?? 'medrec';
  const chaincode = options.chaincode ?? 'medrec';
  const peer = (options.openPeer ?? openSharedPeer)(options.peer);

  const identityOf = async (user: UserContext): Promise<ClientIdentity> => {
    const identity = await options.wallet.get(user.enrollmentId);
    if (identity?.mspId !== user.mspId) throw new UnknownIdentityError(user);
    return {
      mspId: identity.mspId,
      certificate: identity.certificate,
      privateKey: identity.privateKey,
      // The caching wallet's already parsed key: signers use it instead of parsing the PEM again.
      ...(identity.signingKey === undefined ? {} : { signingKey: identity.signingKey }),
    };
  };

  const gatewayFor = async (user: UserContext): Promise<Gateway> => {
    const cached = gateways.get(user.enrollmentId);
    if (cached) {
      gateways.delete(user.enrollmentId);
      gateways.set(user.enrollmentId, cached); // most recently used last
      return cached;
    }
    const gateway = peer.connect(await identityOf(user));
    gateways.set(user.enrollmentId, gateway);
    if (gateways.size > max) {
      const [oldestKey, oldest] = gateways.entries().next().value ?? [];
      if (oldestKey !== undefined && oldest !== undefined) {
        gateways.delete(oldestKey);
        // Only the Gateway: the gRPC client is shared with every other user's Gateway and stays open.
        oldest.close();
      }
    }
    return gateway;
  };

  const channelHeight = async (user: UserContext): Promise<bigint> => {
    const contract = (await gatewayFor(user)).getNetwork(channel).getContract('qscc');
    const bytes = await contract.evaluateTransaction('GetChainInfo', channel);
    return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
  };

  let watcher: ChannelHeightWatcher | undefined;
  const currentHeight = (): Promise<number> => {
    const identity = options.heightIdentity;
    if (identity === undefined) {
      return Promise.reject(new Error('this ledger gateway has no identity of its own to follow the peer with'));
    }
    watcher ??= watchChannelHeight({
      query: async () => Number(await channelHeight(identity)),
      // A fresh gateway lookup each time the stream is (re)opened: the cached one may have been closed meanwhile.
      blocks: async (start) => filteredBlockNumbers((await gatewayFor(identity)).getNetwork(channel))(start),
    });
    return watcher.height();
  };

  return {
    async clientFor(user: UserContext): Promise<MedrecClient> {
      return createMedrecClient(await gatewayFor(user), { channel, chaincode });
    },

    async hasIdentity(user: UserContext): Promise<boolean> {
      return (await options.wallet.get(user.enrollmentId))?.mspId === user.mspId;
    },

    gatewayFor,

    channelHeight,

    currentHeight,

    async discover(user: UserContext): Promise<DiscoveredChannel> {
      return peer.discover(await identityOf(user), channel);
    },

    async probeOrderer(user: UserContext, orderer: DiscoveredOrderer): Promise<OrdererProbeResult> {
      return probeOrderer({ orderer, identity: await identityOf(user), channel });
    },

    async eventsFor(
      user: UserContext,
      patientId: string,
      onEvent: (event: MedrecEvent) => void,
      resumeAfter?: EventPosition,
      onFailure?: (error: Error) => void,
    ): Promise<EventSubscription> {
      const network = (await gatewayFor(user)).getNetwork(channel);
      // A checkpoint at (block, transaction) makes the peer start at that block and skip up to that transaction.
      const checkpoint = checkpointers.inMemory();
      if (resumeAfter !== undefined) {
        await checkpoint.checkpointTransaction(resumeAfter.blockNumber, resumeAfter.transactionId);
      }
      const events = await network.getChaincodeEvents(chaincode, resumeAfter === undefined ? {} : { checkpoint });
      let closed = false;
      const pump = async (): Promise<void> => {
        for await (const event of events as AsyncIterable<ChaincodeEvent>) {
          const payload = payloadOf(event);
          // An unreadable payload is about no patient we can name; skipping it keeps one bad event from ending (and,
          // on every reconnect, re-ending) the stream.
          if (payload?.patientId !== patientId) continue;
          onEvent({
            name: event.eventName,
            transactionId: event.transactionId,
            blockNumber: event.blockNumber,
            payload,
          });
        }
      };
      // The peer's stream ends (with an error, or without one) when the peer restarts or the connection drops; it
      // never resumes by itself, so the subscriber is told and can end its SSE response (the browser then reconnects
      // with Last-Event-ID). An end caused by close() is the subscriber's own doing and is not reported.
      pump().then(
        () => {
          if (!closed) onFailure?.(new Error('the peer ended the chaincode event stream'));
        },
        (err: unknown) => {
          if (!closed) onFailure?.(err instanceof Error ? err : new Error(String(err)));
        },
      );
      return {
        close: () => {
          if (closed) return;
          closed = true;
          events.close();
        },
      };
    },

    close(): void {
      watcher?.close();
      for (const gateway of gateways.values()) gateway.close();
      gateways.clear();
      peer.close();
    },
  };
}
