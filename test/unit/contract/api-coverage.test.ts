import { expect } from 'chai';
import { TRANSACTION_NAMES } from '../../../contract/src/index';
import { CONTRACT_COVERAGE } from '../../../api/src/openapi/contract-coverage';
import { openApiDocument } from '../../../api/src/openapi/document';
import { operationsOf } from '../../../api/src/openapi/openapi-types';

describe('the REST API covers the contract', () => {
  const operationIds = new Set(operationsOf(openApiDocument).map((o) => o.operation.operationId));

  it('accounts for every transaction of the contract, and for nothing else', () => {
    expect(Object.keys(CONTRACT_COVERAGE).sort()).to.deep.equal([...TRANSACTION_NAMES].sort());
  });

  it('names only operations of the OpenAPI document, at least one per exposed transaction', () => {
    for (const [transaction, coverage] of Object.entries(CONTRACT_COVERAGE)) {
      if ('internal' in coverage) continue;
      expect(coverage, transaction).to.not.be.empty;
      for (const id of coverage) expect(operationIds.has(id), `${transaction}: operation ${id}`).to.equal(true);
    }
  });

  it('gives a reason for each transaction it does not expose, and keeps that list short', () => {
    const internal = Object.entries(CONTRACT_COVERAGE).filter(([, coverage]) => 'internal' in coverage);
    for (const [transaction, coverage] of internal) {
      expect('internal' in coverage && coverage.internal.length, transaction).to.be.above(40);
    }
    // Service-to-ledger transactions only: gatekeeper disclosures (2), the trend responder's answer and opt-out list
    // (2), the miners' claims, attestations and their work queue of pending claims (3), operator probes (3), and the
    // consent index migration the network tooling runs after an upgrade (1). A new entry here needs the same kind of
    // reason.
    expect(internal.length).to.be.at.most(11);
  });
});
