import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { caServerTlsCertificate } from '../../network/src/certificate-authority';
import { dueForRenewal, organisationCertificateExpiry } from '../../network/src/certificate-expiry';
import { applyConfigUpdate } from '../../network/src/channel-update';
import { createConsortium } from '../../network/src/consortium';
import { openOrgWallet } from '../../network/src/user-provisioning';
import { startMiners, stopMiners } from '../../network/src/miner-process';
import { withOrderingParameters } from '../../network/src/ordering-parameters';
import type { NetworkStatus } from '../../network/src/consortium';
import { REPO_ROOT } from '../../network/src/paths';
import { CHAINCODE_NAME, CHANNEL_NAME, type PeerOrgKey } from '../../network/src/topology';
import type { GatewayConnection } from '../../sdk/src/gateway-connection';
import { callApi, registerIn } from './support/consortium-api';
import { connectAs, consortium, eventually, freshId } from './support/shared-network';

const utf8 = new TextDecoder();
const PEER_ORGS: readonly PeerOrgKey[] = ['hospital1', 'hospital2', 'research'];

function health(
  connection: GatewayConnection,
): ReturnType<ReturnType<GatewayConnection['gateway']['getNetwork']>['getContract']> {
  return connection.gateway.getNetwork(CHANNEL_NAME).getContract(CHAINCODE_NAME, 'Health');
}

async function heartbeat(connection: GatewayConnection): Promise<string> {
  const probe = freshId('probe');
  await health(connection).submitTransaction('Heartbeat', probe);
  return probe;
}

/**
 * With the Raft leader stopped, the remaining orderers need an election (about 5 s) before they accept
 * transactions again; a client retries on UNAVAILABLE in the meantime, as any real client would.
 */
async function heartbeatRetryingWhileUnavailable(connection: GatewayConnection): Promise<string> {
  return eventually(
    'a heartbeat commits',
    () => heartbeat(connection),
    () => true,
    90_000,
  );
}

async function readHeartbeat(
  connection: GatewayConnection,
  probe: string,
): Promise<{ probeId?: string; mspId?: string }> {
  const raw = utf8.decode(await health(connection).evaluateTransaction('GetHeartbeat', probe));
  return raw === '' ? {} : (JSON.parse(raw) as { probeId: string; mspId: string });
}

/**
 * The heartbeat as another organisation's peer shows it. A peer that did not commit the transaction itself may be a
 * block behind the one that did, so this polls: a lagging peer shows the probe within the minute, lost data never does.
 */
async function heartbeatSeenOn(
  connection: GatewayConnection,
  probe: string,
  where: string,
): Promise<string | undefined> {
  const seen = await eventually(
    `heartbeat ${probe} on ${where}`,
    () => readHeartbeat(connection, probe),
    (h) => h.probeId === probe,
  );
  return seen.probeId;
}

async function heights(): Promise<number[]> {
  return Promise.all(PEER_ORGS.map(async (org) => (await consortium().chainInfo(org)).height));
}

async function peersAgree(): Promise<{ height: number; hash: string }[]> {
  return eventually(
    'all peers at the same height and block hash',
    async () =>
      Promise.all(PEER_ORGS.map(async (org) => consortium().chainInfo(org))).then((infos) =>
        infos.map((i) => ({ height: i.height, hash: i.currentBlockHash })),
      ),
    (infos) => infos.every((i) => i.height === infos[0]?.height && i.hash === infos[0].hash),
  );
}

function header(block: Buffer): { number: number; previousHash: string; dataHash: string } {
  const h = common.Block.deserializeBinary(block).getHeader();
  if (!h) throw new Error('block without header');
  return {
    number: h.getNumber(),
    previousHash: Buffer.from(h.getPreviousHash_asU8()).toString('hex'),
    dataHash: Buffer.from(h.getDataHash_asU8()).toString('hex'),
  };
}

describe('consortium network (real Fabric)', function () {
  let viaHospital1: GatewayConnection & { identity: { mspId: string } };
  let viaHospital2: GatewayConnection;
  let viaResearch: GatewayConnection;

  before(async function () {
    // Heartbeats are for operators (Health:Heartbeat refuses any role but admin).
    viaHospital1 = await connectAs('hospital1', { 'medrec.role': 'admin', 'medrec.id': freshId('op') });
    viaHospital2 = await connectAs('hospital2', { 'medrec.role': 'admin', 'medrec.id': freshId('op') });
    viaResearch = await connectAs('research', { 'medrec.role': 'admin', 'medrec.id': freshId('op') });
  });

  after(function () {
    for (const c of [viaHospital1, viaHospital2, viaResearch]) c.close();
  });

  it('status --json lists 3 orderers, 3 peers and 4 CAs, all up, with block heights and API URLs', function () {
    const out = execFileSync(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'medrec.js'), 'network', 'status', '--json'],
      {
        encoding: 'utf8',
      },
    );
    const status = JSON.parse(out) as NetworkStatus;
    const of = (kind: string): NetworkStatus['nodes'] => status.nodes.filter((n) => n.kind === kind);
    expect(of('orderer')).to.have.length(3);
    expect(of('peer')).to.have.length(3);
    expect(of('ca')).to.have.length(4);
    expect(status.nodes.filter((n) => !n.up).map((n) => n.name)).to.deep.equal([]);
    for (const node of [...of('orderer'), ...of('peer')])
      expect(node.blockHeight, node.name).to.be.a('number').above(0);
    expect(status.apis.map((a) => a.org)).to.deep.equal(['hospital1', 'hospital2', 'research']);
    expect(new Set(status.nodes.map((n) => n.org))).to.deep.equal(
      new Set(['orderer', 'hospital1', 'hospital2', 'research']),
    );
  });

  it('commits a transaction through hospital1 that hospital2 and research read, with equal heights', async function () {
    const probe = await heartbeat(viaHospital1);
    for (const reader of [viaHospital2, viaResearch]) {
      const seen = await eventually(
        'heartbeat visible',
        () => readHeartbeat(reader, probe),
        (h) => h.probeId === probe,
      );
      expect(seen.mspId).to.equal('Hospital1MSP');
    }
    await peersAgree();
  });

  it('shows the chaincode the medrec.role / medrec.id attributes its CA put in the certificate', async function () {
    const participantId = freshId('patient');
    const patient = await connectAs('hospital2', { 'medrec.role': 'patient', 'medrec.id': participantId });
    try {
      const seen = JSON.parse(utf8.decode(await health(patient).evaluateTransaction('Identity'))) as Record<
        string,
        unknown
      >;
      expect(seen).to.deep.equal({ mspId: 'Hospital2MSP', role: 'patient', participantId });
    } finally {
      patient.close();
    }
  });

  it('commits with one peer stopped, and the peer catches up to the same height and hash after restart', async function () {
    await consortium().stopNode('peer0.research');
    try {
      const probe = await heartbeat(viaHospital1);
      expect(await heartbeatSeenOn(viaHospital2, probe, 'hospital2')).to.equal(probe);
    } finally {
      await consortium().startNode('peer0.research');
    }
    const agreed = await peersAgree();
    expect(agreed[0]?.height).to.be.above(0);
  });

  it('commits with one orderer stopped, and the orderer catches up to the same newest block after restart', async function () {
    // The newest block is compared with the peer's height, so no miner round may add blocks in between.
    const { layout, topology } = consortium();
    await stopMiners(layout, topology);
    try {
      await consortium().stopNode('orderer1');
      let probe: string;
      try {
        probe = await heartbeatRetryingWhileUnavailable(viaHospital2);
      } finally {
        await consortium().startNode('orderer1');
      }
      expect(await heartbeatSeenOn(viaHospital1, probe, 'hospital1')).to.equal(probe);
      await ordererCaughtUp();
    } finally {
      startMiners(layout, topology);
    }
  });

  async function ordererCaughtUp(): Promise<void> {
    const peerHeight = (await consortium().chainInfo('hospital1')).height;
    const newest = await eventually(
      'orderer1 caught up',
      async () =>
        Promise.all(
          ['orderer1', 'orderer2', 'orderer3'].map(async (o) => header(await consortium().fetchNewestBlock(o))),
        ),
      (headers) =>
        headers.every((h) => h.number === peerHeight - 1 && JSON.stringify(h) === JSON.stringify(headers[1])),
      120_000,
    );
    expect(newest[0]?.number).to.equal(peerHeight - 1);
  }

  it('changes the batching parameters by a configuration update of the orderer organisation; a hospital admin alone may not', async function () {
    const network = consortium();
    const before = await network.orderingParameters();
    const changed = { batchTimeout: before.batchTimeout === '400ms' ? '300ms' : '400ms', maxMessageCount: 50 };
    const ctx = { layout: network.layout, bin: await network.binaries(), topology: network.topology };
    let refused: unknown;
    try {
      await applyConfigUpdate(ctx, ['hospital1'], withOrderingParameters(changed), () => undefined);
    } catch (error) {
      refused = error;
    }
    expect(refused, "a hospital admin's signature changed the ordering service").to.be.instanceOf(Error);
    expect(await network.orderingParameters()).to.deep.equal(before);
    try {
      expect(await network.setOrderingParameters(changed)).to.equal(true);
      expect(await network.orderingParameters()).to.deep.equal(changed);
      const probe = await heartbeat(viaHospital1);
      expect(await heartbeatSeenOn(viaResearch, probe, 'research')).to.equal(probe);
      expect(await network.setOrderingParameters(changed), 'the same values again are no update').to.equal(false);
    } finally {
      await network.setOrderingParameters(before);
    }
    expect(await network.orderingParameters()).to.deep.equal(before);
  });

  it('keeps the ledger across down and up (block height does not go back)', async function () {
    const probe = await heartbeat(viaHospital1);
    const before = await heights();
    await consortium().down();
    const stopped = await consortium().status();
    expect(stopped.nodes.filter((n) => n.up).map((n) => n.name)).to.deep.equal([]);
    await consortium().up();
    const after = await heights();
    after.forEach((height, i) => expect(height).to.be.at.least(before[i] ?? Infinity));
    expect(await heartbeatSeenOn(viaResearch, probe, 'research')).to.equal(probe);
  });

  it('renews every enrollment certificate of hospital2 on the running network; its new admin and peer sign and endorse, and the old keys are gone', async function () {
    const { layout } = consortium();
    const enrollment = (name: string): string =>
      path.join(layout.identityDir('hospital2', name), 'msp', 'signcerts', 'cert.pem');
    const key = (name: string): string =>
      path.join(layout.identityDir('hospital2', name), 'msp', 'keystore', 'key.pem');
    const watched = ['orgadmin', 'peer0.hospital2', 'gatekeeper'];
    const before = new Map(watched.map((name) => [name, new X509Certificate(fs.readFileSync(enrollment(name)))]));
    const keysBefore = new Map(watched.map((name) => [name, fs.readFileSync(key(name), 'utf8')]));
    const caServer = (): string =>
      new X509Certificate(fs.readFileSync(caServerTlsCertificate(layout, 'hospital2'))).fingerprint256;
    const caServerBefore = caServer();
    // A user the API keeps in its wallet: its certificate is renewed too, and its token keeps working.
    const patient = await registerIn(consortium(), 'hospital2', 'patient');
    const wallet = await openOrgWallet(consortium(), 'hospital2');
    const walletBefore = new Map<string, string>();
    for (const label of await wallet.list()) walletBefore.set(label, (await wallet.get(label))?.certificate ?? '');
    const lines: string[] = [];

    const renewed = await consortium().renewEnrollments('hospital2', (line) => lines.push(line));

    expect(caServer(), "the CA's HTTPS certificate is renewed too").not.to.equal(caServerBefore);
    expect(renewed.identities).to.include.members(['CA admin', ...watched]);
    expect(renewed.wallet?.failed).to.deep.equal([]);
    expect(renewed.wallet?.renewed).to.have.members([...walletBefore.keys()]);
    for (const [label, certificate] of walletBefore) {
      const now = await wallet.get(label);
      expect(now?.certificate, `${label} in the wallet has a new certificate`)
        .to.be.a('string')
        .and.not.equal(certificate);
      expect(new X509Certificate(now?.certificate ?? '').subject).to.equal(new X509Certificate(certificate).subject);
    }
    const records = await callApi(
      consortium(),
      'hospital2',
      'GET',
      `/v1/patients/${patient.id}/records`,
      patient.token,
    );
    expect(records.status, JSON.stringify(records.body)).to.equal(200);
    expect(lines.join('\n')).to.contain('peer0.hospital2: restarting with it');
    for (const name of watched) {
      const after = new X509Certificate(fs.readFileSync(enrollment(name)));
      const old = before.get(name);
      expect(after.fingerprint256, `${name} has a new certificate`).not.to.equal(old?.fingerprint256);
      expect(after.subject, `${name} keeps its enrollment id and OU`).to.equal(old?.subject);
      expect(after.issuer).to.equal(old?.issuer);
      expect(fs.readFileSync(key(name), 'utf8'), `${name} has a new key`).not.to.equal(keysBefore.get(name));
      expect(after.checkPrivateKey(createPrivateKey(fs.readFileSync(key(name))))).to.equal(true);
      expect(fs.existsSync(path.join(layout.identityDir('hospital2', name), 'msp.next'))).to.equal(false);
    }
    // The new admin certificate is an admin of Hospital2MSP to the channel (Health:Heartbeat is for admins), and
    // hospital2's restarted peer endorses it (a MAJORITY needs it or research's, and the gateway asks its own).
    const admin = consortium().connectAdmin('hospital2');
    try {
      // Retried while the restarted peer settles (a new probe each time, so nothing is counted twice).
      const probe = await eventually(
        "a heartbeat of hospital2's renewed admin commits",
        async () => {
          const id = freshId('renewed');
          await health(admin).submitTransaction('Heartbeat', id);
          return id;
        },
        () => true,
        90_000,
      );
      expect(await heartbeatSeenOn(viaHospital1, probe, 'hospital1')).to.equal(probe);
    } finally {
      admin.close();
    }
    // An identity enrolled before the renewal still signs: its certificate was renewed, not revoked.
    const earlier = await heartbeatRetryingWhileUnavailable(viaHospital2);
    expect(await heartbeatSeenOn(viaResearch, earlier, 'research')).to.equal(earlier);
    const status = await consortium().status();
    expect(status.nodes.filter((n) => n.org === 'hospital2').every((n) => n.up)).to.equal(true);
    expect(status.apis.map((a) => a.org)).to.include('hospital2');
    const report = organisationCertificateExpiry(layout, 'hospital2', { now: new Date(), renewWithinDays: 30 });
    expect(dueForRenewal(report)).to.deep.equal([]);
  });

  it("renews the orderer organisation's enrollment certificates: its orderers restart one at a time and blocks keep their signatures valid", async function () {
    const { layout } = consortium();
    const cert = (name: string): string =>
      path.join(layout.identityDir('orderer', name), 'msp', 'signcerts', 'cert.pem');
    const before = ['orderer1', 'orderer2', 'orderer3'].map((name) => new X509Certificate(fs.readFileSync(cert(name))));
    const lines: string[] = [];
    const renewed = await consortium().renewEnrollments('orderer', (line) => lines.push(line));
    expect(renewed.identities).to.include.members(['orderer1', 'orderer2', 'orderer3']);
    expect(renewed.wallet, 'the orderer organisation has no API wallet').to.equal(undefined);
    const restarts = lines.filter((line) => line.endsWith(': restarting with it'));
    expect(restarts).to.deep.equal([
      'orderer1: restarting with it',
      'orderer2: restarting with it',
      'orderer3: restarting with it',
    ]);
    ['orderer1', 'orderer2', 'orderer3'].forEach((name, i) => {
      const after = new X509Certificate(fs.readFileSync(cert(name)));
      expect(after.fingerprint256, name).not.to.equal(before[i]?.fingerprint256);
      expect(after.subject).to.equal(before[i]?.subject);
    });
    // Peers accept the blocks the orderers now sign with their new keys.
    const probe = await heartbeatRetryingWhileUnavailable(viaHospital1);
    expect(await heartbeatSeenOn(viaResearch, probe, 'research')).to.equal(probe);
    await peersAgree();
  });

  it('refuses to renew the certificates of an organisation whose CA is on another host', async function () {
    const elsewhere = createConsortium({ home: fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-not-hospital2-')) });
    try {
      let refused: unknown;
      try {
        await elsewhere.renewEnrollments('hospital2');
      } catch (error) {
        refused = error;
      }
      expect(String(refused)).to.contain("does not hold hospital2's CA");
      expect(fs.existsSync(elsewhere.layout.caSecretFile('hospital2')), 'no CA secret was created').to.equal(false);
    } finally {
      fs.rmSync(elsewhere.layout.home, { recursive: true, force: true });
    }
  });

  it('upgrades the chaincode to the next sequence on the running network without losing data', async function () {
    const probe = await heartbeat(viaHospital1);
    const sequenceBefore = (await consortium().status()).chaincode?.sequence ?? 0;
    const definition = await consortium().upgradeChaincode();
    expect(definition.sequence).to.equal(sequenceBefore + 1);
    expect((await consortium().status()).chaincode?.sequence).to.equal(sequenceBefore + 1);
    expect(await heartbeatSeenOn(viaHospital2, probe, 'hospital2 after the upgrade')).to.equal(probe);
    const after = await heartbeat(viaResearch);
    expect(await heartbeatSeenOn(viaHospital1, after, 'hospital1 after the upgrade')).to.equal(after);
  });
});
