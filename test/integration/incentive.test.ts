import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { initializeIncentives } from '../../network/src/incentive';
import { runMiner } from '../../network/src/miner';
import { startMiners, stopMiners } from '../../network/src/miner-process';
import { CHANNEL_NAME, type PeerOrgKey } from '../../network/src/topology';
import { INCENTIVE_AUDIT_TYPES } from '../../contract/src/audit';
import type { ClaimRecord, PendingClaim } from '../../sdk/src/chaincode-types';
import type { GatewayConnection } from '../../sdk/src/gateway-connection';
import { createMedrecClient } from '../../sdk/src/medrec-client';
import type { MinerSummary } from '../../network/src/miner/miner';
import { extractEndorsements, type ClaimableEndorsement } from '../../network/src/miner/endorsement-extractor';
import { ChaincodeError } from '../../sdk/src/errors';
import {
  MSP_ID,
  closeAll,
  enrol,
  mspIdOf,
  enrollmentIdOf,
  failureOf,
  submit,
  type Actor,
} from './support/medrec-client';
import { consortium } from './support/shared-network';

const ORGS: readonly PeerOrgKey[] = ['hospital1', 'hospital2', 'research'];
const INCENTIVE_TYPES = new Set<string>(INCENTIVE_AUDIT_TYPES);

async function height(gateway: Gateway): Promise<bigint> {
  const bytes = await gateway
    .getNetwork(CHANNEL_NAME)
    .getContract('qscc')
    .evaluateTransaction('GetChainInfo', CHANNEL_NAME);
  return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
}

async function blockAt(gateway: Gateway, n: bigint): Promise<common.Block> {
  const bytes = await gateway
    .getNetwork(CHANNEL_NAME)
    .getContract('qscc')
    .evaluateTransaction('GetBlockByNumber', CHANNEL_NAME, n.toString());
  return common.Block.deserializeBinary(bytes);
}

/**
 * Written independently of the miner's extractor: per organisation, the transaction ids in blocks [from, to) that
 * are valid, invoke chaincode medrec, write their own audit event of a business type, and carry an endorsement
 * signed by one of that organisation's peers.
 */
async function claimableByOrg(gateway: Gateway, from: bigint, to: bigint): Promise<Map<string, Set<string>>> {
  const expected = new Map<string, Set<string>>(ORGS.map((org) => [mspIdOf(org), new Set<string>()]));
  for (let n = from; n < to; n++) {
    const block = await blockAt(gateway, n);
    const flags = block.getMetadata()?.getMetadataList_asU8()[2] ?? new Uint8Array();
    block
      .getData()
      ?.getDataList_asU8()
      .forEach((bytes, i) => {
        const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
        const header = common.ChannelHeader.deserializeBinary(
          payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
        );
        if (header.getType() !== 3 || flags[i] !== 0) return;
        const txId = header.getTxId();
        for (const action of peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()) {
          const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
          if (!endorsed) continue;
          const cc = peer.ChaincodeAction.deserializeBinary(
            peer.ProposalResponsePayload.deserializeBinary(
              endorsed.getProposalResponsePayload_asU8(),
            ).getExtension_asU8(),
          );
          if (cc.getChaincodeId()?.getName() !== 'medrec') continue;
          const audit = ledger.rwset.TxReadWriteSet.deserializeBinary(cc.getResults_asU8())
            .getNsRwsetList()
            .filter((ns) => ns.getNamespace() === 'medrec')
            .flatMap((ns) => ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8()).getWritesList())
            .find((w) => w.getKey() === `\u0000medrec.audit\u0000${txId}\u0000`);
          if (!audit) continue;
          const type = (JSON.parse(Buffer.from(audit.getValue_asU8()).toString()) as { type: string }).type;
          if (INCENTIVE_TYPES.has(type)) continue;
          for (const e of endorsed.getEndorsementsList()) {
            expected.get(msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid())?.add(txId);
          }
        }
      });
  }
  return expected;
}

interface MinerRun {
  readonly summary: MinerSummary;
  /** Claims this run recorded (pending until the other organisations attest them). */
  readonly claimed: PendingClaim[];
  /** Claims this run's attestations paid, as the paying transaction left them (claim number, reward). */
  readonly paid: ClaimRecord[];
  /** Claims of other organisations this run would not attest, with the reason. */
  readonly notAttested: { readonly txId: string; readonly mspId: string; readonly reason: string }[];
}

async function mine(
  org: PeerOrgKey,
  checkpointFile: string,
  startBlock: bigint,
  untilHeight: bigint,
): Promise<MinerRun> {
  const run: Omit<MinerRun, 'summary'> = { claimed: [], paid: [], notAttested: [] };
  const summary = await runMiner(consortium(), {
    org,
    checkpointFile,
    startBlock,
    untilHeight,
    renderer: 'silent',
    onProgress: (p) => {
      if (p.kind === 'batch') run.claimed.push(...p.claimed);
      if (p.kind === 'attest') {
        run.paid.push(...p.claims.filter((c) => c.status === 'paid'));
        run.notAttested.push(...p.refused);
      }
    },
  });
  return { summary, ...run };
}

/** Every pending claim on the ledger, as an admin pages them. */
async function allPending(client: ReturnType<typeof createMedrecClient>): Promise<PendingClaim[]> {
  const items: PendingClaim[] = [];
  let bookmark = '';
  do {
    const page = await client.listPendingClaims({ pageSize: 200, bookmark });
    items.push(...page.items);
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return items;
}

describe('incentive layer on the real network: miners of all three organisations', function () {
  this.timeout(600_000);
  const admins = new Map<PeerOrgKey, GatewayConnection>();
  const actors: Actor[] = [];
  let dir: string;
  const admin = (org: PeerOrgKey): GatewayConnection => {
    const found = admins.get(org);
    if (!found) throw new Error(`no admin connection for ${org}`);
    return found;
  };

  before(async () => {
    // This suite runs the miners itself and counts exactly what each claims: the miner services `network up`
    // started would claim the same endorsements first. They resume from their checkpoints afterwards.
    await stopMiners(consortium().layout, consortium().topology);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-miner-'));
    for (const org of ORGS) admins.set(org, consortium().connectAdmin(org));
    const { schedule } = await initializeIncentives(consortium());
    expect(BigInt(schedule.initialReward) > 0n).to.equal(true);
  });

  after(() => {
    startMiners(consortium().layout, consortium().topology);
    closeAll(actors);
    for (const connection of admins.values()) connection.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('credits each organisation exactly its endorsements of valid MedRec transactions, once, when the others attest', async () => {
    const gateway = admin('hospital1').gateway;
    const client = createMedrecClient(gateway);
    const startHeight = await height(gateway);

    // Business traffic: each organisation's admin registers fresh participants (a claimable audit event each),
    // plus a no-op re-registration of an organisation (no audit event: not claimable).
    for (const org of ORGS) {
      for (const role of ['clinician', 'researcher'] as const) {
        const actor = await enrol(org, role);
        actors.push(actor);
        await submit(
          admin(org),
          'Registrar:RegisterParticipant',
          JSON.stringify({
            participantId: actor.participantId,
            role,
            enrollmentId: enrollmentIdOf(actor.connection.identity),
          }),
        );
      }
    }
    const own = await client.getOrganisation(MSP_ID.hospital1);
    await client.registerOrganisation({
      mspId: own.mspId,
      displayName: own.displayName,
      gatekeeperUrl: own.gatekeeperUrl,
      caRootCertsPem: own.caRootCertsPem,
    });
    const endHeight = await height(gateway);

    const expected = await claimableByOrg(gateway, startHeight, endHeight);
    const total = [...expected.values()].reduce((sum, s) => sum + s.size, 0);
    expect(total, 'claimable endorsements in the traffic').to.be.at.least(6);

    const before = await client.getSchedule();
    const balancesBefore = new Map(
      await Promise.all(
        ORGS.map(
          async (org) =>
            [org, BigInt((await client.getBalance({ kind: 'organisation', mspId: mspIdOf(org) })).amount)] as const,
        ),
      ),
    );

    // Round 1: the three miners at once. Each records its claims as pending (nothing is paid on a claim alone) and
    // ends with a pass over the pending claims, attesting those of the others that its own peer's blocks show.
    const runs = await Promise.all(
      ORGS.map((org) => mine(org, path.join(dir, `${org}.checkpoint`), startHeight, endHeight)),
    );
    let claimedTotal = 0;
    for (const [i, org] of ORGS.entries()) {
      const run = runs[i];
      if (!run) throw new Error(`no run for ${org}`);
      const ownTxs = expected.get(mspIdOf(org)) ?? new Set<string>();
      expect(new Set(run.claimed.map((r) => r.txId)), `${org}: claimed transactions`).to.deep.equal(ownTxs);
      expect(run.summary.claimed).to.equal(ownTxs.size);
      expect(run.summary.alreadyClaimed + run.summary.refused, `${org}: nothing refused`).to.equal(0);
      expect(run.summary.nextBlock).to.equal(endHeight);
      expect(run.claimed.every((r) => r.mspId === mspIdOf(org) && r.attestedBy.length === 0)).to.equal(true);
      expect(run.notAttested, `${org}: every claim of the others is in its own blocks`).to.deep.equal([]);
      claimedTotal += run.claimed.length;
    }
    expect(claimedTotal).to.equal(total);

    // Round 2: restart from the checkpoints up to a height every peer's claims are below (the highest of the three
    // peers). The blocks since hold only claims and attestations: nothing new is claimed; each miner's closing pass
    // attests what the others claimed in round 1, so every claim now has both other organisations' attestations
    // (with three organisations, floor((3 - 1) / 2) + 1 = 2) and is paid.
    const heights = await Promise.all(ORGS.map((org) => height(admin(org).gateway)));
    const nowHeight = heights.reduce((max, h) => (h > max ? h : max), 0n);
    const restarted = await Promise.all(
      ORGS.map((org) => mine(org, path.join(dir, `${org}.checkpoint`), startHeight, nowHeight)),
    );
    for (const run of restarted) {
      expect(run.summary.fromBlock).to.equal(endHeight);
      expect(run.summary.claimed).to.equal(0);
      expect(run.summary.attestRefused + run.summary.unknown).to.equal(0);
      expect(run.notAttested).to.deep.equal([]);
    }

    const paid = new Map<string, ClaimRecord>();
    for (const record of [...runs, ...restarted].flatMap((run) => run.paid)) {
      paid.set(`${record.txId}/${record.mspId}`, record);
    }
    const after = await client.getSchedule();
    for (const org of ORGS) {
      const mspId = mspIdOf(org);
      for (const txId of expected.get(mspId) ?? []) {
        const record = paid.get(`${txId}/${mspId}`);
        expect(record?.status, `${org}: claim of ${txId} paid`).to.equal('paid');
        const others = ORGS.filter((o) => o !== org)
          .map((o) => mspIdOf(o))
          .sort();
        expect(record?.attestedBy, `${org}: ${txId} attested by both others`).to.deep.equal(others);
      }
      // Paid claims of this window only (another suite's leftover claims, if any, were paid here too and count).
      const rewards = [...paid.values()]
        .filter((r) => r.mspId === mspId)
        .reduce((sum, r) => sum + BigInt(r.status === 'paid' ? r.reward : '0'), 0n);
      const balance = BigInt((await client.getBalance({ kind: 'organisation', mspId })).amount);
      expect(balance - (balancesBefore.get(org) ?? 0n), `${org}: credited amount`).to.equal(rewards);
    }
    expect(BigInt(after.claims) - BigInt(before.claims), 'claims counted by the schedule').to.equal(BigInt(paid.size));
    const pendingNow = await allPending(client);
    const ours = new Set([...expected].flatMap(([mspId, txs]) => [...txs].map((txId) => `${txId}/${mspId}`)));
    expect(
      pendingNow.filter((c) => ours.has(`${c.txId}/${c.mspId}`)),
      'no claim left pending',
    ).to.deep.equal([]);

    // A crash between commit and checkpoint, replayed: a lost checkpoint re-claims, and every claim is already done.
    const replayed = await mine('research', path.join(dir, 'research-lost.checkpoint'), startHeight, endHeight);
    expect(replayed.summary.claimed).to.equal(0);
    expect(replayed.summary.alreadyClaimed).to.equal(expected.get(MSP_ID.research)?.size);
    expect(replayed.summary.attested, 'nothing left to attest').to.equal(0);
    expect((await client.getSchedule()).claims, 'no claim counted twice').to.equal(after.claims);
  });
});

describe('incentive layer on the real network: forged claims', function () {
  this.timeout(300_000);
  before(async () => {
    // The miner services would claim the genuine endorsement first; these claims must meet the signature checks.
    await stopMiners(consortium().layout, consortium().topology);
  });
  after(() => {
    startMiners(consortium().layout, consortium().topology);
  });

  it("refuses a claim with a forged signature and one for another organisation's endorsement, paying nothing", async () => {
    const admin1 = consortium().connectAdmin('hospital1');
    const adminR = consortium().connectAdmin('research');
    const actors: Actor[] = [];
    try {
      const client1 = createMedrecClient(admin1.gateway);
      const before = await height(admin1.gateway);
      const actor = await enrol('hospital1', 'clinician');
      actors.push(actor);
      const registered = await submit(
        admin1,
        'Registrar:RegisterParticipant',
        JSON.stringify({
          participantId: actor.participantId,
          role: 'clinician',
          enrollmentId: enrollmentIdOf(actor.connection.identity),
        }),
      );
      const after = await height(admin1.gateway);
      let genuine: ClaimableEndorsement | undefined;
      for (let n = before; n < after && genuine === undefined; n += 1n) {
        genuine = extractEndorsements(await blockAt(admin1.gateway, n), MSP_ID.hospital1).claims.find(
          (c) => c.claim.txId === registered.txId,
        );
      }
      if (genuine === undefined) throw new Error(`no hospital1 endorsement of ${registered.txId} in its block`);
      const balanceBefore = (await client1.getBalance({ kind: 'organisation', mspId: MSP_ID.hospital1 })).amount;

      const signature = Buffer.from(genuine.claim.signature, 'base64');
      signature[signature.length - 1] = (signature.at(-1) ?? 0) ^ 0xff;
      const forged = { ...genuine.claim, signature: signature.toString('base64') };
      const badSignature = await failureOf(() => client1.claimEndorsements([forged]));
      expect(badSignature, String(badSignature)).to.be.instanceOf(ChaincodeError);
      expect((badSignature as ChaincodeError).code).to.equal('MEDREC_BAD_SIGNATURE');

      const stolen = await failureOf(() => createMedrecClient(adminR.gateway).claimEndorsements([genuine.claim]));
      expect((stolen as ChaincodeError).code).to.equal('MEDREC_WRONG_ORGANISATION');

      const pending = await allPending(client1);
      expect(
        pending.filter((c) => c.txId === registered.txId),
        'nothing recorded',
      ).to.deep.equal([]);
      const balanceAfter = (await client1.getBalance({ kind: 'organisation', mspId: MSP_ID.hospital1 })).amount;
      expect(balanceAfter).to.equal(balanceBefore);
      // The genuine claim, by its own organisation, is accepted (pending until others attest): the test can fail.
      const { value } = await client1.claimEndorsements([genuine.claim]);
      expect(value.claims.map((c) => c.txId)).to.deep.equal([registered.txId]);
    } finally {
      closeAll(actors);
      admin1.close();
      adminR.close();
    }
  });
});

describe('incentive layer on the real network: the miner services `network up` starts', function () {
  this.timeout(300_000);

  it('runs one miner per organisation, whose rounds claim new endorsements until the others attest and pay them', async () => {
    const status = await consortium().status();
    const miners = status.nodes.filter((n) => n.kind === 'miner');
    expect(miners.map((n) => n.org).sort()).to.deep.equal([...ORGS].sort());
    expect(
      miners.every((n) => n.up && n.pid !== undefined),
      JSON.stringify(miners),
    ).to.equal(true);

    const admin = consortium().connectAdmin('hospital1');
    const actors: Actor[] = [];
    try {
      const client = createMedrecClient(admin.gateway);
      const before = BigInt((await client.getSchedule()).claims);
      // New business traffic: a registration is an audited MedRec transaction, so its endorsements are claimable.
      const actor = await enrol('hospital1', 'clinician');
      actors.push(actor);
      await submit(
        admin,
        'Registrar:RegisterParticipant',
        JSON.stringify({
          participantId: actor.participantId,
          role: 'clinician',
          enrollmentId: enrollmentIdOf(actor.connection.identity),
        }),
      );
      // Paid claims are what the schedule counts: a claim pays only once a majority of the others attest it, so a
      // rising count shows the services claiming and attesting. Rounds are 30 s apart by default; allow several.
      let now = before;
      for (let waited = 0; waited < 240_000 && now <= before; waited += 2000) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        now = BigInt((await client.getSchedule()).claims);
      }
      expect(now > before, `paid claims stayed at ${before.toString()}: are the miner services running?`).to.equal(
        true,
      );
    } finally {
      closeAll(actors);
      admin.close();
    }
  });
});
