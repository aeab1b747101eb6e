/**
 * The ledger path under load, on the running network (`npm start`): closed-loop workers, each with its own token and
 * its own patient (no shared hot key), for a fixed time per case. The baseline is the no-op `Health:Heartbeat`
 * submitted with fabric-gateway through hospital1's peer as its admin; R = an operation's TPS / the baseline's TPS at
 * the same concurrency, in the same run, so the ratio does not depend on the machine.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { adminTokenFile, createConsortium, peerOf, startMiners, stopMiners, type PeerOrgKey } from '@medrec/network';
import { createMedrecClient } from '@medrec/sdk';
import { cpuPerOperation, sampleCpu, type CpuSample } from './process-cpu';
import { call, condition, consentForHospital2, SETUP_BATCH, setUpWorker, type Worker } from './workload';

export interface LedgerCaseResult {
  readonly operation: string;
  /** Compared with the no-op submit (write) or the no-op evaluate (read); `baseline` marks those two. */
  readonly kind: 'write' | 'read';
  readonly baseline: boolean;
  readonly concurrency: number;
  readonly seconds: number;
  readonly completed: number;
  readonly failed: number;
  readonly tps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU milliseconds per completed operation, by kind of process (the whole network's share, not only this case's). */
  readonly cpuMsPerOperation: CpuSample;
  /** The first failure's description, to say what went wrong. */
  readonly firstFailure?: string;
}

export interface LedgerBenchReport {
  readonly startedAt: string;
  readonly results: readonly LedgerCaseResult[];
  /** The channel height (blocks) before the first case and after the last, as hospital1's peer reports it. */
  readonly heightBefore: number;
  readonly heightAfter: number;
  /** Where the network keeps its state ($MEDREC_HOME): the results are written under it. */
  readonly medrecHome: string;
}

/** One worker's unit of work: resolves when done; rejects (with what went wrong) when it failed. */
type Operation = () => Promise<void>;

/** Waits for a call and drops its result: the benchmark counts completions, not answers. */
async function done(call: Promise<unknown>): Promise<void> {
  await call;
}

/** Runs `make(worker)` in a closed loop on every worker for `seconds`, and measures what completed. */
async function closedLoop(
  spec: Readonly<{ operation: string; kind: 'write' | 'read'; baseline: boolean }>,
  workers: readonly Worker[],
  make: (worker: Worker, index: number) => Operation,
  seconds: number,
  pidsDir: string,
): Promise<LedgerCaseResult> {
  const latencies: number[] = [];
  const cpuBefore = sampleCpu(pidsDir);
  let failed = 0;
  let firstFailure: string | undefined;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    workers.map(async (worker, index) => {
      const op = make(worker, index);
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await op();
          latencies.push(performance.now() - t0);
        } catch (err) {
          failed += 1;
          firstFailure ??= err instanceof Error ? err.message : String(err);
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const cpuMsPerOperation = cpuPerOperation(cpuBefore, sampleCpu(pidsDir), latencies.length);
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    ...spec,
    concurrency: workers.length,
    seconds: Math.round(elapsed * 10) / 10,
    completed: latencies.length,
    failed,
    tps: Math.round((latencies.length / elapsed) * 10) / 10,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    cpuMsPerOperation,
    ...(firstFailure === undefined ? {} : { firstFailure }),
  };
}

export interface LedgerBenchOptions {
  readonly concurrencies: readonly number[];
  readonly secondsPerCase: number;
  /** Only the cases whose name contains one of these (case-insensitive); the baselines always run. Empty: all. */
  readonly only?: readonly string[];
  readonly onProgress: (message: string) => void;
}

/** Whether a case runs under the `only` filter: baselines always (the ratios need them). */
export function caseSelected(operation: string, only: readonly string[] | undefined): boolean {
  if (operation.includes('baseline') || only === undefined || only.length === 0) return true;
  const name = operation.toLowerCase();
  return only.some((part) => name.includes(part.toLowerCase()));
}

/** Every case at every concurrency, the baseline first at each; throws when the network is not running. */
export async function benchLedger(options: Readonly<LedgerBenchOptions>): Promise<LedgerBenchReport> {
  const startedAt = new Date().toISOString();
  const consortium = createConsortium({ renderer: 'silent' });
  // A service restarted a moment ago (the miners, which a previous run resumes as it ends) gets a few seconds.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const down = (await consortium.status()).nodes.filter((n) => !n.up).map((n) => n.name);
    if (down.length === 0) break;
    if (Date.now() > deadline) {
      throw new Error(
        `the ledger benchmark needs the running network (${down.join(', ')} down): start it with \`npm start\`, ` +
          'then run it again',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const adminToken = (org: PeerOrgKey): string =>
    fs.readFileSync(adminTokenFile(consortium.layout, peerOf(consortium.topology, org)), 'utf8').trim();
  const admin1 = adminToken('hospital1');
  const admin2 = adminToken('hospital2');
  const most = Math.max(...options.concurrencies);
  // Eight at a time: each needs three registrations and three transactions, and one by one takes minutes.
  const workers: Worker[] = [];
  while (workers.length < most) {
    const batch = Math.min(SETUP_BATCH, most - workers.length);
    options.onProgress(`setting up workers ${workers.length + 1}-${workers.length + batch} of ${most}`);
    workers.push(...(await Promise.all(Array.from({ length: batch }, () => setUpWorker(consortium, admin1, admin2)))));
  }
  const admin = consortium.connectAdmin('hospital1');
  const client = createMedrecClient(admin.gateway);
  const results: LedgerCaseResult[] = [];
  let probe = 0;
  const heightBefore = await client.channelHeight();
  let heightAfter = heightBefore;
  // The miners' rounds would add claim and attestation transactions of their own, in bursts, to whichever case is
  // running: they are paused while the bench runs and resume from their checkpoints afterwards (nothing is lost).
  options.onProgress('pausing the miners for the measurement');
  await stopMiners(consortium.layout, consortium.topology);
  try {
    for (const concurrency of options.concurrencies) {
      const some = workers.slice(0, concurrency);
      const cases: [string, 'write' | 'read', (w: Worker, i: number) => Operation][] = [
        ['no-op heartbeat (SDK, baseline)', 'write', () => () => done(client.heartbeat(`bench-${probe++ % 1000}`))],
        [
          'register record (REST)',
          'write',
          (w) => () =>
            done(
              call(
                consortium,
                'hospital1',
                w.clinicianToken,
                'POST',
                `/v1/patients/${w.patientId}/records`,
                condition(w.patientId),
              ),
            ),
        ],
        [
          'grant consent (REST)',
          'write',
          (w) => () =>
            done(
              call(
                consortium,
                'hospital1',
                w.patientToken,
                'POST',
                `/v1/patients/${w.patientId}/consents`,
                consentForHospital2(),
              ),
            ),
        ],
        [
          'cross-organisation record fetch (REST)',
          'write',
          (w) => () =>
            done(
              call(consortium, 'hospital2', w.remoteClinicianToken, 'GET', `/v1/records/${w.recordId}?purpose=TREAT`),
            ),
        ],
        ['heartbeat read (SDK evaluate, read baseline)', 'read', () => () => done(client.getHeartbeat('bench-0'))],
        [
          'audit events list (REST)',
          'read',
          (w) => () =>
            done(
              call(
                consortium,
                'hospital1',
                w.patientToken,
                'GET',
                `/v1/audit/events?patientId=${w.patientId}&pageSize=20`,
              ),
            ),
        ],
      ];
      for (const [operation, kind, make] of cases) {
        if (!caseSelected(operation, options.only)) continue;
        options.onProgress(`${operation}, ${concurrency} concurrent, ${options.secondsPerCase} s`);
        const baseline = operation.includes('baseline');
        results.push(
          await closedLoop(
            { operation, kind, baseline },
            some,
            make,
            options.secondsPerCase,
            consortium.layout.pidsDir,
          ),
        );
      }
    }
    heightAfter = await client.channelHeight();
  } finally {
    admin.close();
    startMiners(consortium.layout, consortium.topology);
  }
  return { startedAt, results, heightBefore, heightAfter, medrecHome: consortium.layout.home };
}
