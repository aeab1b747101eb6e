import { expect } from 'chai';
import { send } from '../unit/api/support/conformance';
import { pdfPageTexts } from '../unit/audit-export/support/pdf-text';
import { api, bearer, condition, register, treatmentConsentForHospital2, type Registered } from './support/rest-api';

interface Entry {
  readonly recipientName: string;
  readonly recipientAddress?: { readonly lines: readonly string[] };
  readonly recipientMspId: string;
  readonly purpose: string;
  readonly description: string;
  readonly exempt: boolean;
  readonly exemption?: string;
  readonly count: number;
}

interface Accounting {
  readonly patientId: string;
  readonly coveredEntity: { readonly name: string };
  readonly entries: readonly Entry[];
  readonly exemptEntries: readonly Entry[];
}

/** Reads a record through an organisation's API, as a person would. */
async function readRecord(
  org: 'hospital1' | 'hospital2' | 'research',
  who: Registered,
  recordId: string,
  query: Record<string, string>,
): Promise<void> {
  const res = await send(
    api(org)
      .get(`/v1/records/${recordId}`)
      .query(query)
      .set(...bearer(who.token)),
  );
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
}

describe('HIPAA accounting of disclosures on the real network (REST)', function () {
  let patient: Registered;
  let other: Registered;
  let compliance: Registered;
  let compliance2: Registered;
  let recordId: string;

  before(async function () {
    patient = await register('hospital1', 'patient', 'acct-');
    other = await register('hospital1', 'patient', 'acct-');
    compliance = await register('hospital1', 'compliance', 'acct-');
    compliance2 = await register('hospital2', 'compliance', 'acct-');
    const doc = await register('hospital1', 'clinician', 'acct-');
    const doc2 = await register('hospital2', 'clinician', 'acct-');
    const researcher = await register('research', 'researcher', 'acct-');
    const created = await send(
      api('hospital1')
        .post(`/v1/patients/${patient.participantId}/records`)
        .set(...bearer(doc.token))
        .send(condition(patient.participantId, { code: 'E11.9', display: 'Type 2 diabetes mellitus' })),
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    recordId = (created.body as { record: { recordId: string } }).record.recordId;
    const now = Date.now();
    for (const consent of [
      treatmentConsentForHospital2(now),
      {
        grantee: { kind: 'organisation', mspId: 'ResearchMSP' },
        scope: { custodians: ['Hospital1MSP'] },
        purposes: ['HRESCH'],
        period: { notBefore: new Date(now - 60_000).toISOString(), notAfter: new Date(now + 3_600_000).toISOString() },
      },
    ]) {
      const granted = await send(
        api('hospital1')
          .post(`/v1/patients/${patient.participantId}/consents`)
          .set(...bearer(patient.token))
          .send(consent),
      );
      expect(granted.status, JSON.stringify(granted.body)).to.equal(201);
    }
    // Two research reads under the patient's consent (an authorisation), one treatment read, the patient's own read.
    await readRecord('research', researcher, recordId, { purpose: 'HRESCH' });
    await readRecord('research', researcher, recordId, { purpose: 'HRESCH' });
    await readRecord('hospital2', doc2, recordId, { purpose: 'TREAT' });
    await readRecord('hospital1', patient, recordId, { purpose: 'TREAT' });
  });

  it('lists every release the ledger recorded, each under its exemption, with the recipients named and addressed', async function () {
    const res = await send(
      api('hospital1')
        .get(`/v1/patients/${patient.participantId}/accounting`)
        .set(...bearer(compliance.token)),
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const accounting = res.body as Accounting;
    expect(accounting.coveredEntity.name).to.equal('Hospital One NHS Trust');
    const all = [...accounting.entries, ...accounting.exemptEntries];
    // An independent count: the DisclosureConfirmed events of the patient's trail on the ledger.
    const trail = await send(
      api('hospital1')
        .get('/v1/audit/events')
        .query({ patientId: patient.participantId, pageSize: 200 })
        .set(...bearer(compliance.token)),
    );
    expect(trail.status, JSON.stringify(trail.body)).to.equal(200);
    const released = (trail.body as { items: { type: string }[] }).items.filter(
      (e) => e.type === 'DisclosureConfirmed',
    ).length;
    expect(released).to.equal(4);
    expect(all.reduce((n, e) => n + e.count, 0)).to.equal(released);

    const research = all.find((e) => e.purpose === 'HRESCH');
    expect(research).to.deep.include({
      recipientMspId: 'ResearchMSP',
      recipientName: 'Research & Public Health Institute (Fictional) Ltd',
      exemption: '164.528(a)(1)(iv)',
      count: 2,
      description: 'Condition: Type 2 diabetes mellitus',
    });
    expect(research?.recipientAddress?.lines).to.include('3 Placeholder Lane');
    expect(all.find((e) => e.recipientMspId === 'Hospital2MSP')).to.deep.include({
      recipientMspId: 'Hospital2MSP',
      exemption: '164.528(a)(1)(i)',
      count: 1,
    });
    expect(all.find((e) => e.recipientMspId === 'Hospital1MSP')?.exemption).to.equal('164.528(a)(1)(ii)');
    expect(accounting.entries, 'nothing here must be accounted for').to.deep.equal([]);
    expect(JSON.stringify(accounting)).to.not.match(/https?:\/\//);
  });

  it('renders the same accounting as a PDF the patient can be handed', async function () {
    const res = await api('hospital1')
      .get(`/v1/patients/${patient.participantId}/accounting`)
      .query({ format: 'pdf' })
      .set(...bearer(patient.token))
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          done(null, Buffer.concat(chunks));
        });
      });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^application\/pdf/);
    const pages = await pdfPageTexts(res.body as Buffer);
    // Table cells wrap: compare with whitespace collapsed.
    const text = pages.join('\n').replace(/\s+/g, ' ');
    expect(pages[0]).to.contain(`Page 1 of ${pages.length}`);
    expect(text).to.contain('Hospital One NHS Trust');
    expect(text).to.contain('Research & Public Health Institute (Fictional) Ltd');
    expect(text).to.contain(patient.participantId);
    expect(text).to.contain('164.528(a)(1)(iv) pursuant to an authorization');
    expect(text).to.contain('No disclosures that must be accounted for in this period');
  });

  it("refuses another patient and another organisation's compliance officer (403 problem+json)", async function () {
    for (const [org, who] of [
      ['hospital1', other],
      ['hospital2', compliance2],
    ] as const) {
      const res = await send(
        api(org)
          .get(`/v1/patients/${patient.participantId}/accounting`)
          .set(...bearer(who.token)),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(403);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
    }
  });
});
