/**
 * The operator's table of nodes from GET /v1/network: one row per peer and orderer, how far each is behind the
 * highest block any node reports, and one sentence saying whether the consortium is whole and agrees on its chaincode.
 */
import type { NetworkView } from '@medrec/contract';
import { listInWords, when } from './wording';

export interface NodeRow {
  readonly key: string;
  readonly kind: 'peer' | 'orderer';
  readonly mspId: string;
  /** The peer's certificate name, else its endpoint. */
  readonly name: string;
  readonly endpoint: string;
  readonly up: boolean;
  readonly height: number | null;
  /** Blocks behind the highest height any node reports now; null when it did not answer. */
  readonly behind: number | null;
  /** "medrec seq 2" for peers: each chaincode's committed definition sequence (system ones left out); orderers: "". */
  readonly chaincodes: string;
  /** Why a node is down, or when a peer was last seen. */
  readonly note: string;
}

export interface NodeSummary {
  readonly rows: readonly NodeRow[];
  /** The highest block height any node that answered reports. */
  readonly tip: number;
  readonly sentence: string;
  /** False when a node is down or peers run different versions of one chaincode. */
  readonly healthy: boolean;
}

/** Fabric's own system chaincodes (_lifecycle) are named with a leading underscore; the operator runs the others. */
const applicationChaincodes = (peer: NetworkView['peers'][number]): NetworkView['peers'][number]['chaincodes'] =>
  peer.chaincodes.filter((c) => !c.name.startsWith('_'));

/** Each chaincode's distinct versions across the peers that are up, e.g. { medrec: ['1.0', '1.1'] }. */
function versionsByChaincode(view: NetworkView): Map<string, Set<string>> {
  const versions = new Map<string, Set<string>>();
  for (const peer of view.peers) {
    if (peer.status !== 'up') continue;
    for (const chaincode of applicationChaincodes(peer)) {
      const seen = versions.get(chaincode.name) ?? new Set<string>();
      seen.add(chaincode.version);
      versions.set(chaincode.name, seen);
    }
  }
  return versions;
}

export function nodeRows(view: NetworkView): NodeSummary {
  const heights = [
    ...view.peers.filter((p) => p.status === 'up').map((p) => p.ledgerHeight),
    ...view.orderers.flatMap((o) => (o.height === null ? [] : [o.height])),
  ];
  const tip = heights.length === 0 ? 0 : Math.max(...heights);
  const peers: NodeRow[] = view.peers.map((p) => ({
    key: `peer ${p.mspId} ${p.endpoint}`,
    kind: 'peer',
    mspId: p.mspId,
    name: p.name ?? p.endpoint,
    endpoint: p.endpoint,
    up: p.status === 'up',
    height: p.ledgerHeight,
    behind: p.status === 'up' ? tip - p.ledgerHeight : null,
    chaincodes: applicationChaincodes(p)
      .map((c) => `${c.name} seq ${c.version}`)
      .join(', '),
    note: p.status === 'up' ? '' : `Not reported by gossip since ${when(p.lastSeenAt)}; height then.`,
  }));
  const orderers: NodeRow[] = view.orderers.map((o) => ({
    key: `orderer ${o.mspId} ${o.endpoint}`,
    kind: 'orderer',
    mspId: o.mspId,
    name: o.endpoint,
    endpoint: o.endpoint,
    up: o.status === 'up',
    height: o.height,
    behind: o.height === null ? null : tip - o.height,
    chaincodes: '',
    note: o.detail ?? '',
  }));
  const rows = [...peers, ...orderers];
  const up = rows.filter((r) => r.up).length;
  const split = [...versionsByChaincode(view)].filter(([, versions]) => versions.size > 1);
  const parts = [`${String(up)} of ${String(rows.length)} nodes answer`];
  if (split.length > 0) {
    parts.push(
      `peers run different definitions of ${listInWords(split.map(([name, v]) => `${name} (seq ${[...v].sort().join(', seq ')})`))}`,
    );
  }
  return {
    rows,
    tip,
    sentence: `${parts.join('; ')}.`,
    healthy: up === rows.length && split.length === 0,
  };
}
