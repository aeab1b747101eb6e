import { common } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import type { AttestResult, ClaimAttestation, PageQuery, PendingClaim } from '../../../sdk/src/chaincode-types';
import { ChaincodeError, type ChaincodeErrorCode } from '../../../sdk/src/errors';
import type { MedrecClient } from '../../../sdk/src/medrec-client';
import { transactionIds } from '../../../network/src/miner/endorsement-extractor';
import {
  Attester,
  judgeClaim,
  type AttestProgress,
  type BlockSource,
  type SweepSummary,
} from '../../../network/src/miner/attester';
import { issueLeaf, orgPki } from '../chaincode/support/certs';
import { claimFor, peerSign } from '../chaincode/support/endorsement';
import { block, claimIn, H1, H2, MVCC, pendingClaimFrom, peerOf, RESEARCH, VALID } from './support/blocks';

/** The attester's own peer: answers the block of a transaction it committed, nothing for others (yet). */
class FakePeerBlocks implements BlockSource {
  readonly asked: string[] = [];
  constructor(readonly blocks: common.Block[]) {}

  blockOfTransaction(txId: string): Promise<common.Block | undefined> {
    this.asked.push(txId);
    return Promise.resolve(this.blocks.find((b) => transactionIds(b).includes(txId)));
  }
}

/** The chaincode side: pages the pending claims, records each AttestClaims call, refuses on demand. */
class FakeLedger {
  readonly attested: ClaimAttestation[][] = [];
  readonly pageSizes: number[] = [];
  /** A refusal per claimed transaction id: any batch holding it is refused with that code. */
  readonly refuse = new Map<string, ChaincodeErrorCode>();

  constructor(readonly pending: PendingClaim[]) {}

  client(): MedrecClient {
    const client: Pick<MedrecClient, 'listPendingClaims' | 'attestClaims'> = {
      // Two items per page whatever the attester asks for, so that paging is exercised.
      listPendingClaims: (query: PageQuery = {}) => {
        this.pageSizes.push(query.pageSize ?? 0);
        const start = query.bookmark === undefined || query.bookmark === '' ? 0 : Number(query.bookmark);
        const items = this.pending.slice(start, start + 2);
        const bookmark = start + 2 < this.pending.length ? String(start + 2) : '';
        return Promise.resolve({ items, bookmark });
      },
      attestClaims: (attestations: readonly ClaimAttestation[]) => {
        const refused = attestations.find((a) => this.refuse.has(a.txId));
        if (refused !== undefined) {
          const code = this.refuse.get(refused.txId) ?? 'MEDREC_INTERNAL';
          return Promise.reject(new ChaincodeError({ code, message: `refused ${refused.txId}` }));
        }
        this.attested.push([...attestations]);
        // As the chaincode does: the attester joins each claim's attestedBy, which the next page shows.
        for (const a of attestations) {
          const claim = this.pending.find((c) => c.txId === a.txId && c.mspId === a.mspId);
          (claim?.attestedBy as string[] | undefined)?.push(H2);
        }
        const value: AttestResult = {
          mspId: H2,
          organisations: 3,
          required: 2,
          claims: [],
          paid: attestations.length,
          minted: String(50 * attestations.length),
        };
        return Promise.resolve({ value, transactionId: `attest-${this.attested.length}` });
      },
    };
    return client as MedrecClient;
  }
}

/** Blocks of the attester's (Hospital2's) peer: H1 endorsed a1, a2, a3 (valid) and bad (invalidated by MVCC). */
function world(): { blocks: common.Block[]; b1: common.Block } {
  const b1 = block(1, [
    { txId: 'a1', auditType: 'RecordRegistered', endorsers: [H1, H2] },
    { txId: 'a2', auditType: 'ConsentGranted', endorsers: [H1] },
    { txId: 'bad', auditType: 'RecordRegistered', endorsers: [H1, H2], code: MVCC },
    { txId: 'claim-tx', auditType: 'EndorsementsClaimed', endorsers: [H1] },
  ]);
  const b2 = block(2, [{ txId: 'a3', auditType: 'RecordRegistered', endorsers: [H1, RESEARCH] }]);
  return { blocks: [b1, b2], b1 };
}

/** The claim H1 would make for `txId` if the block marked it valid: the extractor skips invalid ones. */
function claimOfInvalidated(b: common.Block, txId: string): PendingClaim {
  const valid = common.Block.deserializeBinary(b.serializeBinary());
  const list = valid.getMetadata()?.getMetadataList_asU8() ?? [];
  const filterIndex = common.BlockMetadataIndex.TRANSACTIONS_FILTER;
  valid
    .getMetadata()
    ?.setMetadataList(list.map((entry, i) => (i === filterIndex ? new Uint8Array(entry.length).fill(VALID) : entry)));
  return pendingClaimFrom(claimIn(valid, txId, H1));
}

async function sweep(
  ledger: FakeLedger,
  peer: FakePeerBlocks,
  progress: AttestProgress[] = [],
  batchSize?: number,
): Promise<SweepSummary> {
  const attester = new Attester({
    client: ledger.client(),
    blocks: peer,
    mspId: H2,
    attempts: 2,
    ...(batchSize === undefined ? {} : { batchSize }),
    onProgress: (p) => progress.push(p),
  });
  return attester.sweep();
}

describe('miner: attester (its own peer judges other organisations’ claims)', () => {
  it('attests a real endorsement: the transaction is VALID and holds the claimed certificate and signature', async () => {
    const { blocks, b1 } = world();
    const claim = pendingClaimFrom(claimIn(b1, 'a1', H1));
    expect(judgeClaim(b1, claim)).to.equal('ok');
    const ledger = new FakeLedger([claim]);
    const peer = new FakePeerBlocks(blocks);
    const progress: AttestProgress[] = [];
    const summary = await sweep(ledger, peer, progress);
    expect(ledger.attested).to.deep.equal([
      [
        {
          txId: 'a1',
          mspId: H1,
          endorserCertSha256: claim.endorserCertSha256,
          signatureSha256: claim.signatureSha256,
        },
      ],
    ]);
    expect(summary).to.deep.equal({ attested: 1, paid: 1, refused: 0, unknown: 0, ownPending: 0 });
    expect(peer.asked, 'read from its own peer').to.deep.equal(['a1']);
    expect(progress).to.deep.equal([
      { kind: 'attest', attested: [{ txId: 'a1', mspId: H1 }], paid: 1, claims: [], refused: [] },
    ]);
  });

  it('refuses a claim of a transaction its peer marked INVALID', async () => {
    const { blocks, b1 } = world();
    const claim = claimOfInvalidated(b1, 'bad');
    expect(judgeClaim(b1, claim)).to.equal('invalid');
    const ledger = new FakeLedger([claim]);
    const progress: AttestProgress[] = [];
    const summary = await sweep(ledger, new FakePeerBlocks(blocks), progress);
    expect(ledger.attested).to.deep.equal([]);
    expect(summary).to.include({ attested: 0, refused: 1 });
    expect(progress).to.deep.equal([
      { kind: 'attest', attested: [], paid: 0, claims: [], refused: [{ txId: 'bad', mspId: H1, reason: 'invalid' }] },
    ]);
  });

  it('refuses a claim whose certificate or signature is not in the block: a forged claim is never attested', async () => {
    const { blocks, b1 } = world();
    const real = claimIn(b1, 'a2', H1);
    const payload = Buffer.from(real.proposalResponsePayload, 'base64');
    // A peer certificate H1's own CA issued, signing the public payload after the fact: every on-chain check of the
    // claim passes, but the block holds peer0's endorsement, not this one.
    const sidePeer = { mspId: H1, ...issueLeaf(orgPki(H1).ca, `/C=US/O=${H1}/OU=peer/CN=peer8.${H1}`) };
    const forged = pendingClaimFrom(claimFor('a2', sidePeer, payload));
    // peer0's own key, signing again: a valid signature, but not the one in the block (ECDSA is randomised).
    const resigned = pendingClaimFrom({
      ...real,
      signature: peerSign(peerOf(H1).privateKey, payload, Buffer.from(real.endorserIdentity, 'base64')).toString(
        'base64',
      ),
    });
    // The real endorsement's hashes, claimed for a transaction it did not endorse.
    const moved = { ...pendingClaimFrom(real), txId: 'a1' };
    // Someone else's endorsement of a3 claimed by H1 under the research peer's hashes.
    const foreign = { ...pendingClaimFrom(claimIn(blocks[1]!, 'a3', RESEARCH)), mspId: H1 };
    for (const claim of [forged, resigned, moved, foreign]) {
      const holding = blocks.find((candidate) => transactionIds(candidate).includes(claim.txId));
      expect(holding !== undefined && judgeClaim(holding, claim), claim.txId).to.equal('not-endorsed');
    }
    // One claim per (transaction, claimant) exists on the ledger: the two claims of a2 are two alternative worlds.
    for (const pending of [[forged, moved, foreign], [resigned]]) {
      const ledger = new FakeLedger(pending);
      const progress: AttestProgress[] = [];
      const summary = await sweep(ledger, new FakePeerBlocks(blocks), progress);
      expect(ledger.attested).to.deep.equal([]);
      expect(summary).to.include({ attested: 0, refused: pending.length });
      expect(progress.flatMap((p) => p.refused.map((r) => [r.txId, r.reason]))).to.deep.equal(
        pending.map((claim) => [claim.txId, 'not-endorsed']),
      );
    }
  });

  it('refuses claims of transactions that are not business transactions of MedRec, or not in the block', () => {
    const { blocks, b1 } = world();
    const claim = pendingClaimFrom(claimIn(b1, 'a1', H1));
    expect(judgeClaim(b1, { ...claim, txId: 'claim-tx' })).to.equal('incentive-transaction');
    expect(judgeClaim(blocks[1]!, claim)).to.equal('not-in-block');
  });

  it('skips its own organisation’s claims and those it attested, and waits for blocks its peer lacks', async () => {
    const { blocks, b1 } = world();
    const own = pendingClaimFrom(
      claimIn(block(7, [{ txId: 'h2tx', auditType: 'RecordRegistered', endorsers: [H2] }]), 'h2tx', H2),
    );
    const done = pendingClaimFrom(claimIn(b1, 'a1', H1), { attestedBy: [H2] });
    const later = pendingClaimFrom(
      claimIn(block(9, [{ txId: 'a9', auditType: 'RecordRegistered', endorsers: [H1] }]), 'a9', H1),
    );
    const ledger = new FakeLedger([own, done, later]);
    const peer = new FakePeerBlocks(blocks);
    const summary = await sweep(ledger, peer);
    expect(summary).to.deep.equal({ attested: 0, paid: 0, refused: 0, unknown: 1, ownPending: 1 });
    expect(peer.asked, 'only the claim it has not judged yet').to.deep.equal(['a9']);
    expect(ledger.pageSizes.every((size) => size === 200)).to.equal(true);
  });

  it('judges a refused claim once, reads each block once, and attests in batches across pages', async () => {
    const { blocks, b1 } = world();
    const claims = ['a1', 'a2'].map((txId) => pendingClaimFrom(claimIn(b1, txId, H1)));
    const third = pendingClaimFrom(claimIn(blocks[1]!, 'a3', H1));
    const bad = claimOfInvalidated(b1, 'bad');
    const ledger = new FakeLedger([...claims, bad, third]);
    const peer = new FakePeerBlocks(blocks);
    const attester = new Attester({ client: ledger.client(), blocks: peer, mspId: H2, batchSize: 1 });
    expect(await attester.sweep()).to.include({ attested: 3, refused: 1 });
    // Pages of two: [a1, a2] then [bad, a3]; batches of one attestation each.
    expect(ledger.attested.map((batch) => batch.map((a) => a.txId))).to.deep.equal([['a1'], ['a2'], ['a3']]);
    expect(peer.asked, 'a1 brought block 1 for a2 and bad too').to.deep.equal(['a1', 'a3']);
    // The next sweep sees the attested claims with H2 in attestedBy, and the refused one is not judged again.
    expect(await attester.sweep()).to.deep.equal({ attested: 0, paid: 0, refused: 0, unknown: 0, ownPending: 0 });
    expect(ledger.attested).to.have.length(3);
    expect(() => new Attester({ client: ledger.client(), blocks: peer, mspId: H2, batchSize: 51 })).to.throw(
      RangeError,
    );
  });

  it('attests the rest of a batch one by one when the chaincode refuses one attestation for good', async () => {
    const { blocks, b1 } = world();
    const claims = (): PendingClaim[] => ['a1', 'a2'].map((txId) => pendingClaimFrom(claimIn(b1, txId, H1)));
    // Already attested (a commit whose status was lost) is done, not a refusal; a2 still lands.
    const already = new FakeLedger(claims());
    already.refuse.set('a1', 'MEDREC_ALREADY_ATTESTED');
    expect(await sweep(already, new FakePeerBlocks(blocks))).to.include({ attested: 1, refused: 0 });
    expect(already.attested.map((batch) => batch.map((a) => a.txId))).to.deep.equal([['a2']]);
    // A refusal for good is reported with the chaincode's code, and the rest of the batch still lands.
    const mismatch = new FakeLedger(claims());
    mismatch.refuse.set('a1', 'MEDREC_PAYLOAD_MISMATCH');
    const progress: AttestProgress[] = [];
    expect(await sweep(mismatch, new FakePeerBlocks(blocks), progress)).to.include({ attested: 1, refused: 1 });
    expect(progress.flatMap((p) => p.refused)).to.deep.equal([
      { txId: 'a1', mspId: H1, reason: 'MEDREC_PAYLOAD_MISMATCH' },
    ]);
    // A refusal of the attester itself (its organisation is not registered) stops the sweep.
    const forbidden = new FakeLedger(claims());
    forbidden.refuse.set('a2', 'MEDREC_FORBIDDEN');
    let error: unknown;
    await sweep(forbidden, new FakePeerBlocks(blocks)).catch((err: unknown) => {
      error = err;
    });
    expect((error as ChaincodeError).code).to.equal('MEDREC_FORBIDDEN');
  });
});
