import { caProcessName } from './certificate-authority';
import { chaincodeProcessName } from './chaincode-deployment';
import { assertOutsideEphemeralRange, ephemeralPortRange } from './ephemeral-ports';
import type { FabricBinaries } from './fabric-binaries';
import { portOpen } from './health';
import type { Layout } from './layout';
import { runningPid } from './processes';
import type { Topology } from './topology';

/** A port held by a process that is not ours would make a node fail obscurely: say so up front. */
export async function assertPortsFree(layout: Layout, t: Topology, bin: FabricBinaries): Promise<void> {
  assertOutsideEphemeralRange(t.portBase, ephemeralPortRange());
  const ours = (name: string, command: string): boolean => runningPid(layout, name, command) !== undefined;
  const checks: [boolean, number, string][] = [
    ...t.organisations.flatMap((o): [boolean, number, string][] => {
      const running = ours(caProcessName(o.key), 'fabric-ca-server');
      return [
        [running, o.ca.port, o.ca.name],
        [running, o.ca.operationsPort, `${o.ca.name} operations`],
      ];
    }),
    ...t.orderers.flatMap((o): [boolean, number, string][] => {
      const running = ours(o.name, bin.path('orderer'));
      return [o.port, o.adminPort, o.operationsPort].map((port): [boolean, number, string] => [running, port, o.name]);
    }),
    ...t.peers.flatMap((p): [boolean, number, string][] => {
      const running = ours(p.name, bin.path('peer'));
      const cc = ours(chaincodeProcessName(p.org), 'fabric-shim/cli.js');
      return [
        ...[p.port, p.chaincodeListenPort, p.operationsPort].map((port): [boolean, number, string] => [
          running,
          port,
          p.name,
        ]),
        [cc, p.chaincodeServerPort, chaincodeProcessName(p.org)],
      ];
    }),
  ];
  for (const [running, port, what] of checks) {
    if (!running && (await portOpen(port))) {
      throw new Error(
        `port ${port} (for ${what}) is already in use by a process this network did not start; ` +
          `stop that process, or choose other ports with MEDREC_PORT_BASE (now ${t.portBase})`,
      );
    }
  }
}
