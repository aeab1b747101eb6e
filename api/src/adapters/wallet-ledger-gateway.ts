import { checkpointers, type ChaincodeEvent, type Gateway } from '@hyperledger/fabric-gateway';
import { connectGateway, type GatewayConnection } from '../../../sdk/src/gateway-connection';
import type { MedrecEvent } from '../../../sdk/src/event-stream';
import { createMedrecClient, type MedrecClient } from '../../../sdk/src/medrec-client';
import type { Wallet } from '../../../sdk/src/wallet';
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
  /** Open gateway connections kept for reuse (least recently used are closed first). */
  readonly maxConnections?: number;
}

export interface ClosableLedgerGateway extends LedgerGateway {
  /** The user's own gateway connection (for system chaincode queries such as qscc). */
  gatewayFor(user: UserContext): Promise<Gateway>;
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

/**
 * Each request acts as its own user: transactions are signed with the user's enrolled identity from the wallet,
 * never with a shared organisation identity. Connections are cached per user.
 */
export function createWalletLedgerGateway(options: Readonly<WalletLedgerGatewayOptions>): ClosableLedgerGateway {
  const connections = new Map<string, GatewayConnection>();
  const max = options.maxConnections ?? 100;
  const channel = options.channel ?? 'medrec';
  const chaincode = options.chaincode ?? 'medrec';

  const connectionFor = async (user: UserContext): Promise<GatewayConnection> => {
    const cached = connections.get(user.enrollmentId);
    if (cached) {
      connections.delete(user.enrollmentId);
      connections.set(user.enrollmentId, cached); // most recently used last
      return cached;
    }
    const identity = await options.wallet.get(user.enrollmentId);
    if (identity?.mspId !== user.mspId) throw new UnknownIdentityError(user);
    const connection = connectGateway({
      peerAddress: options.peer.address,
      tlsRootCertificate: options.peer.tlsRootCertificate,
      ...(options.peer.tlsServerName === undefined ? {} : { tlsServerName: options.peer.tlsServerName }),
      identity: { mspId: identity.mspId, certificate: identity.certificate, privateKey: identity.privateKey },
    });
    connections.set(user.enrollmentId, connection);
    if (connections.size > max) {
      const [oldestKey, oldest] = connections.entries().next().value ?? [];
      if (oldestKey !== undefined && oldest !== undefined) {
        connections.delete(oldestKey);
        oldest.close();
      }
    }
    return connection;
  };

  return {
    async clientFor(user: UserContext): Promise<MedrecClient> {
      return createMedrecClient((await connectionFor(user)).gateway, { channel, chaincode });
    },

    async hasIdentity(user: UserContext): Promise<boolean> {
      return (await options.wallet.get(user.enrollmentId))?.mspId === user.mspId;
    },

    async gatewayFor(user: UserContext): Promise<Gateway> {
      return (await connectionFor(user)).gateway;
    },

    async eventsFor(
      user: UserContext,
      patientId: string,
      onEvent: (event: MedrecEvent) => void,
      resumeAfter?: EventPosition,
    ): Promise<EventSubscription> {
      const network = (await connectionFor(user)).gateway.getNetwork(channel);
      // A checkpoint at (block, transaction) makes the peer start at that block and skip up to that transaction.
      const checkpoint = checkpointers.inMemory();
      if (resumeAfter !== undefined) {
        await checkpoint.checkpointTransaction(resumeAfter.blockNumber, resumeAfter.transactionId);
      }
      const events = await network.getChaincodeEvents(chaincode, resumeAfter === undefined ? {} : { checkpoint });
      let closed = false;
      const pump = async (): Promise<void> => {
        for await (const event of events as AsyncIterable<ChaincodeEvent>) {
          const text = utf8.decode(event.payload);
          const payload = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
          if (payload.patientId !== patientId) continue;
          onEvent({
            name: event.eventName,
            transactionId: event.transactionId,
            blockNumber: event.blockNumber,
            payload,
          });
        }
      };
      pump().catch(() => {
        // The stream ends with an error when closed or when the peer goes away; the SSE client reconnects.
      });
      return {
        close: () => {
          if (closed) return;
          closed = true;
          events.close();
        },
      };
    },

    close(): void {
      for (const connection of connections.values()) connection.close();
      connections.clear();
    },
  };
}
