/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import { expect } from 'chai';
import type {
  Balance,
  ConsentHistory,
  CreditTransfer,
  Holder,
  IncentiveSchedule,
  Notification,
  Organisation,
  RecordPointer,
  ScheduleVote,
} from '../../../sdk/src/chaincode-types';
import { ChaincodeError } from '../../../sdk/src/errors';
import { send } from './support/conformance';
import { TIME } from './support/fixtures';
import { createHarness, USERS, type Harness } from './support/harness';

// Objects exactly as the contract defines them: the responses are checked against schemas generated from it.
const TX = 'a1'.repeat(32);
const PEM = '-----BEGIN CERTIFICATE-----\nQUJDRA==\n-----END CERTIFICATE-----\n';
const ORGANISATION: Organisation = {
  mspId: 'Hospital1MSP',
  displayName: 'Hospital One',
  gatekeeperUrl: 'https://gatekeeper.hospital1.example:8443',
  caRootCertsPem: [PEM],
  // The legal identity is optional on the ledger; given here, the responses show it matches the document's schema.
  legalName: 'Hospital One NHS Trust',
  postalAddress: { lines: ['1 Example Road'], city: 'Exampleton', postalCode: 'EX1 1AA', country: 'GB' },
  contact: { name: 'Privacy Office', phone: '+44 1632 960001' },
  registeredBy: 'ad-1',
  registeredAt: TIME,
  updatedAt: TIME,
  txId: TX,
};
const POINTER: RecordPointer = {
  recordId: 'rec-1',
  patientId: 'pat-1',
  category: 'laboratory',
  contentHash: 'b'.repeat(64),
  locator: 'medrec://Hospital1MSP/rec-1',
  custodianMsp: 'Hospital1MSP',
  version: 1,
  supersedes: null,
  supersededBy: null,
  registeredBy: 'doc-1',
  registeredAt: TIME,
  txId: TX,
};
const NOTIFICATION: Notification = {
  notificationId: 'n-1',
  patientId: 'pat-1',
  kind: 'new-record',
  subjectId: 'rec-1',
  txId: TX,
  time: TIME,
};
const SCHEDULE: IncentiveSchedule = {
  initialReward: '1000',
  halvingInterval: '10',
  claims: '3',
  minted: '3000',
  initializedBy: { mspId: 'Hospital1MSP', participantId: 'ad-1' },
  initializedAt: TIME,
  updatedAt: TIME,
  txId: TX,
  era: '0',
  currentReward: '1000',
  cap: '19990',
};
const VOTE: ScheduleVote = {
  proposal: {
    proposalId: 'c'.repeat(64),
    initialReward: '1000',
    halvingInterval: '10',
    proposedBy: { mspId: 'Hospital1MSP', participantId: 'ad-1' },
    proposedAt: TIME,
    txId: TX,
    approvals: [],
  },
  organisations: 3,
  required: 2,
  schedule: null,
};
const TRANSFER: CreditTransfer = {
  transferId: TX,
  from: { kind: 'organisation', mspId: 'Hospital1MSP' },
  to: { kind: 'participant', participantId: 'rs-1' },
  amount: '5',
  transferredBy: 'ad-1',
  time: TIME,
  txId: TX,
};
const refused = (): Promise<never> =>
  Promise.reject(new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'role patient may not call this' }));

describe('api: operations exposing contract transactions one to one', () => {
  let h: Harness;
  let admin: string;
  let patient: string;
  beforeEach(async () => {
    h = createHarness();
    admin = (await h.tokenFor(USERS.admin)).authorization;
    patient = (await h.tokenFor(USERS.patient)).authorization;
  });
  afterEach(() => {
    h.close();
  });

  it('lists and reads organisations as the caller; a refusal is 403 and a malformed MSP id 400', async () => {
    h.ledger.client.listOrganisations = () => Promise.resolve({ items: [ORGANISATION], bookmark: '' });
    h.ledger.client.getOrganisation = (mspId: string) =>
      mspId === 'Hospital1MSP' ? Promise.resolve(ORGANISATION) : refused();
    const list = await send(h.http.get('/v1/organisations?pageSize=5').set('authorization', patient));
    expect(list.status).to.equal(200);
    expect(list.body.items[0].mspId).to.equal('Hospital1MSP');
    expect(h.ledger.calls[0]).to.deep.include({ user: USERS.patient, method: 'listOrganisations' });
    expect(h.ledger.calls[0]?.args[0]).to.deep.equal({ pageSize: 5 });
    expect((await send(h.http.get('/v1/organisations/Hospital1MSP').set('authorization', patient))).status).to.equal(
      200,
    );
    expect((await send(h.http.get('/v1/organisations/Hospital2MSP').set('authorization', patient))).status).to.equal(
      403,
    );
    expect((await send(h.http.get('/v1/organisations/bad%20id').set('authorization', patient))).status).to.equal(400);
  });

  it("lists a patient's delegates as the caller, a page at a time; the chaincode's refusal is 403", async () => {
    const delegate = {
      patientId: 'pat-1',
      delegateId: 'carer-1',
      status: 'active' as const,
      addedBy: 'pat-1',
      addedAt: '2030-01-01T00:00:00.000Z',
      acceptedAt: '2030-01-01T00:00:00.000Z',
      txId: TX,
    };
    h.ledger.client.listDelegates = (query: { patientId: string }) =>
      query.patientId === 'pat-1' ? Promise.resolve({ items: [delegate], bookmark: '' }) : refused();
    const ok = await send(h.http.get('/v1/patients/pat-1/delegates?pageSize=10').set('authorization', patient));
    expect(ok.status).to.equal(200);
    expect(ok.body).to.deep.equal({ items: [delegate], bookmark: '' });
    expect(h.ledger.calls[0]).to.deep.include({ user: USERS.patient, method: 'listDelegates' });
    expect(h.ledger.calls[0]?.args[0]).to.deep.equal({ patientId: 'pat-1', pageSize: 10 });
    const denied = await send(h.http.get('/v1/patients/pat-2/delegates').set('authorization', patient));
    expect(denied.status).to.equal(403);
  });

  it("passes an admin's retirement approval to the ledger as the caller; the chaincode's refusal is 403, a bad id 400", async () => {
    const vote = { organisation: ORGANISATION, approvals: ['Hospital2MSP'], required: 2, retired: false };
    h.ledger.client.approveRetirement = (mspId: string) =>
      mspId === 'Hospital1MSP' ? Promise.resolve({ value: vote, transactionId: TX }) : refused();
    const ok = await send(h.http.post('/v1/organisations/Hospital1MSP/retirement').set('authorization', admin));
    expect(ok.status).to.equal(200);
    expect(ok.body).to.deep.equal({ vote, transactionId: TX });
    expect(h.ledger.calls[0]).to.deep.include({
      user: USERS.admin,
      method: 'approveRetirement',
      args: ['Hospital1MSP'],
    });
    const denied = await send(h.http.post('/v1/organisations/Hospital2MSP/retirement').set('authorization', patient));
    expect(denied.status).to.equal(403);
    const bad = await send(h.http.post('/v1/organisations/bad%20id/retirement').set('authorization', admin));
    expect(bad.status).to.equal(400);
    expect(h.ledger.calls).to.have.length(2);
  });

  it('registers the caller organisation with a closed body; an unknown field is 400 and nothing is sent', async () => {
    h.ledger.client.registerOrganisation = () => Promise.resolve({ value: ORGANISATION, transactionId: TX });
    const input = {
      mspId: 'Hospital1MSP',
      displayName: 'Hospital One',
      gatekeeperUrl: ORGANISATION.gatekeeperUrl,
      caRootCertsPem: [PEM],
    };
    const ok = await send(h.http.put('/v1/organisations').set('authorization', admin).send(input));
    expect(ok.status).to.equal(200);
    expect(ok.body.transactionId).to.equal(TX);
    expect(h.ledger.calls[0]?.args[0]).to.deep.equal(input);
    // The optional legal identity is sent as given; a malformed one is refused before the ledger is asked.
    const legal = {
      ...input,
      legalName: ORGANISATION.legalName,
      postalAddress: ORGANISATION.postalAddress,
      contact: ORGANISATION.contact,
    };
    expect((await send(h.http.put('/v1/organisations').set('authorization', admin).send(legal))).status).to.equal(200);
    expect(h.ledger.calls[1]?.args[0]).to.deep.equal(legal);
    const badCountry = { ...legal, postalAddress: { ...ORGANISATION.postalAddress, country: 'United Kingdom' } };
    expect((await send(h.http.put('/v1/organisations').set('authorization', admin).send(badCountry))).status).to.equal(
      400,
    );
    expect(h.ledger.calls).to.have.length(2);
    const extra = await send(
      h.http
        .put('/v1/organisations')
        .set('authorization', admin)
        .send({ ...input, registeredBy: 'someone-else' }),
    );
    expect(extra.status).to.equal(400);
    expect(h.ledger.calls).to.have.length(2);
  });

  it('reads a record pointer and requests access with a purpose; an unknown purpose is 400', async () => {
    h.ledger.client.getRecord = () => Promise.resolve(POINTER);
    h.ledger.client.requestAccess = () => refused();
    const got = await send(h.http.get('/v1/records/rec-1/pointer').set('authorization', patient));
    expect(got.status).to.equal(200);
    expect(got.body.contentHash).to.equal(POINTER.contentHash);
    const denied = await send(
      h.http.post('/v1/records/rec-1/access-requests').set('authorization', patient).send({ purpose: 'TREAT' }),
    );
    expect(denied.status).to.equal(403);
    expect(h.ledger.calls.at(-1)?.args[0]).to.deep.equal({ recordId: 'rec-1', purpose: 'TREAT' });
    const bad = await send(
      h.http.post('/v1/records/rec-1/access-requests').set('authorization', patient).send({ purpose: 'CURIOSITY' }),
    );
    expect(bad.status).to.equal(400);
    expect(h.ledger.calls).to.have.length(2);
  });

  it('reads a consent history and a single audit event; a malformed transaction id is 400', async () => {
    const history: ConsentHistory = { consentId: 'consent-1', entries: [] };
    h.ledger.client.getConsentHistory = () => Promise.resolve(history);
    h.ledger.client.auditEvent = () => refused();
    expect((await send(h.http.get('/v1/consents/consent-1/history').set('authorization', patient))).body).to.deep.equal(
      history,
    );
    expect((await send(h.http.get(`/v1/audit/events/${TX}`).set('authorization', patient))).status).to.equal(403);
    expect((await send(h.http.get('/v1/audit/events/not-a-tx').set('authorization', patient))).status).to.equal(400);
  });

  it('lists unseen notifications and acknowledges them; an empty acknowledgement is 400', async () => {
    h.ledger.client.listNotifications = () => Promise.resolve({ items: [NOTIFICATION], bookmark: '' });
    h.ledger.client.acknowledgeNotifications = (patientId: string, ids: readonly string[]) =>
      Promise.resolve({ value: { patientId, acknowledged: [...ids] }, transactionId: TX });
    const list = await send(h.http.get('/v1/patients/pat-1/unseen-notifications').set('authorization', patient));
    expect(list.body.items).to.have.length(1);
    const ack = await send(
      h.http
        .post('/v1/patients/pat-1/unseen-notifications/acknowledge')
        .set('authorization', patient)
        .send({ notificationIds: ['n-1'] }),
    );
    expect(ack.status).to.equal(200);
    expect(ack.body).to.deep.equal({ patientId: 'pat-1', acknowledged: ['n-1'], transactionId: TX });
    const empty = await send(
      h.http
        .post('/v1/patients/pat-1/unseen-notifications/acknowledge')
        .set('authorization', patient)
        .send({ notificationIds: [] }),
    );
    expect(empty.status).to.equal(400);
    expect(h.ledger.calls).to.have.length(2);
  });

  it('reads the schedule and proposals, and votes as the caller; a malformed proposal id is 400', async () => {
    h.ledger.client.getSchedule = () => Promise.resolve(SCHEDULE);
    h.ledger.client.listScheduleProposals = () => Promise.resolve({ organisations: 3, required: 2, items: [] });
    h.ledger.client.proposeIncentiveSchedule = () => Promise.resolve({ value: VOTE, transactionId: TX });
    h.ledger.client.approveIncentiveSchedule = () => refused();
    expect((await send(h.http.get('/v1/incentive/schedule').set('authorization', patient))).body.cap).to.equal('19990');
    expect((await send(h.http.get('/v1/incentive/proposals').set('authorization', admin))).status).to.equal(200);
    const vote = await send(
      h.http
        .post('/v1/incentive/proposals')
        .set('authorization', admin)
        .send({ initialReward: '1000', halvingInterval: '10' }),
    );
    expect(vote.status).to.equal(200);
    expect(vote.body.vote.required).to.equal(2);
    const bigReward = await send(
      h.http
        .post('/v1/incentive/proposals')
        .set('authorization', admin)
        .send({ initialReward: '1'.repeat(19), halvingInterval: '10' }),
    );
    expect(bigReward.status).to.equal(400);
    const approve = await send(
      h.http.post(`/v1/incentive/proposals/${'c'.repeat(64)}/approval`).set('authorization', patient),
    );
    expect(approve.status).to.equal(403);
    const malformed = await send(h.http.post('/v1/incentive/proposals/xyz/approval').set('authorization', admin));
    expect(malformed.status).to.equal(400);
  });

  it('names the holder of a balance by exactly one of mspId and participantId, and transfers as the caller', async () => {
    h.ledger.client.getBalance = (holder: Holder) =>
      Promise.resolve<Balance>({ holder, amount: '0', updatedAt: null, txId: null });
    h.ledger.client.transfer = () => Promise.resolve({ value: TRANSFER, transactionId: TX });
    h.ledger.client.getTransfers = () => Promise.resolve({ items: [TRANSFER], bookmark: '' });
    const org = await send(h.http.get('/v1/incentive/balance?mspId=Hospital1MSP').set('authorization', admin));
    expect(org.body.holder).to.deep.equal({ kind: 'organisation', mspId: 'Hospital1MSP' });
    const person = await send(h.http.get('/v1/incentive/balance?participantId=rs-1').set('authorization', admin));
    expect(person.body.holder).to.deep.equal({ kind: 'participant', participantId: 'rs-1' });
    for (const q of ['', '?mspId=Hospital1MSP&participantId=rs-1']) {
      expect((await send(h.http.get(`/v1/incentive/balance${q}`).set('authorization', admin))).status, q).to.equal(400);
    }
    const sent = await send(
      h.http
        .post('/v1/incentive/transfers')
        .set('authorization', admin)
        .send({ to: { kind: 'participant', participantId: 'rs-1' }, amount: '5' }),
    );
    expect(sent.status).to.equal(201);
    const negative = await send(
      h.http
        .post('/v1/incentive/transfers')
        .set('authorization', admin)
        .send({ to: { kind: 'participant', participantId: 'rs-1' }, amount: '-5' }),
    );
    expect(negative.status).to.equal(400);
    const list = await send(h.http.get('/v1/incentive/transfers?mspId=Hospital1MSP').set('authorization', admin));
    expect(list.body.items).to.have.length(1);
    expect(h.ledger.methodsCalled()).to.deep.equal(['getBalance', 'getBalance', 'transfer', 'getTransfers']);
  });
});
