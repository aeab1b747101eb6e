import { CommitError, EndorseError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import type { ServiceError } from '@grpc/grpc-js';
import { expect } from 'chai';
import {
  ChaincodeError,
  MedrecError,
  NetworkUnavailableError,
  TransactionInvalidError,
  parseChaincodePayload,
  toMedrecError,
  validationCodeName,
} from '../../../sdk/src/errors';

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
    const err = toMedrecError(
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
      const err = toMedrecError(new GatewayError({ code, details: [], cause, message: 'no peers' }), 'tx-2');
      expect(err).to.be.instanceOf(NetworkUnavailableError);
      expect(err.transactionId).to.equal('tx-2');
      expect(err.message).to.contain('retry');
    }
  });

  it('maps a commit failure to TransactionInvalidError naming the validation code', function () {
    const err = toMedrecError(
      new CommitError({ message: 'invalid', code: StatusCode.MVCC_READ_CONFLICT, transactionId: 'tx-3' }),
    );
    expect(err).to.be.instanceOf(TransactionInvalidError);
    expect(err).to.include({ validationCode: 'MVCC_READ_CONFLICT', transactionId: 'tx-3' });
    expect(validationCodeName(StatusCode.ENDORSEMENT_POLICY_FAILURE)).to.equal('ENDORSEMENT_POLICY_FAILURE');
  });

  it('wraps anything else without losing the message', function () {
    const err = toMedrecError(new Error('boom'), 'tx-4');
    expect(err).to.be.instanceOf(MedrecError);
    expect(err).to.include({ message: 'boom', transactionId: 'tx-4' });
  });
});
