/**
 * The attacks of issue 11 ("The permission model holds against a hostile insider"), one named test each, on the real
 * network through the REST API (and, where the issue says the chaincode itself must refuse, straight to the chaincode).
 * Each test says what the code before the rebuild did: every one of them failed there.
 */
import { execFile } from 'node:child_process';
import https from 'node:https';
import http from 'node:http';
import path from 'node:path';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { REPO_ROOT } from '../../network/src/paths';
import type { PeerOrgKey } from '../../network/src/topology';
import {
  MSP,
  addRecord,
  breakGlass,
  consentBody,
  expectStatus,
  grantConsent,
  proposeDelegate,
  readRecord,
  registerPerson,
  requestTicket,
  ticketIdOf,
  type Person,
} from './support/attack-fixtures';
import {
  chaincodeFailureOf,
  closeAll,
  enrol,
  failureOf,
  registerParticipant,
  submit,
  type Actor,
} from './support/medrec-client';
import { freshLoopbackAddress, rawRequest, refusalProblem, type RawResponse } from './support/raw-http';
import { adminToken, condition } from './support/rest-api';
import { freshId, sleep } from './support/shared-network';

const run = promisify(execFile);

interface AuditEvent {
  readonly type: string;
  readonly subject: { readonly kind: string; readonly id: string };
}

function as(person: Person, method: string, urlPath: string, body?: unknown): Promise<RawResponse> {
  return rawRequest({ org: person.org, method, path: urlPath, token: person.token, body });
}

/** The refusal must be one of `statuses`, a problem+json, never a 5xx. */
function expectRefused(res: RawResponse, statuses: number | readonly number[], what: string): void {
  expectStatus(res, statuses, what);
  expect(refusalProblem(res), what).to.equal(undefined);
}

async function auditOf(patient: Person): Promise<AuditEvent[]> {
  const res = await as(patient, 'GET', `/v1/audit/events?patientId=${patient.participantId}&pageSize=200`);
  expectStatus(res, 200, 'the patient reads their trail');
  return (res.json as { items: AuditEvent[] }).items;
}

async function recordsOf(patient: Person): Promise<{ recordId: string; custodianMsp: string; registeredBy: string }[]> {
  const res = await as(patient, 'GET', `/v1/patients/${patient.participantId}/records?pageSize=200`);
  expectStatus(res, 200, 'the patient lists their records');
  return (res.json as { items: { recordId: string; custodianMsp: string; registeredBy: string }[] }).items;
}

/** A hospital1 patient with one record by a hospital1 clinician. */
async function patientWithRecord(): Promise<{ patient: Person; author: Person; recordId: string }> {
  const [patient, author] = await Promise.all([
    registerPerson('hospital1', 'patient'),
    registerPerson('hospital1', 'clinician'),
  ]);
  return { patient, author, recordId: await addRecord('hospital1', author, patient.participantId) };
}

interface NetworkStatus {
  readonly nodes: readonly { kind: string; org: string; address: string; blockHeight?: number }[];
}

/** What `medrec network status --json` reports (nodes, addresses, block heights). */
async function networkStatus(): Promise<NetworkStatus> {
  const cli = path.join(REPO_ROOT, 'bin', 'medrec.js');
  const { stdout } = await run(process.execPath, [cli, 'network', 'status', '--json'], { cwd: REPO_ROOT });
  return JSON.parse(stdout) as NetworkStatus;
}

/** The gatekeeper's address, as `medrec network status --json` reports it. */
async function gatekeeperAddress(org: PeerOrgKey): Promise<string> {
  const node = (await networkStatus()).nodes.find((n) => n.kind === 'gatekeeper' && n.org === org);
  if (node === undefined) throw new Error(`no gatekeeper of ${org} in the network status`);
  return node.address;
}

function gatekeeperPost(
  address: string,
  body: unknown,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const [host, port] = address.split(':');
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host,
        port,
        method: 'POST',
        path: '/v1/retrieve',
        // The answer's content is under test here, not the chain of trust (the API pins the organisation's CA).
        rejectUnauthorized: false,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A plain-HTTP request to an address: the status it got, or the transport error's code. */
function plainHttpGet(address: string): Promise<number | string> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const req = http.request({ host, port, method: 'GET', path: '/healthz', timeout: 10_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code ?? err.message);
    });
    req.end();
  });
}

describe('permission model: the attacks of issue 11 on the real network', function () {
  it('identity takeover: a registration naming an existing or a service identity is refused, never a token for it', async function () {
    // Before: POST /v1/participants took enrollmentId/participantId from the body; a registrar got 201 and a token that
    // signed as the existing patient, clinician or service identity ({"enrollmentId":"admin"} gave a 500).
    const [registrar, victim, clinician] = await Promise.all([
      registerPerson('hospital1', 'registrar'),
      registerPerson('hospital1', 'patient'),
      registerPerson('hospital1', 'clinician'),
    ]);
    const victimOnLedger = await as(registrar, 'GET', `/v1/participants/${victim.participantId}`);
    const victimEnrollment = (victimOnLedger.json as { enrollmentId: string }).enrollmentId;
    const clinicianOnLedger = await as(registrar, 'GET', `/v1/participants/${clinician.participantId}`);
    const clinicianEnrollment = (clinicianOnLedger.json as { enrollmentId: string }).enrollmentId;
    const bodies = [
      { role: 'patient', enrollmentId: victimEnrollment },
      { role: 'patient', participantId: victim.participantId },
      { role: 'clinician', enrollmentId: clinicianEnrollment },
      { role: 'clinician', participantId: clinician.participantId },
      { role: 'admin', enrollmentId: 'hospital1-api-admin' },
      { role: 'patient', enrollmentId: 'hospital1-admin' },
      { role: 'patient', enrollmentId: 'hospital1-gatekeeper' },
      { role: 'gatekeeper', enrollmentId: 'hospital1-gatekeeper' },
      { role: 'patient', enrollmentId: 'admin' },
      { role: 'admin', enrollmentId: 'admin' },
    ];
    for (const token of [registrar.token, adminToken('hospital1')]) {
      for (const body of bodies) {
        const res = await rawRequest({ org: 'hospital1', method: 'POST', path: '/v1/participants', token, body });
        expectRefused(res, [400, 403], `POST /v1/participants ${JSON.stringify(body)}`);
        expect(res.text, 'no token in a refusal').to.not.match(/mrk_/);
      }
    }
    // The chaincode itself refuses a second binding of an enrolled identity, and service identities, whoever asks.
    const admin = await enrol('hospital1', 'admin');
    try {
      const cases: [string, string][] = [
        [victimEnrollment, 'patient'],
        [clinicianEnrollment, 'clinician'],
        ['hospital1-api-admin', 'patient'],
        ['hospital1-admin', 'clinician'],
        ['hospital1-gatekeeper', 'patient'],
        ['admin', 'patient'],
      ];
      for (const [enrollmentId, role] of cases) {
        const err = await failureOf(() =>
          submit(
            admin.connection,
            'Registrar:RegisterParticipant',
            JSON.stringify({ participantId: freshId('takeover'), role, enrollmentId }),
          ),
        );
        expect(chaincodeFailureOf(err).code, `Registrar:RegisterParticipant binding ${enrollmentId}`).to.be.oneOf([
          'MEDREC_CONFLICT',
          'MEDREC_FORBIDDEN',
        ]);
      }
    } finally {
      closeAll([admin]);
    }
  });

  it('revocation: after DELETE consent an earlier ticket reads nothing, and every repeat read is on the ledger', async function () {
    // Before: the ticket kept serving the full FHIR resource for its remaining 15 minutes, and reads after the first
    // on one ticket left no trace on the ledger.
    const { patient, recordId } = await patientWithRecord();
    const reader = await registerPerson('hospital2', 'clinician');
    const consentId = await grantConsent(
      patient,
      consentBody({ kind: 'participant', participantId: reader.participantId }),
    );
    const first = await readRecord('hospital2', reader, recordId);
    expectStatus(first, 200, 'the grantee reads the record');
    const direct = ticketIdOf(first);
    const disclosuresOf = async (id: string): Promise<number> =>
      (await auditOf(patient)).filter((e) => e.type === 'DisclosureConfirmed' && e.subject.id === id).length;
    expect(await disclosuresOf(direct), 'a read without a ticket is one confirmed disclosure').to.equal(1);
    // Its ticket was spent by that read: it serves nothing more.
    expectRefused(await readRecord('hospital2', reader, recordId, 'TREAT', direct), 409, 'a spent ticket');
    // A ticket asked for in advance serves repeat reads, each a disclosure of its own.
    const ticketId = await requestTicket('hospital2', reader, recordId);
    const disclosures = (): Promise<number> => disclosuresOf(ticketId);
    const before = await disclosures();
    for (let i = 1; i <= 2; i++) {
      expectStatus(await readRecord('hospital2', reader, recordId, 'TREAT', ticketId), 200, `repeat read ${i}`);
      expect(await disclosures(), `DisclosureConfirmed events after repeat read ${i}`).to.equal(before + i);
    }
    expectStatus(await as(patient, 'DELETE', `/v1/consents/${consentId}`), 200, 'the patient revokes');
    const after = await readRecord('hospital2', reader, recordId, 'TREAT', ticketId);
    expectRefused(after, 403, `GET /v1/records/${recordId}?ticketId=<earlier ticket> after the revocation`);
    expect(after.text).to.not.contain('resourceType');
    expectRefused(await readRecord('hospital2', reader, recordId), 403, 'a new request after the revocation');
  });

  it("revocation: once a consent's period has ended an earlier ticket reads nothing", async function () {
    // Before: the ticket outlived the consent's notAfter by up to 15 minutes.
    const { patient, recordId } = await patientWithRecord();
    const reader = await registerPerson('hospital2', 'clinician');
    const notAfter = Date.now() + 15_000;
    await grantConsent(
      patient,
      consentBody({ kind: 'participant', participantId: reader.participantId }, [MSP.hospital1], notAfter),
    );
    const ticketId = await requestTicket('hospital2', reader, recordId);
    expectStatus(
      await readRecord('hospital2', reader, recordId, 'TREAT', ticketId),
      200,
      'the grantee reads within the period',
    );
    await sleep(Math.max(0, notAfter - Date.now()) + 2_000);
    const after = await readRecord('hospital2', reader, recordId, 'TREAT', ticketId);
    expectRefused(after, 403, 'GET with the earlier ticket after notAfter');
  });

  it('revocation: a break-glass reviewed unjustified reads nothing more, at once', async function () {
    // Before: a break-glass ticket served for its whole duration (up to 240 minutes), whatever the review said.
    const { patient, recordId } = await patientWithRecord();
    const [doctor, compliance] = await Promise.all([
      registerPerson('hospital2', 'clinician'),
      registerPerson('hospital1', 'compliance'),
    ]);
    const ticketId = await breakGlass(doctor, recordId);
    expectStatus(await readRecord('hospital2', doctor, recordId, 'ETREAT', ticketId), 200, 'the break-glass read');
    const review = await as(compliance, 'POST', `/v1/break-glass/${ticketId}/review`, { outcome: 'unjustified' });
    expectStatus(review, 200, "the custodian's compliance judges it unjustified");
    const after = await readRecord('hospital2', doctor, recordId, 'ETREAT', ticketId);
    expectRefused(after, 403, 'GET with the break-glass ticket after an unjustified review');
    expect((await auditOf(patient)).some((e) => e.type === 'BreakGlassReviewed')).to.be.true;
  });

  it('a break-glass ticket is not served for purpose TREAT', async function () {
    // Before: the ETREAT ticket was served whatever purpose the request named.
    const { recordId } = await patientWithRecord();
    const doctor = await registerPerson('hospital2', 'clinician');
    const ticketId = await breakGlass(doctor, recordId);
    const res = await readRecord('hospital2', doctor, recordId, 'TREAT', ticketId);
    expectRefused(res, [403, 409], `GET /v1/records/${recordId}?purpose=TREAT&ticketId=<break-glass ticket>`);
  });

  it("organisation scope: other organisations' compliance officers see nothing of a hospital1 patient", async function () {
    // Before: compliance officers of hospital2 and research read hospital1's patients' audit exports, consents and
    // tickets (200).
    const { patient, author, recordId } = await patientWithRecord();
    const consentId = await grantConsent(
      patient,
      consentBody({ kind: 'role', role: 'clinician', mspId: MSP.hospital2 }),
    );
    const read = await readRecord('hospital1', author, recordId);
    expectStatus(read, 200, 'the author reads the record');
    const ticketId = ticketIdOf(read);
    const officers = await Promise.all([
      registerPerson('hospital2', 'compliance'),
      registerPerson('research', 'compliance'),
    ]);
    const p = patient.participantId;
    for (const officer of officers) {
      for (const url of [
        `/v1/audit/export?patientId=${p}&format=json`,
        `/v1/audit/export?patientId=${p}&format=csv`,
        `/v1/audit/events?patientId=${p}`,
        `/v1/patients/${p}/consents`,
        `/v1/consents/${consentId}`,
        `/v1/tickets/${ticketId}`,
        `/v1/patients/${p}/records`,
      ]) {
        expectRefused(await as(officer, 'GET', url), 403, `GET ${url} as ${officer.org}'s compliance`);
      }
    }
  });

  it("organisation scope: audit verification is no oracle for another organisation's patient's trail", async function () {
    // Found by the attack matrix (not in the list): POST /v1/audit/verify accepts any compliance officer and,
    // for an "export" that is only a forged manifest claiming to be complete for {patientId}, lists every event of that
    // patient in the block range as a "missing-event" discrepancy (type, time, transaction, block).
    const { patient } = await patientWithRecord();
    const officer = await registerPerson('hospital2', 'compliance');
    // The last blocks only: the verifier reads every block of the claimed range, however large (see the report).
    const height = Math.min(...(await networkStatus()).nodes.flatMap((n) => n.blockHeight ?? []));
    const forged = {
      manifest: {
        blockRange: { first: Math.max(0, height - 40), last: height - 1 },
        channel: 'medrec',
        complete: true,
        contentSha256: crypto.createHash('sha256').update('').digest('hex'),
        eventCount: 0,
        filters: { patientId: patient.participantId },
        format: 'medrec-audit-export/1',
        generatedAt: new Date().toISOString(),
        generatedBy: { certificatePem: 'x', mspId: MSP.hospital2, participantId: officer.participantId },
        signature: 'AAAA',
      },
    };
    const res = await rawRequest({
      org: 'hospital2',
      method: 'POST',
      path: '/v1/audit/verify',
      token: officer.token,
      rawBody: `${JSON.stringify(forged)}\n`,
      contentType: 'application/x-ndjson',
    });
    expect(res.text, "the report names none of the hospital1 patient's events").to.not.match(
      /RecordRegistered|ParticipantRegistered|PatientAdmitted/,
    );
    expectRefused(res, 403, "POST /v1/audit/verify of a hospital1 patient's trail as hospital2's compliance");
  });

  it("organisation scope: only the custodian's compliance officers review its break-glass", async function () {
    // Before: any organisation's compliance officer reviewed it, first reviewer wins: hospital2 marked its own
    // clinician's break-glass on hospital1's record "justified".
    const { recordId } = await patientWithRecord();
    const [doctor, officer2, officerR, officer1] = await Promise.all([
      registerPerson('hospital2', 'clinician'),
      registerPerson('hospital2', 'compliance'),
      registerPerson('research', 'compliance'),
      registerPerson('hospital1', 'compliance'),
    ]);
    const ticketId = await breakGlass(doctor, recordId);
    for (const officer of [officer2, officerR]) {
      const res = await as(officer, 'POST', `/v1/break-glass/${ticketId}/review`, { outcome: 'justified' });
      expectRefused(res, 403, `POST /v1/break-glass/{id}/review as ${officer.org}'s compliance`);
      const queue = await as(officer, 'GET', '/v1/break-glass?reviewStatus=pending&pageSize=200');
      expectStatus(queue, 200, `${officer.org}'s review queue`);
      expect(queue.text, `${officer.org}'s queue holds only its own records' break-glass`).to.not.contain(ticketId);
    }
    const ticket = await as(officer1, 'GET', `/v1/tickets/${ticketId}`);
    expect((ticket.json as { breakGlass: { reviewStatus: string } }).breakGlass.reviewStatus).to.equal('pending');
    expectStatus(
      await as(officer1, 'POST', `/v1/break-glass/${ticketId}/review`, { outcome: 'justified' }),
      200,
      "the custodian's compliance reviews",
    );
  });

  it("organisation scope: nobody hands out the gatekeeper role; another organisation's admin gets 403 on tokens", async function () {
    // Before: a registrar registered a person as "gatekeeper" (who then read tickets and record lists as the
    // custodian's gatekeeper), and hospital2's admin got 200 (an empty list) on a hospital1 participant's tokens.
    const [registrar, patient, admin2] = await Promise.all([
      registerPerson('hospital1', 'registrar'),
      registerPerson('hospital1', 'patient'),
      registerPerson('hospital2', 'admin'),
    ]);
    for (const token of [registrar.token, adminToken('hospital1')]) {
      const res = await rawRequest({
        org: 'hospital1',
        method: 'POST',
        path: '/v1/participants',
        token,
        body: { role: 'gatekeeper' },
      });
      expectRefused(res, 403, 'POST /v1/participants {role: gatekeeper}');
    }
    for (const token of [admin2.token, adminToken('hospital2')]) {
      for (const method of ['GET', 'POST']) {
        const res = await rawRequest({
          org: 'hospital2',
          method,
          path: `/v1/participants/${patient.participantId}/tokens`,
          token,
        });
        expectRefused(res, 403, `${method} /v1/participants/{hospital1 patient}/tokens as hospital2's admin`);
      }
    }
  });

  it('relationships: a research clinician cannot register a record for a hospital1 patient', async function () {
    // Before: 201, which made ResearchMSP a custodian whose clinicians were then always permitted.
    const [patient, researchDoctor] = await Promise.all([
      registerPerson('hospital1', 'patient'),
      registerPerson('research', 'clinician'),
    ]);
    const res = await as(
      researchDoctor,
      'POST',
      `/v1/patients/${patient.participantId}/records`,
      condition(patient.participantId),
    );
    expectRefused(res, 403, 'POST /v1/patients/{hospital1 patient}/records as a research clinician');
    expect((await recordsOf(patient)).filter((r) => r.custodianMsp === MSP.research)).to.deep.equal([]);
    const summary = await as(patient, 'GET', `/v1/patients/${patient.participantId}/summary`);
    expect(
      (summary.json as { relationships: { custodianMsp: string }[] }).relationships.map((r) => r.custodianMsp),
    ).to.not.include(MSP.research);
  });

  it('relationships: a rejected relationship closes the custodian out, and the next record does not reopen it', async function () {
    // Before: "rejected" changed nothing (custodian clinicians were always permitted), the next record silently turned
    // it back to pending, and there was no endpoint to accept or reject.
    const { patient, author, recordId } = await patientWithRecord();
    const [colleague, registrar] = await Promise.all([
      registerPerson('hospital1', 'clinician'),
      registerPerson('hospital1', 'registrar'),
    ]);
    const relationship = `/v1/patients/${patient.participantId}/relationships/${MSP.hospital1}`;
    const rejected = await as(patient, 'POST', `${relationship}/reject`);
    expectStatus(rejected, 200, 'the patient rejects hospital1');
    const records = `/v1/patients/${patient.participantId}/records`;
    expectRefused(
      await as(author, 'POST', records, condition(patient.participantId)),
      403,
      'a new record after rejection',
    );
    expectRefused(await readRecord('hospital1', author, recordId), 403, 'the author reads after rejection');
    expectRefused(await readRecord('hospital1', colleague, recordId), 403, 'a colleague reads after rejection');
    expectStatus(
      await as(registrar, 'POST', `/v1/patients/${patient.participantId}/admission`),
      [200, 403, 409],
      're-admission',
    );
    expectRefused(
      await as(colleague, 'POST', records, condition(patient.participantId)),
      403,
      'the next record after re-admission',
    );
    const after = await as(patient, 'GET', relationship);
    expect((after.json as { status: string }).status, 'the relationship stays rejected').to.equal('rejected');
    expect(await recordsOf(patient)).to.have.length(1);
  });

  it('delegation: a registrar-proposed delegate cannot act until the patient accepts; the patient is notified', async function () {
    // Before: a registrar's AddDelegate took effect at once (the puppet controlled consents and read records) and the
    // patient was not told.
    const { patient, recordId } = await patientWithRecord();
    const [registrar, puppet] = await Promise.all([
      registerPerson('hospital1', 'registrar'),
      registerPerson('hospital1', 'patient'),
    ]);
    expect(await proposeDelegate(registrar, patient.participantId, puppet)).to.equal('proposed');
    const p = patient.participantId;
    const attempts: [string, string, unknown][] = [
      ['GET', `/v1/patients/${p}/consents`, undefined],
      ['POST', `/v1/patients/${p}/consents`, consentBody({ kind: 'organisation', mspId: MSP.hospital2 })],
      ['GET', `/v1/patients/${p}/summary`, undefined],
      ['GET', `/v1/records/${recordId}?purpose=TREAT`, undefined],
      ['POST', `/v1/patients/${p}/delegates/${puppet.participantId}/accept`, undefined],
    ];
    for (const [method, url, body] of attempts) {
      expectRefused(await as(puppet, method, url, body), 403, `${method} ${url} as a proposed delegate`);
    }
    const summary = await as(patient, 'GET', `/v1/patients/${p}/summary`);
    expectStatus(summary, 200, 'the patient reads their summary');
    const notifications = (summary.json as { notifications: { kind: string; subjectId: string }[] }).notifications;
    expect(
      notifications.some((n) => n.kind === 'delegate' && n.subjectId === puppet.participantId),
      `the patient is notified of the proposal: ${JSON.stringify(notifications)}`,
    ).to.be.true;
    const accepted = await as(patient, 'POST', `/v1/patients/${p}/delegates/${puppet.participantId}/accept`);
    expectStatus(accepted, 200, 'the patient accepts');
    expectStatus(await as(puppet, 'GET', `/v1/patients/${p}/consents`), 200, 'the accepted delegate acts');
    expectStatus(await as(patient, 'DELETE', `/v1/patients/${p}/delegates/${puppet.participantId}`), 200, 'removed');
    expectRefused(await as(puppet, 'GET', `/v1/patients/${p}/consents`), 403, 'a removed delegate');
  });

  it('content before authority: a patient or researcher POSTing a record gets 403 and nothing is stored', async function () {
    // Before: the content was stored at the custodian before the ledger refused (orphans), a clinician's later retry
    // registered it as theirs, and FHIR validation (422) ran before authorisation.
    const [patient, researcher, clinician] = await Promise.all([
      registerPerson('hospital1', 'patient'),
      registerPerson('hospital1', 'researcher'),
      registerPerson('hospital1', 'clinician'),
    ]);
    const url = `/v1/patients/${patient.participantId}/records`;
    const resource = condition(patient.participantId);
    for (const caller of [patient, researcher]) {
      expectRefused(
        await as(caller, 'POST', url, resource),
        403,
        `POST a record as a ${caller.participantId.slice(0, 2)}`,
      );
      expectRefused(
        await as(caller, 'POST', url, { resourceType: 'Condition' }),
        403,
        'an invalid body from an unauthorised caller is 403, not 422',
      );
    }
    expect(await recordsOf(patient), 'nothing on the ledger').to.deep.equal([]);
    const stored = await as(clinician, 'POST', url, resource);
    expectStatus(stored, 201, "the clinician's retry");
    const records = await recordsOf(patient);
    expect(records, 'exactly the clinician’s record, no orphan').to.have.length(1);
    expect(records[0]?.registeredBy).to.equal(clinician.participantId);
  });

  it('PHI ids: client-chosen participant ids and e-mail or MRN consent and incident ids are refused', async function () {
    // Before: participant, consent and incident ids were the client's choice and accepted e-mail addresses and MRNs.
    const { patient, recordId } = await patientWithRecord();
    const doctor = await registerPerson('hospital2', 'clinician');
    for (const participantId of ['jane.doe@example.org', 'MRN-000123']) {
      const res = await rawRequest({
        org: 'hospital1',
        method: 'POST',
        path: '/v1/participants',
        token: adminToken('hospital1'),
        body: { role: 'patient', participantId },
      });
      expectRefused(res, 400, `POST /v1/participants {participantId: ${participantId}}`);
    }
    for (const consentId of ['jane.doe@example.org', 'MRN-000123']) {
      const res = await as(patient, 'POST', `/v1/patients/${patient.participantId}/consents`, {
        ...consentBody({ kind: 'organisation', mspId: MSP.hospital2 }),
        consentId,
      });
      expectRefused(res, 400, `POST consent {consentId: ${consentId}}`);
    }
    const glass = await as(doctor, 'POST', `/v1/records/${recordId}/break-glass`, {
      reason: 'patient-unconscious',
      durationMinutes: 5,
      incidentRef: 'jane.doe@example.org',
    });
    expectRefused(glass, 400, 'break-glass with an e-mail incidentRef');
    expect(patient.participantId).to.match(/^pt-[0-9a-f]{32}$/);
  });

  it('gatekeeper: HTTPS only, and an unauthenticated caller learns nothing about a ticket', async function () {
    // Before: plain HTTP; a caller without a proof learned a ticket's state (expired with its time, deny with its
    // reason, record mismatch) before the proof was checked.
    const { author, recordId } = await patientWithRecord();
    const read = await readRecord('hospital1', author, recordId);
    expectStatus(read, 200, 'the author reads');
    const address = await gatekeeperAddress('hospital1');
    const plain = await plainHttpGet(address);
    expect(typeof plain === 'string' || plain >= 400, `plain HTTP to the gatekeeper answered ${String(plain)}`).to.be
      .true;
    const randomTicket = crypto.randomBytes(32).toString('hex');
    const answers = await Promise.all(
      [ticketIdOf(read), randomTicket].map((ticketId) =>
        gatekeeperPost(address, { ticketId, recordId, purpose: 'TREAT', proof: {} }),
      ),
    );
    const [real, random] = answers;
    expect(real?.status, real?.text).to.equal(401);
    expect(real?.text, 'the same answer for a real and a random ticket').to.equal(random?.text);
    expect(random?.status).to.equal(401);
    expect(real?.headers['cache-control']).to.contain('no-store');
  });

  it('no-store on every PHI response, refusals included', async function () {
    // Before: PHI responses carried no Cache-Control.
    const { patient, author, recordId } = await patientWithRecord();
    const p = patient.participantId;
    const answers = [
      await readRecord('hospital1', author, recordId),
      await as(patient, 'GET', `/v1/patients/${p}/records`),
      await as(patient, 'GET', `/v1/patients/${p}/consents`),
      await as(patient, 'GET', `/v1/audit/events?patientId=${p}`),
      await as(patient, 'GET', `/v1/patients/${p}/summary`),
      await as(author, 'GET', `/v1/patients/${p}/summary`),
    ];
    for (const res of answers) {
      expect(res.headers['cache-control'], `${res.status} ${res.text.slice(0, 80)}`).to.contain('no-store');
    }
  });

  it('FHIR input: prototype keys, impossible dates, unsafe narrative and path-like ids are 422 and nothing is stored', async function () {
    // Before: all of these were stored as sent.
    const [patient, clinician] = await Promise.all([
      registerPerson('hospital1', 'patient'),
      registerPerson('hospital1', 'clinician'),
    ]);
    const valid = JSON.stringify(condition(patient.participantId));
    const bodies: Record<string, string> = {
      __proto__: `${valid.slice(0, -1)},"__proto__":{"polluted":true}}`,
      constructor: `${valid.slice(0, -1)},"constructor":{"prototype":{"polluted":true}}}`,
      'impossible date': JSON.stringify({ ...condition(patient.participantId), onsetDateTime: '2021-02-30' }),
      '<script> narrative': JSON.stringify({
        ...condition(patient.participantId),
        text: {
          status: 'generated',
          div: '<div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script>Hypertension</div>',
        },
      }),
      'path-like id': JSON.stringify({ ...condition(patient.participantId), id: '../../x' }),
    };
    for (const [what, rawBody] of Object.entries(bodies)) {
      const res = await rawRequest({
        org: 'hospital1',
        method: 'POST',
        path: `/v1/patients/${patient.participantId}/records`,
        token: clinician.token,
        rawBody,
      });
      expectRefused(res, 422, `a Condition with ${what}`);
    }
    expect(await recordsOf(patient)).to.deep.equal([]);
  });

  it('heartbeat: a non-admin identity is refused by the chaincode', async function () {
    // Before: Health:Heartbeat let any channel member write unbounded state with no audit event.
    const admin = await enrol('hospital1', 'admin');
    let clinician: Actor | undefined;
    let stranger: Actor | undefined;
    try {
      clinician = await registerParticipant(admin, 'clinician');
      stranger = await enrol('hospital2', 'researcher');
      for (const actor of [clinician, stranger]) {
        const err = await failureOf(() => submit(actor.connection, 'Health:Heartbeat', freshId('probe')));
        expect(chaincodeFailureOf(err).code, `Health:Heartbeat as a ${actor.role}`).to.equal('MEDREC_FORBIDDEN');
      }
    } finally {
      closeAll([admin, clinician, stranger]);
    }
  });

  it('status codes: GET /v1/patients/{unknown}/records is 404 for the roles that list records', async function () {
    // Before: 500 (the empty page of an unknown patient was not handled).
    const callers = await Promise.all([
      registerPerson('hospital1', 'clinician'),
      registerPerson('hospital1', 'compliance'),
      registerPerson('hospital1', 'patient'),
    ]);
    const unknownPatient = freshId('pt');
    const answers = await Promise.all(callers.map((c) => as(c, 'GET', `/v1/patients/${unknownPatient}/records`)));
    const wrong = answers.flatMap((res, i) =>
      res.status === 404 && refusalProblem(res) === undefined
        ? []
        : [
            `as ${callers[i]?.participantId.slice(0, 2) ?? '?'}: expected 404, got ${res.status} ${res.text.slice(0, 200)}`,
          ],
    );
    expect(wrong, 'GET /v1/patients/{unknown}/records').to.deep.equal([]);
  });

  it("status codes: GET /v1/patients/{id}/records with nothing at the caller's organisation is 403 or 200 empty", async function () {
    // Before: 500.
    const { patient } = await patientWithRecord();
    const doctor2 = await registerPerson('hospital2', 'clinician');
    const elsewhere = await as(doctor2, 'GET', `/v1/patients/${patient.participantId}/records`);
    expect(elsewhere.status, elsewhere.text).to.be.oneOf([200, 403]);
    if (elsewhere.status === 200) expect((elsewhere.json as { items: unknown[] }).items).to.deep.equal([]);
    else expect(refusalProblem(elsewhere)).to.equal(undefined);
  });

  it("status codes: someone else's ticket is a 403, never a 502", async function () {
    // Before: 502 CUSTODIAN_UNAVAILABLE "retry later" when a patient or a compliance officer presented it.
    const { patient, author, recordId } = await patientWithRecord();
    const [colleague, officer1] = await Promise.all([
      registerPerson('hospital1', 'clinician'),
      registerPerson('hospital1', 'compliance'),
    ]);
    const read = await readRecord('hospital1', author, recordId);
    expectStatus(read, 200, 'the author reads');
    const ticketId = ticketIdOf(read);
    for (const caller of [patient, officer1, colleague]) {
      const res = await readRecord('hospital1', caller, recordId, 'TREAT', ticketId);
      expectRefused(res, 403, `GET /v1/records/{id}?ticketId=<someone else's ticket> as ${caller.participantId}`);
    }
  });

  it('failed logins from an address never block a valid token from it', async function () {
    // Before: 29 failed logins from one address locked out every valid token from that address.
    const person = await registerPerson('hospital1', 'clinician');
    const localAddress = freshLoopbackAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) {
      const res = await rawRequest({
        org: 'hospital1',
        method: 'GET',
        path: '/v1/me',
        token: `mrk_${crypto.randomBytes(32).toString('base64url')}`,
        localAddress,
      });
      statuses.push(res.status);
    }
    expect(statuses.every((s) => s === 401 || s === 429)).to.be.true;
    const valid = await rawRequest({
      org: 'hospital1',
      method: 'GET',
      path: '/v1/me',
      token: person.token,
      localAddress,
    });
    expectStatus(valid, 200, 'a valid token from the same address');
  });
});
