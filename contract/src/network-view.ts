/**
 * The consortium's nodes as one organisation's API sees them: the channel's organisations, each peer that the
 * channel's gossip reports (its ledger height and the chaincode versions it runs), and each orderer the channel
 * configuration names (answering or not, and its height). Not a ledger object: the API assembles it from the peer's
 * discovery service and the orderers' Deliver service, for the operator page.
 */
import { z } from 'zod';
import { isoTimeSchema, mspIdSchema } from './primitives';

/** host:port as the channel configuration or gossip advertises it. */
const endpointSchema = z.string().min(1).max(300);

export const nodeChaincodeSchema = z.strictObject({
  name: z.string().min(1).max(200),
  /**
   * What the peer's gossip advertises for the chaincode: for a chaincode defined through Fabric's _lifecycle, the
   * sequence number of the definition the peer has committed (it grows with each `medrec network upgrade-chaincode`).
   */
  version: z.string().max(200),
});
export type NodeChaincode = z.infer<typeof nodeChaincodeSchema>;

export const peerNodeSchema = z.strictObject({
  mspId: mspIdSchema,
  endpoint: endpointSchema,
  /** The common name of the peer's enrollment certificate (e.g. peer0.hospital1), when it has one. */
  name: z.string().max(300).nullable(),
  /**
   * up: the channel's gossip reports it alive now. unreachable: this API saw it earlier but gossip no longer does
   * (stopped, cut off, or expelled); its height and chaincodes are then the last ones seen.
   */
  status: z.enum(['up', 'unreachable']),
  ledgerHeight: z.number().int().nonnegative(),
  chaincodes: z.array(nodeChaincodeSchema),
  lastSeenAt: isoTimeSchema,
});
export type PeerNode = z.infer<typeof peerNodeSchema>;

export const ordererNodeSchema = z.strictObject({
  mspId: mspIdSchema,
  endpoint: endpointSchema,
  /** up: it delivered its newest block to this API just now; unreachable: it did not (detail says why). */
  status: z.enum(['up', 'unreachable']),
  /** Its block height, when it answered. */
  height: z.number().int().nonnegative().nullable(),
  detail: z.string().max(500).nullable(),
});
export type OrdererNode = z.infer<typeof ordererNodeSchema>;

export const networkViewSchema = z.strictObject({
  channel: z.string().min(1).max(250),
  observedAt: isoTimeSchema,
  /** Every organisation in the channel configuration (members and orderer operators), by MSP id. */
  organisations: z.array(mspIdSchema),
  peers: z.array(peerNodeSchema),
  orderers: z.array(ordererNodeSchema),
});
export type NetworkView = z.infer<typeof networkViewSchema>;
