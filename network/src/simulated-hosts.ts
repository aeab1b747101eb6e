/**
 * Several hosts on one machine, for trying and testing a consortium that spans machines: each host address of a
 * consortium file gets a Linux network namespace of its own, with that address on its only interface, and a bridge
 * joins the namespaces to each other and to this machine. Each organisation's processes then listen on their own
 * host's address only, reach the others across the bridge as they would across a LAN, and a host's link can be cut
 * (its interface down) to see the rest of the consortium carry on. Needs root and iproute2 (`ip netns`).
 *
 * The namespaces a network uses are recorded in $MEDREC_HOME/simulated-hosts.json; startProcess reads it and starts
 * every process of a recorded host inside that host's namespace (`ip netns exec`). Commands the operator runs (the
 * CLI, osnadmin, the peer CLI) stay on this machine and reach the hosts through the bridge.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { z } from 'zod';
import { CommandError, runCommand } from './command';
import type { Layout } from './layout';

export interface SimulatedHost {
  /** The address the consortium file gives the host. */
  readonly host: string;
  /** The network namespace its processes run in. */
  readonly namespace: string;
}

export interface SimulatedHosts {
  /** The bridge on this machine that joins the hosts (its address is the subnet's .254). */
  readonly bridge: string;
  readonly hosts: readonly SimulatedHost[];
}

const simulatedHostsSchema = z
  .object({
    bridge: z.string().regex(/^[a-z0-9][a-z0-9-]{0,14}$/),
    hosts: z.array(
      z.object({
        host: z.string().refine((h) => net.isIPv4(h)),
        namespace: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
      }),
    ),
  })
  .strict();

/** The linux interface name limit is 15 characters: names are a short prefix derived from MEDREC_HOME, plus a suffix. */
function prefixOf(layout: Layout): string {
  return `mr${createHash('sha256').update(layout.home).digest('hex').slice(0, 6)}`;
}

const IP_CANDIDATES = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

/** The iproute2 binary; PATH of a non-root user often lacks /usr/sbin. */
function ipBinary(): string {
  return IP_CANDIDATES.find((candidate) => fs.existsSync(candidate)) ?? 'ip';
}

export function readSimulatedHosts(layout: Layout): SimulatedHosts | undefined {
  if (!fs.existsSync(layout.simulatedHostsFile)) return undefined;
  const parsed = simulatedHostsSchema.safeParse(JSON.parse(fs.readFileSync(layout.simulatedHostsFile, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${layout.simulatedHostsFile} is not a simulated-hosts record (${parsed.error.issues[0]?.message ?? 'invalid'}); ` +
        'remove the simulated hosts with `medrec hosts remove` and create them again',
    );
  }
  return parsed.data;
}

/** The command line that runs `command` on `host`: inside its namespace when the host is simulated, else as given. */
export function commandOnHost(
  layout: Layout,
  host: string,
  command: string,
  args: readonly string[],
): { command: string; args: readonly string[] } {
  const found = readSimulatedHosts(layout)?.hosts.find((h) => h.host === host);
  if (found === undefined) return { command, args };
  return { command: ipBinary(), args: ['netns', 'exec', found.namespace, command, ...args] };
}

function ip(args: readonly string[], step: string): Promise<string> {
  return runCommand(ipBinary(), args, { step, timeoutMs: 20_000 });
}

/** The /24 every simulated host shares, e.g. "10.177.0" for 10.177.0.1 and 10.177.0.2; refuses anything else. */
export function sharedSubnet(hosts: readonly string[]): string {
  const problems: string[] = [];
  const subnets = new Set<string>();
  for (const host of hosts) {
    if (!net.isIPv4(host)) {
      problems.push(`${host} is not an IPv4 address`);
      continue;
    }
    const octets = host.split('.');
    const last = octets[3];
    if (last === '0' || last === '255' || last === '254') {
      problems.push(`${host} cannot be a host: .0 and .255 are the subnet's own, .254 is the bridge's`);
    }
    subnets.add(octets.slice(0, 3).join('.'));
  }
  if (hosts.length === 0) problems.push('no hosts to simulate');
  if (subnets.size > 1) problems.push(`the hosts span ${[...subnets].join('.x, ')}.x; put them in one /24`);
  const [subnet] = [...subnets];
  if (problems.length > 0 || subnet === undefined) {
    throw new Error(`cannot simulate these hosts on one machine: ${problems.join('; ')}`);
  }
  return subnet;
}

/** Refuses a subnet this machine already has an address in: the bridge's route would shadow a real network. */
async function assertSubnetUnused(subnet: string): Promise<void> {
  const addresses = await ip(['-4', '-o', 'addr', 'show'], 'list the addresses of this machine');
  const clash = addresses.split('\n').find((line) => line.includes(` ${subnet}.`));
  if (clash !== undefined) {
    throw new Error(
      `this machine already has an address in ${subnet}.0/24 (${clash.trim()}); choose other host addresses in the ` +
        'consortium file, or remove the earlier simulated hosts with `medrec hosts remove`',
    );
  }
}

/**
 * Creates one namespace per host, each with a veth link into a bridge on this machine, and records them. Replaces
 * the hosts an earlier call created for this MEDREC_HOME. Fails with what to do when namespaces are unavailable.
 */
export async function simulateHosts(
  layout: Layout,
  hosts: readonly string[],
  progress: (message: string) => void,
): Promise<SimulatedHosts> {
  const unique = [...new Set(hosts)];
  const subnet = sharedSubnet(unique);
  await removeSimulatedHosts(layout, progress);
  await assertSubnetUnused(subnet);
  const prefix = prefixOf(layout);
  const bridge = `${prefix}br`;
  const record: SimulatedHosts = {
    bridge,
    hosts: unique.map((host, i) => ({ host, namespace: `${prefix}-h${String(i + 1)}` })),
  };
  // Recorded before anything is created, so a failure half-way is undone by `medrec hosts remove`.
  fs.mkdirSync(layout.home, { recursive: true });
  fs.writeFileSync(layout.simulatedHostsFile, JSON.stringify(record, null, 2));
  try {
    await ip(['link', 'add', bridge, 'type', 'bridge'], `create the bridge ${bridge}`);
  } catch (error) {
    fs.rmSync(layout.simulatedHostsFile, { force: true });
    if (error instanceof CommandError) {
      throw new Error(
        `cannot create network interfaces here (${error.outputTail.trim()}): simulated hosts need root and ` +
          "iproute2 on Linux with network namespaces; run as root on such a machine (CI's machines are)",
      );
    }
    throw error;
  }
  await ip(['addr', 'add', `${subnet}.254/24`, 'dev', bridge], `give the bridge ${bridge} ${subnet}.254`);
  await ip(['link', 'set', bridge, 'up'], `bring the bridge ${bridge} up`);
  for (const [i, { host, namespace }] of record.hosts.entries()) {
    progress(`host ${host}: network namespace ${namespace}`);
    const link = `${prefix}v${String(i + 1)}`;
    await ip(['netns', 'add', namespace], `create the network namespace ${namespace}`);
    await ip(
      ['link', 'add', link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace],
      `link ${namespace} to this machine`,
    );
    await ip(['link', 'set', link, 'master', bridge], `attach ${link} to the bridge`);
    await ip(['link', 'set', link, 'up'], `bring ${link} up`);
    await ip(['-n', namespace, 'addr', 'add', `${host}/24`, 'dev', 'eth0'], `give ${namespace} the address ${host}`);
    await ip(['-n', namespace, 'link', 'set', 'eth0', 'up'], `bring ${namespace}'s interface up`);
    await ip(['-n', namespace, 'link', 'set', 'lo', 'up'], `bring ${namespace}'s loopback up`);
  }
  return record;
}

/** Deletes the namespaces and the bridge recorded for this MEDREC_HOME (each one that is still there). */
export async function removeSimulatedHosts(layout: Layout, progress: (message: string) => void): Promise<void> {
  const record = readSimulatedHosts(layout);
  if (record === undefined) return;
  const namespaces = (await ip(['netns', 'list'], 'list the network namespaces')).split('\n');
  for (const { namespace } of record.hosts) {
    if (!namespaces.some((line) => line.split(' ')[0] === namespace)) continue;
    progress(`removing the network namespace ${namespace}`);
    // Deleting the namespace deletes its end of the veth pair, and with it the end on this machine.
    await ip(['netns', 'delete', namespace], `delete the network namespace ${namespace}`);
  }
  const links = await ip(['-o', 'link', 'show'], 'list the network interfaces');
  if (links.split('\n').some((line) => line.includes(` ${record.bridge}:`))) {
    await ip(['link', 'delete', record.bridge], `delete the bridge ${record.bridge}`);
  }
  fs.rmSync(layout.simulatedHostsFile, { force: true });
}

/** Cuts (`up` false) or restores a simulated host's only link: its processes keep running, unreachable. */
export async function setHostLink(layout: Layout, host: string, up: boolean): Promise<void> {
  const found = readSimulatedHosts(layout)?.hosts.find((h) => h.host === host);
  if (found === undefined) {
    throw new Error(`${host} is not a simulated host of ${layout.home}; \`medrec hosts simulate\` creates them`);
  }
  await ip(
    ['-n', found.namespace, 'link', 'set', 'eth0', up ? 'up' : 'down'],
    `${up ? 'restore' : 'cut'} the link of ${host}`,
  );
}
