import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { NetworkView } from '@medrec/contract';
import { apiUrl } from '../../network/src/api-process';
import { REPO_ROOT } from '../../network/src/paths';
import { peerOf } from '../../network/src/topology';
import { send } from '../unit/api/support/conformance';
import {
  api,
  treatmentConsentForHospital2,
  adminToken,
  bearer,
  condition,
  register,
  type Registered,
} from './support/rest-api';
import { consortium, freshId } from './support/shared-network';

const run = promisify(execFile);

describe('REST API on the real network', function () {
  let patient: Registered;
  let doc1: Registered;
  let doc2: Registered;
  let compliance: Registered;
  let recordId: string;

  before(async function () {
    patient = await register('hospital1', 'patient');
    doc1 = await register('hospital1', 'clinician');
    doc2 = await register('hospital2', 'clinician');
    compliance = await register('hospital1', 'compliance');
    const res = await send(
      api('hospital1')
        .post(`/v1/patients/${patient.participantId}/records`)
        .set(...bearer(doc1.token))
        .send(condition(patient.participantId)),
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    recordId = (res.body as { record: { recordId: string } }).record.recordId;
  });

  it("runs the README's curl walkthrough as written", async function () {
    const { stdout } = await run('bash', [path.join(REPO_ROOT, 'docs', 'walkthrough.sh')], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        MEDREC_HOME: consortium().layout.home,
        MEDREC_PORT_BASE: String(consortium().topology.portBase),
      },
    });
    expect(stdout).to.contain('"code": "E11.9"');
    expect(stdout).to.contain('HTTP 403');
    expect(stdout).to.match(/"type":"AccessDecided".*"outcome":"deny"/);
  });

  it('answers /v1/me as the token’s own enrolled user, as the ledger sees it', async function () {
    const res = await send(
      api('hospital1')
        .get('/v1/me')
        .set(...bearer(doc1.token)),
    );
    expect(res.status).to.equal(200);
    expect(res.body).to.include({
      participantId: doc1.participantId,
      role: 'clinician',
      mspId: 'Hospital1MSP',
      registered: true,
    });
  });

  it('refuses a missing, unknown or revoked token with 401 problem+json', async function () {
    expect((await send(api('hospital1').get('/v1/me'))).status).to.equal(401);
    expect(
      (
        await send(
          api('hospital1')
            .get('/v1/me')
            .set(...bearer(`mrk_${'A'.repeat(43)}`)),
        )
      ).status,
    ).to.equal(401);
    const leaver = await register('hospital1', 'clinician');
    const revoke = await send(
      api('hospital1')
        .delete(`/v1/tokens/${leaver.tokenId}`)
        .set(...bearer(adminToken('hospital1'))),
    );
    expect(revoke.status).to.equal(200);
    const after = await send(
      api('hospital1')
        .get('/v1/me')
        .set(...bearer(leaver.token)),
    );
    expect(after.status).to.equal(401);
    expect(after.headers['content-type']).to.match(/^application\/problem\+json/);
  });

  it('refuses a role that may not act with 403, and bad input with 400 naming the field', async function () {
    const forbidden = await send(
      api('hospital1')
        .post('/v1/participants')
        .set(...bearer(doc1.token))
        .send({ role: 'patient' }),
    );
    expect(forbidden.status).to.equal(403);
    const invalid = await send(
      api('hospital1')
        .post('/v1/participants')
        .set(...bearer(adminToken('hospital1')))
        .send({ role: 'patient', favouriteColour: 'blue' }),
    );
    expect(invalid.status).to.equal(400);
    expect(JSON.stringify(invalid.body)).to.contain('favouriteColour');
  });

  it('reads a participant, lists its tokens, and deactivates it (its tokens stop working)', async function () {
    const leaver = await register('hospital1', 'clinician');
    const admin = adminToken('hospital1');
    const read = await send(
      api('hospital1')
        .get(`/v1/participants/${leaver.participantId}`)
        .set(...bearer(admin)),
    );
    expect(read.body).to.include({ participantId: leaver.participantId, status: 'active' });
    const tokens = await send(
      api('hospital1')
        .get(`/v1/participants/${leaver.participantId}/tokens`)
        .set(...bearer(leaver.token)),
    );
    expect((tokens.body as { items: { tokenId: string }[] }).items.map((t) => t.tokenId)).to.include(leaver.tokenId);
    const gone = await send(
      api('hospital1')
        .delete(`/v1/participants/${leaver.participantId}`)
        .set(...bearer(admin)),
    );
    expect(gone.status).to.equal(200);
    expect(
      (
        await send(
          api('hospital1')
            .get('/v1/me')
            .set(...bearer(leaver.token)),
        )
      ).status,
    ).to.equal(401);
  });

  it('reports conflicts (409) and missing things (404)', async function () {
    const externalId = freshId('MRN');
    const first = await send(
      api('hospital1')
        .post('/v1/participants')
        .set(...bearer(adminToken('hospital1')))
        .send({ role: 'patient', externalId }),
    );
    expect(first.status).to.equal(201);
    const again = await send(
      api('hospital1')
        .post('/v1/participants')
        .set(...bearer(adminToken('hospital1')))
        .send({ role: 'patient', externalId }),
    );
    expect(again.status).to.equal(409);
    expect(
      (
        await send(
          api('hospital1')
            .get(`/v1/participants/${freshId('ghost')}`)
            .set(...bearer(doc1.token)),
        )
      ).status,
    ).to.equal(404);
    expect(
      (
        await send(
          api('hospital1')
            .get(`/v1/consents/${freshId('nope')}`)
            .set(...bearer(patient.token)),
        )
      ).status,
    ).to.equal(404);
  });

  it('rejects a record that is not valid FHIR with 422 listing the problems', async function () {
    const res = await send(
      api('hospital1')
        .post(`/v1/patients/${patient.participantId}/records`)
        .set(...bearer(doc1.token))
        .send({ resourceType: 'Condition', subject: { reference: `Patient/${patient.participantId}` } }),
    );
    expect(res.status).to.equal(422);
    expect(JSON.stringify(res.body)).to.contain('Condition');
  });

  it('lists record pointers from the ledger and grants, reads and lists consents', async function () {
    const records = await send(
      api('hospital1')
        .get(`/v1/patients/${patient.participantId}/records`)
        .set(...bearer(patient.token)),
    );
    expect(records.status).to.equal(200);
    expect((records.body as { items: { recordId: string }[] }).items.map((r) => r.recordId)).to.include(recordId);
    const granted = await send(
      api('hospital1')
        .post(`/v1/patients/${patient.participantId}/consents`)
        .set(...bearer(patient.token))
        .send(treatmentConsentForHospital2()),
    );
    expect(granted.status).to.equal(201);
    const consentId = (granted.body as { consent: { consentId: string } }).consent.consentId;
    expect(
      (
        await send(
          api('hospital1')
            .get(`/v1/consents/${consentId}`)
            .set(...bearer(patient.token)),
        )
      ).status,
    ).to.equal(200);
    const list = await send(
      api('hospital1')
        .get(`/v1/patients/${patient.participantId}/consents`)
        .set(...bearer(patient.token)),
    );
    expect((list.body as { items: { consentId: string }[] }).items.map((c) => c.consentId)).to.include(consentId);
    const summary = await send(
      api('hospital1')
        .get(`/v1/patients/${patient.participantId}/summary`)
        .set(...bearer(patient.token)),
    );
    expect(summary.status).to.equal(200);
    expect((summary.body as { relationships: unknown[] }).relationships).to.have.length.above(0);
  });

  it('break-glass: a time-boxed ticket, redeemed for the content, then reviewed by compliance', async function () {
    const glass = await send(
      api('hospital2')
        .post(`/v1/records/${recordId}/break-glass`)
        .set(...bearer(doc2.token))
        .send({ reason: 'patient-unconscious', durationMinutes: 30 }),
    );
    expect(glass.status, JSON.stringify(glass.body)).to.equal(201);
    const ticketId = (glass.body as { ticket: { ticketId: string } }).ticket.ticketId;
    const content = await send(
      api('hospital2')
        .get(`/v1/records/${recordId}`)
        .query({ purpose: 'ETREAT', ticketId })
        .set(...bearer(doc2.token)),
    );
    expect(content.status, JSON.stringify(content.body)).to.equal(200);
    expect((content.body as { resource: { resourceType: string } }).resource.resourceType).to.equal('Condition');
    const pending = await send(
      api('hospital1')
        .get('/v1/break-glass')
        .query({ reviewStatus: 'pending' })
        .set(...bearer(compliance.token)),
    );
    expect(pending.status).to.equal(200);
    const review = await send(
      api('hospital1')
        .post(`/v1/break-glass/${ticketId}/review`)
        .set(...bearer(compliance.token))
        .send({ outcome: 'justified' }),
    );
    expect(review.status, JSON.stringify(review.body)).to.equal(200);
    const ticket = await send(
      api('hospital2')
        .get(`/v1/tickets/${ticketId}`)
        .set(...bearer(doc2.token)),
    );
    expect((ticket.body as { breakGlass: { reviewStatus: string } }).breakGlass.reviewStatus).to.equal('justified');
  });

  it('pages the audit trail for compliance', async function () {
    const page = await send(
      api('hospital1')
        .get('/v1/audit/events')
        .query({ patientId: patient.participantId, pageSize: 2 })
        .set(...bearer(compliance.token)),
    );
    expect(page.status).to.equal(200);
    const body = page.body as { items: unknown[]; bookmark: string };
    expect(body.items).to.have.length(2);
    expect(body.bookmark).to.not.equal('');
  });

  it('streams the patient’s notifications as Server-Sent Events', async function () {
    const abort = new AbortController();
    const response = await fetch(
      `${apiUrl(peerOf(consortium().topology, 'hospital1'))}/v1/patients/${patient.participantId}/notifications`,
      {
        headers: { authorization: `Bearer ${patient.token}` },
        signal: abort.signal,
      },
    );
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
    if (!reader) throw new Error('no event stream body');
    const decoder = new TextDecoder();
    let received = '';
    try {
      const created = await send(
        api('hospital1')
          .post(`/v1/patients/${patient.participantId}/records`)
          .set(...bearer(doc1.token))
          .send(condition(patient.participantId)),
      );
      const txId = (created.body as { transactionId: string }).transactionId;
      const deadline = Date.now() + 30_000;
      while (!received.includes(txId) && Date.now() < deadline) {
        const chunk = await reader.read();
        if (chunk.done) break;
        received += decoder.decode(chunk.value);
      }
      expect(received).to.contain(txId);
    } finally {
      abort.abort();
    }
  });

  it('resumes the notification stream after Last-Event-ID: nothing committed while disconnected is lost', async function () {
    const url = `${apiUrl(peerOf(consortium().topology, 'hospital1'))}/v1/patients/${patient.participantId}/notifications`;
    const createRecord = async (): Promise<string> => {
      const created = await send(
        api('hospital1')
          .post(`/v1/patients/${patient.participantId}/records`)
          .set(...bearer(doc1.token))
          .send(condition(patient.participantId)),
      );
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      return (created.body as { transactionId: string }).transactionId;
    };
    /** Opens the stream, runs `during` (which names the transaction to wait for), reads until that transaction's event. */
    const readDuring = async (
      headers: Record<string, string>,
      during: () => Promise<string>,
    ): Promise<{ txId: string; received: string }> => {
      const abort = new AbortController();
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${patient.token}`, ...headers },
        signal: abort.signal,
      });
      expect(response.status).to.equal(200);
      const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
      if (!reader) throw new Error('no event stream body');
      const decoder = new TextDecoder();
      let received = '';
      try {
        const txId = await during();
        const deadline = Date.now() + 30_000;
        while (!received.includes(`"transactionId":"${txId}"`) && Date.now() < deadline) {
          const chunk = await reader.read();
          if (chunk.done) break;
          received += decoder.decode(chunk.value);
        }
        return { txId, received };
      } finally {
        abort.abort();
      }
    };
    const first = await readDuring({}, createRecord);
    const lastId = new RegExp(`id: (\\d+:${first.txId})`).exec(first.received)?.[1];
    expect(lastId, `the first record's event carries its ledger position as id:\n${first.received}`).to.be.a('string');
    // Committed while no stream is open.
    const missed = await createRecord();
    const resumed = await readDuring({ 'last-event-id': lastId ?? '' }, () => Promise.resolve(missed));
    expect(resumed.received).to.contain(`:${missed}`);
    expect(resumed.received).to.not.contain(`"transactionId":"${first.txId}"`);
  });

  it('issues a working token through `medrec user register`, under a generated id', async function () {
    const { stdout } = await run(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'medrec.js'), 'user', 'register', '--org', 'research', '--role', 'researcher'],
      { cwd: REPO_ROOT },
    );
    const id = /registered (rs-[0-9a-f]{32}) \(researcher\)/.exec(stdout)?.[1];
    expect(id, stdout).to.be.a('string');
    const token = /API token \(store it now, it is not shown again\): (mrk_\S+)/.exec(stdout)?.[1];
    expect(token, stdout).to.be.a('string');
    const me = await send(
      api('research')
        .get('/v1/me')
        .set(...bearer(token ?? '')),
    );
    expect(me.body).to.include({ participantId: id, role: 'researcher', mspId: 'ResearchMSP', registered: true });
  });

  it('rotates a token (owner), re-issues a lost one (admin, `medrec user token`); tokens carry their expiry', async function () {
    const holder = await register('hospital2', 'clinician');
    const me = async (token: string): Promise<number> =>
      (
        await send(
          api('hospital2')
            .get('/v1/me')
            .set(...bearer(token)),
        )
      ).status;
    const rotated = await send(
      api('hospital2')
        .post(`/v1/participants/${holder.participantId}/tokens`)
        .set(...bearer(holder.token)),
    );
    expect(rotated.status, JSON.stringify(rotated.body)).to.equal(201);
    const fresh = rotated.body as { token: string; expiresAt: string };
    expect(Date.parse(fresh.expiresAt)).to.be.greaterThan(Date.now() + 80 * 86_400_000);
    await send(
      api('hospital2')
        .delete(`/v1/tokens/${holder.tokenId}`)
        .set(...bearer(fresh.token)),
    );
    expect(await me(holder.token)).to.equal(401);
    expect(await me(fresh.token)).to.equal(200);
    const byAdmin = await send(
      api('hospital2')
        .post(`/v1/participants/${holder.participantId}/tokens`)
        .set(...bearer(adminToken('hospital2'))),
    );
    expect(byAdmin.status, JSON.stringify(byAdmin.body)).to.equal(201);
    expect(await me((byAdmin.body as { token: string }).token)).to.equal(200);
    const { stdout } = await run(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'medrec.js'), 'user', 'token', '--org', 'hospital2', '--id', holder.participantId],
      { cwd: REPO_ROOT },
    );
    const cliToken = /not shown again\): (mrk_\S+)/.exec(stdout)?.[1];
    expect(cliToken, stdout).to.be.a('string');
    const viaCli = await send(
      api('hospital2')
        .get('/v1/me')
        .set(...bearer(cliToken ?? '')),
    );
    expect(viaCli.body).to.include({ participantId: holder.participantId, role: 'clinician', registered: true });
  });

  it('serves health, metrics, the OpenAPI document and its documentation page', async function () {
    expect((await send(api('research').get('/healthz'))).status).to.equal(200);
    const metrics = await send(api('research').get('/metrics'));
    expect(metrics.text).to.contain('http_request');
    const doc = await send(api('research').get('/openapi.json'));
    expect((doc.body as { openapi: string }).openapi).to.match(/^3\.1/);
    expect((await api('research').get('/docs/')).status).to.be.oneOf([200, 301]);
  });

  it("shows an admin every organisation's peers and orderers with heights and chaincode versions; not a clinician", async function () {
    const { topology } = consortium();
    const view = await send(
      api('hospital2')
        .get('/v1/network')
        .set(...bearer(adminToken('hospital2'))),
    );
    expect(view.status, JSON.stringify(view.body)).to.equal(200);
    const body = view.body as NetworkView;
    expect(body.organisations).to.include.members(topology.organisations.map((o) => o.mspId));
    // Every peer of the topology, as gossip advertises it, answers; so does every orderer the channel config names.
    const endpoint = (node: { host: string; port: number }): string => `${node.host}:${String(node.port)}`;
    expect(body.peers.filter((p) => p.status === 'up').map((p) => p.endpoint)).to.have.members(
      topology.peers.map(endpoint),
    );
    expect(body.orderers.map((o) => [o.endpoint, o.status])).to.have.deep.members(
      topology.orderers.map((o) => [endpoint(o), 'up']),
    );
    // Heights are what the nodes report: at least the height this API's peer reported to /healthz a moment before.
    const health = await send(api('hospital2').get('/healthz'));
    const reported = (health.body as { checks: { name: string; detail?: string }[] }).checks.find(
      (c) => c.name === 'peer',
    );
    const floor = Number(/channel height (\d+)/.exec(reported?.detail ?? '')?.[1] ?? NaN) - 50;
    for (const node of [...body.peers.map((p) => p.ledgerHeight), ...body.orderers.map((o) => o.height ?? 0)]) {
      expect(node).to.be.greaterThan(floor);
    }
    // Every peer runs the one committed definition of the MedRec chaincode.
    const versions = new Set(body.peers.map((p) => p.chaincodes.find((c) => c.name === 'medrec')?.version));
    expect(versions.size, JSON.stringify(body.peers)).to.equal(1);
    expect([...versions][0])
      .to.be.a('string')
      .and.not.equal('');

    const clinician = await register('hospital2', 'clinician');
    const refused = await send(
      api('hospital2')
        .get('/v1/network')
        .set(...bearer(clinician.token)),
    );
    expect(refused.status).to.equal(403);
  });
});
