/**
 * `medrec hosts simulate | remove | link`: the hosts of a consortium file as network namespaces on this machine
 * (simulated-hosts.ts), to try a multi-host consortium, and cut a host's link, without several machines.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { Layout } from './layout';
import { readState } from './network-state';
import { medrecHome } from './paths';
import { removeSimulatedHosts, setHostLink, simulateHosts } from './simulated-hosts';
import { selectFileTopology } from './topology-selection';

/* eslint-disable no-console -- this is the command-line interface: the terminal is its output. */

const progress = (message: string): void => {
  console.error(`› ${message}`);
};

function linkState(value: string): boolean {
  if (value !== 'up' && value !== 'down') throw new InvalidArgumentError(`must be up or down, not "${value}"`);
  return value === 'up';
}

export function hostsCommand(): Command {
  const hosts = new Command('hosts').description(
    "a consortium file's hosts as network namespaces on this machine (root, Linux): try a multi-host consortium " +
      'on one machine',
  );
  hosts
    .command('simulate')
    .description(
      'create a network namespace for each host address of the consortium file (one /24, IPv4), joined by a bridge; ' +
        "the network started afterwards from the same MEDREC_HOME runs each host's processes in its namespace",
    )
    .addOption(
      new Option('--consortium <file>', "consortium file (default: the network's, else MEDREC_CONSORTIUM, else local)"),
    )
    .action(async (opts: { consortium?: string }) => {
      const layout = new Layout(medrecHome());
      const topology = selectFileTopology(
        readState(layout),
        opts.consortium === undefined ? {} : { consortiumFile: opts.consortium },
      );
      const record = await simulateHosts(
        layout,
        topology.organisations.map((org) => org.host),
        progress,
      );
      for (const { host, namespace } of record.hosts) console.log(`${host}  ${namespace}`);
    });
  hosts
    .command('remove')
    .description(
      'delete the namespaces and the bridge `hosts simulate` created for this MEDREC_HOME (stop the network first)',
    )
    .action(async () => {
      await removeSimulatedHosts(new Layout(medrecHome()), progress);
    });
  hosts
    .command('link <host> <state>')
    .description("cut (down) or restore (up) a simulated host's link; its processes keep running, unreachable")
    .action(async (host: string, state: string) => {
      await setHostLink(new Layout(medrecHome()), host, linkState(state));
    });
  return hosts;
}
