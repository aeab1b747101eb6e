/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import { expect } from 'chai';
import type { Response } from 'supertest';
import { ChaincodeError } from '../../../sdk/src/errors';
import { disclosure, organisation, TICKETS } from '../audit-export/support/accounting-fixture';
import { createFakeLedger } from '../audit-export/support/fake-ledger';
import { pdfPageTexts } from '../audit-export/support/pdf-text';
import { send } from './support/conformance';
import { user } from './support/fixtures';
import { createHarness, USERS, type Harness } from './support/harness';

/** supertest buffers only known text types: collect a PDF as bytes. */
function asBuffer(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => {
    done(null, Buffer.concat(chunks));
  });
}

/** Disclosures of pat-1 in 2025 (before any test's "now"): research under consent twice, public health once. */
const EVENTS = [
  disclosure(1, '2025-03-03T10:00:00.000Z', 't1'),
  disclosure(2, '2025-03-04T10:00:00.000Z', 't6'),
  disclosure(3, '2025-04-01T10:00:00.000Z', 't2'),
];

const PATH = '/v1/patients/pat-1/accounting';

describe('api: GET /v1/patients/{patientId}/accounting', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    const ledger = createFakeLedger(EVENTS);
    h.ledger.client.auditByPatient = (query) => ledger.auditByPatient(query);
    h.ledger.client.getTicket = (id) => {
      const found = TICKETS.get(id);
      return found === undefined
        ? Promise.reject(new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: `ticket ${id}` }))
        : Promise.resolve(found);
    };
    h.ledger.client.getOrganisation = (mspId) => Promise.resolve(organisation(mspId));
    h.recordDescriptions.byRecord.set('r-iron', 'Observation: Serum iron');
  });
  afterEach(() => {
    h.close();
  });

  const get = async (who: ReturnType<typeof user>, query: Record<string, string> = {}): Promise<Response> =>
    send(
      h.http
        .get(PATH)
        .query({ from: '2025-01-01T00:00:00Z', ...query })
        .set('authorization', (await h.tokenFor(who)).authorization),
    );

  it('gives the patient their accounting as JSON: covered entity, required and exempt disclosures', async () => {
    const res = await get(USERS.patient);
    expect(res.status).to.equal(200);
    expect(res.body.coveredEntity).to.deep.include({ mspId: 'Hospital1MSP', name: 'Hospital One NHS Trust' });
    expect(res.body.from).to.equal('2025-01-01T00:00:00.000Z');
    expect(res.body.entries).to.have.length(1);
    expect(res.body.entries[0]).to.deep.include({
      recipientName: 'Hospital Two <NHS> & "Partners"',
      purpose: 'PUBHLTH',
      exempt: false,
    });
    expect(res.body.entries[0].recipientAddress.city).to.equal('Sampleford');
    expect(res.body.exemptEntries[0]).to.deep.include({
      exemption: '164.528(a)(1)(iv)',
      description: 'Observation: Serum iron',
      count: 2,
    });
    // Read as the caller: the ledger decided who may read the trail, and every read signed as them.
    expect(h.ledger.calls.map((call) => call.user.participantId)).to.satisfy((ids: string[]) =>
      ids.every((id) => id === 'pat-1'),
    );
    expect(h.ledger.methodsCalled()).to.include('auditByPatient');
  });

  it('gives a compliance officer the CSV and the PDF, as attachments', async () => {
    const csv = await get(USERS.compliance, { format: 'csv' });
    expect(csv.status).to.equal(200);
    expect(csv.headers['content-type']).to.match(/^text\/csv/);
    expect(csv.headers['content-disposition']).to.equal('attachment; filename="accounting-of-disclosures-pat-1.csv"');
    expect(csv.text.split('\r\n')[0]).to.contain('exemption');
    const pdf = await send(
      h.http
        .get(PATH)
        .query({ from: '2025-01-01T00:00:00Z', format: 'pdf' })
        .set('authorization', (await h.tokenFor(USERS.compliance)).authorization)
        .buffer(true)
        .parse(asBuffer),
    );
    expect(pdf.status).to.equal(200);
    expect(pdf.headers['content-type']).to.equal('application/pdf');
    const text = (await pdfPageTexts(pdf.body as Buffer)).join(' ').replace(/\s+/g, ' ');
    expect(text).to.contain('Hospital One NHS Trust').and.contain('Sampleford SA2 2BB').and.contain('Page 1 of 1');
  });

  it('refuses a clinician with 403 problem+json, without reading the ledger', async () => {
    const res = await get(USERS.clinician);
    expect(res.status).to.equal(403);
    expect(res.type).to.equal('application/problem+json');
    expect(res.body.code).to.equal('MEDREC_FORBIDDEN');
    expect(h.ledger.calls).to.deep.equal([]);
  });

  it("refuses another patient with the ledger's 403 as problem+json, before describing anything", async () => {
    h.ledger.client.auditByPatient = () =>
      Promise.reject(
        new ChaincodeError({
          code: 'MEDREC_FORBIDDEN',
          message: 'pat-2 is neither patient pat-1 nor an active delegate of theirs',
        }),
      );
    const res = await get(user('patient', 'pat-2'));
    expect(res.status).to.equal(403);
    expect(res.type).to.equal('application/problem+json');
    expect(h.ledger.methodsCalled()).to.not.include('getTicket');
    expect(h.recordDescriptions.asked).to.deep.equal([]);
  });

  it('answers an unknown patient 404, a malformed id or an empty period 400, all problem+json', async () => {
    h.ledger.client.auditByPatient = () =>
      Promise.reject(new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: 'patient nobody does not exist' }));
    const compliance = (await h.tokenFor(USERS.compliance)).authorization;
    const unknown = await send(h.http.get('/v1/patients/nobody/accounting').set('authorization', compliance));
    const malformed = await send(h.http.get('/v1/patients/no%20body/accounting').set('authorization', compliance));
    const backwards = await get(USERS.compliance, { from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' });
    const format = await get(USERS.compliance, { format: 'docx' });
    expect([unknown.status, malformed.status, backwards.status, format.status]).to.deep.equal([404, 400, 400, 400]);
    for (const res of [unknown, malformed, backwards, format]) expect(res.type).to.equal('application/problem+json');
  });

  it('gives a patient with nothing disclosed an empty accounting', async () => {
    const res = await get(USERS.patient, { from: '2025-05-01T00:00:00Z' });
    expect(res.status).to.equal(200);
    expect([res.body.entries, res.body.exemptEntries]).to.deep.equal([[], []]);
  });
});
