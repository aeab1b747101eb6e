import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { PeerOrgKey } from '../../network/src/topology';
import {
  mspIdOf,
  chaincodeFailureOf,
  closeAll,
  enrol,
  ensureOrganisation,
  evaluate,
  failureOf,
  isGatewayError,
  medrec,
  payloadInError,
  reconnect,
  registerParticipant,
  submit,
  type Actor,
  type Connection,
  type Submitted,
} from './support/medrec-client';
import { consortium, eventually, freshId } from './support/shared-network';
import { TRANSACTIONS } from '../../contract/src/transactions';

interface Ticket {
  ticketId: string;
  kind: 'access' | 'break-glass';
  decision: 'permit' | 'deny';
  reason: string;
  consentId?: string;
  recordId: string;
  patientId: string;
  custodianMsp: string;
  purpose: string;
  contentHash?: string;
  locator?: string;
  requester: { participantId: string; mspId: string; role: string };
  issuedAt: string;
  txId: string;
  breakGlass?: { reason: string; reviewStatus: string; reviewedBy?: string };
}

interface AuditEvent {
  eventId: string;
  txId: string;
  time: string;
  type: string;
  actor: { participantId: string; mspId: string; role: string };
  patientId?: string;
  subject: { kind: string; id: string };
  outcome?: 'permit' | 'deny';
  reason?: string;
}

interface Page<T> {
  items: T[];
  bookmark: string;
}

interface Metadata {
  contracts: Record<
    string,
    {
      name: string;
      transactions: {
        name: string;
        tag?: string[];
        returns?: { type?: string };
        parameters?: { name: string; schema?: { type?: string } }[];
      }[];
    }
  >;
}

const utf8 = new TextDecoder();
const PAGE_SIZE = 3;

/** Every transaction of the six MedRec contracts with its parameter names, as chaincode/README.md lists them. */
/**
 * What the peer must list: the contract's catalogue (contract/src/transactions.ts), each transaction with its
 * argument names in order and tagged for submit or evaluate as the catalogue says.
 */
function catalogueByContract(): Map<string, Map<string, { params: string[]; submit: boolean }>> {
  const contracts = new Map<string, Map<string, { params: string[]; submit: boolean }>>();
  for (const [name, spec] of Object.entries(TRANSACTIONS)) {
    const [contract = '', transaction = ''] = name.split(':');
    const entry = contracts.get(contract) ?? new Map<string, { params: string[]; submit: boolean }>();
    entry.set(transaction, { params: spec.params.map((p) => p.name), submit: spec.submit });
    contracts.set(contract, entry);
  }
  return contracts;
}

/** Reads a patient's whole audit trail page by page, following bookmarks until the empty one. */
async function auditTrail(
  reader: Connection,
  patientId: string,
): Promise<{ events: AuditEvent[]; pages: Page<AuditEvent>[] }> {
  const pages: Page<AuditEvent>[] = [];
  let bookmark = '';
  do {
    const page = await evaluate<Page<AuditEvent>>(
      reader,
      'Audit:QueryByPatient',
      JSON.stringify({ patientId, pageSize: PAGE_SIZE, bookmark }),
    );
    pages.push(page);
    bookmark = page.bookmark;
    if (pages.length > 100) throw new Error('audit trail does not end');
  } while (bookmark !== '');
  return { events: pages.flatMap((p) => p.items), pages };
}

/** Heights of two peers once they agree (same height and block hash). */
async function agreedHeight(a: PeerOrgKey, b: PeerOrgKey): Promise<string> {
  const infos = await eventually(
    `${a} and ${b} peers at the same height`,
    async () => Promise.all([consortium().chainInfo(a), consortium().chainInfo(b)]),
    ([x, y]) => x.height === y.height && x.currentBlockHash === y.currentBlockHash,
  );
  return `${String(infos[0].height)}/${infos[0].currentBlockHash}`;
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

describe('MedRec chaincode flow (real Fabric network)', function () {
  const actors: (Actor | undefined)[] = [];
  let organisations: Awaited<ReturnType<typeof ensureOrganisation>>[];
  let registrar1: Actor;
  let patient: Actor & { registration: Submitted<Record<string, unknown>> };
  let clinician1: Actor;
  let clinician2: Actor;
  let compliance: Actor;

  before(async function () {
    // Each hospital bootstraps itself: an unregistered admin registers the organisation and a registrar.
    const registrars: Actor[] = [];
    organisations = [];
    for (const org of ['hospital1', 'hospital2'] as const) {
      const admin = await enrol(org, 'admin');
      actors.push(admin);
      organisations.push(await ensureOrganisation(admin));
      const registrar = await registerParticipant(admin, 'registrar');
      actors.push(registrar);
      registrars.push(registrar);
    }
    registrar1 = registrars[0]!;
    const registrar2 = registrars[1]!;
    // Pushed one by one so that after() closes every connection even when bootstrapping fails midway.
    actors.push((patient = await registerParticipant(registrar1, 'patient')));
    actors.push((clinician1 = await registerParticipant(registrar1, 'clinician')));
    actors.push((compliance = await registerParticipant(registrar1, 'compliance')));
    actors.push((clinician2 = await registerParticipant(registrar2, 'clinician')));
  });

  after(function () {
    closeAll(actors);
  });

  it('registers each organisation idempotently and its participants as active, with their certificates', async function () {
    for (const [i, org] of (['hospital1', 'hospital2'] as const).entries()) {
      const { organisation, repeat } = organisations[i]!;
      expect(organisation.mspId).to.equal(mspIdOf(org));
      // Repeating the registration with the stored body returns the stored object and writes nothing.
      expect(repeat).to.deep.equal(organisation);
    }
    for (const actor of [patient, clinician1, compliance, clinician2]) {
      const me = await evaluate<{ mspId: string; participantId: string; registered: boolean; active: boolean }>(
        actor.connection,
        'Registrar:WhoAmI',
      );
      expect(me).to.include({
        mspId: mspIdOf(actor.org),
        participantId: actor.participantId,
        role: actor.role,
        registered: true,
        active: true,
      });
    }
  });

  it('record → consent → permit → revoke → deny → break-glass → review, each step in the audit trail with its transaction id', async function () {
    const recordId = freshId('rec');
    const consentId = freshId('consent');
    const now = Date.now();

    // A record held at hospital1, registered by a hospital1 clinician.
    const record = await submit<{ recordId: string; custodianMsp: string; registeredAt: string; txId: string }>(
      clinician1.connection,
      'Records:RegisterRecord',
      JSON.stringify({
        recordId,
        patientId: patient.participantId,
        category: 'laboratory',
        contentHash: sha256(`content of ${recordId}`),
        locator: `h1-ehr:${recordId}`,
      }),
    );
    expect(record.result).to.include({ recordId, custodianMsp: 'Hospital1MSP', txId: record.txId });

    // The patient grants TREAT on their hospital1 records to the hospital2 clinician.
    const consentBody = {
      consentId,
      patientId: patient.participantId,
      grantee: { kind: 'participant', participantId: clinician2.participantId },
      scope: { custodians: ['Hospital1MSP'] },
      purposes: ['TREAT'],
      period: {
        notBefore: new Date(now - 3_600_000).toISOString(),
        notAfter: new Date(now + 86_400_000).toISOString(),
      },
    };
    const grant = await submit<{ status: string; grantedAt: string; txId: string }>(
      patient.connection,
      'Consent:GrantConsent',
      JSON.stringify(consentBody),
    );
    expect(grant.result).to.include({ consentId, status: 'active', txId: grant.txId });

    const access = JSON.stringify({ recordId, purpose: 'TREAT' });
    const permit = await submit<Ticket>(clinician2.connection, 'Access:RequestAccess', access);
    expect(permit.result).to.include({
      ticketId: permit.txId,
      txId: permit.txId,
      kind: 'access',
      decision: 'permit',
      reason: 'consent',
      consentId,
      recordId,
      patientId: patient.participantId,
      custodianMsp: 'Hospital1MSP',
    });
    expect(permit.result.requester).to.include({ participantId: clinician2.participantId, mspId: 'Hospital2MSP' });
    expect(permit.result.contentHash).to.equal(sha256(`content of ${recordId}`));

    const revoke = await submit<{ status: string; revokedAt: string; revokedBy: string }>(
      patient.connection,
      'Consent:RevokeConsent',
      consentId,
    );
    expect(revoke.result).to.include({ consentId, status: 'revoked', revokedBy: patient.participantId });

    // The same request is now denied, and the deny is a ticket on the ledger (no content hash, no locator).
    const deny = await submit<Ticket>(clinician2.connection, 'Access:RequestAccess', access);
    expect(deny.result).to.include({
      ticketId: deny.txId,
      decision: 'deny',
      reason: 'no-covering-consent',
      recordId,
    });
    expect(deny.result).to.not.have.any.keys('contentHash', 'locator', 'consentId');
    const storedDeny = await evaluate<Ticket>(clinician2.connection, 'Access:GetTicket', deny.txId);
    expect(storedDeny).to.deep.equal(deny.result);

    const breakGlass = await submit<Ticket>(
      clinician2.connection,
      'Access:BreakGlass',
      JSON.stringify({ recordId, reason: 'patient-unconscious', durationMinutes: 30 }),
    );
    expect(breakGlass.result).to.include({
      ticketId: breakGlass.txId,
      kind: 'break-glass',
      decision: 'permit',
      purpose: 'ETREAT',
    });
    expect(breakGlass.result.breakGlass).to.include({ reason: 'patient-unconscious', reviewStatus: 'pending' });

    const review = await submit<Ticket>(
      compliance.connection,
      'Access:ReviewBreakGlass',
      JSON.stringify({ ticketId: breakGlass.txId, outcome: 'justified' }),
    );
    expect(review.result).to.include({ ticketId: breakGlass.txId, txId: breakGlass.txId });
    expect(review.result.breakGlass).to.include({
      reviewStatus: 'justified',
      reviewedBy: compliance.participantId,
    });

    // The patient's own trail, read page by page, lists every step, in order, under the gateway's tx ids.
    const { events, pages } = await auditTrail(patient.connection, patient.participantId);
    expect(pages.length, 'the trail needs several pages at this page size').to.be.above(1);
    for (const page of pages) expect(page.items.length).to.be.at.most(PAGE_SIZE);
    const step = (
      submitted: Submitted<unknown>,
      type: string,
      actor: Actor,
      subject: AuditEvent['subject'],
      extra: Partial<AuditEvent> = {},
    ): AuditEvent => ({
      eventId: submitted.txId,
      txId: submitted.txId,
      type,
      actor: { participantId: actor.participantId, mspId: mspIdOf(actor.org), role: actor.role },
      patientId: patient.participantId,
      subject,
      ...extra,
      time: '(checked below)',
    });
    const ticket = (s: Submitted<unknown>): AuditEvent['subject'] => ({ kind: 'ticket', id: s.txId });
    const expected = [
      step(patient.registration, 'ParticipantRegistered', registrar1, {
        kind: 'participant',
        id: patient.participantId,
      }),
      step(record, 'RecordRegistered', clinician1, { kind: 'record', id: recordId }),
      step(grant, 'ConsentGranted', patient, { kind: 'consent', id: consentId }),
      step(permit, 'AccessDecided', clinician2, ticket(permit), { outcome: 'permit', reason: 'consent' }),
      step(revoke, 'ConsentRevoked', patient, { kind: 'consent', id: consentId }),
      step(deny, 'AccessDecided', clinician2, ticket(deny), { outcome: 'deny', reason: 'no-covering-consent' }),
      step(breakGlass, 'BreakGlassGranted', clinician2, ticket(breakGlass), {
        outcome: 'permit',
        reason: 'patient-unconscious',
      }),
      step(review, 'BreakGlassReviewed', compliance, ticket(breakGlass), { reason: 'justified' }),
    ];
    expect(events.map((e) => ({ ...e, time: '(checked below)' }))).to.deep.equal(expected);

    // Each event's time is its transaction's time, as the objects written by that transaction record it.
    const times = [
      patient.registration.result.registeredAt,
      record.result.registeredAt,
      grant.result.grantedAt,
      permit.result.issuedAt,
      revoke.result.revokedAt,
      deny.result.issuedAt,
      breakGlass.result.issuedAt,
      (review.result.breakGlass as { reviewedAt?: string }).reviewedAt,
    ];
    expect(events.map((e) => e.time)).to.deep.equal(times);
    expect([...events.map((e) => e.time)].sort()).to.deep.equal(events.map((e) => e.time));
  });

  it('answers the same query byte-identically through hospital1 and hospital2 peers at the same height', async function () {
    const viaHospital2 = reconnect(patient.connection.identity, 'hospital2');
    try {
      const query = JSON.stringify({ patientId: patient.participantId, pageSize: 50 });
      const queries: [string, ...string[]][] = [
        ['Audit:QueryByPatient', query],
        ['Registrar:GetParticipant', patient.participantId],
        ['Registrar:ListOrganisations', JSON.stringify({ pageSize: 10 })],
      ];
      const answers = await eventually(
        'both peers answer at one unchanged height',
        async () => {
          const before = await agreedHeight('hospital1', 'hospital2');
          const raw = await Promise.all(
            queries.map(async ([tx, ...args]) =>
              Promise.all([
                medrec(patient.connection).evaluateTransaction(tx, ...args),
                medrec(viaHospital2).evaluateTransaction(tx, ...args),
              ]),
            ),
          );
          const after = await agreedHeight('hospital1', 'hospital2');
          return { raw, stable: before === after };
        },
        (a) => a.stable,
      );
      for (const [i, [h1, h2]] of answers.raw.entries()) {
        const tx = queries[i]![0];
        expect(h1.length, tx).to.be.above(0);
        expect(Buffer.from(h1).equals(Buffer.from(h2)), `${tx} differs between peers`).to.be.true;
      }
      const trail = JSON.parse(utf8.decode(answers.raw[0]![0])) as Page<AuditEvent>;
      expect(trail.items.map((e) => e.type)).to.include('ParticipantRegistered');
    } finally {
      viaHospital2.close();
    }
  });

  it('rejects a forbidden call with a structured MEDREC_FORBIDDEN error and writes nothing', async function () {
    const consentId = freshId('consent');
    const now = Date.now();
    const body = JSON.stringify({
      consentId,
      patientId: patient.participantId,
      grantee: { kind: 'participant', participantId: clinician2.participantId },
      scope: { custodians: ['Hospital1MSP'] },
      purposes: ['TREAT'],
      period: { notBefore: new Date(now).toISOString(), notAfter: new Date(now + 86_400_000).toISOString() },
    });
    // A clinician may not grant a patient's consent (permission matrix: GrantConsent is the patient's own).
    const err = await failureOf(() => submit(clinician2.connection, 'Consent:GrantConsent', body));
    const failure = chaincodeFailureOf(err);
    expect(failure.code).to.equal('MEDREC_FORBIDDEN');
    expect(failure.message).to.be.a('string').and.not.equal('');
    expect(failure.transactionId).to.match(/^[0-9a-f]{64}$/);

    // Nothing was written: no consent under that id, and no audit event for that transaction.
    const missing = await failureOf(() => evaluate(patient.connection, 'Consent:GetConsent', consentId));
    expect(isGatewayError(missing) ? payloadInError(missing)?.code : String(missing)).to.equal('MEDREC_NOT_FOUND');
    const { events } = await auditTrail(patient.connection, patient.participantId);
    expect(events.map((e) => e.txId)).to.not.include(failure.transactionId);
  });

  it('serves org.hyperledger.fabric:GetMetadata from the peer, listing every contract and transaction', async function () {
    // fabric-contract-api needs class-transformer 0.4.0 to build metadata; package.json pins it by override.
    const contractApiDir = path.dirname(require.resolve('fabric-contract-api/package.json'));
    const transformerPackage = require.resolve('class-transformer/package.json', { paths: [contractApiDir] });
    const transformer = JSON.parse(fs.readFileSync(transformerPackage, 'utf8')) as { version: string };
    expect(transformer.version).to.equal('0.4.0');

    const metadata = await evaluate<Metadata>(clinician1.connection, 'org.hyperledger.fabric:GetMetadata');
    for (const [contract, transactions] of catalogueByContract()) {
      const described = metadata.contracts[contract];
      expect(described, `contract ${contract}`).to.not.equal(undefined);
      const listed = Object.fromEntries(
        described!.transactions.map((t) => [t.name, (t.parameters ?? []).map((p) => p.name)]),
      );
      expect(listed, `transactions of ${contract}`).to.deep.equal(
        Object.fromEntries([...transactions].map(([name, spec]) => [name, spec.params])),
      );
      for (const t of described!.transactions) {
        const name = `${contract}:${t.name}`;
        // Arguments and results are strings (JSON texts); queries are tagged for evaluation, the rest for submit.
        expect(t.returns?.type, name).to.equal('string');
        expect(t.parameters?.map((p) => p.schema?.type) ?? [], name).to.satisfy((types: unknown[]) =>
          types.every((type) => type === 'string'),
        );
        expect(t.tag, name).to.include(transactions.get(t.name)?.submit === false ? 'EVALUATE' : 'SUBMIT');
      }
    }
  });
});
