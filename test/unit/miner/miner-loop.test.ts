import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Checkpoint, Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import type { ClaimAttestation, ClaimResult, EndorsementClaim, PendingClaim } from '../../../sdk/src/chaincode-types';
import { ChaincodeError, type ChaincodeErrorCode } from '../../../sdk/src/errors';
import { transactionIds } from '../../../network/src/miner/endorsement-extractor';
import { orgPki, issueLeaf } from '../chaincode/support/certs';
import { claimFor } from '../chaincode/support/endorsement';
import { createMiner, type MinerOptions, type MinerProgress } from '../../../network/src/miner/miner';
import { block, claimIn, H1, H2, MVCC, pendingClaimFrom, RESEARCH, type TxSpec } from './support/blocks';

const utf8 = new TextEncoder();

/**
 * The ledger side of the miner, as the chaincode behaves: a claim batch is all or nothing and records pending claims,
 * a transaction is claimed by an organisation once (MEDREC_ALREADY_CLAIMED otherwise), `refuse` makes chosen claims
 * fail for good; other organisations' claims in `pending` are listed and attested (each organisation once). qscc
 * answers the chain height and the block of a transaction, as the miner's own peer would.
 */
class FakeChain {
  readonly credited = new Map<string, number>();
  readonly submissions: string[][] = [];
  readonly attestations: ClaimAttestation[][] = [];
  readonly refuse = new Map<string, ChaincodeErrorCode>();
  /** Pending claims of every organisation, as Incentive:ListPendingClaims pages them. */
  readonly pending: PendingClaim[] = [];
  /** Errors the next endorsements throw, one each, before the chain answers normally again. */
  readonly failNext: Error[] = [];
  #balance = 0n;

  constructor(readonly blocks: readonly common.Block[]) {}

  set balance(amount: bigint) {
    this.#balance = amount;
  }

  gateway(): Gateway {
    const medrec = {
      evaluate: (name: string): Promise<Uint8Array> => {
        if (name === 'Incentive:GetBalance') return json({ amount: this.#balance.toString() });
        if (name === 'Incentive:ListPendingClaims') return json({ items: this.pending, bookmark: '' });
        return Promise.reject(new Error(`unexpected query ${name}`));
      },
      newProposal: (name: string, options: { arguments: string[] }) => ({
        endorse: () => this.#endorse(name, options.arguments[0] ?? '{}'),
      }),
    };
    const qscc = {
      evaluateTransaction: (name: string, _channel: string, txId?: string): Promise<Uint8Array> => {
        if (name === 'GetBlockByTxID') {
          const found = this.blocks.find((b) => transactionIds(b).includes(txId ?? ''));
          return found === undefined
            ? Promise.reject(new Error('no such txid'))
            : Promise.resolve(found.serializeBinary());
        }
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
    const failure = this.failNext.shift();
    if (failure !== undefined) return Promise.reject(failure);
    if (name === 'Incentive:AttestClaims') return this.#attest(argument);
    if (name !== 'Incentive:ClaimEndorsements') return Promise.reject(new Error(`unexpected transaction ${name}`));
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
    const claims = txIds.map((txId) => pendingClaim({ txId, mspId: H1 }));
    this.pending.push(...claims);
    const result: ClaimResult = { mspId: H1, claims, organisations: 3, required: 2 };
    return submitted(`claim-${this.submissions.length}`, result);
  }

  /** H1 attests: each claim once; the second attestation of a claim (of the two others) pays it 50. */
  #attest(argument: string): Promise<unknown> {
    const attestations = (JSON.parse(argument) as { attestations: ClaimAttestation[] }).attestations;
    this.attestations.push(attestations);
    const claims = attestations.map((a) => this.pending.find((c) => c.txId === a.txId && c.mspId === a.mspId));
    if (claims.some((c) => c?.attestedBy.includes(H1) === true)) {
      return Promise.reject(new ChaincodeError({ code: 'MEDREC_ALREADY_ATTESTED', message: 'again' }));
    }
    let paid = 0;
    for (const claim of claims) {
      if (claim === undefined) return Promise.reject(new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: '?' }));
      (claim.attestedBy as string[]).push(H1);
      if (claim.attestedBy.length >= 2) paid += 1;
    }
    const result = { mspId: H1, organisations: 3, required: 2, claims, paid, minted: String(50 * paid) };
    return submitted(`attest-${this.attestations.length}`, result);
  }
}

function json(value: unknown): Promise<Uint8Array> {
  return Promise.resolve(utf8.encode(JSON.stringify(value)));
}

function submitted(transactionId: string, result: unknown): Promise<unknown> {
  return Promise.resolve({
    getTransactionId: () => transactionId,
    submit: () => Promise.resolve({ getStatus: () => Promise.resolve({ successful: true, code: 0 }) }),
    getResult: () => utf8.encode(JSON.stringify(result)),
  });
}

/** A pending claim record; the hashes are the real ones when a block's endorsement is given. */
function pendingClaim(ref: { txId: string; mspId: string }, hashes?: Partial<PendingClaim>): PendingClaim {
  return {
    ...ref,
    endorserCertSha256: 'c'.repeat(64),
    signatureSha256: 'd'.repeat(64),
    claimedBy: 'adm',
    claimedAt: '2030-01-01T00:00:00.000Z',
    claimTxId: 'e'.repeat(64),
    attestedBy: [],
    status: 'pending',
    ...hashes,
  };
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
    // Recorded as pending: other organisations' attestations pay them, not this run.
    expect(summary).to.deep.include({ fromBlock: 0n, nextBlock: 4n, blocks: 4, claimed: 6, ownPending: 6 });
    expect(summary).to.deep.include({ attested: 0, paid: 0, balance: '0' });
    expect(fake.attestations, 'its own claims are never attested by itself').to.deep.equal([]);
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

  it("ends a bounded run by attesting other organisations' claims its peer's blocks show, refusing the rest", async () => {
    const fake = chain();
    const b1 = fake.blocks[1]!;
    const real = pendingClaimFrom(claimIn(b1, 'a1', H2));
    // The research organisation signs a2's public payload with a peer certificate its CA issued after the fact.
    const payload = Buffer.from(claimIn(b1, 'a2', H1).proposalResponsePayload, 'base64');
    const sidePeer = { mspId: RESEARCH, ...issueLeaf(orgPki(RESEARCH).ca, `/C=US/O=${RESEARCH}/OU=peer/CN=peer9`) };
    const forged = pendingClaimFrom(claimFor('a2', sidePeer, payload));
    const done = pendingClaimFrom(claimIn(b1, 'a3', H2), { attestedBy: [H1] });
    fake.pending.push(forged, real, done);
    fake.balance = 50n;
    const progress: MinerProgress[] = [];
    const summary = await createMiner(options(fake, { onProgress: (p) => progress.push(p) })).run();
    expect(fake.attestations).to.deep.equal([
      [{ txId: 'a1', mspId: H2, endorserCertSha256: real.endorserCertSha256, signatureSha256: real.signatureSha256 }],
    ]);
    expect(summary).to.deep.include({ claimed: 6, attested: 1, attestRefused: 1, unknown: 0, balance: '50' });
    const refused = progress.flatMap((p) => (p.kind === 'attest' ? p.refused : []));
    expect(refused).to.deep.equal([{ txId: 'a2', mspId: RESEARCH, reason: 'not-endorsed' }]);
    expect(progress.at(-1)).to.deep.include({ kind: 'sweep', balance: '50' });

    // A later bounded run with no block to process still attests what was claimed meanwhile, and terminates.
    const later = pendingClaimFrom(claimIn(fake.blocks[3]!, 'a5', H2));
    fake.pending.push(later);
    const again = await createMiner(options(fake)).run();
    expect(again).to.deep.include({ fromBlock: 4n, blocks: 0, claimed: 0, attested: 1 });
    expect(fake.attestations.map((batch) => batch.map((a) => a.txId))).to.deep.equal([['a1'], ['a5']]);
  });

  it('following the chain, attests at the start and at the tip, in batches of its attestation batch size', async () => {
    const fake = chain();
    fake.pending.push(...['a1', 'a2', 'a3'].map((txId) => pendingClaimFrom(claimIn(fake.blocks[1]!, txId, H2))));
    const { gateway, checkpointFile } = options(fake);
    const sweeps: number[] = [];
    const miner = createMiner({
      gateway,
      mspId: H1,
      checkpointFile,
      attestBatchSize: 2,
      onProgress: (p) => {
        if (p.kind === 'sweep') sweeps.push(p.sweep.attested);
        // Another organisation claims while this miner catches up: the pass at the tip attests it.
        if (p.kind === 'block' && p.blockNumber === 2n) {
          fake.pending.push(pendingClaimFrom(claimIn(fake.blocks[3]!, 'a5', H2)));
        }
      },
    });
    const summary = await miner.run();
    // The stream of the fake ends after the last block: the run returns instead of waiting for more.
    expect(summary).to.deep.include({ nextBlock: 4n, claimed: 6, attested: 4 });
    expect(sweeps, 'one pass at the start, one at the tip (block 3), none while catching up').to.deep.equal([3, 1]);
    expect(fake.attestations.map((batch) => batch.map((a) => a.txId))).to.deep.equal([['a1', 'a2'], ['a3'], ['a5']]);
  });
});
