/**
 * Whether an orderer answers, and its height: a Deliver request for the channel's newest block header, over TLS
 * verified against the orderer organisation's TLS roots from the channel configuration. An orderer's Deliver service
 * serves any channel reader, so no orderer-side grant is needed; the probe never throws.
 */
import * as grpc from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import type { ClientIdentity } from '../gateway-connection';
import type { DiscoveredOrderer } from './channel-discovery';
import { signedNewestBlockRequest } from './signed-messages';

const DELIVER_METHOD = '/orderer.AtomicBroadcast/Deliver';

export type OrdererProbeResult =
  { readonly reachable: true; readonly height: number } | { readonly reachable: false; readonly detail: string };

export interface OrdererProbeOptions {
  readonly orderer: DiscoveredOrderer;
  readonly identity: Readonly<ClientIdentity>;
  readonly channel: string;
  /** How long the orderer may take (default 3 s). */
  readonly timeoutMs?: number;
}

const statusName = (status: number): string =>
  Object.entries(common.Status).find(([, value]) => value === status)?.[0] ?? String(status);

export async function probeOrderer(options: Readonly<OrdererProbeOptions>): Promise<OrdererProbeResult> {
  const { host, port, tlsRootCertificates } = options.orderer;
  if (tlsRootCertificates === '') {
    return { reachable: false, detail: 'the channel configuration holds no TLS root for its organisation' };
  }
  const envelope = await signedNewestBlockRequest(options.identity, options.channel);
  // Its own short-lived client: orderers are asked only for this view, and a client per call cannot leak.
  const client = new grpc.Client(
    host.includes(':') ? `[${host}]:${String(port)}` : `${host}:${String(port)}`,
    grpc.credentials.createSsl(Buffer.from(tlsRootCertificates)),
  );
  try {
    return await new Promise<OrdererProbeResult>((resolve) => {
      let height: number | undefined;
      const call = client.makeBidiStreamRequest(
        DELIVER_METHOD,
        (message: common.Envelope) => Buffer.from(message.serializeBinary()),
        (bytes: Buffer) => orderer.DeliverResponse.deserializeBinary(bytes),
        new grpc.Metadata(),
        { deadline: Date.now() + (options.timeoutMs ?? 3000) },
      );
      call.on('data', (response: orderer.DeliverResponse) => {
        const block = response.getBlock();
        if (block !== undefined) {
          height = (block.getHeader()?.getNumber() ?? -1) + 1;
          return;
        }
        const status = response.getStatus();
        call.cancel();
        resolve(
          status === common.Status.SUCCESS && height !== undefined
            ? { reachable: true, height }
            : { reachable: false, detail: `the orderer answered ${statusName(status)} to a Deliver request` },
        );
      });
      call.on('error', (error: grpc.ServiceError) => {
        // A cancel() after the answer also ends here; the promise is settled by then and ignores it.
        resolve({ reachable: false, detail: `no answer over gRPC: ${error.details || error.message}` });
      });
      call.on('end', () => {
        resolve(
          height === undefined
            ? { reachable: false, detail: 'the orderer closed the Deliver stream without a block' }
            : { reachable: true, height },
        );
      });
      call.write(envelope);
      call.end();
    });
  } finally {
    client.close();
  }
}
