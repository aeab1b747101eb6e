import { caProcessName } from './certificate-authority';
import { chaincodeProcessName } from './chaincode-deployment';
import { assertOutsideEphemeralRange, ephemeralPortRange } from './ephemeral-ports';
import type { FabricBinaries } from './fabric-binaries';
import { portOpen } from './health';
import type { Layout } from './layout';
import { runningPid } from './processes';
import { firstPeers, type Topology } from './topology';

/** A port held by a process that is not ours would make a node fail obscurely: say so up front. */
export async function assertPortsFree(layout: Layout, t: Topology, bin: FabricBinaries): Promise<void> {
  // Only a network of relative ports spans [base, base + 1000); a file of absolute ports (portBase 0) is its own.
  if (t.portBase !== 0) assertOutsideEphemeralRange(t.portBase, ephemeralPortRange());
  const ours = (name: string, command: string): boolean => runningPid(layout, name, command) !== undefined;
  type Check = [running: boolean, host: string, port: number, what: string];
  const checks: Check[] = [
    ...t.organisations.flatMap((o): Check[] => {
      const running = ours(caProcessName(o.key), 'fabric-ca-server');
      return [
        [running, o.ca.host, o.ca.port, o.ca.name],
        [running, o.ca.host, o.ca.operationsPort, `${o.ca.name} operations`],
      ];
    }),
    ...t.orderers.flatMap((o): Check[] => {
      const running = ours(o.name, bin.path('orderer'));
      return [o.port, o.adminPort, o.operationsPort].map((port): Check => [running, o.host, port, o.name]);
    }),
    ...t.peers.flatMap((p): Check[] => {
      const running = ours(p.name, bin.path('peer'));
      return [p.port, p.chaincodeListenPort, p.operationsPort].map((port): Check => [running, p.host, port, p.name]);
    }),
    ...firstPeers(t).map((p): Check => {
      const cc = ours(chaincodeProcessName(p.org), 'fabric-shim/cli.js');
      return [cc, p.host, p.chaincodeServerPort, chaincodeProcessName(p.org)];
    }),
  ];
  for (const [running, host, port, what] of checks) {
    if (!running && (await portOpen(host, port))) {
      throw new Error(
        `port ${port} on ${host} (for ${what}) is already in use by a process this network did not start; ` +
          `stop that process, or choose other ports with MEDREC_PORT_BASE (now ${t.portBase}) or in the consortium ` +
          `file ${t.source}`,
      );
    }
  }
}
