import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { humanDate, humanDateTime, humanPeriod, isoSeconds } from '../../../sdk/src/audit-export/accounting-dates';
import { renderAccountingCsv, renderAccountingHtml } from '../../../sdk/src/audit-export/accounting-render';
import { AuditExportError } from '../../../sdk/src/audit-export/audit-export-errors';
import { createLedgerAuditEventSource } from '../../../sdk/src/audit-export/audit-event-source';
import { exemptionOf, type AccountingEntry } from '../../../sdk/src/audit-export/hipaa-accounting';
import { ChaincodeError } from '../../../sdk/src/errors';
import { buildFixtureAccounting, organisation, TICKETS } from './support/accounting-fixture';

function summary(entry: AccountingEntry): unknown[] {
  return [entry.recipientMspId, entry.purpose, entry.exemption ?? '-', entry.count];
}

function fixtureTicket(id: string): NonNullable<ReturnType<typeof TICKETS.get>> {
  const found = TICKETS.get(id);
  if (found === undefined) throw new Error(`no ticket ${id}`);
  return found;
}

describe('audit export: HIPAA accounting of disclosures', function () {
  it('names each exemption paragraph: (i) TPO, (ii) the patient or delegate, (iv) a consent for research', function () {
    expect(exemptionOf(fixtureTicket('t4'))).to.equal('164.528(a)(1)(i)'); // break-glass, ETREAT
    expect(exemptionOf(fixtureTicket('t7'))).to.equal('164.528(a)(1)(i)'); // consent, but for treatment
    expect(exemptionOf(fixtureTicket('t8'))).to.equal('164.528(a)(1)(ii)'); // own record
    expect(exemptionOf(fixtureTicket('t9'))).to.equal('164.528(a)(1)(ii)'); // delegate, for payment
    expect(exemptionOf(fixtureTicket('t1'))).to.equal('164.528(a)(1)(iv)'); // patient consent, research
    expect(exemptionOf(fixtureTicket('t6'))).to.equal(undefined); // custodian's clinician, public health
    expect(exemptionOf(fixtureTicket('t10'))).to.equal(undefined); // custodian's clinician, research
  });

  it('lists the required disclosures apart from the exempt ones, each release counted, in the six-year window', async function () {
    const report = await buildFixtureAccounting();
    expect([report.from, report.to]).to.deep.equal(['2024-06-01T00:00:00.000Z', '2030-06-01T00:00:00.000Z']);
    expect(report.coveredEntity).to.deep.include({ mspId: 'Hospital1MSP', name: 'Hospital One NHS Trust' });
    expect(report.entries.map(summary)).to.deep.equal([
      ['Hospital2MSP', 'PUBHLTH', '-', 1],
      ['Hospital1MSP', 'HRESCH', '-', 1],
    ]);
    expect(report.exemptEntries.map(summary)).to.deep.equal([
      // t1 read twice, t2 and t3 once: four disclosures on three tickets, summarised (164.528(b)(3)).
      ['ResearchMSP', 'HRESCH', '164.528(a)(1)(iv)', 4],
      ['Hospital2MSP', 'ETREAT', '164.528(a)(1)(i)', 1],
      ['Hospital2MSP', 'TREAT', '164.528(a)(1)(i)', 1],
      ['Hospital1MSP', 'TREAT', '164.528(a)(1)(ii)', 1],
      ['Hospital1MSP', 'HPAYMT', '164.528(a)(1)(ii)', 1],
    ]);
    const research = report.exemptEntries[0];
    expect(research).to.deep.include({
      firstDate: '2030-01-01T09:00:00.000Z',
      lastDate: '2030-04-02T00:00:00.000Z',
      ticketIds: ['t1', 't2', 't3'],
      exempt: true,
    });
    // The break-glass read's release, not its grant five minutes before; the grant never read is no disclosure.
    expect(report.exemptEntries[1]?.firstDate).to.equal('2030-02-01T00:05:00.000Z');
    expect(report.exemptEntries.flatMap((e) => e.ticketIds)).to.not.include('t5');
    expect(report.entries.every((e) => !e.exempt && e.exemption === undefined)).to.equal(true);
  });

  it("takes the recipient's legal name and postal address from its ledger record, never its gatekeeper URL", async function () {
    const report = await buildFixtureAccounting();
    const hospital2 = report.entries[0];
    expect(hospital2?.recipientName).to.equal('Hospital Two <NHS> & "Partners"');
    expect(hospital2?.recipientAddress).to.deep.equal(organisation('Hospital2MSP').postalAddress);
    // Registered without a legal identity: the display name, and no address rather than a URL.
    const research = report.exemptEntries[0];
    expect(research?.recipientName).to.equal('=Research Institute');
    expect(research).to.not.have.property('recipientAddress');
    expect(JSON.stringify(report)).to.not.contain('https://');
  });

  it("describes a record in the custodian's words when it can, else by its category", async function () {
    const report = await buildFixtureAccounting();
    expect(report.exemptEntries[0]?.description).to.equal('Observation: Serum iron');
    expect(report.entries.map((e) => e.description)).to.deep.equal(['Immunization record', 'Medication record']);
    const without = await buildFixtureAccounting({ describeRecord: () => Promise.resolve(undefined) });
    expect(without.exemptEntries[0]?.description).to.equal('Laboratory result');
    const asked: string[] = [];
    await buildFixtureAccounting({
      describeRecord: (t) => {
        asked.push(t.recordId);
        return Promise.resolve(undefined);
      },
    });
    // One question per record, however many disclosures of it.
    expect(asked.filter((id) => id === 'r-iron')).to.have.length(1);
  });

  it('keeps the six-year window for a `to` in the future, and takes an earlier `to` as given', async function () {
    const future = await buildFixtureAccounting({ to: '2031-01-01T00:00:00.000Z' });
    expect([future.from, future.to]).to.deep.equal(['2024-06-01T00:00:00.000Z', '2030-06-01T00:00:00.000Z']);
    const earlier = await buildFixtureAccounting({ to: '2030-02-15T00:00:00.000Z' });
    expect([earlier.from, earlier.to]).to.deep.equal(['2024-02-15T00:00:00.000Z', '2030-02-15T00:00:00.000Z']);
    expect(earlier.entries).to.deep.equal([]);
    expect(earlier.exemptEntries.map((e) => e.ticketIds)).to.deep.equal([['t1'], ['t4']]);
    const window = await buildFixtureAccounting({ from: '2030-03-01T00:00:00.000Z', to: '2030-03-12T00:00:00.000Z' });
    expect(window.entries.map((e) => e.firstDate)).to.deep.equal(['2030-03-03T14:05:00.000Z']);
    expect(window.exemptEntries.map((e) => [e.purpose, e.count])).to.deep.equal([
      ['HRESCH', 1],
      ['TREAT', 1],
      ['TREAT', 1],
    ]);
  });

  it("answers an unknown patient with the ledger's not-found, and a malformed id as a usage error before any read", async function () {
    const notFound = new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: 'patient nobody does not exist' });
    let reads = 0;
    const source = createLedgerAuditEventSource({
      auditByPatient: () => {
        reads += 1;
        return Promise.reject(notFound);
      },
      auditByActor: () => Promise.reject(new Error('not by actor')),
    });
    const unknown = await buildFixtureAccounting({ patientId: 'nobody', source }).catch((e: unknown) => e);
    expect(unknown).to.equal(notFound);
    const malformed = await buildFixtureAccounting({ patientId: 'no body/../x', source }).catch((e: unknown) => e);
    expect(malformed).to.be.instanceOf(AuditExportError).and.have.property('code', 'AUDIT_EXPORT_INVALID_FILTER');
    expect(reads).to.equal(1);
  });

  it('prints human dates in UTC', function () {
    expect(humanDate('2026-03-03T23:59:59.999Z')).to.equal('3 March 2026');
    expect(humanDateTime('2026-03-03T14:05:09.123Z')).to.equal('3 March 2026, 14:05');
    expect(humanPeriod('2024-06-01T00:00:00.000Z', '2030-06-01T00:00:00.000Z')).to.equal('1 June 2024 to 31 May 2030');
    expect(isoSeconds('2026-03-03T14:05:09.123Z')).to.equal('2026-03-03T14:05:09Z');
  });

  it('renders escaped HTML with human dates, the covered entity and the exempt section apart', async function () {
    const html = renderAccountingHtml(await buildFixtureAccounting());
    expect(html).to.contain('Hospital Two &#60;NHS&#62; &#38; &#34;Partners&#34;').and.not.contain('<NHS>');
    expect(html).to.contain('Hospital One NHS Trust').and.contain('1 Example Road').and.contain('Privacy Office');
    expect(html)
      .to.contain('3 March 2030')
      .and.not.match(/\d{4}-\d{2}-\d{2}T/);
    expect(html).to.contain('1 January 2030 – 2 April 2030 (4 disclosures)');
    expect(html).to.contain('1 June 2024 to 31 May 2030').and.contain('UTC');
    expect(html).to.contain('Second Hospital Site').and.contain('postal address not registered');
    expect(html.indexOf('<h2>Disclosures</h2>')).to.be.below(html.indexOf('Exempt disclosures'));
    expect(html).to.contain('45 CFR 164.528(a)(1)(iv): pursuant to an authorization (45 CFR 164.508)');
    expect(html.slice(html.indexOf('Exempt disclosures'))).to.contain('Observation: Serum iron');
  });

  it('renders spreadsheet-safe CSV with the exemption columns and ISO dates without milliseconds', async function () {
    const rows: string[][] = parse(renderAccountingCsv(await buildFixtureAccounting()), {});
    expect(rows[0]).to.deep.equal([
      'firstDate',
      'lastDate',
      'count',
      'recipientName',
      'recipientAddress',
      'recipientMspId',
      'custodianMspId',
      'description',
      'purpose',
      'exempt',
      'exemption',
    ]);
    expect(rows).to.have.length(1 + 2 + 5);
    expect(rows[1]?.slice(0, 5)).to.deep.equal([
      '2030-03-03T14:05:00Z',
      '2030-03-03T14:05:00Z',
      '1',
      'Hospital Two <NHS> & "Partners"',
      'Second Hospital Site, 2 Sample Street, Sampleford SA2 2BB, GB',
    ]);
    expect(rows[1]?.slice(-3)).to.deep.equal(['PUBHLTH', 'no', '']);
    expect(rows[3]?.[3]).to.equal("'=Research Institute");
    expect(rows[3]?.slice(-3)).to.deep.equal(['HRESCH', 'yes', '164.528(a)(1)(iv)']);
  });
});
