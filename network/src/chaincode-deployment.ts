import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from './command';
import type { FabricBinaries } from './fabric-binaries';
import { operationsHealthy, peerLedgerHeight, portOpen } from './health';
import type { Layout } from './layout';
import { majorityOf } from './org-membership';
import { peerAdminEnv } from './nodes';
import { CHAINCODE_MODULE_DIR, REPO_ROOT } from './paths';
import { runningPid, startProcess, stopProcess, waitFor, type ProcessSpec } from './processes';
import {
  CHAINCODE_NAME,
  CHANNEL_NAME,
  firstPeerOrg,
  firstPeers,
  peerOf,
  peersOf,
  peerOrgKeys,
  type PeerOrgKey,
  type Topology,
} from './topology';

export interface ChaincodeDefinition {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  /** Package ids differ per organisation: each org's package points at its own chaincode server. */
  readonly packageIds: Readonly<Record<PeerOrgKey, string>>;
}

/** The package id an organisation's chaincode server runs under; a network.json without it predates the org. */
export function packageIdOf(definition: ChaincodeDefinition, org: PeerOrgKey): string {
  const id = definition.packageIds[org];
  if (id === undefined) {
    throw new Error(
      `the deployed chaincode has no package for ${org} (network.json lists ${Object.keys(definition.packageIds).join(', ')}); ` +
        'an organisation added to a running network joins with `medrec org join --org <name>` (listed under ' +
        'channel.joining in the consortium file)',
    );
  }
  return id;
}

const SERVER_IDENTITY = 'chaincode-server';

export function chaincodeProcessName(org: PeerOrgKey): string {
  return `chaincode.${org}`;
}

function serverTls(layout: Layout, org: PeerOrgKey): { cert: string; key: string; ca: string } {
  const dir = path.join(layout.identityDir(org, SERVER_IDENTITY), 'tls');
  return { cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key'), ca: path.join(dir, 'ca.crt') };
}

export { SERVER_IDENTITY as CHAINCODE_SERVER_IDENTITY };

/**
 * A chaincode-as-a-service package: metadata.json {type: ccaas} and code.tar.gz holding connection.json, which tells
 * the peer (through our external builder) where the organisation's chaincode server listens, over TLS.
 */
async function packageFor(layout: Layout, topology: Topology, org: PeerOrgKey, label: string): Promise<string> {
  // One chaincode server per organisation, on its (first) peer's host.
  const peer = peerOf(topology, org);
  const dir = path.join(layout.chaincodeDir, `${label}-${org}`);
  const file = `${dir}.tgz`;
  if (fs.existsSync(file)) return file;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  const connection = {
    address: `${peer.host}:${peer.chaincodeServerPort}`,
    dial_timeout: '10s',
    tls_required: true,
    client_auth_required: false,
    root_cert: fs.readFileSync(layout.caCert(org), 'utf8'),
  };
  fs.writeFileSync(path.join(dir, 'src', 'connection.json'), JSON.stringify(connection));
  fs.writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
  const env = { PATH: process.env.PATH };
  await runCommand('tar', ['-czf', path.join(dir, 'code.tar.gz'), '-C', path.join(dir, 'src'), 'connection.json'], {
    step: `package the chaincode for ${org}`,
    env,
  });
  await runCommand('tar', ['-czf', file, '-C', dir, 'metadata.json', 'code.tar.gz'], {
    step: `package the chaincode for ${org}`,
    env,
  });
  return file;
}

/** Package id = label + ':' + SHA-256 of the package file, as `peer lifecycle chaincode calculatepackageid` computes. */
function packageId(label: string, file: string): string {
  return `${label}:${crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')}`;
}

async function installOn(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  org: PeerOrgKey,
  file: string,
  id: string,
): Promise<void> {
  // Every peer of the organisation: any of them may be asked to endorse (the gateway picks among an org's peers).
  for (const peer of peersOf(topology, org)) {
    const env = peerAdminEnv(layout, bin, topology, org, peer);
    const installed = await runCommand(
      bin.path('peer'),
      ['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json'],
      { step: `query chaincodes installed on ${peer.name}`, env },
    );
    if (installed.includes(id)) continue;
    await runCommand(bin.path('peer'), ['lifecycle', 'chaincode', 'install', file], {
      step: `install the chaincode on ${peer.name}`,
      env,
    });
  }
}

/**
 * An organisation's chaincode-as-a-service process, registering as package `id`: what `startChaincodeServer` runs
 * and what `medrec org units` writes as a systemd unit.
 */
export function chaincodeProcessSpec(layout: Layout, topology: Topology, org: PeerOrgKey, id: string): ProcessSpec {
  const peer = peerOf(topology, org);
  const tls = serverTls(layout, org);
  return {
    name: chaincodeProcessName(org),
    host: peer.host,
    command: process.execPath,
    args: [
      path.join(REPO_ROOT, 'node_modules', 'fabric-shim', 'cli.js'),
      'server',
      '--chaincode-address',
      `${peer.host}:${String(peer.chaincodeServerPort)}`,
      '--chaincode-id',
      id,
      '--module-path',
      CHAINCODE_MODULE_DIR,
      '--chaincode-tls-cert-file',
      tls.cert,
      '--chaincode-tls-key-file',
      tls.key,
    ],
    // fabric-shim logs every transaction at info; warnings and errors are what an operator reads.
    env: { PATH: process.env.PATH, CORE_CHAINCODE_LOGGING_LEVEL: 'warning', MEDREC_ORG: org },
  };
}

export async function startChaincodeServer(
  layout: Layout,
  topology: Topology,
  org: PeerOrgKey,
  id: string,
): Promise<void> {
  const name = chaincodeProcessName(org);
  if (runningPid(layout, name, 'fabric-shim/cli.js') !== undefined) return;
  const peer = peerOf(topology, org);
  // A port still held (an earlier server whose pid file was lost) would make the new server exit at once while the
  // wait below sees the old one answer, and the peer would then wait for a package id that never registers.
  if (await portOpen(peer.host, peer.chaincodeServerPort)) {
    throw new Error(
      `port ${String(peer.chaincodeServerPort)} of the ${org} chaincode server is held by a process MedRec does not ` +
        `track (an earlier chaincode server?); stop it (\`ss -ltnp | grep ${String(peer.chaincodeServerPort)}\` shows ` +
        'it) and run the command again',
    );
  }
  startProcess(layout, chaincodeProcessSpec(layout, topology, org, id));
  await waitFor(
    `chaincode server of ${org}`,
    () => portOpen(peer.host, peer.chaincodeServerPort),
    60_000,
    `see ${layout.logFile(name)}`,
  );
}

export function stopChaincodeServer(layout: Layout, org: PeerOrgKey): Promise<boolean> {
  return stopProcess(layout, chaincodeProcessName(org), 'fabric-shim/cli.js');
}

function ordererArgs(layout: Layout, topology: Topology): string[] {
  const orderer = topology.orderers[0];
  if (!orderer) throw new Error('topology has no orderer');
  return ['-o', `${orderer.host}:${orderer.port}`, '--tls', '--cafile', layout.caCert(orderer.org)];
}

export type Progress = (message: string) => void;

/**
 * Wait for the lifecycle transaction to commit on each peer asked, for longer than the CLI's default 30 s: a peer
 * whose chaincode server switches packages during an upgrade may hold its commits for up to the chaincode start-up
 * timeout (CORE_CHAINCODE_STARTUPTIMEOUT in nodes.ts) before it takes the block.
 */
const WAIT_FOR_COMMIT = ['--waitForEvent', '--waitForEventTimeout', '90s'] as const;

/** The chaincode definition as the lifecycle commands name it: approve and commit must agree on every field. */
function definitionArgs(version: string, sequence: number): string[] {
  return ['--channelID', CHANNEL_NAME, '--name', CHAINCODE_NAME, '--version', version, '--sequence', String(sequence)];
}

/** The organisation's admin approves the definition (with its own package id) and waits for the approval to commit. */
async function approveFor(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  org: PeerOrgKey,
  definition: ChaincodeDefinition,
): Promise<void> {
  await runCommand(
    bin.path('peer'),
    [
      'lifecycle',
      'chaincode',
      'approveformyorg',
      ...ordererArgs(layout, topology),
      ...definitionArgs(definition.version, definition.sequence),
      '--package-id',
      packageIdOf(definition, org),
      ...WAIT_FOR_COMMIT,
    ],
    { step: `approve the chaincode definition for ${org}`, env: peerAdminEnv(layout, bin, topology, org) },
  );
}

/**
 * An organisation that joined the running channel installs the committed definition's chaincode, approves that
 * same definition (version and sequence) for itself and starts its chaincode server; the definition itself is not
 * committed again. Returns the definition with the organisation's package id.
 */
export async function adoptChaincode(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  org: PeerOrgKey,
  committed: ChaincodeDefinition,
  progress: Progress,
): Promise<ChaincodeDefinition> {
  const label = `${CHAINCODE_NAME}_${committed.version}_${String(committed.sequence)}`;
  progress(`packaging and installing on ${org}`);
  const file = await packageFor(layout, topology, org, label);
  const id = packageId(label, file);
  await installOn(layout, bin, topology, org, file, id);
  const definition = { ...committed, packageIds: { ...committed.packageIds, [org]: id } };
  progress(`approving sequence ${String(committed.sequence)} for ${org}`);
  await approveFor(layout, bin, topology, org, definition);
  progress(`starting the chaincode server of ${org}`);
  await startChaincodeServer(layout, topology, org, id);
  return definition;
}

/**
 * Deploys (or upgrades to) `sequence` through the real lifecycle: package per org, install, start each org's
 * chaincode server with its package id, approve per org, commit with endorsements from every peer.
 */
export async function deployChaincode(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  version: string,
  sequence: number,
  progress: Progress,
): Promise<ChaincodeDefinition> {
  const label = `${CHAINCODE_NAME}_${version}_${sequence}`;
  const orgs = peerOrgKeys(topology);
  const packageIds: Record<PeerOrgKey, string> = {};
  for (const org of orgs) {
    progress(`packaging and installing on ${org}`);
    const file = await packageFor(layout, topology, org, label);
    const id = packageId(label, file);
    await installOn(layout, bin, topology, org, file, id);
    packageIds[org] = id;
  }
  const definition = { name: CHAINCODE_NAME, version, sequence, packageIds };
  const current = (await committedDefinition(layout, bin, topology, firstPeerOrg(topology)))?.sequence ?? 0;
  for (const org of orgs) {
    if (current >= sequence) break;
    progress(`approving sequence ${sequence} for ${org}`);
    await approveFor(layout, bin, topology, org, definition);
  }
  // Restart each server with the package id this sequence uses (the peer checks the id the server registers with).
  // Also on a run that finds the sequence committed already: an upgrade interrupted after its commit left the
  // servers under the previous package ids.
  for (const org of orgs) {
    progress(`starting the chaincode server of ${org}`);
    await stopChaincodeServer(layout, org);
    await startChaincodeServer(layout, topology, org, packageIdOf(definition, org));
  }
  if (current < sequence) {
    progress(`committing sequence ${sequence}`);
    await commitDefinition(layout, bin, topology, firstPeerOrg(topology), peerOrgKeys(topology), version, sequence);
  }
  return definition;
}

/**
 * At start: each chaincode server under its package id of the definition the channel runs. The state file records
 * a definition only once its commit has returned, so after an upgrade interrupted between the commit and that
 * record the channel runs a later sequence than the one recorded: that upgrade is completed here (its packages are
 * kept in MEDREC_HOME/chaincode, so the ids are those approved) instead of every endorsement failing. Returns the
 * definition in force.
 */
export async function startCommittedChaincode(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  recorded: ChaincodeDefinition,
  progress: Progress,
): Promise<ChaincodeDefinition> {
  // A peer that cannot answer yet leaves the recorded definition in force, as before this check existed.
  const committed = await committedDefinition(layout, bin, topology, firstPeerOrg(topology)).then(
    (definition) => definition?.sequence,
    () => undefined,
  );
  if (committed !== undefined && committed > recorded.sequence) {
    progress(
      `the channel runs sequence ${String(committed)}, this directory recorded ${String(recorded.sequence)}: ` +
        'completing the upgrade that was interrupted after its commit',
    );
    return deployChaincode(layout, bin, topology, recorded.version, committed, progress);
  }
  for (const peer of firstPeers(topology)) {
    await startChaincodeServer(layout, topology, peer.org, packageIdOf(recorded, peer.org));
  }
  return recorded;
}

/**
 * Commits `sequence` as `org`'s admin, endorsed by the first peer of each organisation in `endorsers` (the peer the
 * package was installed on; addresses and TLS roots from this directory's topology and imported definitions), and
 * waits for the commit event.
 */
async function commitDefinition(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  org: PeerOrgKey,
  endorsers: readonly PeerOrgKey[],
  version: string,
  sequence: number,
): Promise<void> {
  const peerArgs = firstPeers(topology)
    .filter((p) => endorsers.includes(p.org))
    .flatMap((p) => ['--peerAddresses', `${p.host}:${String(p.port)}`, '--tlsRootCertFiles', layout.caCert(p.org)]);
  await runCommand(
    bin.path('peer'),
    [
      'lifecycle',
      'chaincode',
      'commit',
      ...ordererArgs(layout, topology),
      ...definitionArgs(version, sequence),
      ...peerArgs,
      ...WAIT_FOR_COMMIT,
    ],
    { step: `commit chaincode sequence ${String(sequence)}`, env: peerAdminEnv(layout, bin, topology, org) },
  );
}

/** The committed definition's version, sequence and approvals as `org`'s first peer reports them; undefined while none is committed. */
async function committedDefinition(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  org: PeerOrgKey,
): Promise<{ version: string; sequence: number; approvals: Record<string, boolean> } | undefined> {
  // The CLI fails alike for "not defined" and for a peer that does not answer: ask the peer's health first, so a
  // peer that is down is reported as such and never read as "nothing committed yet".
  const peer = peerOf(topology, org);
  if (!(await operationsHealthy(peer.host, peer.operationsPort))) {
    throw new Error(
      `${peer.name} does not answer at ${peer.host}:${String(peer.operationsPort)}; start it (medrec org up --org ${org}) and run this again`,
    );
  }
  let out: string;
  try {
    out = await runCommand(
      bin.path('peer'),
      [
        'lifecycle',
        'chaincode',
        'querycommitted',
        '--channelID',
        CHANNEL_NAME,
        '--name',
        CHAINCODE_NAME,
        '--output',
        'json',
      ],
      { step: 'query the committed chaincode definition', env: peerAdminEnv(layout, bin, topology, org) },
    );
  } catch {
    return undefined; // not defined yet
  }
  const parsed = JSON.parse(out) as { sequence?: unknown; version?: unknown };
  return {
    version: typeof parsed.version === 'string' ? parsed.version : '',
    sequence: typeof parsed.sequence === 'number' ? parsed.sequence : 0,
    approvals: approvalMap(parsed),
  };
}

/**
 * The version and sequence the channel runs, as `org`'s own peer reports it: waits (bounded, showing the peer's
 * height) while that peer is still replaying the chain up to the block that committed it.
 */
export async function committedChaincode(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  org: PeerOrgKey,
  progress: (height: number) => void,
  waitMs = 10 * 60_000,
): Promise<{ version: string; sequence: number }> {
  const deadline = Date.now() + waitMs;
  const peer = peerOf(topology, org);
  for (;;) {
    const committed = await committedDefinition(layout, bin, topology, org);
    if (committed !== undefined) return { version: committed.version, sequence: committed.sequence };
    if (Date.now() > deadline) {
      throw new Error(
        `${peer.name} shows no committed ${CHAINCODE_NAME} definition after ${String(waitMs / 60_000)} minutes; ` +
          `check its log (${layout.logFile(peer.name)}) and run this again to resume`,
      );
    }
    progress((await peerLedgerHeight(peer.host, peer.operationsPort, CHANNEL_NAME)) ?? 0);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function approvalMap(parsed: unknown): Record<string, boolean> {
  const result: Record<string, boolean> = {};
  const map = (parsed as { approvals?: unknown } | null)?.approvals;
  if (map !== null && typeof map === 'object') {
    for (const [mspId, approved] of Object.entries(map)) result[mspId] = approved === true;
  }
  return result;
}

/** Which organisations (MSP ids) have approved `version`/`sequence`, as the lifecycle reports it to `org`'s admin. */
async function approvals(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  org: PeerOrgKey,
  version: string,
  sequence: number,
): Promise<Record<string, boolean>> {
  const out = await runCommand(
    bin.path('peer'),
    ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definitionArgs(version, sequence), '--output', 'json'],
    {
      step: `check which organisations approved sequence ${String(sequence)}`,
      env: peerAdminEnv(layout, bin, topology, org),
    },
  );
  return approvalMap(JSON.parse(out));
}

/** A failure that waiting does not mend: reported at once instead of retried. */
class NotRetriedError extends Error {}

/**
 * One step towards a definition being committed and approved by `org`: approve it, or commit it once a
 * majority has approved. Undefined when nothing is left to do; else what it is waiting for.
 */
async function foundingStep(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  org: PeerOrgKey,
  definition: ChaincodeDefinition,
  progress: Progress,
): Promise<string | undefined> {
  const { version, sequence } = definition;
  const mspIdOf = (key: string): string => topology.organisations.find((o) => o.key === key)?.mspId ?? '';
  const own = mspIdOf(org);
  const committed = await committedDefinition(layout, bin, topology, org);
  if (committed !== undefined && committed.sequence > sequence) {
    throw new NotRetriedError(
      `the channel already runs sequence ${String(committed.sequence)} of ${CHAINCODE_NAME}, past ${String(sequence)}; ` +
        "this organisation's state is behind: ask the others which build that sequence runs",
    );
  }
  if (committed?.sequence === sequence) {
    // Committed by a majority that did not wait for this organisation: it still approves, or its peers would not
    // know which package to run.
    if (committed.approvals[own] !== true) {
      progress(`approving the committed sequence ${String(sequence)} for ${org}`);
      await approveFor(layout, bin, topology, org, definition);
    }
    return undefined;
  }
  const approved = await approvals(layout, bin, topology, org, version, sequence);
  if (approved[own] !== true) {
    progress(`approving sequence ${String(sequence)} for ${org}`);
    await approveFor(layout, bin, topology, org, definition);
    return `approved for ${org}; checking the others`;
  }
  const members = peerOrgKeys(topology);
  const needed = majorityOf(members.length);
  const yes = members.filter((key) => approved[mspIdOf(key)] === true);
  if (yes.length < needed) {
    return (
      `waiting for a majority of ${members.join(', ')} to approve sequence ${String(sequence)} ` +
      `(${String(yes.length)} of ${String(needed)}: ${yes.join(', ')})`
    );
  }
  progress(`a majority approved (${yes.join(', ')}): committing sequence ${String(sequence)}`);
  try {
    await commitDefinition(layout, bin, topology, org, yes, version, sequence);
  } catch (err) {
    // Another founder may have committed it a moment before: that is the outcome wanted.
    if (((await committedDefinition(layout, bin, topology, org))?.sequence ?? 0) < sequence) throw err;
  }
  return 'committed; checking';
}

/**
 * One organisation's part of deploying `sequence` of the chaincode, on its own host with only its own admin:
 * package, install on its peers and approve the definition for itself. When a majority of the members has approved
 * and nobody has committed yet, it commits, endorsed by the approving organisations' peers (their addresses and TLS
 * roots come from the imported definitions); otherwise it waits (bounded) for the organisation that completes the
 * majority to commit. Then its chaincode server runs under the new package id. Returns the definition with its own
 * package id. Sequence 1 founds the channel's chaincode (`org found`); a later one upgrades it (`org
 * upgrade-chaincode`), the server switching to the new package only once the definition is committed.
 */
export async function approveAndCommitFor(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  org: PeerOrgKey,
  target: Readonly<{ version: string; sequence: number }>,
  progress: Progress,
  waitMs = 20 * 60_000,
): Promise<ChaincodeDefinition> {
  const { version, sequence } = target;
  const label = `${CHAINCODE_NAME}_${version}_${String(sequence)}`;
  progress(`packaging and installing on ${org}`);
  const file = await packageFor(layout, topology, org, label);
  const id = packageId(label, file);
  await installOn(layout, bin, topology, org, file, id);
  const definition: ChaincodeDefinition = { name: CHAINCODE_NAME, version, sequence, packageIds: { [org]: id } };
  const deadline = Date.now() + waitMs;
  let failures = 0;
  for (;;) {
    let waiting: string | undefined;
    try {
      waiting = await foundingStep(layout, bin, topology, org, definition, progress);
      failures = 0;
    } catch (err) {
      // Organisations move at their own pace: the orderer asked may not be up, or have no Raft leader, yet.
      failures += 1;
      if (err instanceof NotRetriedError || failures >= 20) throw err;
      waiting = `not yet (${err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)}); trying again`;
    }
    if (waiting === undefined) break;
    if (Date.now() > deadline) {
      throw new Error(
        `${waiting} after ${String(Math.round(waitMs / 60_000))} minutes; the other organisations run the same ` +
          'command on their hosts; run this again to resume',
      );
    }
    progress(waiting);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  progress(`starting the chaincode server of ${org} (package ${id})`);
  await stopChaincodeServer(layout, org);
  await startChaincodeServer(layout, topology, org, id);
  return definition;
}
