import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Checkpoint, Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import type { ClaimRecord, ClaimResult, EndorsementClaim } from '../../../sdk/src/chaincode-types';
import { ChaincodeError, type ChaincodeErrorCode } from '../../../sdk/src/errors';
import { createMiner, type MinerOptions, type MinerProgress } from '../../../network/src/miner/miner';
import { block, H1, H2, MVCC, type TxSpec } from './support/blocks';

const utf8 = new TextEncoder();
const REWARD = 50n;

/**
 * The ledger side of the miner, as the chaincode behaves: a claim batch is all or nothing, a transaction is credited
 * to an organisation once (MEDREC_ALREADY_CLAIMED otherwise), and `refuse` makes chosen claims fail for good.
 */
class FakeChain {
  readonly credited = new Map<string, number>();
  readonly submissions: string[][] = [];
  readonly refuse = new Map<string, ChaincodeErrorCode>();
  /** Errors the next endorsements throw, one each, before the chain answers normally again. */
  readonly failNext: Error[] = [];
  #balance = 0n;

  constructor(readonly blocks: readonly common.Block[]) {}

  gateway(): Gateway {
    const medrec = {
      evaluate: (name: string): Promise<Uint8Array> => {
        if (name !== 'Incentive:GetBalance') return Promise.reject(new Error(`unexpected query ${name}`));
        return Promise.resolve(utf8.encode(JSON.stringify({ amount: this.#balance.toString() })));
      },
      newProposal: (name: string, options: { arguments: string[] }) => ({
        endorse: () => this.#endorse(name, options.arguments[0] ?? '{}'),
      }),
    };
    const qscc = {
      evaluateTransaction: (): Promise<Uint8Array> => {
        const info = new common.BlockchainInfo();
        info.setHeight(this.blocks.length);
        return Promise.resolve(info.serializeBinary());
      },
    };
    const network = {
      getContract: (name: string) => (name === 'qscc' ? qscc : medrec),
      getBlockEvents: (options: { checkpoint?: Checkpoint; startBlock?: bigint }) => {
        const start = Number(options.checkpoint?.getBlockNumber() ?? options.startBlock ?? 0n);
        const blocks = this.blocks.slice(start);
        return Promise.resolve({
          close: (): void => undefined,
          *[Symbol.asyncIterator](): Generator<common.Block> {
            yield* blocks;
          },
        });
      },
    };
    return { getNetwork: () => network } as unknown as Gateway;
  }

  #endorse(name: string, argument: string): Promise<unknown> {
    if (name !== 'Incentive:ClaimEndorsements') return Promise.reject(new Error(`unexpected transaction ${name}`));
    const failure = this.failNext.shift();
    if (failure !== undefined) return Promise.reject(failure);
    const txIds = (JSON.parse(argument) as { claims: EndorsementClaim[] }).claims.map((c) => c.txId);
    this.submissions.push(txIds);
    const refused = txIds.find((txId) => this.refuse.has(txId));
    if (refused !== undefined) {
      const code = this.refuse.get(refused) ?? 'MEDREC_INTERNAL';
      return Promise.reject(new ChaincodeError({ code, message: `no: ${refused}` }));
    }
    const again = txIds.find((txId, i) => this.credited.has(txId) || txIds.indexOf(txId) !== i);
    if (again !== undefined) {
      return Promise.reject(new ChaincodeError({ code: 'MEDREC_ALREADY_CLAIMED', message: `${again} claimed` }));
    }
    for (const txId of txIds) this.credited.set(txId, (this.credited.get(txId) ?? 0) + 1);
    const earned = REWARD * BigInt(txIds.length);
    this.#balance += earned;
    const claims = txIds.map((txId) => ({ txId, mspId: H1, reward: REWARD.toString() }) as ClaimRecord);
    const result: ClaimResult = { mspId: H1, claims, earned: earned.toString(), balance: this.#balance.toString() };
    const claimTx = `claim-${this.submissions.length}`;
    return Promise.resolve({
      getTransactionId: () => claimTx,
      submit: () => Promise.resolve({ getStatus: () => Promise.resolve({ successful: true, code: 0 }) }),
      getResult: () => utf8.encode(JSON.stringify(result)),
    });
  }
}

function business(txId: string, endorsers: readonly string[] = [H1, H2]): TxSpec {
  return { txId, auditType: 'RecordRegistered', endorsers };
}

/** Blocks 0-3: H1 endorsed a1..a6 (valid, business); the rest must never be claimed by H1. */
function chain(): FakeChain {
  return new FakeChain([
    block(0, [{ txId: 'config', type: common.HeaderType.CONFIG, endorsers: [] }]),
    block(1, [business('a1'), business('a2'), business('h2-only', [H2]), business('a3')]),
    block(2, [{ ...business('mvcc'), code: MVCC }, business('a4')]),
    block(3, [business('a5'), { txId: 'claim-tx', auditType: 'EndorsementsClaimed', endorsers: [H1] }, business('a6')]),
  ]);
}

const ALL = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];

describe('miner: claim loop (fake chain)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-miner-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function options(fake: FakeChain, extra: Partial<MinerOptions> = {}): MinerOptions {
    return {
      gateway: fake.gateway(),
      mspId: H1,
      checkpointFile: path.join(dir, 'checkpoint.json'),
      untilHeight: BigInt(fake.blocks.length),
      attempts: 3,
      ...extra,
    };
  }

  it('claims each own endorsement of a valid business transaction once, in batches, and checkpoints the end', async () => {
    const fake = chain();
    const progress: MinerProgress[] = [];
    const summary = await createMiner(options(fake, { batchSize: 4, onProgress: (p) => progress.push(p) })).run();
    expect([...fake.credited.keys()].sort()).to.deep.equal(ALL);
    expect([...fake.credited.values()].every((n) => n === 1)).to.equal(true);
    // Catching up, a batch waits until it is full; the last block wanted sends the rest.
    expect(fake.submissions).to.deep.equal([
      ['a1', 'a2', 'a3', 'a4'],
      ['a5', 'a6'],
    ]);
    expect(summary).to.deep.include({ fromBlock: 0n, nextBlock: 4n, blocks: 4, claimed: 6, earned: '300' });
    expect(summary.balance).to.equal('300');
    const blocks = progress.filter((p) => p.kind === 'block');
    expect(blocks.map((p) => [p.blockNumber, p.found, p.pending, p.checkpointed])).to.deep.equal([
      [0n, 0, 0, true],
      [1n, 3, 3, false],
      [2n, 1, 0, true],
      [3n, 2, 0, true],
    ]);
    // A second run starts from the checkpoint: nothing is claimed twice.
    const again = await createMiner(options(fake)).run();
    expect(again).to.deep.include({ fromBlock: 4n, nextBlock: 4n, blocks: 0, claimed: 0 });
    expect(fake.submissions).to.have.length(2);
  });

  it('after a crash between a commit and the checkpoint, a restart leaves no gap and claims nothing twice', async () => {
    const fake = chain();
    // After the first batch commits, the next claim transaction fails in a way the miner does not retry.
    let submissions = 0;
    const crashing = createMiner(
      options(fake, {
        batchSize: 2,
        onProgress: (p) => {
          if (p.kind === 'batch' && ++submissions === 1) {
            fake.failNext.push(new ChaincodeError({ code: 'MEDREC_INTERNAL', message: 'peer crashed' }));
          }
        },
      }),
    );
    let crash: unknown;
    await crashing.run().catch((err: unknown) => {
      crash = err;
    });
    expect(crash).to.be.instanceOf(ChaincodeError);
    expect([...fake.credited.keys()]).to.deep.equal(['a1', 'a2']);
    // Block 1 was not checkpointed (a3 was pending), so the restart re-reads it and meets a1, a2 already claimed.
    const progress: MinerProgress[] = [];
    const summary = await createMiner(options(fake, { batchSize: 2, onProgress: (p) => progress.push(p) })).run();
    expect([...fake.credited.keys()].sort()).to.deep.equal(ALL);
    expect([...fake.credited.values()].every((n) => n === 1)).to.equal(true);
    expect(summary).to.deep.include({ fromBlock: 1n, nextBlock: 4n, alreadyClaimed: 2, claimed: 4, refused: 0 });
    const reported = progress.flatMap((p) => (p.kind === 'batch' ? p.alreadyClaimed : []));
    expect(reported).to.deep.equal(['a1', 'a2']);
  });

  it('moves past a claim refused for good, claiming the rest of its batch one by one', async () => {
    const fake = chain();
    fake.refuse.set('a2', 'MEDREC_CERTIFICATE_NOT_VALID');
    const progress: MinerProgress[] = [];
    const summary = await createMiner(options(fake, { batchSize: 4, onProgress: (p) => progress.push(p) })).run();
    expect([...fake.credited.keys()].sort()).to.deep.equal(['a1', 'a3', 'a4', 'a5', 'a6']);
    expect(summary).to.deep.include({ claimed: 5, refused: 1, nextBlock: 4n });
    const refused = progress.flatMap((p) => (p.kind === 'batch' ? p.refused : []));
    expect(refused).to.deep.equal([{ txId: 'a2', code: 'MEDREC_CERTIFICATE_NOT_VALID' }]);
  });

  it('retries a claim the endorsing peer cannot judge yet (MEDREC_NOT_COMMITTED), and gives up after its attempts', async () => {
    const notYet = (): ChaincodeError => new ChaincodeError({ code: 'MEDREC_NOT_COMMITTED', message: 'lagging' });
    const fake = chain();
    fake.failNext.push(notYet());
    const summary = await createMiner(options(fake, { batchSize: 20 })).run();
    expect(summary.claimed).to.equal(6);
    const stuck = chain();
    stuck.failNext.push(notYet(), notYet());
    const checkpointFile = path.join(dir, 'stuck.json');
    let failure: unknown;
    await createMiner(options(stuck, { batchSize: 20, attempts: 2, checkpointFile }))
      .run()
      .catch((err: unknown) => {
        failure = err;
      });
    expect((failure as ChaincodeError).code).to.equal('MEDREC_NOT_COMMITTED');
    expect(stuck.credited.size).to.equal(0);
    // Only block 0, which holds no claim, was checkpointed: the next run starts over at block 1.
    const resumed = await createMiner(options(stuck, { batchSize: 20, checkpointFile })).run();
    expect(resumed).to.deep.include({ fromBlock: 1n, claimed: 6 });
  });
});
