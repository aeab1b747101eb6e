/**
 * CPU time of the network's processes, by kind (peers, orderers, chaincode servers, APIs, gatekeepers, CAs) and of
 * the benchmark client itself, read from /proc (Linux) before and after a case: what each operation costs, and
 * where. The network's processes are the ones whose pid files the network tooling keeps in $MEDREC_HOME/pids.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PROCESS_KINDS = ['peer', 'orderer', 'chaincode', 'api', 'gatekeeper', 'ca', 'client'] as const;
export type ProcessKind = (typeof PROCESS_KINDS)[number];

export type CpuSample = Readonly<Record<ProcessKind, number>>;

// Linux reports utime and stime in clock ticks; 100 per second on every architecture Node supports (USER_HZ).
const TICKS_PER_SECOND = 100;

function kindOf(name: string): ProcessKind | undefined {
  if (name.startsWith('peer')) return 'peer';
  if (name.startsWith('orderer')) return 'orderer';
  if (name.startsWith('chaincode.')) return 'chaincode';
  if (name.startsWith('api.')) return 'api';
  if (name.startsWith('gatekeeper.')) return 'gatekeeper';
  if (name.startsWith('ca.')) return 'ca';
  return undefined;
}

/** utime + stime of `pid` in milliseconds, or 0 when the process is gone (a case never fails for it). */
function cpuMsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1000) / TICKS_PER_SECOND : 0;
  } catch {
    return 0;
  }
}

/** The CPU milliseconds used so far by every network process, summed by kind, and by this process ('client'). */
export function sampleCpu(pidsDir: string): CpuSample {
  const totals: Record<ProcessKind, number> = {
    peer: 0,
    orderer: 0,
    chaincode: 0,
    api: 0,
    gatekeeper: 0,
    ca: 0,
    client: 0,
  };
  let names: string[] = [];
  try {
    names = fs.readdirSync(pidsDir).filter((name) => name.endsWith('.pid'));
  } catch {
    // No pid directory: only the client is measured.
  }
  for (const file of names) {
    const kind = kindOf(file.slice(0, -'.pid'.length));
    const text = fs.readFileSync(path.join(pidsDir, file), 'utf8').trim();
    if (kind === undefined || !/^[1-9]\d{0,9}$/.test(text)) continue;
    const pid = Number(text);
    totals[kind] += cpuMsOf(pid);
  }
  const own = process.cpuUsage();
  totals.client = (own.user + own.system) / 1000;
  return totals;
}

/** CPU milliseconds per completed operation, by kind, between two samples. */
export function cpuPerOperation(before: CpuSample, after: CpuSample, operations: number): CpuSample {
  const per = (kind: ProcessKind): number =>
    operations === 0 ? 0 : Math.round(((after[kind] - before[kind]) / operations) * 10) / 10;
  return {
    peer: per('peer'),
    orderer: per('orderer'),
    chaincode: per('chaincode'),
    api: per('api'),
    gatekeeper: per('gatekeeper'),
    ca: per('ca'),
    client: per('client'),
  };
}
