import { EndorseError } from '@hyperledger/fabric-gateway';
import type { ServiceError } from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { ChaincodeError, toMedRecError } from '../../../sdk/src/errors';
import { extractEndorsements } from '../../../network/src/miner/endorsement-extractor';
import { createMiner, medrecCodeOf } from '../../../network/src/miner/miner';
import { serializedIdentity } from '../chaincode/support/endorsement';
import { block, certOf, H1, H2, MVCC, RESEARCH, type TxSpec } from './support/blocks';

describe('miner: endorsement extractor (synthetic blocks)', () => {
  const txs: TxSpec[] = [
    { txId: 'tx-record', auditType: 'RecordRegistered', endorsers: [H1, H2] },
    { txId: 'tx-consent', auditType: 'ConsentGranted', endorsers: [H2, RESEARCH] },
    { txId: 'tx-mvcc', auditType: 'RecordRegistered', endorsers: [H1, H2], code: MVCC },
    { txId: 'tx-claim', auditType: 'EndorsementsClaimed', endorsers: [H1, RESEARCH] },
    { txId: 'tx-transfer', auditType: 'CreditsTransferred', endorsers: [H1, H2] },
    { txId: 'tx-init', auditType: 'IncentiveInitialized', endorsers: [H1, H2] },
    { txId: 'tx-heartbeat', endorsers: [H1, H2] },
    { txId: 'tx-other-audit', auditType: 'RecordRegistered', auditOf: 'tx-record', endorsers: [H1, H2] },
    { txId: 'tx-lifecycle', auditType: 'RecordRegistered', chaincode: '_lifecycle', endorsers: [H1, H2] },
    { txId: 'tx-config', type: common.HeaderType.CONFIG, endorsers: [] },
    { txId: 'tx-participant', auditType: 'ParticipantRegistered', endorsers: [RESEARCH, H1, H2] },
  ];
  const b = block(42, txs);

  it("returns, per valid business transaction of medrec, the organisation's endorsement in the claim format", () => {
    const extracted = extractEndorsements(b, H1);
    expect(extracted.blockNumber).to.equal(42n);
    expect(extracted.transactions).to.equal(txs.length);
    expect(extracted.claims.map((c) => [c.claim.txId, c.txIndex, c.auditType])).to.deep.equal([
      ['tx-record', 0, 'RecordRegistered'],
      ['tx-participant', 10, 'ParticipantRegistered'],
    ]);
    const claim = extracted.claims[0]?.claim;
    if (claim === undefined) throw new Error('no claim');
    expect(Buffer.from(claim.endorserIdentity, 'base64')).to.deep.equal(serializedIdentity(H1, certOf(H1)));
    const payload = Buffer.from(claim.proposalResponsePayload, 'base64');
    expect(peer.ProposalResponsePayload.deserializeBinary(payload).getExtension_asU8().length).to.be.greaterThan(0);
    expect(Buffer.from(claim.signature, 'base64')[0]).to.equal(0x30); // DER SEQUENCE
  });

  it('skips config, invalidated, incentive, audit-less and other-chaincode transactions, and others endorsements', () => {
    expect(extractEndorsements(b, H1).skipped).to.deep.equal({
      'not-endorsed-by-org': 1,
      invalid: 1,
      'incentive-transaction': 3,
      'no-audit-event': 2,
      'other-chaincode': 1,
      'not-endorser-transaction': 1,
    });
    expect(extractEndorsements(b, H2).claims.map((c) => c.claim.txId)).to.deep.equal([
      'tx-record',
      'tx-consent',
      'tx-participant',
    ]);
    expect(extractEndorsements(b, RESEARCH).claims.map((c) => c.claim.txId)).to.deep.equal([
      'tx-consent',
      'tx-participant',
    ]);
    expect(extractEndorsements(b, 'NobodyMSP').claims).to.deep.equal([]);
  });

  it('treats a block without a transactions filter as having no valid transaction', () => {
    const bare = block(1, [txs[0]!]);
    bare.getMetadata()?.setMetadataList([]);
    expect(extractEndorsements(bare, H1).claims).to.deep.equal([]);
  });
});

describe('miner: options and error codes', () => {
  it('reads incentive codes from chaincode refusals (typed ChaincodeError codes)', () => {
    const message = 'chaincode response 500, {"code":"MEDREC_ALREADY_CLAIMED","message":"already"}';
    const err = toMedRecError(
      new EndorseError({
        message: '10 ABORTED: failed to endorse transaction',
        code: 10,
        details: [{ address: 'peer0:7051', mspId: H1, message }],
        cause: { code: 10, details: 'x', metadata: undefined } as unknown as ServiceError,
        transactionId: 'tx1',
      }),
    );
    expect(err).to.be.instanceOf(ChaincodeError);
    expect(medrecCodeOf(err)).to.equal('MEDREC_ALREADY_CLAIMED');
    expect(medrecCodeOf(new Error('no payload'))).to.equal(undefined);
  });

  it('refuses batch sizes outside 1-20', () => {
    const base = { gateway: {} as never, mspId: H1, checkpointFile: '/tmp/unused' };
    expect(() => createMiner({ ...base, batchSize: 21 })).to.throw(RangeError, /1 to 20/);
    expect(() => createMiner({ ...base, batchSize: 0 })).to.throw(RangeError);
  });
});
