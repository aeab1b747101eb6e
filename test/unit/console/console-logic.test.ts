import { expect } from 'chai';
import { auditQuery, formatOfFile } from '../../../console/src/logic/audit-filters';
import { mayOpen, pageFromHash, pagesFor } from '../../../console/src/logic/pages';
import { adviceFor } from '../../../console/src/logic/problem-advice';
import { trendChart } from '../../../console/src/logic/trend-chart';
import { estimateTrendQuery } from '../../../console/src/logic/trend-estimate';

describe('console: pages by role', () => {
  it('opens each role on its own page and refuses the others', () => {
    expect(pageFromHash('', 'patient')).to.equal('patient');
    expect(pageFromHash('#/compliance', 'patient')).to.equal('compliance');
    expect(mayOpen('compliance', 'patient')).to.equal(false);
    expect(mayOpen('compliance', 'compliance')).to.equal(true);
    expect(pagesFor('registrar')).to.deep.equal(['admin']);
    expect(pageFromHash('#/nowhere', 'admin')).to.equal('unknown');
    expect(pagesFor('gatekeeper')).to.deep.equal([]);
  });
});

describe('console: what to do about a problem', () => {
  it('tells a refused read from a refused role, and an expired token from both', () => {
    expect(adviceFor({ status: 403, code: 'ACCESS_DENIED' })).to.match(/Ask the patient for consent/);
    expect(adviceFor({ status: 403, code: 'MEDREC_FORBIDDEN' })).to.match(/Your role or organisation/);
    expect(adviceFor({ status: 401 })).to.match(/sign in with a current token/);
    expect(adviceFor({ status: 0 })).to.match(/API is running/);
    expect(adviceFor({ status: 504 })).to.match(/request id/);
  });
});

describe('console: audit filters', () => {
  it('sends whole UTC days, the last one included, and the organisation only to the export', () => {
    const filters = {
      subject: 'patientId',
      id: ' pt-1 ',
      from: '2030-01-01',
      to: '2030-01-31',
      organisation: 'H2MSP',
    } as const;
    expect(auditQuery(filters, false).toString()).to.equal(
      'patientId=pt-1&from=2030-01-01T00%3A00%3A00.000Z&to=2030-02-01T00%3A00%3A00.000Z',
    );
    expect(auditQuery({ ...filters, from: '', to: '' }, true).toString()).to.equal('patientId=pt-1&organisation=H2MSP');
  });

  it('tells an upload’s format by its name', () => {
    expect(formatOfFile('trail.jsonl')).to.equal('json');
    expect(formatOfFile('trail.fhir.json')).to.equal('fhir');
    expect(formatOfFile('TRAIL.CSV')).to.equal('csv');
  });
});

describe('console: a trend query before and after', () => {
  const base = {
    window: { from: '2030-01-01', to: '2030-01-21', interval: 'week' as const },
    strata: [] as ('custodian' | 'sex' | 'ageBand')[],
    epsilonMilli: 1000,
    custodians: ['Hospital1MSP', 'Hospital2MSP'],
    settings: { basePrice: '10', pricePerCell: '2' },
    balance: '100',
    budget: { budgetMilli: 10_000, spentMilli: 9_500 },
  };

  it('prices the cells as the chaincode does and names what the ledger would refuse', () => {
    const plain = estimateTrendQuery(base);
    expect(plain).to.include({ cells: 3, price: 16n, balanceAfter: 84n, budgetLeftMilli: 500 });
    expect(plain.blockers).to.deep.equal(['ε 1 is more than the 0.5 left']);
    const split = estimateTrendQuery({ ...base, strata: ['custodian', 'sex'], epsilonMilli: 500, balance: '20' });
    expect(split.cells).to.equal(3 * 2 * 4);
    expect(split.blockers).to.deep.equal(['the query costs 58 credits; your organisation holds 20']);
  });

  it('charts each series with its interval and marks the suppressed cells', () => {
    const cell = { suppressedBy: [] as string[], count: null, countInterval: null };
    const chart = trendChart(
      {
        cells: [
          { ...cell, period: 0, strata: [], count: '12', countInterval: ['9', '15'], suppressedBy: ['Hospital2MSP'] },
          { ...cell, period: 1, strata: [], suppressedBy: ['Hospital1MSP', 'Hospital2MSP'] },
        ],
      },
      'count',
    );
    expect(chart.series).to.deep.equal(['all']);
    expect(chart.rows[0]!.points.all).to.deep.equal({
      value: 12,
      interval: [9, 15],
      error: [3, 3],
      suppressedBy: ['Hospital2MSP'],
    });
    expect(chart.rows[1]!.points.all).to.include({ value: null, error: null });
  });
});
