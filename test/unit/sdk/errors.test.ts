import { CommitError, EndorseError, GatewayError, StatusCode, type Gateway } from '@hyperledger/fabric-gateway';
import type { ServiceError } from '@grpc/grpc-js';
import { expect } from 'chai';
import {
  ChaincodeError,
  EndorsementMismatchError,
  LedgerFailureError,
  MedRecError,
  NetworkUnavailableError,
  TransactionInvalidError,
  parseChaincodePayload,
  toMedRecError,
  validationCodeName,
} from '../../../sdk/src/errors';
import { createMedrecClient } from '../../../sdk/src/medrec-client';

const cause = { code: 10, details: 'x', metadata: undefined } as unknown as ServiceError;

describe('SDK error mapping', function () {
  it('extracts the chaincode JSON payload that a peer embeds in its message', function () {
    const text =
      'chaincode response 500, {"code":"MEDREC_FORBIDDEN","message":"role patient may not register participants"}';
    expect(parseChaincodePayload(text)).to.deep.equal({
      code: 'MEDREC_FORBIDDEN',
      message: 'role patient may not register participants',
    });
  });

  it('ignores messages without a MedRec payload, or with an unknown code', function () {
    expect(parseChaincodePayload('chaincode response 500, Expected 1 parameters, but 2 have been supplied')).to.equal(
      undefined,
    );
    expect(parseChaincodePayload('{"code":"SOMETHING_ELSE","message":"x"}')).to.equal(undefined);
    expect(parseChaincodePayload('{not json}')).to.equal(undefined);
  });

  it('maps an endorsement failure to a ChaincodeError with code, transaction id and per-peer details', function () {
    const details = [
      {
        address: 'peer1:7051',
        mspId: 'Hospital1MSP',
        message: 'chaincode response 500, {"code":"MEDREC_CONFLICT","message":"consent c1 exists with another body"}',
      },
    ];
    const err = toMedRecError(
      new EndorseError({ code: 10, details, cause, transactionId: 'tx-1', message: 'failed to endorse' }),
    );
    expect(err).to.be.instanceOf(ChaincodeError);
    expect(err).to.include({
      code: 'MEDREC_CONFLICT',
      transactionId: 'tx-1',
      message: 'consent c1 exists with another body',
    });
    expect(err.details).to.deep.equal(details);
  });

  it('maps UNAVAILABLE and DEADLINE_EXCEEDED to NetworkUnavailableError with a hint', function () {
    for (const code of [14, 4]) {
      const err = toMedRecError(new GatewayError({ code, details: [], cause, message: 'no peers' }), 'tx-2');
      expect(err).to.be.instanceOf(NetworkUnavailableError);
      expect(err.transactionId).to.equal('tx-2');
      expect(err.message).to.contain('retry');
    }
  });

  it('maps a commit failure to TransactionInvalidError naming the validation code', function () {
    const err = toMedRecError(
      new CommitError({ message: 'invalid', code: StatusCode.MVCC_READ_CONFLICT, transactionId: 'tx-3' }),
    );
    expect(err).to.be.instanceOf(TransactionInvalidError);
    expect(err).to.include({ validationCode: 'MVCC_READ_CONFLICT', transactionId: 'tx-3' });
    expect(validationCodeName(StatusCode.ENDORSEMENT_POLICY_FAILURE)).to.equal('ENDORSEMENT_POLICY_FAILURE');
  });

  it('wraps anything else without losing the message', function () {
    const err = toMedRecError(new Error('boom'), 'tx-4');
    expect(err).to.be.instanceOf(LedgerFailureError);
    expect(err).to.include({ code: 'LEDGER_FAILED', message: 'boom', transactionId: 'tx-4' });
  });

  it('maps endorsers that disagreed (a lagging peer) to EndorsementMismatchError, nothing else', function () {
    const mismatch = (address: string): { address: string; mspId: string; message: string } => ({
      address,
      mspId: 'Hospital1MSP',
      message: 'ProposalResponsePayloads do not match',
    });
    const aborted = (details: { address: string; mspId: string; message: string }[]): MedRecError =>
      toMedRecError(
        new EndorseError({ code: 10, details, cause, transactionId: 'tx-5', message: 'failed to collect' }),
      );
    const err = aborted([mismatch('peer1:7051'), mismatch('peer2:7051')]);
    expect(err).to.be.instanceOf(EndorsementMismatchError);
    expect(err.transactionId).to.equal('tx-5');
    expect(err.message).to.contain('retry');
    // A chaincode refusal among the details is the refusal, not a lag.
    const refusal = {
      address: 'peer3:7051',
      mspId: 'ResearchMSP',
      message: 'chaincode response 500, {"code":"MEDREC_FORBIDDEN","message":"no"}',
    };
    expect(aborted([mismatch('peer1:7051'), refusal])).to.be.instanceOf(ChaincodeError);
    // ABORTED with details but no MedRec payload: the chaincode never ran (its server down or restarting, seen in the
    // fault drill), so "retry later", not a 500. With no detail at all it stays an unclassified LedgerFailureError.
    const chaincodeDown = aborted([{ ...mismatch('peer1:7051'), message: 'connection refused' }]);
    expect(chaincodeDown).to.be.instanceOf(NetworkUnavailableError);
    expect(chaincodeDown.transactionId).to.equal('tx-5');
    expect(aborted([])).to.be.instanceOf(LedgerFailureError);
  });

  it('maps an endorsement policy no reachable peers can satisfy (FAILED_PRECONDITION) to NetworkUnavailableError', function () {
    const details = [{ address: 'peer0:7051', mspId: 'Hospital1MSP', message: 'no peer combination' }];
    const err = toMedRecError(
      new EndorseError({ code: 9, details, cause, transactionId: 'tx-6', message: 'no combination of peers' }),
    );
    expect(err).to.be.instanceOf(NetworkUnavailableError);
    // Another status with the same shape is not: a permission error of the gateway stays unclassified.
    const denied = toMedRecError(
      new EndorseError({ code: 7, details, cause, transactionId: 'tx-7', message: 'permission denied' }),
    );
    expect(denied).to.be.instanceOf(LedgerFailureError);
  });

  it('retries a submit whose endorsers disagreed, then gives up after its attempts', async function () {
    const mismatch = (): EndorseError =>
      new EndorseError({
        code: 10,
        details: [{ address: 'peer1:7051', mspId: 'Hospital1MSP', message: 'ProposalResponsePayloads do not match' }],
        cause,
        transactionId: 'tx-lag',
        message: 'failed to collect enough transaction endorsements',
      });
    let failuresLeft = 1;
    let endorsements = 0;
    const contract = {
      newProposal: () => ({
        endorse: () => {
          endorsements += 1;
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            return Promise.reject(mismatch());
          }
          return Promise.resolve({
            getTransactionId: () => 'tx-ok',
            submit: () => Promise.resolve({ getStatus: () => Promise.resolve({ successful: true, code: 0 }) }),
            getResult: () => new TextEncoder().encode('{"ok":true}'),
          });
        },
      }),
    };
    const gateway = { getNetwork: () => ({ getContract: () => contract }) } as unknown as Gateway;
    const client = createMedrecClient(gateway, { mvccAttempts: 2 });
    const done = await client.acknowledgeNotifications('p1', ['n1']);
    expect(done.transactionId).to.equal('tx-ok');
    expect(endorsements).to.equal(2);
    failuresLeft = 5;
    endorsements = 0;
    const err = await client.acknowledgeNotifications('p1', ['n1']).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EndorsementMismatchError);
    expect(endorsements).to.equal(2);
  });

  it('endorses without ordering, orders on submit(), and re-runs an MVCC conflict from a new endorsement', async function () {
    const log: string[] = [];
    let conflictsLeft = 1;
    let endorsements = 0;
    const contract = {
      newProposal: (name: string) => ({
        endorse: () => {
          endorsements += 1;
          const id = `tx-${String(endorsements)}`;
          log.push(`endorse ${name} ${id}`);
          return Promise.resolve({
            getTransactionId: () => id,
            getResult: () => new TextEncoder().encode(JSON.stringify({ recordId: 'rec-1', attempt: endorsements })),
            submit: () => {
              log.push(`order ${id}`);
              const conflict = conflictsLeft > 0;
              if (conflict) conflictsLeft -= 1;
              const code = conflict ? StatusCode.MVCC_READ_CONFLICT : StatusCode.VALID;
              return Promise.resolve({ getStatus: () => Promise.resolve({ successful: !conflict, code }) });
            },
          });
        },
      }),
    };
    const gateway = { getNetwork: () => ({ getContract: () => contract }) } as unknown as Gateway;
    const client = createMedrecClient(gateway, { mvccAttempts: 2 });
    const record = { recordId: 'rec-1', patientId: 'p1', category: 'note', contentHash: 'a'.repeat(64), locator: 'l' };
    const endorsed = await client.endorseRegisterRecord(record as never);
    expect(endorsed.result).to.deep.equal({ recordId: 'rec-1', attempt: 1 });
    expect(endorsed.transactionId).to.equal('tx-1');
    expect(log).to.deep.equal(['endorse Records:RegisterRecord tx-1']);
    // The first order conflicts: nothing was written, so it is endorsed again and the new transaction commits.
    const committed = await endorsed.submit();
    expect(committed).to.deep.equal({ value: { recordId: 'rec-1', attempt: 2 }, transactionId: 'tx-2' });
    expect(log).to.deep.equal([
      'endorse Records:RegisterRecord tx-1',
      'order tx-1',
      'endorse Records:RegisterRecord tx-2',
      'order tx-2',
    ]);
    // Out of attempts: the conflict is the caller's to see.
    conflictsLeft = 5;
    const again = await client.endorseAmendRecord({ recordId: 'rec-1' } as never);
    const err = await again.submit().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(TransactionInvalidError);
    expect(err).to.include({ validationCode: 'MVCC_READ_CONFLICT', transactionId: 'tx-4' });
    expect(log.slice(4)).to.deep.equal([
      'endorse Records:AmendRecord tx-3',
      'order tx-3',
      'endorse Records:AmendRecord tx-4',
      'order tx-4',
    ]);
  });
});
