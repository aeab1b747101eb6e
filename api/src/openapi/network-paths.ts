/**
 * GET /v1/network: the consortium's nodes for an organisation's operators (the console's operator page). Not a
 * ledger object: organisations and live peers come from the API's peer's discovery service, orderers from a Deliver
 * probe of each orderer the channel configuration names.
 */
import { networkViewSchema } from '@medrec/contract';
import { fromContract } from './contract-schemas';
import { json, problems, READ } from './document-parts';
import type { JsonSchema, OpenApiDocument } from './openapi-types';

export const networkSchemas: Readonly<Record<string, JsonSchema>> = {
  NetworkView: fromContract(
    networkViewSchema,
    "The channel's organisations, each peer gossip reports (up, or unreachable since lastSeenAt) with its ledger " +
      'height and the sequence of each chaincode definition it committed, and each orderer with whether it answered ' +
      'and its height.',
  ),
};

export const networkPaths: OpenApiDocument['paths'] = {
  '/v1/network': {
    get: {
      operationId: 'getNetworkView',
      summary: "The consortium's nodes: organisations, peers and orderers, up or not, heights, chaincode definitions",
      description:
        "An organisation admin's view, as this organisation's peer and the orderers answer now (reused for up to 3 s). " +
        "A peer that stopped shows as unreachable with the height it last reported; 503 when this API's own peer " +
        'does not answer.',
      tags: ['organisations'],
      responses: { '200': json('The nodes', 'NetworkView'), ...problems(...READ) },
    },
  },
};
