import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Layout } from './layout';
import { commandOnHost } from './simulated-hosts';

export interface ProcessSpec {
  /** Unique name: also the pid file and log file name. */
  readonly name: string;
  /** The host (consortium file address) it runs on: on a simulated host it starts inside that host's namespace. */
  readonly host: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** The pid this project recorded for a process, if that process is still alive and is still ours. */
export function runningPid(layout: Layout, name: string, expectedCommand?: string): number | undefined {
  const file = layout.pidFile(name);
  if (!fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  if (!Number.isSafeInteger(pid) || pid <= 1) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  // Guard against pid reuse: the live process must still be the command we started.
  if (expectedCommand !== undefined) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes(expectedCommand)) return undefined;
    } catch {
      return undefined;
    }
  }
  return pid;
}

/** Starts a detached process that outlives this CLI, with output appended to its log file; records its pid. */
export function startProcess(layout: Layout, spec: ProcessSpec): number {
  fs.mkdirSync(layout.logsDir, { recursive: true });
  fs.mkdirSync(layout.pidsDir, { recursive: true });
  const log = fs.openSync(layout.logFile(spec.name), 'a');
  try {
    const onHost = commandOnHost(layout, spec.host, spec.command, spec.args);
    const child = spawn(onHost.command, onHost.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) {
      throw new Error(`could not start ${spec.name} (${spec.command}); see ${layout.logFile(spec.name)}`);
    }
    child.unref();
    fs.writeFileSync(layout.pidFile(spec.name), `${child.pid}\n`);
    return child.pid;
  } finally {
    fs.closeSync(log);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal; a process that exited in the meantime is not an error. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Stops a process this project started (by its recorded pid only): SIGTERM, then SIGKILL after a grace period. */
export async function stopProcess(layout: Layout, name: string, expectedCommand?: string): Promise<boolean> {
  const pid = runningPid(layout, name, expectedCommand);
  fs.rmSync(layout.pidFile(name), { force: true });
  if (pid === undefined) return false;
  signal(pid, 'SIGTERM');
  for (let waited = 0; waited < 10_000 && alive(pid); waited += 100) await sleep(100);
  if (alive(pid)) signal(pid, 'SIGKILL');
  return true;
}

/** Polls until check() resolves true, or fails with a message that says what to look at. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  hint: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s; ${hint}`);
}
