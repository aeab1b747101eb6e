/**
 * The API's one code → problem table: every code of the contract, of every SDK family and of every gatekeeper service
 * family has a documented answer, refusals are 4xx, and a 500 is always deliberate.
 */
import { expect } from 'chai';
import { ERROR_CODES, GENERAL_ERROR_CODES, INCENTIVE_ERROR_CODES } from '../../../contract/src/index';
import { answerFor, PROBLEM_BY_CODE, toProblem, type AnsweredErrorCode } from '../../../api/src/http/error-mapping';
import { MedRecError } from '../../../sdk/src/medrec-error';
import { openApiDocument } from '../../../api/src/openapi/document';
import { operationsOf } from '../../../api/src/openapi/openapi-types';
import { AUDIT_EXPORT_ERROR_CODES } from '../../../sdk/src/audit-export/audit-export-errors';
import { CONTENT_ERROR_CODES, GATEWAY_ERROR_CODES } from '../../../sdk/src/errors';
import { FHIR_ERROR_CODES } from '../../../sdk/src/fhir/fhir-errors';
import { GATEKEEPER_ERROR_CODES, GatekeeperError } from '../../../sdk/src/gatekeeper/gatekeeper-errors';
import { PROOF_ERROR_CODES } from '../../../sdk/src/gatekeeper/proof-errors';
import { RECORD_REGISTRATION_ERROR_CODES } from '../../../gatekeeper/src/registration-errors';
import { IDENTITY_ERROR_CODES } from '../../../sdk/src/identity-errors';
import { GatekeeperRefusedError, RECORD_RETRIEVAL_ERROR_CODES } from '../../../sdk/src/record-retrieval-errors';
import { SEED_ERROR_CODES } from '../../../sdk/src/seed/seed-errors';
import { STORE_ERROR_CODES } from '../../../gatekeeper/src/store/store-errors';
import { WALLET_ERROR_CODES } from '../../../sdk/src/wallet/wallet-errors';

const ALL_CODES: readonly string[] = [
  ...new Set<string>([
    ...ERROR_CODES,
    ...GATEWAY_ERROR_CODES,
    ...CONTENT_ERROR_CODES,
    ...RECORD_RETRIEVAL_ERROR_CODES,
    ...RECORD_REGISTRATION_ERROR_CODES,
    ...IDENTITY_ERROR_CODES,
    ...FHIR_ERROR_CODES,
    ...STORE_ERROR_CODES,
    ...WALLET_ERROR_CODES,
    ...GATEKEEPER_ERROR_CODES,
    ...PROOF_ERROR_CODES,
    ...AUDIT_EXPORT_ERROR_CODES,
    ...SEED_ERROR_CODES,
  ]),
];

/** Failures of the server itself (or unclassifiable), where 500 is the honest answer. */
const DELIBERATE_500: readonly string[] = [
  'MEDREC_INTERNAL',
  'LEDGER_FAILED',
  ...WALLET_ERROR_CODES,
  ...SEED_ERROR_CODES,
];

/** Every error status some operation of the OpenAPI document declares. */
const DOCUMENTED = new Set(
  operationsOf(openApiDocument)
    .flatMap(({ operation }) => Object.keys(operation.responses))
    .filter((status) => /^[45]\d\d$/.test(status))
    .map(Number),
);

function statusOf(code: string): number | undefined {
  return (PROBLEM_BY_CODE as Readonly<Record<string, { type: { status: number } } | undefined>>)[code]?.type.status;
}

/** What the gatekeeper's HTTP layer answers a proof error with (gatekeeper-http.ts). */
function proofStatus(code: string): number {
  return code === 'PROOF_REPLAY_CACHE_FULL' ? 503 : 401;
}

function relayed(status: number, code: string): [number, string | undefined] {
  const { problem } = toProblem(new GatekeeperRefusedError({ status, code, message: 'why', transactionId: 'tx' }));
  return [problem.type.status, problem.code];
}

describe('api: the code → problem table', function () {
  it("has exactly the contract's codes and every SDK and gatekeeper service family's codes", function () {
    expect(Object.keys(PROBLEM_BY_CODE).sort()).to.deep.equal([...ALL_CODES].sort());
  });

  for (const code of ALL_CODES) {
    it(`answers ${code} with a documented status`, function () {
      const status = statusOf(code);
      expect(status !== undefined && DOCUMENTED.has(status), `status ${String(status)}`).to.be.true;
      expect(status === 500, 'a 500 only where deliberate').to.equal(DELIBERATE_500.includes(code));
    });
  }

  it("answers every refusal of the chaincode with a 4xx, the general ones by the contract's meaning", function () {
    const refusals = [...GENERAL_ERROR_CODES.filter((code) => code !== 'MEDREC_INTERNAL'), ...INCENTIVE_ERROR_CODES];
    for (const code of refusals) {
      const status = statusOf(code) ?? 0;
      expect(status >= 400 && status < 500, code).to.be.true;
    }
    expect(
      ['MEDREC_INVALID_ARGUMENT', 'MEDREC_FORBIDDEN', 'MEDREC_NOT_FOUND', 'MEDREC_CONFLICT'].map(statusOf),
    ).to.deep.equal([400, 403, 404, 409]);
    expect(statusOf('NETWORK_UNAVAILABLE')).to.equal(503);
  });

  it("answers a relayed gatekeeper answer as the table answers its code, at the gatekeeper's own status", function () {
    for (const code of GATEKEEPER_ERROR_CODES) {
      expect(relayed(new GatekeeperError(code, 'x').status, code)[0], code).to.equal(statusOf(code));
    }
    for (const code of PROOF_ERROR_CODES) {
      expect(relayed(proofStatus(code), code)[0], code).to.equal(statusOf(code));
    }
  });

  it("keeps a refusal with a code the SDK does not know a 4xx, and a gatekeeper's failure a 502", function () {
    expect(relayed(403, 'GATEKEEPER_FROM_THE_FUTURE')).to.deep.equal([403, 'GATEKEEPER_UNKNOWN_CODE']);
    expect(relayed(500, 'GATEKEEPER_FROM_THE_FUTURE')).to.deep.equal([502, 'CUSTODIAN_UNAVAILABLE']);
  });
});

describe('an error of a family the table does not know', () => {
  it('is answered as a failure of this server (500), not a crash of the error handler', () => {
    class ForeignError extends MedRecError<'FOREIGN_FAILURE'> {
      readonly code = 'FOREIGN_FAILURE' as const;
    }
    const answer = answerFor(new ForeignError('from another package') as unknown as MedRecError<AnsweredErrorCode>);
    expect(answer.type.status).to.equal(500);
    expect(answer.code).to.equal('INTERNAL');
  });
});
