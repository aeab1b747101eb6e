/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import { expect } from 'chai';
import type { ConsentInput } from '../../../sdk/src/chaincode-types';
import { send } from './support/conformance';
import { consent } from './support/fixtures';
import { createHarness, USERS, type Harness } from './support/harness';

const GRANT = {
  grantee: { kind: 'participant', participantId: 'doc-2' },
  scope: { custodians: ['Hospital1MSP'] },
  purposes: ['TREAT'],
  period: { notBefore: '2030-01-01T00:00:00.000Z', notAfter: '2031-01-01T00:00:00.000Z' },
};

describe('api: consents', () => {
  let h: Harness;
  let auth: string;
  beforeEach(async () => {
    h = createHarness();
    auth = (await h.tokenFor(USERS.patient)).authorization;
    h.ledger.client.grantConsent = (input: ConsentInput) =>
      Promise.resolve({ value: { ...consent(input.consentId), ...input }, transactionId: 'tx-grant' });
  });
  afterEach(() => {
    h.close();
  });

  it('grants with the client-chosen id, as the patient, after commit', async () => {
    const consentId = 'consent-0b4a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
    const res = await send(
      h.http
        .post('/v1/patients/pat-1/consents')
        .set('authorization', auth)
        .send({ ...GRANT, consentId }),
    );
    expect(res.status).to.equal(201);
    expect(res.body.transactionId).to.equal('tx-grant');
    expect(h.ledger.calls[0]?.user).to.deep.equal(USERS.patient);
    expect(h.ledger.calls[0]?.args[0]).to.deep.equal({ ...GRANT, consentId, patientId: 'pat-1' });
  });

  it('refuses a client-chosen consent id that is not consent-<uuid> (no MRN or e-mail can become a ledger id)', async () => {
    for (const consentId of [
      'c-42',
      'MRN-12345678',
      'consent-jane.doe',
      'consent-0B4A1C2D-3E4F-4A5B-8C6D-7E8F9A0B1C2D',
    ]) {
      const res = await send(
        h.http
          .post('/v1/patients/pat-1/consents')
          .set('authorization', auth)
          .send({ ...GRANT, consentId }),
      );
      expect(res.status, consentId).to.equal(400);
    }
    expect(h.ledger.calls).to.have.length(0);
  });

  it('generates a consent id when none is given', async () => {
    const res = await send(h.http.post('/v1/patients/pat-1/consents').set('authorization', auth).send(GRANT));
    expect(res.status).to.equal(201);
    expect((h.ledger.calls[0]?.args[0] as ConsentInput).consentId).to.match(/^consent-[0-9a-f-]{36}$/);
  });

  it('400 for an invalid grant (grantee kind, empty purposes, bad time, unknown field)', async () => {
    const res = await send(
      h.http
        .post('/v1/patients/pat-1/consents')
        .set('authorization', auth)
        .send({
          ...GRANT,
          grantee: { kind: 'everyone' },
          purposes: [],
          period: { notBefore: 'yesterday', notAfter: GRANT.period.notAfter },
          note: 'x',
        }),
    );
    expect(res.status).to.equal(400);
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).to.include.members(['/grantee', '/purposes', '/period/notBefore', '/']);
    expect(h.ledger.calls).to.have.length(0);
  });

  it('lists, reads and revokes', async () => {
    h.ledger.client.listConsents = () => Promise.resolve({ items: [consent()], bookmark: '' });
    h.ledger.client.getConsent = () => Promise.resolve(consent());
    h.ledger.client.revokeConsent = () =>
      Promise.resolve({
        value: { ...consent('consent-1', 'revoked'), revokedBy: 'pat-1' },
        transactionId: 'tx-revoke',
      });
    const list = await send(h.http.get('/v1/patients/pat-1/consents?pageSize=5').set('authorization', auth));
    expect(list.body.items).to.have.length(1);
    expect(h.ledger.calls[0]?.args[0]).to.deep.equal({ patientId: 'pat-1', pageSize: 5 });
    expect((await send(h.http.get('/v1/consents/consent-1').set('authorization', auth))).body.consentId).to.equal(
      'consent-1',
    );
    const revoked = await send(h.http.delete('/v1/consents/consent-1').set('authorization', auth));
    expect(revoked.status).to.equal(200);
    expect(revoked.body).to.deep.include({ transactionId: 'tx-revoke' });
    expect(revoked.body.consent.status).to.equal('revoked');
  });
});
