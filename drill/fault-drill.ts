/**
 * The fault drill: under a steady load of record registrations (hospital1) and cross-organisation reads (hospital2),
 * each fault is injected one at a time (SIGKILL and restart, SIGSTOP and SIGCONT), and afterwards the drill checks
 * what a hospital's operator must be able to rely on:
 * - nothing the clients saw committed is lost: every transaction id a client got back (a registration's, a read's
 *   Access:Disclose) is on every peer, VALID;
 * - the peers agree: equal height and equal current block hash once the load stops;
 * - writes resume within 10 s of a single-node fault;
 * - during a loss of the orderers' majority the API refuses (503 with Retry-After), it does not hang or answer 500, and
 *   it recovers by itself.
 * Every served read in the workload is an Access:Disclose transaction, so "no content without its disclosure on the
 * ledger" is the same check as "nothing lost".
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import { peer as peerProtos } from '@hyperledger/fabric-protos';
import { adminTokenFile, peerOf, type Consortium, type PeerOrgKey } from '@medrec/network';
import { condition, request, RequestTimeoutError, SETUP_BATCH, setUpWorker, type Worker } from '../bench/workload';

const PEER_ORGS: readonly PeerOrgKey[] = ['hospital1', 'hospital2', 'research'];

/** A fault: how to cause it, and how to end it. `kind` says which recovery rule applies. */
export interface Fault {
  readonly name: string;
  readonly kind: 'single' | 'majority' | 'freeze';
  inject(drill: DrillContext): Promise<void>;
  heal(drill: DrillContext): Promise<void>;
}

export interface DrillContext {
  readonly consortium: Consortium;
  /** Sends a signal to a process the network tooling started (by its pid file). */
  signal(name: string, signal: NodeJS.Signals): void;
}

export interface FaultReport {
  readonly fault: string;
  readonly kind: Fault['kind'];
  /** From the fault to the first write that committed after it (single-node faults must stay under 10 s). */
  readonly msToNextCommit: number | null;
  /** From healing (restart, SIGCONT) to the first write that committed after it. */
  readonly msFromHealToCommit: number | null;
  /** Committed operations the clients saw during this fault's window, and failed ones by kind (HTTP status or error). */
  readonly committed: number;
  readonly errors: Readonly<Record<string, number>>;
  /** Transaction ids a client saw committed that some peer does not hold as VALID. Must be empty. */
  readonly lost: readonly string[];
  readonly peersAgree: boolean;
  readonly height: number;
  /** Majority loss only: whether every write refused during it was a 503 with Retry-After (a hang times out at 70 s). */
  readonly refusedCleanly?: boolean;
  readonly passed: boolean;
  readonly problems: readonly string[];
}

export interface DrillReport {
  readonly startedAt: string;
  readonly workers: number;
  readonly faults: readonly FaultReport[];
  readonly passed: boolean;
}

export interface DrillOptions {
  readonly consortium: Consortium;
  readonly faults: readonly Fault[];
  /** Closed-loop workers, each pausing `pauseMs` between operations: keep the load under half the capacity. */
  readonly workers: number;
  readonly pauseMs: number;
  /** How long the load runs with the fault in place before it is healed. */
  readonly faultSeconds: number;
  readonly onProgress: (message: string) => void;
}

interface Outcome {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly txId?: string;
  readonly error?: string;
  readonly retryAfter?: string | null;
  readonly write: boolean;
}

/** How often a probe write starts, whatever the others are doing. */
const PROBE_INTERVAL_MS = 1_000;

/**
 * The load: each worker alternates a record registration and a cross-organisation read, pausing between them. Beside
 * it, a probe starts a registration every second without waiting for the previous one, so "when do writes commit
 * again" is measured by the system, not by a worker still waiting on a transaction the fault swallowed (one an
 * orderer accepted just before its leader died is never ordered; its client learns that only at its deadline).
 */
class Workload {
  readonly outcomes: Outcome[] = [];
  #running = false;
  #loops: Promise<void>[] = [];
  #probes: Promise<void>[] = [];

  readonly #consortium: Consortium;
  readonly #workers: readonly Worker[];
  readonly #pauseMs: number;

  constructor(consortium: Consortium, workers: readonly Worker[], pauseMs: number) {
    this.#consortium = consortium;
    this.#workers = workers;
    this.#pauseMs = pauseMs;
  }

  start(): void {
    this.#running = true;
    this.#loops = [...this.#workers.map((worker) => this.#loop(worker)), this.#probe()];
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
    await Promise.all(this.#probes);
  }

  async #probe(): Promise<void> {
    const [worker] = this.#workers;
    if (worker === undefined) return;
    while (this.#running) {
      this.#probes.push(this.#one(worker, true).then((outcome) => void this.outcomes.push(outcome)));
      await sleep(PROBE_INTERVAL_MS);
    }
  }

  async #loop(worker: Worker): Promise<void> {
    let write = true;
    while (this.#running) {
      this.outcomes.push(await this.#one(worker, write));
      write = !write;
      await sleep(this.#pauseMs);
    }
  }

  async #one(worker: Worker, write: boolean): Promise<Outcome> {
    const startedAt = performance.now();
    try {
      const answer = write
        ? await request(
            this.#consortium,
            'hospital1',
            worker.clinicianToken,
            'POST',
            `/v1/patients/${worker.patientId}/records`,
            condition(worker.patientId),
            70_000,
          )
        : await request(
            this.#consortium,
            'hospital2',
            worker.remoteClinicianToken,
            'GET',
            `/v1/records/${worker.recordId}?purpose=TREAT`,
            undefined,
            70_000,
          );
      const endedAt = performance.now();
      if (answer.status === (write ? 201 : 200)) {
        const txId = write
          ? (answer.body.transactionId as string)
          : (answer.body.ticket as { txId: string } | undefined)?.txId;
        return { startedAt, endedAt, write, ...(txId === undefined ? { error: 'no transaction id' } : { txId }) };
      }
      return { startedAt, endedAt, write, error: String(answer.status), retryAfter: answer.retryAfter };
    } catch (err) {
      const name = err instanceof RequestTimeoutError ? 'timeout' : 'network';
      return { startedAt, endedAt: performance.now(), write, error: name };
    }
  }
}

/** Whether each peer holds `txId` as VALID (qscc GetTransactionByID), as the organisation's admin. */
async function validOnEveryPeer(consortium: Consortium, txIds: readonly string[]): Promise<string[]> {
  const missing = new Set<string>();
  for (const org of PEER_ORGS) {
    const admin = consortium.connectAdmin(org);
    try {
      const qscc = admin.gateway.getNetwork('medrec').getContract('qscc');
      for (const txId of txIds) {
        try {
          const bytes = await qscc.evaluateTransaction('GetTransactionByID', 'medrec', txId);
          const code = peerProtos.ProcessedTransaction.deserializeBinary(bytes).getValidationcode();
          if (code !== peerProtos.TxValidationCode.VALID) missing.add(txId);
        } catch {
          missing.add(txId);
        }
      }
    } finally {
      admin.close();
    }
  }
  return [...missing];
}

/** Waits (up to `ms`) until every peer has the same height and current block hash; returns the height or null. */
async function peersConverge(consortium: Consortium, ms: number): Promise<number | null> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const infos = await Promise.all(PEER_ORGS.map((org) => consortium.chainInfo(org)));
      const [first] = infos;
      if (
        first !== undefined &&
        infos.every((i) => i.height === first.height && i.currentBlockHash === first.currentBlockHash)
      ) {
        return first.height;
      }
    } catch {
      // A peer still restarting: look again.
    }
    await sleep(500);
  }
  return null;
}

function firstCommitAfter(outcomes: readonly Outcome[], at: number): number | null {
  const after = outcomes.filter((o) => o.write && o.txId !== undefined && o.startedAt >= at).map((o) => o.endedAt);
  return after.length === 0 ? null : Math.round(Math.min(...after) - at);
}

/**
 * During a loss of the orderers' majority a write can only be refused: a 503 with Retry-After, promptly (a hang past
 * 40 s is a problem even if the write commits later). Returns whether every refusal was that.
 */
function judgeMajorityLoss(during: readonly Outcome[], healedAt: number, problems: string[]): boolean {
  const refused = during.filter((o) => o.write && o.error !== undefined && o.endedAt <= healedAt);
  const clean = refused.every((o) => o.error === '503' && typeof o.retryAfter === 'string');
  if (!clean) problems.push('a write during the majority loss was not a 503 with Retry-After');
  const hung = during.filter((o) => o.write && o.endedAt - o.startedAt > 40_000).length;
  if (hung > 0) problems.push(`${String(hung)} write(s) took over 40 s during the majority loss (a hang)`);
  return clean;
}

/** What one fault's window shows against the drill's rules. */
function judge(
  fault: Fault,
  outcomes: readonly Outcome[],
  at: Readonly<{ injectedAt: number; healedAt: number }>,
  ledger: Readonly<{ height: number | null; lost: readonly string[] }>,
): FaultReport {
  const during = outcomes.filter((o) => o.startedAt >= at.injectedAt);
  const errors: Record<string, number> = {};
  for (const o of during) if (o.error !== undefined) errors[o.error] = (errors[o.error] ?? 0) + 1;
  const msToNextCommit = firstCommitAfter(outcomes, at.injectedAt);
  const msFromHealToCommit = firstCommitAfter(outcomes, at.healedAt);
  const problems: string[] = [];
  if (ledger.lost.length > 0)
    problems.push(`${String(ledger.lost.length)} committed transaction(s) missing on some peer`);
  if (ledger.height === null) problems.push('the peers did not agree on height and block hash within 2 minutes');
  if (msFromHealToCommit === null) problems.push('no write committed within a minute of healing');
  if (fault.kind === 'single' && (msToNextCommit === null || msToNextCommit > 10_000)) {
    problems.push(`writes resumed ${String(msToNextCommit)} ms after the fault (limit 10 s)`);
  }
  if (errors['500'] !== undefined) problems.push(`${String(errors['500'])} answer(s) were 500`);
  const refusedCleanly = fault.kind === 'majority' ? judgeMajorityLoss(during, at.healedAt, problems) : undefined;
  return {
    fault: fault.name,
    kind: fault.kind,
    msToNextCommit,
    msFromHealToCommit,
    committed: during.filter((o) => o.txId !== undefined).length,
    errors,
    lost: ledger.lost,
    peersAgree: ledger.height !== null,
    height: ledger.height ?? -1,
    ...(refusedCleanly === undefined ? {} : { refusedCleanly }),
    passed: problems.length === 0,
    problems,
  };
}

/** Runs every fault in turn and reports each; throws only when the network is not there to drill. */
export async function runDrill(options: Readonly<DrillOptions>): Promise<DrillReport> {
  const { consortium } = options;
  const status = await consortium.status();
  if (!status.nodes.every((n) => n.up)) {
    throw new Error('the fault drill needs the running network: start it with `npm start`, then run it again');
  }
  const startedAt = new Date().toISOString();
  const adminToken = (org: PeerOrgKey): string =>
    fs.readFileSync(adminTokenFile(consortium.layout, peerOf(consortium.topology, org)), 'utf8').trim();
  const workers: Worker[] = [];
  while (workers.length < options.workers) {
    const batch = Math.min(SETUP_BATCH, options.workers - workers.length);
    options.onProgress(`setting up workers ${String(workers.length + 1)}-${String(workers.length + batch)}`);
    workers.push(
      ...(await Promise.all(
        Array.from({ length: batch }, () => setUpWorker(consortium, adminToken('hospital1'), adminToken('hospital2'))),
      )),
    );
  }
  const context: DrillContext = {
    consortium,
    signal: (name, signal) => {
      const text = fs.readFileSync(consortium.layout.pidFile(name), 'utf8').trim();
      if (!/^[1-9]\d{0,9}$/.test(text)) throw new Error(`${name}: no valid pid in ${consortium.layout.pidFile(name)}`);
      process.kill(Number(text), signal);
    },
  };
  const reports: FaultReport[] = [];
  for (const fault of options.faults) {
    options.onProgress(`${fault.name}: steady load`);
    const load = new Workload(consortium, workers, options.pauseMs);
    load.start();
    await sleep(3_000);
    options.onProgress(`${fault.name}: injecting`);
    const injectedAt = performance.now();
    await fault.inject(context);
    await sleep(options.faultSeconds * 1000);
    options.onProgress(`${fault.name}: healing`);
    await fault.heal(context);
    const healedAt = performance.now();
    // Keep the load until a write commits after healing (or a minute passes), then let the ledger settle.
    for (let waited = 0; waited < 60_000 && firstCommitAfter(load.outcomes, healedAt) === null; waited += 500) {
      await sleep(500);
    }
    await load.stop();
    options.onProgress(`${fault.name}: checking every peer`);
    const height = await peersConverge(consortium, 120_000);
    const seen = load.outcomes.flatMap((o) => (o.txId === undefined ? [] : [o.txId]));
    const lost = await validOnEveryPeer(consortium, seen);
    reports.push(judge(fault, load.outcomes, { injectedAt, healedAt }, { height, lost }));
  }
  return { startedAt, workers: workers.length, faults: reports, passed: reports.every((r) => r.passed) };
}
