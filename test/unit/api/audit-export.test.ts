/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import { expect } from 'chai';
import type { Response } from 'supertest';
import type { Bundle } from '@medplum/fhirtypes';
import { createLedgerAuditEventSource } from '../../../sdk/src/audit-export/audit-event-source';
import { writeAuditExport } from '../../../sdk/src/audit-export/export-writer';
import { ChaincodeError } from '../../../sdk/src/errors';
import { SIGNER } from '../audit-export/support/export-fixture';
import { send } from './support/conformance';
import { FAKE_MANIFEST } from './support/fakes';
import { createHarness, USERS, type Harness } from './support/harness';

/** supertest buffers only known text types: collect any body as text. */
function asText(res: Response, done: (err: Error | null, body: string) => void): void {
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    text += chunk;
  });
  res.on('end', () => {
    done(null, text);
  });
}

describe('api: audit export and verification', () => {
  let h: Harness;
  let compliance: string;
  let patient: string;
  beforeEach(async () => {
    h = createHarness();
    compliance = (await h.tokenFor(USERS.compliance)).authorization;
    patient = (await h.tokenFor(USERS.patient)).authorization;
    h.ledger.client.auditByPatient = () => Promise.resolve({ items: [], bookmark: '' });
    h.ledger.client.auditByActor = () => Promise.resolve({ items: [], bookmark: '' });
  });
  afterEach(() => {
    h.close();
  });

  for (const [format, type] of [
    ['json', 'application/x-ndjson'],
    ['csv', 'text/csv'],
    ['fhir', 'application/fhir+json'],
  ] as const) {
    it(`streams a ${format} export as ${type}, signed as the caller, with the manifest in a trailer`, async () => {
      const res = await send(
        h.http
          .get('/v1/audit/export')
          .query({
            patientId: 'pat-1',
            format,
            from: '2030-01-01T00:00:00Z',
            eventType: 'RecordRegistered,AccessDecided',
          })
          .set('authorization', compliance)
          .buffer(true)
          .parse(asText),
      );
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal(type);
      expect(res.body).to.equal(h.auditExporter.lines.join(''));
      const request = h.auditExporter.exports[0];
      expect(request?.user).to.deep.equal(USERS.compliance);
      expect(request?.format).to.equal(format);
      expect(request?.filters).to.deep.equal({
        patientId: 'pat-1',
        eventTypes: ['RecordRegistered', 'AccessDecided'],
        from: '2030-01-01T00:00:00.000Z',
      });
      // The caller was authorised by a ledger read made as the caller, before the stream began.
      expect(h.ledger.calls[0]).to.deep.include({ user: USERS.compliance, method: 'auditByPatient' });
      const trailer = (res as unknown as { res: { trailers: Record<string, string> } }).res.trailers;
      const manifest = JSON.parse(
        Buffer.from(trailer['x-medrec-manifest'] ?? '', 'base64').toString('utf8'),
      ) as unknown;
      expect(manifest).to.deep.equal(FAKE_MANIFEST);
    });
  }

  for (const format of ['json', 'csv', 'fhir'] as const) {
    it(`streams an empty ${format} export of a trail with no events as 200 with a signed manifest, not an error`, async () => {
      // The SDK's own writer over audit queries that answer one empty page, as the chaincode does.
      h.auditExporter.export = (request) =>
        writeAuditExport({
          source: createLedgerAuditEventSource({
            auditByPatient: () => Promise.resolve({ items: [], bookmark: '' }),
            auditByActor: () => Promise.resolve({ items: [], bookmark: '' }),
          }),
          proofs: { proofOf: () => Promise.reject(new Error('an empty export proves nothing')) },
          ledgerHeight: () => Promise.resolve(42),
          filters: request.filters,
          format: request.format,
          sink: request.sink,
          signer: SIGNER,
          generatedBy: { participantId: request.user.participantId, mspId: request.user.mspId },
          channel: 'medrec',
        });
      const res = await send(
        h.http
          .get('/v1/audit/export')
          .query({ patientId: 'pat-1', format, from: '2031-01-01T00:00:00Z' })
          .set('authorization', compliance)
          .buffer(true)
          .parse(asText),
      );
      expect(res.status).to.equal(200);
      const trailer = (res as unknown as { res: { trailers: Record<string, string> } }).res.trailers;
      const manifest = JSON.parse(Buffer.from(trailer['x-medrec-manifest'] ?? '', 'base64').toString('utf8')) as {
        eventCount: number;
        complete: boolean;
      };
      expect(manifest).to.include({ eventCount: 0, complete: true });
      const body = res.body as string;
      if (format === 'fhir') expect(Object.keys(JSON.parse(body) as Bundle)).to.not.include('entry');
      else if (format === 'json') expect(body.trim().split('\n')).to.have.length(1);
      else expect(body.split('\r\n').filter((line) => line !== '')).to.have.length(1);
    });
  }

  it('answers an unknown patient with 404 problem+json on the events list, the export and the verification', async () => {
    h.ledger.client.auditByPatient = () =>
      Promise.reject(
        new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: 'patient nobody does not exist; check the id' }),
      );
    const list = await send(
      h.http.get('/v1/audit/events').query({ patientId: 'nobody' }).set('authorization', compliance),
    );
    const exported = await send(
      h.http.get('/v1/audit/export').query({ patientId: 'nobody' }).set('authorization', compliance),
    );
    const manifest = { ...FAKE_MANIFEST, filters: { patientId: 'nobody' } };
    const verified = await send(
      h.http
        .post('/v1/audit/verify')
        .set('authorization', compliance)
        .set('content-type', 'application/x-ndjson')
        .send(`${JSON.stringify({ manifest })}\n`),
    );
    for (const res of [list, exported, verified]) {
      expect(res.status).to.equal(404);
      expect(res.type).to.equal('application/problem+json');
    }
    expect(h.auditExporter.exports).to.have.length(0);
    expect(h.auditExporter.verified).to.have.length(0);
    // A known patient's empty list is a 200 with an empty page.
    h.ledger.client.auditByPatient = () => Promise.resolve({ items: [], bookmark: '' });
    const empty = await send(
      h.http.get('/v1/audit/events').query({ patientId: 'pat-1' }).set('authorization', compliance),
    );
    expect([empty.status, empty.body]).to.deep.equal([200, { items: [], bookmark: '' }]);
  });

  it('refuses a caller the ledger does not allow with 403, before anything is exported', async () => {
    h.ledger.client.auditByPatient = () =>
      Promise.reject(new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'not your trail' }));
    const res = await send(h.http.get('/v1/audit/export').query({ patientId: 'pat-2' }).set('authorization', patient));
    expect(res.status).to.equal(403);
    expect(h.auditExporter.exports).to.have.length(0);
  });

  it('refuses bad filters with 400: neither or both of patientId and actorId, an unknown format, a reversed window', async () => {
    for (const query of [
      {},
      { patientId: 'pat-1', actorId: 'doc-1' },
      { patientId: 'pat-1', format: 'xml' },
      { actorId: 'doc-1', from: '2030-02-01T00:00:00Z', to: '2030-01-01T00:00:00Z' },
    ]) {
      const res = await send(h.http.get('/v1/audit/export').query(query).set('authorization', compliance));
      expect(res.status, JSON.stringify(query)).to.equal(400);
    }
    expect(h.auditExporter.exports).to.have.length(0);
  });

  it('truncates the stream (no manifest) when the export fails after it began', async () => {
    h.auditExporter.failAfterFirstLine = new Error('peer went away');
    const res = await h.http
      .get('/v1/audit/export')
      .query({ actorId: 'doc-1' })
      .set('authorization', compliance)
      .buffer(true)
      .parse(asText)
      .then(
        (r) => r,
        (err: unknown) => err,
      );
    if (!(res instanceof Error)) {
      expect((res as Response).body as string).to.not.contain('manifest');
    }
  });

  it('verifies an NDJSON export as the caller and returns the report', async () => {
    h.auditExporter.report = {
      valid: false,
      eventCount: 1,
      manifest: FAKE_MANIFEST,
      complete: false,
      warnings: [],
      trustedBy: 'ledger',
      discrepancies: [
        {
          kind: 'field-mismatch',
          eventIndex: 0,
          txId: 'tx-1',
          field: 'type',
          expected: '"RecordRegistered"',
          found: '"Tampered"',
          message: 'event at index 0 (tx tx-1): field type differs',
        },
      ],
    };
    const text = `{"event":{},"proof":{}}\n${JSON.stringify({ manifest: FAKE_MANIFEST })}\n`;
    const res = await send(
      h.http
        .post('/v1/audit/verify')
        .set('authorization', compliance)
        .set('content-type', 'application/x-ndjson')
        .send(text),
    );
    expect(res.status).to.equal(200);
    expect(res.body.valid).to.equal(false);
    expect(res.body.discrepancies[0].field).to.equal('type');
    expect(h.auditExporter.verified[0]).to.deep.equal({ user: USERS.compliance, request: { format: 'json', text } });
  });

  it('verifies CSV (the manifest in X-Medrec-Manifest, as the export trailer sent it) and FHIR exports', async () => {
    const manifestBase64 = Buffer.from(JSON.stringify(FAKE_MANIFEST), 'utf8').toString('base64');
    const csv = 'eventId,txId\r\n';
    const verifiedCsv = await send(
      h.http
        .post('/v1/audit/verify')
        .set('authorization', compliance)
        .set('content-type', 'text/csv')
        .set('x-medrec-manifest', manifestBase64)
        .send(csv),
    );
    expect(verifiedCsv.status).to.equal(200);
    expect(h.auditExporter.verified[0]?.request).to.deep.equal({
      format: 'csv',
      text: csv,
      manifestText: JSON.stringify(FAKE_MANIFEST),
    });
    const bundle = JSON.stringify({
      resourceType: 'Bundle',
      type: 'collection',
      signature: { sigFormat: 'application/json', data: manifestBase64 },
    });
    const verifiedFhir = await send(
      h.http
        .post('/v1/audit/verify')
        .set('authorization', compliance)
        .set('content-type', 'application/fhir+json')
        .send(bundle),
    );
    expect(verifiedFhir.status).to.equal(200);
    // The Bundle reaches the verifier as the text sent, not re-serialised.
    expect(h.auditExporter.verified[1]?.request).to.deep.equal({ format: 'fhir', text: bundle });
  });

  it('refuses a CSV export without its manifest header, and the header with another format: 400', async () => {
    const manifestBase64 = Buffer.from(JSON.stringify(FAKE_MANIFEST), 'utf8').toString('base64');
    const noManifest = await send(
      h.http
        .post('/v1/audit/verify')
        .set('authorization', compliance)
        .set('content-type', 'text/csv')
        .send('eventId,txId\r\n'),
    );
    expect([noManifest.status, noManifest.type]).to.deep.equal([400, 'application/problem+json']);
    expect(noManifest.body.detail).to.contain('X-Medrec-Manifest');
    const stray = await send(
      h.http
        .post('/v1/audit/verify')
        .set('authorization', compliance)
        .set('content-type', 'application/x-ndjson')
        .set('x-medrec-manifest', manifestBase64)
        .send(`${JSON.stringify({ manifest: FAKE_MANIFEST })}\n`),
    );
    expect(stray.status).to.equal(400);
    const notBase64 = await send(
      h.http
        .post('/v1/audit/verify')
        .set('authorization', compliance)
        .set('content-type', 'text/csv')
        .set('x-medrec-manifest', 'not base64!')
        .send('eventId,txId\r\n'),
    );
    expect(notBase64.status).to.equal(400);
    expect(h.auditExporter.verified).to.have.length(0);
  });

  it("lets a patient verify a CSV export of their own trail only (the manifest header's filters)", async () => {
    const post = (manifest: unknown): Promise<Response> =>
      send(
        h.http
          .post('/v1/audit/verify')
          .set('authorization', patient)
          .set('content-type', 'text/csv')
          .set('x-medrec-manifest', Buffer.from(JSON.stringify(manifest), 'utf8').toString('base64'))
          .send('eventId,txId\r\n'),
      );
    expect((await post(FAKE_MANIFEST)).status).to.equal(200);
    expect((await post({ ...FAKE_MANIFEST, filters: { patientId: 'pat-2' } })).status).to.equal(403);
  });

  it('lets a patient verify an export of their own trail only; other roles get 403', async () => {
    const own = `${JSON.stringify({ manifest: FAKE_MANIFEST })}\n`;
    const other = `${JSON.stringify({ manifest: { ...FAKE_MANIFEST, filters: { patientId: 'pat-2' } } })}\n`;
    const post = (auth: string, text: string): Promise<Response> =>
      send(
        h.http
          .post('/v1/audit/verify')
          .set('authorization', auth)
          .set('content-type', 'application/x-ndjson')
          .send(text),
      );
    expect((await post(patient, own)).status).to.equal(200);
    expect((await post(patient, other)).status).to.equal(403);
    const clinician = (await h.tokenFor(USERS.clinician)).authorization;
    expect((await post(clinician, own)).status).to.equal(403);
  });

  it("refuses to verify a trail the caller may not read (another organisation's patient): 403, nothing verified", async () => {
    const text = `${JSON.stringify({ manifest: { ...FAKE_MANIFEST, filters: { patientId: 'pat-of-hospital2' } } })}\n`;
    h.ledger.client.auditByPatient = () =>
      Promise.reject(new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'not in the custody of Hospital1MSP' }));
    const res = await send(
      h.http
        .post('/v1/audit/verify')
        .set('authorization', compliance)
        .set('content-type', 'application/x-ndjson')
        .send(text),
    );
    expect(res.status).to.equal(403);
    const noManifest = await send(
      h.http
        .post('/v1/audit/verify')
        .set('authorization', compliance)
        .set('content-type', 'application/x-ndjson')
        .send('{"event":{},"proof":{}}\n'),
    );
    expect(noManifest.status).to.equal(400);
    expect(h.auditExporter.verified).to.have.length(0);
  });

  it('refuses a verify body that is not an export media type (415), empty (400) or too large (413)', async () => {
    const json = await send(h.http.post('/v1/audit/verify').set('authorization', compliance).send({ export: 'x' }));
    expect(json.status).to.equal(415);
    const empty = await send(h.http.post('/v1/audit/verify').set('authorization', compliance));
    expect(empty.status).to.equal(400);
    const large = await send(
      h.http
        .post('/v1/audit/verify')
        .set('authorization', compliance)
        .set('content-type', 'application/x-ndjson')
        .send('x'.repeat(17 * 1024 * 1024)),
    );
    expect(large.status).to.equal(413);
    expect(h.auditExporter.verified).to.have.length(0);
  });
});
