/**
 * Founding a consortium from separate state directories on separate hosts, as three institutions would: each runs
 * `medrec org init` in its own MEDREC_HOME (its CA, its keys, its public definition), imports the others'
 * definitions, one creates the genesis block and the others verify it, then each runs `medrec org found`. Every step
 * goes through the CLI, as an operator would type it. The directories share nothing but the files passed between
 * them, and each ends up holding only its own organisation's private keys. Each organisation's host is a network
 * namespace (as in multi-host.test.ts): its processes run there and listen on its address only. Needs root and
 * `ip netns`; without them the suite fails, saying so, rather than skip.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import tls from 'node:tls';
import path from 'node:path';
import { promisify } from 'node:util';
import { common } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import YAML from 'yaml';
import { adminTokenFile, apiUrl } from '../../network/src/api-process';
import { createConsortium, type Consortium } from '../../network/src/consortium';
import { Layout } from '../../network/src/layout';
import { readSimulatedHosts, removeSimulatedHosts, simulateHosts } from '../../network/src/simulated-hosts';
import { REPO_ROOT } from '../../network/src/paths';
import { CHAINCODE_NAME, CHANNEL_NAME, buildTopology, organisation, peerOf } from '../../network/src/topology';
import { adminTokenIn, callApi, registerIn, type Answer } from './support/consortium-api';
import { condition } from './support/rest-api';
import { freshId } from './support/shared-network';
import { listeningIn, namespaceOfProcess, removeLeftoverHosts } from './support/simulated-hosts';

const FILE = path.join(REPO_ROOT, 'test', 'integration', 'fixtures', 'founding-consortium.yaml');
// Each host is a namespace of its own, so these ports meet no other network's; kept apart from them all the same.
const PORT_BASE = 23000;
const FOUNDERS = ['hospital1', 'hospital2', 'research'] as const;
/** The founders, and hospital3, which joins the running channel from a directory of its own. */
type Founder = (typeof FOUNDERS)[number] | 'hospital3';
const EVERYONE: readonly Founder[] = [...FOUNDERS, 'hospital3'];
const run = promisify(execFile);

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('founding a consortium from separate state directories (each founder holds only its own keys)', function () {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-found-'));
  const homeOf = (org: Founder): string => path.join(root, org);
  const exchange = path.join(root, 'exchanged');
  const open = (org: Founder): Consortium =>
    createConsortium({ home: homeOf(org), portBase: PORT_BASE, consortiumFile: FILE, renderer: 'silent' });

  /** `medrec …` on a founder's host: its own MEDREC_HOME, the shared consortium file. Never throws. */
  async function cli(org: Founder, args: readonly string[]): Promise<CliResult> {
    try {
      const { stdout, stderr } = await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'medrec.js'), ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, MEDREC_HOME: homeOf(org), MEDREC_CONSORTIUM: FILE, MEDREC_PORT_BASE: String(PORT_BASE) },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 1_500_000,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const failed = err as { code?: unknown; stdout?: string; stderr?: string };
      return {
        code: typeof failed.code === 'number' ? failed.code : 1,
        stdout: failed.stdout ?? '',
        stderr: failed.stderr ?? '',
      };
    }
  }

  async function ok(org: Founder, args: readonly string[]): Promise<string> {
    const result = await cli(org, args);
    expect(result.code, `medrec ${args.join(' ')} on ${org}'s host:\n${result.stderr}`).to.equal(0);
    return result.stdout;
  }

  /** `medrec …` on a founder's host that must fail, saying `why` (a refusal is tested with its reason). */
  async function refused(org: Founder, args: readonly string[], why: string): Promise<void> {
    const result = await cli(org, args);
    expect(result.code, `medrec ${args.join(' ')} on ${org}'s host was not refused`).to.not.equal(0);
    expect(result.stderr).to.contain(why);
  }

  const admin = (org: Founder): string => adminTokenIn(open(org), org);
  const call = (org: Founder, method: string, route: string, token: string, body?: unknown): Promise<Answer> =>
    callApi(open(org), org, method, route, token, body);
  const person = (org: Founder, role: string): Promise<{ id: string; token: string }> =>
    registerIn(open(org), org, role);

  const definitionFile = (org: Founder): string => path.join(exchange, `${org}.json`);
  const tlsCertOf = (org: Founder, node: string): string =>
    path.join(open(org).layout.identityDir(org, node), 'tls', 'server.crt');

  /**
   * The hosts: one namespace per organisation, created from a lab directory that holds nothing else. Each
   * organisation's directory gets the record of which namespace is which host (what a real machine knows by being
   * that host), so its processes start on its own host.
   */
  const lab = new Layout(path.join(root, 'lab'));
  const hostOf = (org: Founder): string => organisation(buildTopology(PORT_BASE, FILE), org).host;

  before(async function () {
    this.timeout(120_000);
    fs.mkdirSync(exchange, { recursive: true });
    await removeLeftoverHosts(hostOf('hospital1').split('.').slice(0, 3).join('.'));
    await simulateHosts(lab, EVERYONE.map(hostOf), () => undefined);
    for (const org of EVERYONE) {
      fs.mkdirSync(homeOf(org), { recursive: true });
      fs.copyFileSync(lab.simulatedHostsFile, new Layout(homeOf(org)).simulatedHostsFile);
    }
  });

  /**
   * The core flow across two hospitals: a patient of `custodian` with one record grants `reader`'s clinicians; a
   * clinician of `reader` reads it, and one of `outsider`, whom the consent does not name, is refused.
   */
  async function readsUnderConsentOnly(custodian: Founder, reader: Founder, outsider: Founder): Promise<void> {
    const mspOf = (org: Founder): string => organisation(open(custodian).topology, org).mspId;
    const [patient, author] = [await person(custodian, 'patient'), await person(custodian, 'clinician')];
    const admitted = await call(custodian, 'POST', `/v1/patients/${patient.id}/admission`, admin(custodian));
    expect(admitted.status, JSON.stringify(admitted.body)).to.equal(200);
    const created = await call(
      custodian,
      'POST',
      `/v1/patients/${patient.id}/records`,
      author.token,
      condition(patient.id),
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const recordId = (created.body as { record: { recordId: string } }).record.recordId;
    const granted = await call(custodian, 'POST', `/v1/patients/${patient.id}/consents`, patient.token, {
      grantee: { kind: 'role', role: 'clinician', mspId: mspOf(reader) },
      scope: { custodians: [mspOf(custodian)] },
      purposes: ['TREAT'],
      period: {
        notBefore: new Date(Date.now() - 60_000).toISOString(),
        notAfter: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(granted.status, JSON.stringify(granted.body)).to.equal(201);
    const clinician = await person(reader, 'clinician');
    const read = await call(reader, 'GET', `/v1/records/${recordId}?purpose=TREAT`, clinician.token);
    expect(read.status, JSON.stringify(read.body)).to.equal(200);
    expect(JSON.stringify(read.body)).to.contain(`Patient/${patient.id}`);
    const stranger = await person(outsider, 'clinician');
    const refused = await call(outsider, 'GET', `/v1/records/${recordId}?purpose=TREAT`, stranger.token);
    expect(refused.status, JSON.stringify(refused.body)).to.equal(403);
  }

  after(async function () {
    this.timeout(300_000);
    // The processes first (they run inside the namespaces), then the namespaces, then each directory.
    for (const org of EVERYONE) {
      if (fs.existsSync(homeOf(org))) await open(org).down();
    }
    await removeSimulatedHosts(lab, () => undefined);
    for (const org of EVERYONE) {
      if (fs.existsSync(homeOf(org))) await open(org).down({ purge: true });
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('each founder creates its keys and definition on its own; definitions are checked before they are kept', async function () {
    this.timeout(900_000);
    const outputs = await Promise.all(
      FOUNDERS.map((org) => ok(org, ['org', 'init', '--org', org, '--out', definitionFile(org)])),
    );
    for (const output of outputs) expect(output).to.match(/fingerprint [0-9a-f]{64}/);

    // A definition altered in transit: hospital1's orderer certificate replaced by one research's CA issued.
    const genuine = JSON.parse(fs.readFileSync(definitionFile('hospital1'), 'utf8')) as {
      mspId: string;
      caCertPem: string;
      orderers: { name: string; tlsCertPem: string }[];
    };
    const researchDefinition = JSON.parse(fs.readFileSync(definitionFile('research'), 'utf8')) as typeof genuine;
    const swapped = path.join(exchange, 'hospital1-swapped.json');
    fs.writeFileSync(
      swapped,
      JSON.stringify({
        ...genuine,
        orderers: [{ name: 'orderer1', tlsCertPem: researchDefinition.orderers[0]?.tlsCertPem ?? '' }],
      }),
    );
    const refusedSwap = await cli('hospital2', ['org', 'import', swapped]);
    expect(refusedSwap.code).to.equal(1);
    expect(refusedSwap.stderr).to.contain("was not issued by hospital1's CA root");
    // Another organisation's CA posing as hospital1's, and a definition under the wrong MSP id.
    const posing = path.join(exchange, 'hospital1-posing.json');
    fs.writeFileSync(posing, JSON.stringify({ ...genuine, caCertPem: researchDefinition.caCertPem }));
    expect((await cli('hospital2', ['org', 'import', posing])).stderr).to.contain('was not issued by');
    const renamed = path.join(exchange, 'hospital1-renamed.json');
    fs.writeFileSync(renamed, JSON.stringify({ ...genuine, mspId: 'Hospital2MSP' }));
    expect((await cli('research', ['org', 'import', renamed])).stderr).to.contain(
      'the consortium file says Hospital1MSP',
    );
    // A founder does not import its own definition over what it created.
    expect((await cli('hospital1', ['org', 'import', definitionFile('hospital1')])).stderr).to.contain(
      'its own definition is not imported',
    );

    for (const org of FOUNDERS) {
      const others = FOUNDERS.filter((other) => other !== org).map(definitionFile);
      const imported = await ok(org, ['org', 'import', ...others]);
      expect(imported.match(/ imported from /g)).to.have.length(2);
    }
    // Again: nothing changes; and a different definition for a founder already imported is refused.
    expect(await ok('hospital2', ['org', 'import', definitionFile('hospital1')])).to.contain('already imported');
    const reissued = path.join(exchange, 'hospital1-reissued.json');
    fs.writeFileSync(reissued, JSON.stringify({ ...genuine, caCertPem: genuine.caCertPem.trim() }));
    expect((await cli('hospital2', ['org', 'import', reissued])).stderr).to.contain(
      'a different definition of hospital1',
    );
  });

  it('one founder creates the genesis block; the others keep it only if it carries the configuration they compute', async function () {
    this.timeout(300_000);
    const block = path.join(exchange, `${CHANNEL_NAME}.genesis.block`);
    expect(await ok('hospital1', ['channel', 'genesis', '--out', block])).to.match(/sha256 [0-9a-f]{64}/);

    // A block whose configuration differs in one value (a longer batch timeout) is refused, naming where.
    const bin = await open('hospital1').binaries();
    const forged = path.join(root, 'forged');
    fs.mkdirSync(forged);
    const configtx = YAML.parse(
      fs.readFileSync(path.join(homeOf('hospital1'), 'channel', 'configtx.yaml'), 'utf8'),
    ) as { Profiles: { MedrecChannel: { Orderer: { BatchTimeout: string } } } };
    configtx.Profiles.MedrecChannel.Orderer.BatchTimeout = '5s';
    fs.writeFileSync(path.join(forged, 'configtx.yaml'), YAML.stringify(configtx));
    const forgedBlock = path.join(forged, 'forged.block');
    await run(
      bin.path('configtxgen'),
      ['-profile', 'MedrecChannel', '-channelID', CHANNEL_NAME, '-outputBlock', forgedBlock, '-configPath', forged],
      { env: { PATH: process.env.PATH, FABRIC_CFG_PATH: forged } },
    );
    const refused = await cli('research', ['channel', 'genesis', '--import', forgedBlock]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('does not carry the configuration this host computes');
    expect(refused.stderr).to.contain('BatchTimeout');

    for (const org of ['hospital2', 'research'] as const) {
      expect(await ok(org, ['channel', 'genesis', '--import', block])).to.contain('verified and kept');
    }
    // Once kept, another block is refused outright.
    expect((await cli('hospital2', ['channel', 'genesis', '--import', forgedBlock])).stderr).to.contain(
      'holds a different genesis block already',
    );
  });

  it('each founder joins from its own host; a majority commits the chaincode; transactions commit; MedRec runs', async function () {
    this.timeout(1_500_000);
    // A founder's directory runs only its own organisation.
    expect((await cli('hospital1', ['org', 'up', '--org', 'hospital2'])).stderr).to.contain(
      "hospital2's runs on its own host",
    );
    let whole: unknown;
    await open('hospital1')
      .up()
      .catch((err: unknown) => {
        whole = err;
      });
    expect(String(whole)).to.contain("hospital1's own state directory");

    await Promise.all(FOUNDERS.map((org) => ok(org, ['org', 'found', '--org', org])));
    // Run again (as after an interruption), founding finds every step done and changes nothing.
    expect(await ok('hospital2', ['org', 'found', '--org', 'hospital2'])).to.contain(
      'hospital2 is up in the consortium',
    );

    // A change that needs other founders' signatures is refused on one host, naming the file exchange instead.
    const alone = await cli('hospital1', ['network', 'ordering', '--batch-timeout', '1s']);
    expect(alone.code).to.equal(1);
    expect(alone.stderr).to.contain("this host does not hold hospital2's, research's admin");

    // Every founder approved the definition that a majority committed.
    const h2 = open('hospital2');
    const connection = h2.connectAdmin('hospital2');
    try {
      const network = connection.gateway.getNetwork(CHANNEL_NAME);
      const health = network.getContract(CHAINCODE_NAME, 'Health');
      await health.submitTransaction('Heartbeat', `founded-${String(Date.now())}`);
    } finally {
      connection.close();
    }
    // Each API lists the three founders, registered by their own admins.
    for (const org of FOUNDERS) {
      const consortium = open(org);
      const peer = peerOf(consortium.topology, org);
      const token = fs.readFileSync(adminTokenFile(consortium.layout, peer), 'utf8').trim();
      const res = await fetch(`${apiUrl(peer)}/v1/organisations`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { items: { mspId: string }[] };
      expect(body.items.map((item) => item.mspId)).to.include.members(['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP']);
    }
    // Each founder's processes run on its own host, and its API listens on that host's address only.
    const namespaceOf = new Map(readSimulatedHosts(lab)?.hosts.map((h) => [h.host, h.namespace]));
    for (const org of FOUNDERS) {
      const consortium = open(org);
      const own = (await consortium.status()).nodes.filter(
        (node) => node.org === org && node.kind !== 'miner' && fs.existsSync(consortium.layout.pidFile(node.name)),
      );
      expect(own.map((node) => node.kind)).to.include.members(['peer', 'orderer']);
      for (const node of own) {
        const pid = fs.readFileSync(consortium.layout.pidFile(node.name), 'utf8').trim();
        expect(await namespaceOfProcess(pid), `${node.name} runs off ${org}'s host`).to.equal(
          namespaceOf.get(hostOf(org)),
        );
      }
      const listening = await listeningIn(namespaceOf.get(hostOf(org)) ?? '');
      const apiPort = new URL(apiUrl(peerOf(consortium.topology, org))).port;
      expect(listening).to.contain(`${hostOf(org)}:${apiPort}`);
      expect(listening).not.to.contain(`127.0.0.1:${apiPort}`);
    }
  });

  it("runs the core flow across the founders: hospital2 reads hospital1's record under consent, research may not", async function () {
    this.timeout(300_000);
    await readsUnderConsentOnly('hospital1', 'hospital2', 'research');
  });

  it('upgrades the chaincode with each founder approving on its own host; a whole-network upgrade is refused there', async function () {
    this.timeout(900_000);
    let whole: unknown;
    await open('hospital1')
      .upgradeChaincode()
      .catch((err: unknown) => {
        whole = err;
      });
    expect(String(whole)).to.contain('medrec org upgrade-chaincode --org hospital1');
    const outputs = await Promise.all(FOUNDERS.map((org) => ok(org, ['org', 'upgrade-chaincode', '--org', org])));
    for (const [i, output] of outputs.entries()) {
      expect(output).to.contain(`${FOUNDERS[i] ?? ''} runs medrec sequence 2`);
    }
    // Every founder's peer runs sequence 2 and endorses: a transaction through research commits.
    const connection = open('research').connectAdmin('research');
    try {
      const health = connection.gateway.getNetwork(CHANNEL_NAME).getContract(CHAINCODE_NAME, 'Health');
      await health.submitTransaction('Heartbeat', `upgraded-${String(Date.now())}`);
    } finally {
      connection.close();
    }
  });

  it('changes the batching parameters by an update the orderer operators sign on their own hosts', async function () {
    this.timeout(300_000);
    // The one-directory form needs every operator's admin: refused here, pointing to the file exchange.
    const whole = await cli('hospital1', ['network', 'ordering', '--batch-timeout', '300ms']);
    expect(whole.code).to.not.equal(0);
    expect(whole.stderr).to.contain("does not hold hospital2's, research's admin").and.contain('propose-ordering');
    const update = path.join(exchange, 'ordering.envelope.pb');
    await ok('hospital1', [
      'channel',
      'propose-ordering',
      '--batch-timeout',
      '300ms',
      '--max-messages',
      '60',
      '--as',
      'hospital1',
      '--out',
      update,
    ]);
    // A signer who expects something else refuses it; one signature is not the Orderer group's majority.
    await refused(
      'hospital2',
      ['channel', 'sign', update, '--as', 'hospital2', '--expect-member', 'Hospital3MSP'],
      'does not only add Hospital3MSP',
    );
    await refused('hospital2', ['channel', 'submit', update, '--as', 'hospital2', '--expect-ordering'], 'sub-policies');
    expect(await ok('research', ['network', 'ordering'])).to.contain('batch timeout 500ms');
    // research signs after reading each field the update changes; hospital2 submits with its own signature.
    const signed = await cli('research', ['channel', 'sign', update, '--as', 'research', '--expect-ordering']);
    expect(signed.code, signed.stderr).to.equal(0);
    expect(signed.stderr).to.contain('BatchTimeout.timeout: "500ms" -> "300ms"');
    expect(signed.stderr).to.contain('BatchSize.max_message_count: 100 -> 60');
    // Who signed, verified against the channel's MSPs, and whether the Orderer group's policy is met yet.
    expect(signed.stderr).to.contain('no signatures yet');
    expect(signed.stderr).to.contain('/Channel/Orderer/Admins: not satisfied yet with this signature');
    const submitted = await cli('hospital2', ['channel', 'submit', update, '--as', 'hospital2', '--expect-ordering']);
    expect(submitted.code, submitted.stderr).to.equal(0);
    expect(submitted.stderr).to.match(/signed by ResearchMSP \(.*admin.*\), verified/);
    expect(submitted.stderr).to.contain('/Channel/Orderer/Admins: satisfied with this signature');
    expect(await ok('research', ['network', 'ordering'])).to.contain('batch timeout 300ms   max messages per block 60');
    // The channel still commits with the new parameters.
    await person('hospital2', 'clinician');
  });

  it("rotates orderer2's TLS certificate by an update its operator proposes and the others sign on their hosts", async function () {
    this.timeout(300_000);
    const update = path.join(exchange, 'orderer2-tls.envelope.pb');
    const rotateTls = ['org', 'rotate-tls', '--org', 'hospital2'];
    await refused('hospital2', [...rotateTls, '--orderer', 'orderer2', '--finish'], 'has no new certificate waiting');
    await refused(
      'hospital2',
      [...rotateTls, '--orderer', 'orderer1', '--out', update],
      'not an orderer that hospital2 operates',
    );
    await ok('hospital2', [...rotateTls, '--orderer', 'orderer2', '--out', update]);
    // Proposed and signed by hospital2 only: restarting now would lock orderer2 out, and one operator is not enough.
    await refused(
      'hospital2',
      [...rotateTls, '--orderer', 'orderer2', '--finish'],
      "does not name orderer2's new certificate yet",
    );
    await refused(
      'hospital2',
      ['channel', 'submit', update, '--as', 'hospital2', '--expect-consenter', 'orderer2'],
      'sub-policies',
    );
    // An envelope changed after hospital2 signed it is refused before anyone else signs.
    const tampered = path.join(exchange, 'orderer2-tls.tampered.pb');
    fs.writeFileSync(tampered, withFirstSignatureAltered(fs.readFileSync(update)));
    await refused(
      'research',
      ['channel', 'sign', tampered, '--as', 'research', '--expect-consenter', 'orderer2'],
      'carries a signature that does not verify',
    );
    // research checks what it signs: the wrong orderer named is refused; the right one shows the new certificate.
    await refused(
      'research',
      ['channel', 'sign', update, '--as', 'research', '--expect-consenter', 'orderer1'],
      'does not only give orderer1 a new TLS certificate',
    );
    await refused(
      'research',
      ['channel', 'sign', update, '--as', 'research', '--expect-ordering'],
      'does not only change the batch timeout',
    );
    const signed = await cli('research', [
      'channel',
      'sign',
      update,
      '--as',
      'research',
      '--expect-consenter',
      'orderer2',
    ]);
    expect(signed.code, signed.stderr).to.equal(0);
    expect(signed.stderr).to.contain("orderer2's new TLS certificate").and.contain('SHA-256');
    expect(signed.stderr).to.match(/signed by Hospital2MSP \(.*admin.*\), verified/);
    expect(signed.stderr).to.contain('/Channel/Orderer/Admins: satisfied with this signature');
    const before = fs.readFileSync(tlsCertOf('hospital2', 'orderer2'), 'utf8');
    await ok('hospital1', ['channel', 'submit', update, '--as', 'hospital1', '--expect-consenter', 'orderer2']);
    // Once the channel names the staged certificate, a new proposal would discard its key: refused.
    await refused(
      'hospital2',
      [...rotateTls, '--orderer', 'orderer2', '--out', update],
      "the channel already names orderer2's staged certificate",
    );
    await ok('hospital2', [...rotateTls, '--orderer', 'orderer2', '--finish']);
    const after = fs.readFileSync(tlsCertOf('hospital2', 'orderer2'), 'utf8');
    expect(after).to.not.equal(before);
    const orderer2 = open('hospital2').topology.orderers.find((o) => o.name === 'orderer2');
    if (orderer2 === undefined) throw new Error('the fixture has no orderer2');
    expect((await servedCertificate(orderer2.host, orderer2.port)).fingerprint256).to.equal(
      new X509Certificate(after).fingerprint256,
    );
    // The channel commits with orderer2 back in the cluster under its new certificate.
    await person('hospital1', 'clinician');
  });

  it("renews hospital2's enrollment certificates on its own host, orderer2 included; another organisation's are refused there", async function () {
    this.timeout(600_000);
    const signCert = (node: string): string =>
      fs.readFileSync(
        path.join(open('hospital2').layout.identityDir('hospital2', node), 'msp', 'signcerts', 'cert.pem'),
        'utf8',
      );
    await refused('hospital2', ['org', 'renew-enrollment', '--org', 'hospital1'], "does not hold hospital1's CA");
    const report = await ok('hospital2', ['org', 'certificates', '--org', 'hospital2']);
    expect(report).to.contain('orderer2').and.contain('wallet user').and.contain('CA root');
    const before = ['orderer2', 'peer0.hospital2', 'orgadmin'].map(signCert);
    const out = await cli('hospital2', ['org', 'renew-enrollment', '--org', 'hospital2']);
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stderr)
      .to.contain('orderer2: restarting with it')
      .and.contain('consenters active')
      .and.contain('users of hospital2');
    ['orderer2', 'peer0.hospital2', 'orgadmin'].forEach((node, i) => {
      expect(signCert(node), `${node} has a new enrollment certificate`).to.not.equal(before[i]);
    });
    // The channel orders, hospital2's API registers through its renewed wallet, and the core flow still runs.
    await person('hospital2', 'clinician');
    await person('hospital1', 'patient');
  });

  it('admits hospital3 from its own directory: the founders sign on theirs, it joins, registers, grants and reads', async function () {
    this.timeout(900_000);
    const h3 = path.join(exchange, 'hospital3.json');
    expect(await ok('hospital3', ['org', 'init', '--org', 'hospital3', '--out', h3])).to.contain(
      'Hospital3MSP channel definition written',
    );
    await ok('hospital3', ['org', 'import', ...FOUNDERS.map(definitionFile)]);
    await ok('hospital3', ['channel', 'genesis', '--import', path.join(exchange, `${CHANNEL_NAME}.genesis.block`)]);
    // It joins, it does not found.
    expect((await cli('hospital3', ['org', 'found', '--org', 'hospital3'])).stderr).to.contain(
      'medrec org join --org hospital3',
    );
    // Not admitted yet: it says so and what to do.
    const early = await cli('hospital3', ['org', 'join', '--org', 'hospital3']);
    expect(early.code).to.equal(1);
    expect(early.stderr).to.contain('Hospital3MSP is not a member of medrec yet');
    // The admission, passed between the founders' directories: hospital1 proposes, hospital2 signs, hospital1
    // submits (2 of 3, the channel's MAJORITY).
    const update = path.join(exchange, 'add-hospital3.pb');
    await ok('hospital1', ['channel', 'propose-member', '--definition', h3, '--as', 'hospital1', '--out', update]);
    await ok('hospital2', ['channel', 'sign', update, '--as', 'hospital2', '--expect-member', 'Hospital3MSP']);
    await ok('hospital1', ['channel', 'submit', update, '--as', 'hospital1', '--expect-member', 'Hospital3MSP']);
    await ok('hospital3', ['org', 'join', '--org', 'hospital3']);

    await readsUnderConsentOnly('hospital3', 'hospital1', 'hospital2');
  });

  it("removes hospital3 by an update passed between the others' directories, and retires it through their APIs", async function () {
    this.timeout(600_000);
    // The one-directory command needs a majority's admins: refused on a founder's directory before anything stops.
    const whole = await cli('hospital1', ['org', 'remove', '--org', 'hospital3']);
    expect(whole.code).to.not.equal(0);
    expect(whole.stderr).to.contain("this is hospital1's own directory").and.contain('propose-removal');
    const removal = path.join(exchange, 'remove-hospital3.pb');
    await ok('hospital1', [
      'channel',
      'propose-removal',
      '--member',
      'Hospital3MSP',
      '--as',
      'hospital1',
      '--out',
      removal,
    ]);
    // An admin expecting an addition does not sign a removal.
    const mistaken = await cli('hospital2', [
      'channel',
      'sign',
      removal,
      '--as',
      'hospital2',
      '--expect-member',
      'Hospital3MSP',
    ]);
    expect(mistaken.code).to.equal(1);
    expect(mistaken.stderr).to.contain('does not only add Hospital3MSP');
    // Four members now: MAJORITY is three admins (hospital2, research, and hospital1 as it submits).
    for (const org of ['hospital2', 'research'] as const) {
      await ok(org, ['channel', 'sign', removal, '--as', org, '--expect-removal', 'Hospital3MSP']);
    }
    await ok('hospital1', ['channel', 'submit', removal, '--as', 'hospital1', '--expect-removal', 'Hospital3MSP']);
    // Its admin no longer writes.
    const former = open('hospital3').connectAdmin('hospital3');
    let refused: unknown;
    try {
      const health = former.gateway.getNetwork(CHANNEL_NAME).getContract(CHAINCODE_NAME, 'Health');
      await health.submitTransaction('Heartbeat', freshId('removed'));
    } catch (err) {
      refused = err;
    } finally {
      former.close();
    }
    expect(refused, 'a removed organisation still wrote').to.be.instanceOf(Error);
    // MedRec's registrar: a majority of the three others (two) retire it, each through its own API.
    for (const org of ['hospital1', 'hospital2'] as const) {
      const approved = await call(org, 'POST', '/v1/organisations/Hospital3MSP/retirement', admin(org));
      expect(approved.status, JSON.stringify(approved.body)).to.equal(200);
    }
    const record = await call('research', 'GET', '/v1/organisations/Hospital3MSP', admin('research'));
    expect((record.body as { retirement?: { decidedBy: string[] } }).retirement?.decidedBy).to.have.members([
      'Hospital1MSP',
      'Hospital2MSP',
    ]);
  });

  it("each organisation's directory holds private keys of its own organisation only", function () {
    for (const org of EVERYONE) {
      const home = homeOf(org);
      const ownCa = new X509Certificate(fs.readFileSync(path.join(home, 'cas', org, 'ca-cert.pem')));
      const { certificates, keys } = pemIn(home);
      expect(keys.length, `private keys in ${org}'s directory`).to.be.greaterThan(4);
      const ownCaHome = path.join(home, 'cas', org) + path.sep;
      for (const { file, pem } of keys) {
        const cert = certificates.get(spki(createPublicKey(privateKeyIn(file, pem))));
        // The CA's Idemix issuer keys have no X.509 certificate: they may only be in the organisation's own CA home.
        if (cert === undefined && file.startsWith(ownCaHome) && path.basename(file).startsWith('Issuer')) continue;
        expect(cert, `${file}: a private key with no certificate beside it`).to.not.equal(undefined);
        const ownsIt = cert !== undefined && (cert.checkIssued(ownCa) ? cert.verify(ownCa.publicKey) : false);
        expect(ownsIt, `${file} belongs to ${cert?.issuer ?? '?'}, not ${org}'s CA`).to.equal(true);
      }
      // What it holds of the others: their CA roots and MSPs, nothing else.
      for (const other of EVERYONE.filter((key) => key !== org)) {
        // Founders hold each founder's root (imported); hospital3's is in no one else's directory.
        const imported = path.join(home, 'cas', other);
        expect(fs.existsSync(imported)).to.equal(other !== 'hospital3');
        if (other !== 'hospital3') expect(fs.readdirSync(imported)).to.deep.equal(['ca-cert.pem']);
        expect(fs.existsSync(path.join(home, 'wallets', other))).to.equal(false);
        expect(fs.existsSync(path.join(home, 'secrets', `ca-${other}.json`))).to.equal(false);
      }
    }
  });
});

/** A PEM private key; Fabric CA labels its Idemix revocation key (SEC1 DER) "PRIVATE KEY", so that form too. */
function privateKeyIn(file: string, pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    // fall through: try the body as SEC1
  }
  try {
    const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
    return createPrivateKey({ key: der, format: 'der', type: 'sec1' });
  } catch (err) {
    throw new Error(`${file} holds a private key that does not parse (${String(err)}): ${pem.slice(0, 80)}`);
  }
}

/** Every certificate (by its public key) and every private key in a directory's files. */
function pemIn(home: string): {
  certificates: Map<string, X509Certificate>;
  keys: { file: string; pem: string }[];
} {
  const certificates = new Map<string, X509Certificate>();
  const keys: { file: string; pem: string }[] = [];
  for (const file of filesUnder(home)) {
    // PEM as it is in files, or escaped inside JSON (connection.json, definitions).
    const text = fs.readFileSync(file, 'latin1').replace(/\\n/g, '\n');
    for (const pem of text.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]+-----END [A-Z ]*PRIVATE KEY-----/g) ?? []) {
      keys.push({ file, pem });
    }
    for (const block of text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []) {
      const cert = new X509Certificate(block);
      certificates.set(spki(cert.publicKey), cert);
    }
  }
  return { certificates, keys };
}

function spki(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('hex');
}

/** Regular files under a directory (ledgers and logs left out: large, and never key material). */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ['ledgers', 'logs'].includes(entry.name) ? [] : filesUnder(full);
    return entry.isFile() && fs.statSync(full).size < 1_000_000 ? [full] : [];
  });
}

/** The certificate a TLS server presents at host:port (not verified: the test compares it with the expected one). */
function servedCertificate(host: string, port: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      resolve(new X509Certificate(raw));
    });
    socket.once('error', reject);
  });
}

/** The envelope with the last byte of its first ConfigSignature's signature changed (as if altered after signing). */
function withFirstSignatureAltered(bytes: Uint8Array): Uint8Array {
  const envelope = common.Envelope.deserializeBinary(bytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const update = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
  const [first] = update.getSignaturesList();
  if (first === undefined) throw new Error('the envelope carries no signature to alter');
  const signature = Buffer.from(first.getSignature_asU8());
  signature[signature.length - 1] = (signature[signature.length - 1] ?? 0) ^ 0x01;
  first.setSignature(signature);
  payload.setData(update.serializeBinary());
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}
