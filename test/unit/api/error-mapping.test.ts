import { expect } from 'chai';
import {
  ChaincodeError,
  ContentHashMismatchError,
  EndorsementMismatchError,
  NetworkUnavailableError,
  TransactionInvalidError,
  type ChaincodeErrorCode,
} from '../../../sdk/src/errors';
import { InvalidFhirResourceError } from '../../../sdk/src/fhir/fhir-errors';
import { AccessDeniedError, CustodianError } from '../../../sdk/src/record-retrieval-errors';
import { toProblem } from '../../../api/src/http/error-mapping';
import { PROBLEMS } from '../../../api/src/http/problem';
import { ticket } from './support/fixtures';

describe('api: error mapping', () => {
  const cases: [ChaincodeErrorCode, number][] = [
    ['MEDREC_INVALID_ARGUMENT', 400],
    ['MEDREC_FORBIDDEN', 403],
    ['MEDREC_NOT_FOUND', 404],
    ['MEDREC_CONFLICT', 409],
    ['MEDREC_INTERNAL', 500],
  ];
  for (const [code, status] of cases) {
    it(`maps ${code} to ${status} with the code and transaction id`, () => {
      const { problem } = toProblem(new ChaincodeError({ code, message: 'the message', transactionId: 'tx1' }));
      expect(problem.type.status).to.equal(status);
      expect(problem.code).to.equal(code);
      expect(problem.transactionId).to.equal('tx1');
      expect(problem.detail).to.equal(code === 'MEDREC_INTERNAL' ? problem.detail : 'the message');
    });
  }

  it('hides the message of internal chaincode errors', () => {
    const { problem, exposed } = toProblem(new ChaincodeError({ code: 'MEDREC_INTERNAL', message: 'state at key x' }));
    expect(problem.detail).to.not.include('key x');
    expect(exposed).to.be.false;
  });

  it('maps the SDK errors', () => {
    const status = (err: unknown): [number, string | undefined] => {
      const { problem } = toProblem(err);
      return [problem.type.status, problem.code];
    };
    expect(status(new NetworkUnavailableError({ message: 'down' }))).to.deep.equal([503, 'NETWORK_UNAVAILABLE']);
    expect(status(new EndorsementMismatchError({ details: [] }))).to.deep.equal([503, 'ENDORSERS_DISAGREE']);
    expect(status(new ContentHashMismatchError({ recordId: 'r', expected: 'a', actual: 'b' }))).to.deep.equal([
      502,
      'CONTENT_HASH_MISMATCH',
    ]);
    expect(
      status(new TransactionInvalidError({ validationCode: 'MVCC_READ_CONFLICT', transactionId: 't' })),
    ).to.deep.equal([409, 'MVCC_READ_CONFLICT']);
    expect(status(new AccessDeniedError(ticket('deny')))).to.deep.equal([403, 'ACCESS_DENIED']);
    expect(status(new CustodianError({ custodianMsp: 'H1', message: 'refused' }))).to.deep.equal([
      502,
      'CUSTODIAN_UNAVAILABLE',
    ]);
    expect(status(new InvalidFhirResourceError('Observation', []))).to.deep.equal([422, 'FHIR_INVALID_RESOURCE']);
  });

  it('answers a denied ticket with its own problem type and the transaction that recorded the deny', () => {
    const { problem, exposed } = toProblem(new AccessDeniedError(ticket('deny')));
    expect(problem.type).to.equal(PROBLEMS.accessDenied);
    expect(problem.transactionId).to.equal(ticket('deny').txId);
    expect(exposed).to.be.true;
  });

  it("maps the SDK's FHIR errors by their code and keeps their issues", () => {
    const invalid = new InvalidFhirResourceError('Observation', [
      { path: 'Observation.status', message: 'is required' },
    ]);
    const { problem } = toProblem(invalid);
    expect(problem.type.status).to.equal(422);
    expect(problem.code).to.equal('FHIR_INVALID_RESOURCE');
    expect(problem.errors).to.deep.equal([{ in: 'body', path: 'Observation.status', message: 'is required' }]);
  });

  it('does not trust a code on an error that is not an SDK error (no duck typing, no prefixes)', () => {
    const lookalike = Object.assign(new Error('The Observation resource is not valid'), {
      code: 'FHIR_INVALID_RESOURCE',
      issues: [{ path: 'Observation.status', message: 'is required' }],
    });
    const { problem, exposed } = toProblem(lookalike);
    expect([problem.type.status, problem.code]).to.deep.equal([500, 'INTERNAL']);
    expect(exposed).to.be.false;
  });

  it('answers anything else with a generic 500', () => {
    const { problem, exposed } = toProblem(new TypeError('secret internals at /srv/x.js:10'));
    expect(problem.type.status).to.equal(500);
    expect(problem.detail).to.not.include('secret');
    expect(exposed).to.be.false;
  });
});
