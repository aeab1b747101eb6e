import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { applyConfigUpdate } from '../../network/src/channel-update';
import { startMiners, stopMiners } from '../../network/src/miner-process';
import { withOrderingParameters } from '../../network/src/ordering-parameters';
import type { NetworkStatus } from '../../network/src/consortium';
import { REPO_ROOT } from '../../network/src/paths';
import { CHAINCODE_NAME, CHANNEL_NAME, type PeerOrgKey } from '../../network/src/topology';
import type { GatewayConnection } from '../../sdk/src/gateway-connection';
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
