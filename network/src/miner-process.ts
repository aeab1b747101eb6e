/**
 * One miner service per organisation (miner-main.ts), started by `network up` after the APIs and stopped before
 * them. It holds the organisation's admin identity only, as the CLI's `medrec miner` does, and keeps its checkpoint
 * in MEDREC_HOME/miner/<org>.checkpoint, so a restart resumes where the last committed claim left it.
 */
import path from 'node:path';
import type { Layout } from './layout';
import { REPO_ROOT } from './paths';
import { runningPid, startProcess, stopProcess, type ProcessSpec } from './processes';
import { firstPeers, type PeerNode, type PeerOrgKey, type Topology } from './topology';

const ENTRY = path.join(REPO_ROOT, 'dist', 'network', 'src', 'miner-main.js');

/** Seconds between rounds unless MEDREC_MINER_INTERVAL_SECONDS says otherwise. */
export const DEFAULT_MINER_INTERVAL_SECONDS = 30;

/** MEDREC_MINER_INTERVAL_SECONDS, read strictly: a whole number of seconds from 1 to 3600. */
export function minerIntervalSeconds(env: NodeJS.ProcessEnv): number {
  const raw = env.MEDREC_MINER_INTERVAL_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_MINER_INTERVAL_SECONDS;
  if (!/^[1-9][0-9]{0,3}$/.test(raw) || Number(raw) > 3600) {
    throw new Error(`MEDREC_MINER_INTERVAL_SECONDS=${raw} is not a whole number of seconds from 1 to 3600`);
  }
  return Number(raw);
}

export function minerProcessName(org: PeerOrgKey): string {
  return `miner.${org}`;
}

/** Where an organisation's miner keeps the next block to process (the CLI's `medrec miner` by default too). */
export function minerCheckpointPath(layout: Layout, org: PeerOrgKey): string {
  return path.join(layout.home, 'miner', `${org}.checkpoint`);
}

export function minerPid(layout: Layout, org: PeerOrgKey): number | undefined {
  return runningPid(layout, minerProcessName(org), ENTRY);
}

/** Starts the miner of every organisation that has none running. */
export function startMiners(layout: Layout, topology: Topology): void {
  // One miner per organisation, with its first peer's host.
  for (const peer of firstPeers(topology)) startMiner(layout, topology, peer);
}

/** An organisation's miner process: what `startMiner` runs and what `medrec org units` writes as a systemd unit. */
export function minerProcessSpec(layout: Layout, topology: Topology, peer: PeerNode): ProcessSpec {
  return {
    name: minerProcessName(peer.org),
    host: peer.host,
    command: process.execPath,
    args: [ENTRY],
    env: {
      PATH: process.env.PATH,
      MEDREC_HOME: layout.home,
      MEDREC_CONSORTIUM: topology.source,
      // A file of absolute ports (portBase 0) has no base to pass on; MEDREC_PORT_BASE accepts none below 1024.
      ...(topology.portBase === 0 ? {} : { MEDREC_PORT_BASE: String(topology.portBase) }),
      MEDREC_MINER_ORG: peer.org,
      MEDREC_MINER_INTERVAL_SECONDS: String(minerIntervalSeconds(process.env)),
    },
  };
}

/** Starts one organisation's miner unless it is running. */
export function startMiner(layout: Layout, topology: Topology, peer: PeerNode): void {
  if (minerPid(layout, peer.org) !== undefined) return;
  startProcess(layout, minerProcessSpec(layout, topology, peer));
}

/** Stops every organisation's miner (a round in progress is abandoned; its checkpoint is where it resumes). */
export async function stopMiners(layout: Layout, topology: Topology): Promise<void> {
  for (const peer of firstPeers(topology)) await stopMiner(layout, peer.org);
}

export async function stopMiner(layout: Layout, org: PeerOrgKey): Promise<void> {
  await stopProcess(layout, minerProcessName(org), path.basename(ENTRY));
}
