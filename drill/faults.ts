/**
 * The faults the drill injects. Peers and orderers are restarted by the network tooling's startNode; every other
 * process (chaincode server, CA, gatekeeper, API) by `up`, which starts whatever is missing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consortium } from '@medrec/network';
import type { DrillContext, Fault } from './fault-drill';

/** The Raft leader of the channel and its followers, from each orderer's Prometheus metrics. */
export async function raftRoles(consortium: Consortium): Promise<{ leader: string; followers: string[] }> {
  const roles = await Promise.all(
    consortium.topology.orderers.map(async (orderer) => {
      try {
        const res = await fetch(`http://127.0.0.1:${String(orderer.operationsPort)}/metrics`, {
          signal: AbortSignal.timeout(5_000),
        });
        const text = await res.text();
        return { name: orderer.name, leader: /^consensus_etcdraft_is_leader\{channel="medrec"\} 1$/m.test(text) };
      } catch {
        return { name: orderer.name, leader: false };
      }
    }),
  );
  const leader = roles.find((r) => r.leader)?.name;
  if (leader === undefined) throw new Error('no orderer reports itself Raft leader of channel medrec; is ordering up?');
  return { leader, followers: roles.filter((r) => !r.leader).map((r) => r.name) };
}

/** SIGKILL a peer or orderer, then start it again with the network tooling. */
function killNode(label: string, pick: (drill: DrillContext) => Promise<string>): Fault {
  let name = '';
  return {
    name: label,
    kind: 'single',
    async inject(drill) {
      name = await pick(drill);
      drill.signal(name, 'SIGKILL');
    },
    heal: (drill) => drill.consortium.startNode(name),
  };
}

/** SIGKILL one of the other processes (chaincode server, CA, gatekeeper, API), then `up` starts what is missing. */
export function killService(name: string): Fault {
  return {
    name: `kill ${name}`,
    kind: 'single',
    inject: (drill) => {
      drill.signal(name, 'SIGKILL');
      return Promise.resolve();
    },
    heal: (drill) => drill.consortium.up(),
  };
}

export const killRaftLeader = killNode('kill the Raft leader', async (d) => (await raftRoles(d.consortium)).leader);
export const killRaftFollower = killNode('kill a Raft follower', async (d) => {
  const [follower] = (await raftRoles(d.consortium)).followers;
  if (follower === undefined) throw new Error('no Raft follower to kill');
  return follower;
});
export const killPeer = (name: string): Fault => killNode(`kill ${name}`, () => Promise.resolve(name));

/**
 * Two of the three orderers at once: no Raft quorum, so nothing can be ordered until one returns. The drill keeps
 * them down for its fault duration; writes meanwhile must be refused (503, Retry-After), not left hanging.
 */
export const killOrdererMajority: Fault = (() => {
  let names: string[] = [];
  return {
    name: 'kill the majority of orderers (leader and a follower)',
    kind: 'majority' as const,
    async inject(drill: DrillContext) {
      const roles = await raftRoles(drill.consortium);
      names = [roles.leader, ...roles.followers.slice(0, 1)];
      for (const name of names) drill.signal(name, 'SIGKILL');
    },
    async heal(drill: DrillContext) {
      for (const name of names) await drill.consortium.startNode(name);
    },
  };
})();

/** SIGSTOP a peer for longer than the gateway's endorsement deadline (30 s), then SIGCONT. */
export function freezePeer(name: string, seconds = 35): Fault {
  return {
    name: `freeze ${name} for ${String(seconds)} s`,
    kind: 'freeze',
    async inject(drill) {
      drill.signal(name, 'SIGSTOP');
      await sleep(seconds * 1000);
    },
    heal: (drill) => {
      drill.signal(name, 'SIGCONT');
      return Promise.resolve();
    },
  };
}

/** Every fault of the full drill, in the order the issue lists them. */
export function fullDrill(): Fault[] {
  return [
    killRaftLeader,
    killRaftFollower,
    killPeer('peer0.hospital1'),
    killPeer('peer0.hospital2'),
    killPeer('peer0.research'),
    killService('chaincode.hospital1'),
    killService('ca.hospital1'),
    killService('gatekeeper.hospital1'),
    killService('api.hospital2'),
    killOrdererMajority,
    freezePeer('peer0.research'),
  ];
}

/** The reduced drill CI runs: one orderer, one peer, the gatekeeper. */
export function reducedDrill(): Fault[] {
  return [killRaftFollower, killPeer('peer0.research'), killService('gatekeeper.hospital1')];
}
