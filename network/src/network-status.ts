/**
 * What runs and how far each ledger has come, read from the pid files, health endpoints and nodes. It reads both
 * layers (Fabric nodes and MedRec's processes) and changes neither, so it stands apart from both.
 */
import { apiHealthy, apiPid, apiProcessName, apiUrl } from './api-process';
import { caProcessName } from './certificate-authority';
import { chaincodeProcessName, type ChaincodeDefinition } from './chaincode-deployment';
import type { FabricNetwork } from './fabric-network';
import { gatekeeperHealthy, gatekeeperPid, gatekeeperProcessName } from './gatekeeper-process';
import { minerCheckpointPath, minerPid, minerProcessName } from './miner-process';
import { operationsHealthy, portOpen } from './health';
import { readState } from './network-state';
import { ordererHeight, peerChainInfo } from './nodes';
import { runningPid } from './processes';
import { CHANNEL_NAME, firstPeers, type OrgKey, type PeerOrgKey } from './topology';

export interface NodeStatus {
  readonly name: string;
  readonly org: OrgKey;
  readonly kind: 'ca' | 'orderer' | 'peer' | 'chaincode' | 'gatekeeper' | 'api' | 'miner';
  /** host:port, or for a miner (no port) its checkpoint file. */
  readonly address: string;
  readonly up: boolean;
  readonly pid?: number;
  readonly blockHeight?: number;
}

export interface NetworkStatus {
  readonly home: string;
  readonly channel: string;
  readonly chaincode?: Pick<ChaincodeDefinition, 'name' | 'version' | 'sequence'>;
  readonly nodes: readonly NodeStatus[];
  readonly apis: readonly { readonly org: PeerOrgKey; readonly url: string }[];
}

/** Needs the built binaries (it asks orderers and peers for their heights), so it refuses before the first `up`. */
export async function readNetworkStatus(fabric: FabricNetwork): Promise<NetworkStatus> {
  const bin = await fabric.binaries();
  const t = fabric.topology;
  const layout = fabric.layout;
  const state = readState(layout);
  const services = firstPeers(t);
  const height = async (fn: () => Promise<number | undefined>): Promise<number | undefined> =>
    fn().catch(() => undefined);
  const nodes = await Promise.all([
    ...t.organisations.map(async (org): Promise<NodeStatus> => {
      const pid = runningPid(layout, caProcessName(org.key), 'fabric-ca-server');
      const up = pid !== undefined && (await operationsHealthy(org.ca.host, org.ca.operationsPort));
      return {
        name: org.ca.name,
        org: org.key,
        kind: 'ca',
        address: `${org.ca.host}:${org.ca.port}`,
        up,
        ...(pid ? { pid } : {}),
      };
    }),
    ...t.orderers.map(async (node): Promise<NodeStatus> => {
      const pid = runningPid(layout, node.name, bin.path('orderer'));
      const up = pid !== undefined && (await operationsHealthy(node.host, node.operationsPort));
      const blockHeight = up ? await height(() => ordererHeight(layout, bin, node)) : undefined;
      return {
        name: node.name,
        org: node.org,
        kind: 'orderer',
        address: `${node.host}:${node.port}`,
        up,
        ...(pid ? { pid } : {}),
        ...(blockHeight !== undefined ? { blockHeight } : {}),
      };
    }),
    ...t.peers.map(async (node): Promise<NodeStatus> => {
      const pid = runningPid(layout, node.name, bin.path('peer'));
      const up = pid !== undefined && (await operationsHealthy(node.host, node.operationsPort));
      const blockHeight = up
        ? await height(async () => (await peerChainInfo(layout, bin, t, node.org)).height)
        : undefined;
      return {
        name: node.name,
        org: node.org,
        kind: 'peer',
        address: `${node.host}:${node.port}`,
        up,
        ...(pid ? { pid } : {}),
        ...(blockHeight !== undefined ? { blockHeight } : {}),
      };
    }),
    // One chaincode server, API, gatekeeper and miner per organisation, on its first peer.
    ...services.map(async (node): Promise<NodeStatus> => {
      const pid = runningPid(layout, chaincodeProcessName(node.org), 'fabric-shim/cli.js');
      const up = pid !== undefined && (await portOpen(node.host, node.chaincodeServerPort));
      const address = `${node.host}:${node.chaincodeServerPort}`;
      return {
        name: chaincodeProcessName(node.org),
        org: node.org,
        kind: 'chaincode',
        address,
        up,
        ...(pid ? { pid } : {}),
      };
    }),
    ...services.map(async (node): Promise<NodeStatus> => {
      const pid = apiPid(layout, node);
      const up = pid !== undefined && (await apiHealthy(node));
      const address = `${node.host}:${node.apiPort}`;
      return { name: apiProcessName(node), org: node.org, kind: 'api', address, up, ...(pid ? { pid } : {}) };
    }),
    ...services.map(async (node): Promise<NodeStatus> => {
      const pid = gatekeeperPid(layout, node);
      const up = pid !== undefined && (await gatekeeperHealthy(layout, node));
      const address = `${node.host}:${node.gatekeeperPort}`;
      return {
        name: gatekeeperProcessName(node),
        org: node.org,
        kind: 'gatekeeper',
        address,
        up,
        ...(pid ? { pid } : {}),
      };
    }),
  ]);
  // A miner has no endpoint to ask: it is up while its process runs.
  const miners = services.map((node): NodeStatus => {
    const pid = minerPid(layout, node.org);
    return {
      name: minerProcessName(node.org),
      org: node.org,
      kind: 'miner',
      address: minerCheckpointPath(layout, node.org),
      up: pid !== undefined,
      ...(pid ? { pid } : {}),
    };
  });
  return {
    home: layout.home,
    channel: CHANNEL_NAME,
    ...(state?.chaincode
      ? {
          chaincode: {
            name: state.chaincode.name,
            version: state.chaincode.version,
            sequence: state.chaincode.sequence,
          },
        }
      : {}),
    nodes: [...nodes, ...miners],
    apis: services.map((p) => ({ org: p.org, url: apiUrl(p) })),
  };
}
