/**
 * The operator page's view of the consortium: the peer's discovery service for organisations, orderer endpoints and
 * the peers gossip reports alive; a Deliver probe per orderer for up/down and height. Gossip forgets a peer that
 * stops (after its alive expiration), so this process remembers every peer it has seen and shows a forgotten one as
 * unreachable with its last height, instead of letting it vanish from the page; one that reappears at another
 * address (same organisation and certificate name) has moved, and its old address is dropped.
 */
import type { DiscoveredChannel, DiscoveredOrderer, DiscoveredPeer, OrdererProbeResult } from '@medrec/sdk';
import type { NetworkView, OrdererNode, PeerNode } from '@medrec/contract';
import type { NetworkObserver, UserContext } from '../ports';

/** What the observer asks the network (the wallet ledger gateway implements it). */
export interface ChannelObservation {
  discover(user: UserContext): Promise<DiscoveredChannel>;
  probeOrderer(user: UserContext, orderer: DiscoveredOrderer): Promise<OrdererProbeResult>;
}

export interface NetworkObserverOptions {
  /** How long one view is reused (default 3 s), so the page's refresh cannot hammer peer and orderers. */
  readonly cacheMs?: number;
  /** At most this many remembered peers (default 1000); the longest unseen are forgotten first. */
  readonly maxRemembered?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

interface Remembered {
  readonly peer: DiscoveredPeer;
  readonly lastSeenAt: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function ordererNode(orderer: DiscoveredOrderer, probe: OrdererProbeResult): OrdererNode {
  const endpoint = `${orderer.host}:${String(orderer.port)}`;
  return probe.reachable
    ? { mspId: orderer.mspId, endpoint, status: 'up', height: probe.height, detail: null }
    : { mspId: orderer.mspId, endpoint, status: 'unreachable', height: null, detail: probe.detail };
}

const byOrgThenEndpoint = (a: { mspId: string; endpoint: string }, b: { mspId: string; endpoint: string }): number =>
  a.mspId.localeCompare(b.mspId) || a.endpoint.localeCompare(b.endpoint);

export function createNetworkObserver(
  network: ChannelObservation,
  options: Readonly<NetworkObserverOptions> = {},
): NetworkObserver {
  const cacheMs = options.cacheMs ?? 3000;
  const maxRemembered = options.maxRemembered ?? 1000;
  const now = options.now ?? Date.now;
  const remembered = new Map<string, Remembered>();
  let cached: { at: number; view: Promise<NetworkView> } | undefined;

  const observe = async (user: UserContext): Promise<NetworkView> => {
    const discovered = await network.discover(user);
    const at = now();
    const alive = new Set<string>();
    for (const peer of discovered.peers) {
      const key = `${peer.mspId}|${peer.endpoint}`;
      alive.add(key);
      // The same peer (its organisation and certificate name) now answering at another address has moved: its old
      // address is not a second, unreachable node.
      for (const [other, seen] of remembered) {
        if (other !== key && peer.name !== null && seen.peer.name === peer.name && seen.peer.mspId === peer.mspId) {
          remembered.delete(other);
        }
      }
      remembered.delete(key); // re-inserted last: the map's order is oldest-seen first
      remembered.set(key, { peer, lastSeenAt: at });
    }
    while (remembered.size > maxRemembered) {
      const oldest = remembered.keys().next().value;
      if (oldest === undefined) break;
      remembered.delete(oldest);
    }
    // A peer whose organisation has left the channel is not shown as a node of it.
    const members = new Set(discovered.organisations);
    const peers: PeerNode[] = [...remembered.entries()]
      .filter(([, seen]) => members.has(seen.peer.mspId))
      .map(([key, { peer, lastSeenAt }]) => ({
        mspId: peer.mspId,
        endpoint: peer.endpoint,
        name: peer.name,
        status: alive.has(key) ? 'up' : 'unreachable',
        ledgerHeight: peer.ledgerHeight,
        chaincodes: [...peer.chaincodes],
        lastSeenAt: iso(lastSeenAt),
      }));
    const orderers = await Promise.all(
      discovered.orderers.map(async (orderer) => ordererNode(orderer, await network.probeOrderer(user, orderer))),
    );
    return {
      channel: discovered.channel,
      observedAt: iso(at),
      organisations: [...discovered.organisations],
      peers: peers.sort(byOrgThenEndpoint),
      orderers: orderers.sort(byOrgThenEndpoint),
    };
  };

  return {
    view(user) {
      const at = now();
      if (cached === undefined || at - cached.at >= cacheMs) {
        const view = observe(user);
        cached = { at, view };
        // A failed round is not reused: the next request asks again.
        view.catch(() => {
          if (cached?.view === view) cached = undefined;
        });
      }
      return cached.view;
    },
  };
}
