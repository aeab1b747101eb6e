/**
 * A hospital joins a running consortium: a network of its own (its own MEDREC_HOME and ports, beside the shared one)
 * from a consortium file that lists hospital3 under channel.joining. The founders run; hospital3 is admitted by a
 * configuration update signed by a majority of their admins, its peer catches up, the chaincode is approved for it
 * and its services come up; then it registers a record that another hospital reads under consent, and reads one;
 * finally it is removed again and its certificates no longer write.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { connectGateway, type GatewayConnection } from '@medrec/sdk';
import { adminTokenFile, apiUrl } from '../../network/src/api-process';
import { applyConfigUpdate, readChannelConfig } from '../../network/src/channel-update';
import { createConsortium, type Consortium } from '../../network/src/consortium';
import { applicationMembers, withApplicationOrganisation } from '../../network/src/org-membership';
import { REPO_ROOT } from '../../network/src/paths';
import { ORG_ADMIN } from '../../network/src/nodes';
import { CHAINCODE_NAME, CHANNEL_NAME, peerOf, portBaseFromEnv } from '../../network/src/topology';
import { condition } from './support/rest-api';
import { eventually, freshId } from './support/shared-network';

const FILE = path.join(REPO_ROOT, 'test', 'integration', 'fixtures', 'joining-consortium.yaml');
// Beside the shared network's ports (base .. base + 600), never on them.
const PORT_BASE = portBaseFromEnv() + 1000;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

describe('a hospital joins the running consortium (its own network, hospital3 under channel.joining)', function () {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-join-'));
  const open = (): Consortium =>
    createConsortium({ home, portBase: PORT_BASE, consortiumFile: FILE, renderer: 'silent' });

  async function call(org: string, method: string, route: string, token: string, body?: unknown): Promise<Answer> {
    const consortium = open();
    const res = await fetch(`${apiUrl(peerOf(consortium.topology, org))}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  function adminTokenOf(org: string): string {
    const consortium = open();
    return fs.readFileSync(adminTokenFile(consortium.layout, peerOf(consortium.topology, org)), 'utf8').trim();
  }

  async function person(org: string, role: string): Promise<{ id: string; token: string }> {
    const res = await call(org, 'POST', '/v1/participants', adminTokenOf(org), {
      role,
      externalId: freshId(`MRN-${role.slice(0, 3)}`),
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const body = res.body as { participant: { participantId: string }; token: { token: string } };
    return { id: body.participant.participantId, token: body.token.token };
  }

  /** A patient of `org` with one record by a clinician of `org`; returns the patient and the record id. */
  async function patientWithRecord(org: string): Promise<{ patient: { id: string; token: string }; recordId: string }> {
    const [patient, clinician] = [await person(org, 'patient'), await person(org, 'clinician')];
    const admitted = await call(org, 'POST', `/v1/patients/${patient.id}/admission`, adminTokenOf(org));
    expect(admitted.status, JSON.stringify(admitted.body)).to.equal(200);
    const created = await call(
      org,
      'POST',
      `/v1/patients/${patient.id}/records`,
      clinician.token,
      condition(patient.id),
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    return { patient, recordId: (created.body as { record: { recordId: string } }).record.recordId };
  }

  function consentFor(readerMsp: string, custodianMsp: string): Record<string, unknown> {
    return {
      grantee: { kind: 'role', role: 'clinician', mspId: readerMsp },
      scope: { custodians: [custodianMsp] },
      purposes: ['TREAT'],
      period: {
        notBefore: new Date(Date.now() - 60_000).toISOString(),
        notAfter: new Date(Date.now() + 3_600_000).toISOString(),
      },
    };
  }

  /** The medrec CLI on this test's network (MEDREC_HOME); rejects with its output when it exits non-zero. */
  function medrecCli(args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [path.join(REPO_ROOT, 'bin', 'medrec.js'), ...args],
        { env: { ...process.env, MEDREC_HOME: home }, timeout: 240_000 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`medrec ${args.join(' ')} failed: ${stderr}${stdout}`));
          else resolve(stdout);
        },
      );
    });
  }

  before(async function () {
    this.timeout(900_000);
    await open().up();
  });

  after(async function () {
    this.timeout(300_000);
    await open().down({ purge: true });
  });

  it('runs the founders only until hospital3 joins', async function () {
    const status = await open().status();
    expect(status.nodes.map((n) => n.org)).not.to.include('hospital3');
    const consortium = open();
    const ctx = { layout: consortium.layout, bin: await consortium.binaries(), topology: consortium.topology };
    expect(applicationMembers(await readChannelConfig(ctx, 'hospital1'))).to.deep.equal([
      'Hospital1MSP',
      'Hospital2MSP',
      'ResearchMSP',
    ]);
  });

  it("refuses a change to the channel's members signed by one member's admin (MAJORITY of 3 is 2)", async function () {
    const consortium = open();
    const ctx = { layout: consortium.layout, bin: await consortium.binaries(), topology: consortium.topology };
    const config = await readChannelConfig(ctx, 'hospital1');
    // research's own definition under another name: the policy check comes first, so this is refused for it.
    const groups = (config.channel_group as { groups: { Application: { groups: Record<string, unknown> } } }).groups;
    const definition = groups.Application.groups.ResearchMSP as Record<string, unknown>;
    let refused: unknown;
    try {
      await applyConfigUpdate(ctx, ['hospital1'], withApplicationOrganisation('Intruder', definition), () => undefined);
    } catch (error) {
      refused = error;
    }
    expect(refused, 'a one-signature membership change was accepted').to.be.instanceOf(Error);
    expect(String(refused)).to.match(/policy|signature/i);
    expect(applicationMembers(await readChannelConfig(ctx, 'hospital1'))).not.to.include('Intruder');
  });

  it('admits hospital3 by files between admins: one signature is refused, a majority is accepted', async function () {
    this.timeout(300_000);
    const exchange = path.join(home, 'exchange');
    fs.mkdirSync(exchange);
    const definition = path.join(exchange, 'hospital3.json');
    const envelope = path.join(exchange, 'add-hospital3.pb');
    await medrecCli(['org', 'prepare', '--org', 'hospital3', '--out', definition]);
    await medrecCli(['channel', 'propose-member', '--definition', definition, '--as', 'hospital1', '--out', envelope]);
    let refused: unknown;
    try {
      await medrecCli(['channel', 'submit', envelope, '--as', 'hospital1']);
    } catch (error) {
      refused = error;
    }
    expect(refused, 'an update with one of three admins was accepted').to.be.instanceOf(Error);
    expect(String(refused)).to.match(/policy/i);
    // A signer checks what they sign: this envelope adds Hospital3MSP, not the organisation they were told of.
    let mismatch: unknown;
    try {
      await medrecCli(['channel', 'sign', envelope, '--as', 'hospital2', '--expect-member', 'Hospital4MSP']);
    } catch (error) {
      mismatch = error;
    }
    expect(String(mismatch)).to.contain('does not only add Hospital4MSP');
    await medrecCli(['channel', 'sign', envelope, '--as', 'hospital2', '--expect-member', 'Hospital3MSP']);
    await medrecCli(['channel', 'submit', envelope, '--as', 'hospital1', '--expect-member', 'Hospital3MSP']);
    const consortium = open();
    const ctx = { layout: consortium.layout, bin: await consortium.binaries(), topology: consortium.topology };
    await eventually(
      'Hospital3MSP in the channel configuration',
      async () => applicationMembers(await readChannelConfig(ctx, 'hospital1')),
      (members) => members.includes('Hospital3MSP'),
    );
  });

  it('joins hospital3: its peer catches up to the same block hash, its API serves', async function () {
    this.timeout(900_000);
    await open().joinOrganisation('hospital3');
    const consortium = open();
    const ctx = { layout: consortium.layout, bin: await consortium.binaries(), topology: consortium.topology };
    expect(applicationMembers(await readChannelConfig(ctx, 'hospital1'))).to.include('Hospital3MSP');
    const status = await consortium.status();
    const mine = status.nodes.filter((n) => n.org === 'hospital3');
    expect(mine.map((n) => `${n.kind} ${n.name}`)).to.include.members(['peer peer0.hospital3', 'api api.hospital3']);
    expect(mine.every((n) => n.up)).to.equal(true);
    await eventually(
      'hospital3 at the same height and block hash as hospital1',
      async () => Promise.all([consortium.chainInfo('hospital1'), consortium.chainInfo('hospital3')]),
      ([one, three]) => one.height === three.height && one.currentBlockHash === three.currentBlockHash,
    );
  });

  it('hospital3 registers a record that hospital1 reads under consent, and hospital2 without consent may not', async function () {
    this.timeout(300_000);
    const { patient, recordId } = await patientWithRecord('hospital3');
    const granted = await call('hospital3', 'POST', `/v1/patients/${patient.id}/consents`, patient.token, {
      ...consentFor('Hospital1MSP', 'Hospital3MSP'),
    });
    expect(granted.status, JSON.stringify(granted.body)).to.equal(201);
    const reader = await person('hospital1', 'clinician');
    const read = await call('hospital1', 'GET', `/v1/records/${recordId}?purpose=TREAT`, reader.token);
    expect(read.status, JSON.stringify(read.body)).to.equal(200);
    expect(JSON.stringify(read.body)).to.contain(`Patient/${patient.id}`);
    const outsider = await person('hospital2', 'clinician');
    const refused = await call('hospital2', 'GET', `/v1/records/${recordId}?purpose=TREAT`, outsider.token);
    expect(refused.status, JSON.stringify(refused.body)).to.equal(403);
  });

  it("hospital3's clinicians read hospital1's record once its patient consents, not before", async function () {
    this.timeout(300_000);
    const { patient, recordId } = await patientWithRecord('hospital1');
    const reader = await person('hospital3', 'clinician');
    const before = await call('hospital3', 'GET', `/v1/records/${recordId}?purpose=TREAT`, reader.token);
    expect(before.status, JSON.stringify(before.body)).to.equal(403);
    const granted = await call('hospital1', 'POST', `/v1/patients/${patient.id}/consents`, patient.token, {
      ...consentFor('Hospital3MSP', 'Hospital1MSP'),
    });
    expect(granted.status, JSON.stringify(granted.body)).to.equal(201);
    const after = await call('hospital3', 'GET', `/v1/records/${recordId}?purpose=TREAT`, reader.token);
    expect(after.status, JSON.stringify(after.body)).to.equal(200);
  });

  it('removes hospital3: a majority of the others sign, its admin can no longer write, the rest keep committing', async function () {
    this.timeout(300_000);
    const before = open();
    const asHospital3 = (viaOrg: string): GatewayConnection => {
      const dir = before.layout.identityDir('hospital3', ORG_ADMIN);
      const endpoint = before.peerEndpoint(viaOrg);
      return connectGateway({
        peerAddress: endpoint.address,
        tlsRootCertificate: endpoint.tlsRootCertificate,
        tlsServerName: endpoint.tlsServerName,
        identity: {
          mspId: 'Hospital3MSP',
          certificate: fs.readFileSync(path.join(dir, 'msp', 'signcerts', 'cert.pem'), 'utf8'),
          privateKey: fs.readFileSync(path.join(dir, 'msp', 'keystore', 'key.pem'), 'utf8'),
        },
      });
    };
    const heartbeat = async (connection: GatewayConnection): Promise<void> => {
      const health = connection.gateway.getNetwork(CHANNEL_NAME).getContract(CHAINCODE_NAME, 'Health');
      await health.submitTransaction('Heartbeat', freshId('probe'));
    };
    const member = asHospital3('hospital1');
    try {
      await heartbeat(member);
    } finally {
      member.close();
    }
    await before.removeOrganisation('hospital3');
    const after = open();
    const ctx = { layout: after.layout, bin: await after.binaries(), topology: after.topology };
    expect(applicationMembers(await readChannelConfig(ctx, 'hospital1'))).to.deep.equal([
      'Hospital1MSP',
      'Hospital2MSP',
      'ResearchMSP',
    ]);
    expect((await after.status()).nodes.map((n) => n.org)).not.to.include('hospital3');
    const former = asHospital3('hospital1');
    let refused: unknown;
    try {
      await heartbeat(former);
    } catch (error) {
      refused = error;
    } finally {
      former.close();
    }
    expect(refused, 'a removed organisation still wrote to the channel').to.be.instanceOf(Error);
    const admin = after.connectAdmin('hospital1');
    try {
      await heartbeat(admin);
    } finally {
      admin.close();
    }
  });
});
