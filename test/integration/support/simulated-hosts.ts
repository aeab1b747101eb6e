/**
 * What the namespace suites share about their simulated hosts: clearing what a killed run left, and which namespace
 * a process runs in.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A run killed before its after() hook (CI timeout, ^C) leaves its namespaces and bridge, whose subnet would then
 * refuse the next run: removes the bridges (mr<6 hex>br) holding an address in `subnet` ("10.177.0") and their
 * namespaces (mr<6 hex>-h<n>).
 */
export async function removeLeftoverHosts(subnet: string): Promise<void> {
  const { stdout: addresses } = await run('ip', ['-o', '-4', 'addr', 'show']);
  for (const line of addresses.split('\n')) {
    const bridge = /^\d+: (mr[0-9a-f]{6}br) /.exec(line)?.[1];
    if (bridge === undefined || !line.includes(` ${subnet}.`)) continue;
    const { stdout: namespaces } = await run('ip', ['netns', 'list']);
    for (const name of namespaces.split('\n').map((l) => l.split(' ')[0] ?? '')) {
      if (name.startsWith(`${bridge.slice(0, 8)}-h`)) await run('ip', ['netns', 'delete', name]);
    }
    await run('ip', ['link', 'delete', bridge]);
  }
}

/** The network namespace a process runs in (`ip netns identify`); empty when it is this machine's own. */
export async function namespaceOfProcess(pid: string): Promise<string> {
  const { stdout } = await run('ip', ['netns', 'identify', pid]);
  return stdout.trim();
}

/** The addresses a namespace listens on for TCP (`ss -ltn` inside it). */
export async function listeningIn(namespace: string): Promise<string> {
  const { stdout } = await run('ip', ['netns', 'exec', namespace, 'ss', '-ltn']);
  return stdout;
}
