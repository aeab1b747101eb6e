/**
 * The attack matrix (docs/attack-matrix.md) on the running network: every REST operation, tried by no token, a revoked
 * token, another organisation's token and every role, on a subject that is not the caller's own. The table is the
 * expectation; this suite only knows how to make each row's request. A row without a request, a request without a row,
 * or an operation of the OpenAPI document without a row fails the suite.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'chai';
import { DEFAULT_TREND_SETTINGS } from '../../contract/src/trends';
import { openApiDocument } from '../../api/src/openapi/document';
import { operationsOf } from '../../api/src/openapi/openapi-types';
import type { PeerOrgKey } from '../../network/src/topology';
import {
  MSP,
  STAFF_ROLES,
  addRecord,
  breakGlass,
  consentBody,
  expectStatus,
  grantConsent,
  proposeDelegate,
  readRecord,
  registerPerson,
  revokedToken,
  staffOf,
  ticketIdOf,
  type ActorRole,
  type Person,
} from './support/attack-fixtures';
import { freshLoopbackAddress, rawRequest, refusalProblem } from './support/raw-http';
import { condition } from './support/rest-api';
import { consortium } from './support/shared-network';
import { mspIdOf } from './support/medrec-client';

const COLUMNS = ['none', 'revoked', 'foreign', ...STAFF_ROLES] as const;
type Column = (typeof COLUMNS)[number];

interface MatrixRow {
  readonly name: string;
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly expected: Readonly<Record<Column, number>>;
}

/** The table of docs/attack-matrix.md. */
function documentedRows(): MatrixRow[] {
  const text = readFileSync(resolve(__dirname, '../../../docs/attack-matrix.md'), 'utf8');
  const rows: MatrixRow[] = [];
  let header: string[] | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (cells[0] === 'operation') {
      header = cells;
      continue;
    }
    if (header === undefined || /^-+$/.test(cells[0] ?? '')) continue;
    const [name = '', method = '', path = ''] = cells;
    const expected = Object.fromEntries(
      COLUMNS.map((column) => {
        const cell = cells[header?.indexOf(column) ?? -1] ?? '';
        if (!/^[1-5]\d\d$/.test(cell)) throw new Error(`attack-matrix.md, row ${name}: cell ${column} is "${cell}"`);
        return [column, Number(cell)];
      }),
    ) as Record<Column, number>;
    rows.push({ name, operationId: name.split(' · ')[0] ?? name, method, path, expected });
  }
  if (header === undefined) throw new Error('attack-matrix.md has no table with an "operation" column');
  expect(header.slice(4), 'the columns of the table').to.deep.equal([...COLUMNS]);
  return rows;
}

/** What one cell of a row sends: the caller's column, the API it talks to, and whether it is expected to succeed. */
interface Cell {
  readonly column: Column;
  readonly role: ActorRole | undefined;
  readonly org: PeerOrgKey;
  readonly caller: Person | undefined;
  readonly succeeds: boolean;
}

interface Built {
  readonly path: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly contentType?: string;
  /** Another caller than the column's default (e.g. the proposed delegate as the patient). */
  readonly token?: string;
}

interface RowBuilder {
  /** The API the callers use: hospital1's, or hospital2's on the `hospital2 staff` rows. */
  readonly org: PeerOrgKey;
  readonly build: (cell: Cell) => Promise<Built> | Built;
}

interface World {
  staff: Record<'hospital1' | 'hospital2', Record<ActorRole, Person>>;
  revoked: Record<'hospital1' | 'hospital2', string>;
  patient: Person; // P
  author: Person; // A
  recordId: string; // R
  consentId: string; // K
  revocableConsentId: string;
  authorTicket: string; // TA
  breakGlassTicket: string; // B
  exportText: string; // E
  victimClinician: Person;
  victimToken: Person;
  spareDelegate: Person;
  proposedDelegate: Person;
  removableDelegate: Person;
}

let w: World;

const P = (): string => w.patient.participantId;

const h1 = (build: RowBuilder['build']): RowBuilder => ({ org: 'hospital1', build });
const h2 = (build: RowBuilder['build']): RowBuilder => ({ org: 'hospital2', build });

/** A fresh clinician of hospital1 for a cell that will really change it. */
const freshClinician = (): Promise<Person> => registerPerson('hospital1', 'clinician');

async function freshProposal(): Promise<Person> {
  const delegate = await registerPerson('hospital1', 'patient');
  await proposeDelegate(w.staff.hospital1.registrar, P(), delegate);
  return delegate;
}

const recordPath = (): string => `/v1/records/${w.recordId}?purpose=TREAT`;

const BUILDERS: Readonly<Record<string, RowBuilder>> = {
  getHealth: h1(() => ({ path: '/healthz' })),
  getOpenApiDocument: h1(() => ({ path: '/openapi.json' })),
  getMetrics: h1(() => ({ path: '/metrics' })),
  getMe: h1(() => ({ path: '/v1/me' })),
  registerParticipant: h1(() => ({ path: '/v1/participants', body: { role: 'clinician' } })),
  'registerParticipant · gatekeeper': h1(() => ({ path: '/v1/participants', body: { role: 'gatekeeper' } })),
  'registerParticipant · registrar': h1(() => ({ path: '/v1/participants', body: { role: 'registrar' } })),
  findParticipant: h1(() => ({ path: `/v1/participants?externalId=${encodeURIComponent(w.patient.externalId)}` })),
  'findParticipant · hospital2 staff': h2(() => ({
    path: `/v1/participants?externalId=${encodeURIComponent(w.patient.externalId)}`,
  })),
  getParticipant: h1(() => ({ path: `/v1/participants/${P()}` })),
  deactivateParticipant: h1(async (cell) => ({
    path: `/v1/participants/${(cell.succeeds ? await freshClinician() : w.victimClinician).participantId}`,
  })),
  'deactivateParticipant · hospital2 staff': h2(() => ({
    path: `/v1/participants/${w.victimClinician.participantId}`,
  })),
  listParticipantTokens: h1(() => ({ path: `/v1/participants/${P()}/tokens` })),
  'listParticipantTokens · hospital2 staff': h2(() => ({ path: `/v1/participants/${P()}/tokens` })),
  issueParticipantToken: h1(() => ({ path: `/v1/participants/${P()}/tokens` })),
  'issueParticipantToken · hospital2 staff': h2(() => ({ path: `/v1/participants/${P()}/tokens` })),
  revokeToken: h1(async (cell) => ({
    path: `/v1/tokens/${(cell.succeeds ? await freshClinician() : w.victimToken).tokenId}`,
  })),
  createRecord: h1(() => ({ path: `/v1/patients/${P()}/records`, body: condition(P()) })),
  'createRecord · hospital2 staff': h2(() => ({ path: `/v1/patients/${P()}/records`, body: condition(P()) })),
  // A version is amended once: a cell that succeeds amends a record of its own, the others try R.
  amendRecord: h1(async (cell) => ({
    path: `/v1/records/${cell.succeeds ? await addRecord('hospital1', w.author, P()) : w.recordId}/amendments`,
    body: condition(P()),
  })),
  'amendRecord · hospital2 staff': h2(() => ({ path: `/v1/records/${w.recordId}/amendments`, body: condition(P()) })),
  listRecords: h1(() => ({ path: `/v1/patients/${P()}/records` })),
  'listRecords · hospital2 staff': h2(() => ({ path: `/v1/patients/${P()}/records` })),
  admitPatient: h1(() => ({ path: `/v1/patients/${P()}/admission` })),
  getRelationship: h1(() => ({ path: `/v1/patients/${P()}/relationships/${MSP.hospital1}` })),
  'getRelationship · hospital2 staff': h2(() => ({ path: `/v1/patients/${P()}/relationships/${MSP.hospital1}` })),
  acceptRelationship: h1(() => ({ path: `/v1/patients/${P()}/relationships/${MSP.hospital1}/accept` })),
  rejectRelationship: h1(() => ({ path: `/v1/patients/${P()}/relationships/${MSP.hospital1}/reject` })),
  listDelegates: h1(() => ({ path: `/v1/patients/${P()}/delegates` })),
  'listDelegates · hospital2 staff': h2(() => ({ path: `/v1/patients/${P()}/delegates` })),
  addDelegate: h1(async (cell) => ({
    path: `/v1/patients/${P()}/delegates`,
    body: {
      delegateId: (cell.succeeds ? await registerPerson('hospital1', 'patient') : w.spareDelegate).participantId,
    },
  })),
  'addDelegate · hospital2 staff': h2(() => ({
    path: `/v1/patients/${P()}/delegates`,
    body: { delegateId: w.spareDelegate.participantId },
  })),
  acceptDelegate: h1((cell) => ({
    path: `/v1/patients/${P()}/delegates/${w.proposedDelegate.participantId}/accept`,
    ...(cell.column === 'patient' ? { token: w.proposedDelegate.token } : {}),
  })),
  removeDelegate: h1(async (cell) => ({
    path: `/v1/patients/${P()}/delegates/${(cell.succeeds ? await freshProposal() : w.removableDelegate).participantId}`,
  })),
  'removeDelegate · hospital2 staff': h2(() => ({
    path: `/v1/patients/${P()}/delegates/${w.removableDelegate.participantId}`,
  })),
  getRecordContent: h1(() => ({ path: recordPath() })),
  'getRecordContent · hospital2 staff': h2(() => ({ path: recordPath() })),
  "getRecordContent · someone else's ticket": h1(() => ({ path: `${recordPath()}&ticketId=${w.authorTicket}` })),
  breakGlass: h1(() => ({
    path: `/v1/records/${w.recordId}/break-glass`,
    body: { reason: 'patient-unconscious', durationMinutes: 5 },
  })),
  'breakGlass · hospital2 staff': h2(() => ({
    path: `/v1/records/${w.recordId}/break-glass`,
    body: { reason: 'patient-unconscious', durationMinutes: 5 },
  })),
  listBreakGlass: h1(() => ({ path: '/v1/break-glass?reviewStatus=pending' })),
  reviewBreakGlass: h1(async (cell) => ({
    path: `/v1/break-glass/${cell.succeeds ? await breakGlass(w.staff.hospital2.clinician, w.recordId) : w.breakGlassTicket}/review`,
    body: { outcome: 'justified' },
  })),
  'reviewBreakGlass · hospital2 staff': h2(() => ({
    path: `/v1/break-glass/${w.breakGlassTicket}/review`,
    body: { outcome: 'justified' },
  })),
  getTicket: h1(() => ({ path: `/v1/tickets/${w.authorTicket}` })),
  'getTicket · hospital2 staff': h2(() => ({ path: `/v1/tickets/${w.authorTicket}` })),
  grantConsent: h1((cell) => ({
    path: `/v1/patients/${P()}/consents`,
    body: consentBody({ kind: 'role', role: 'clinician', mspId: mspIdOf(cell.caller?.org ?? 'hospital1') }),
  })),
  listConsents: h1(() => ({ path: `/v1/patients/${P()}/consents` })),
  'listConsents · hospital2 staff': h2(() => ({ path: `/v1/patients/${P()}/consents` })),
  getConsent: h1(() => ({ path: `/v1/consents/${w.consentId}` })),
  'getConsent · hospital2 staff': h2(() => ({ path: `/v1/consents/${w.consentId}` })),
  revokeConsent: h1(() => ({ path: `/v1/consents/${w.revocableConsentId}` })),
  getPatientSummary: h1(() => ({ path: `/v1/patients/${P()}/summary` })),
  streamNotifications: h1(() => ({ path: `/v1/patients/${P()}/notifications` })),
  listAuditEvents: h1(() => ({ path: `/v1/audit/events?patientId=${P()}` })),
  'listAuditEvents · actor': h1(() => ({ path: `/v1/audit/events?actorId=${w.author.participantId}` })),
  'listAuditEvents · hospital2 staff': h2(() => ({ path: `/v1/audit/events?patientId=${P()}` })),
  exportAuditTrail: h1(() => ({ path: `/v1/audit/export?patientId=${P()}&format=json` })),
  'exportAuditTrail · hospital2 staff': h2(() => ({ path: `/v1/audit/export?patientId=${P()}&format=json` })),
  verifyAuditExport: h1(() => ({
    path: '/v1/audit/verify',
    rawBody: w.exportText,
    contentType: 'application/x-ndjson',
  })),
  'verifyAuditExport · hospital2 staff': h2(() => ({
    path: '/v1/audit/verify',
    rawBody: w.exportText,
    contentType: 'application/x-ndjson',
  })),
  getAccountingOfDisclosures: h1(() => ({ path: `/v1/patients/${P()}/accounting` })),
  'getAccountingOfDisclosures · hospital2 staff': h2(() => ({ path: `/v1/patients/${P()}/accounting` })),
  listOrganisations: h1(() => ({ path: '/v1/organisations' })),
  getOrganisation: h1(() => ({ path: `/v1/organisations/${MSP.hospital2}` })),
  registerOrganisation: h1(() => ({
    path: '/v1/organisations',
    body: {
      mspId: MSP.hospital2,
      displayName: 'Taken over',
      gatekeeperUrl: 'https://gatekeeper.attacker.example:8443',
      caRootCertsPem: [consortium().peerEndpoint('hospital2').tlsRootCertificate],
    },
  })),
  approveRetirement: h1(() => ({ path: '/v1/organisations/NobodyMSP/retirement' })),
  getNetworkView: h1(() => ({ path: '/v1/network' })),
  getRecordPointer: h1(() => ({ path: `/v1/records/${w.recordId}/pointer` })),
  'getRecordPointer · hospital2 staff': h2(() => ({ path: `/v1/records/${w.recordId}/pointer` })),
  requestAccess: h1(() => ({ path: `/v1/records/${w.recordId}/access-requests`, body: { purpose: 'TREAT' } })),
  getConsentHistory: h1(() => ({ path: `/v1/consents/${w.consentId}/history` })),
  'getConsentHistory · hospital2 staff': h2(() => ({ path: `/v1/consents/${w.consentId}/history` })),
  getAuditEvent: h1(() => ({ path: `/v1/audit/events/${w.authorTicket}` })),
  'getAuditEvent · hospital2 staff': h2(() => ({ path: `/v1/audit/events/${w.authorTicket}` })),
  listUnseenNotifications: h1(() => ({ path: `/v1/patients/${P()}/unseen-notifications` })),
  acknowledgeNotifications: h1(() => ({
    path: `/v1/patients/${P()}/unseen-notifications/acknowledge`,
    body: { notificationIds: ['n-1'] },
  })),
  getIncentiveSchedule: h1(() => ({ path: '/v1/incentive/schedule' })),
  listScheduleProposals: h1(() => ({ path: '/v1/incentive/proposals' })),
  proposeIncentiveSchedule: h1(() => ({
    path: '/v1/incentive/proposals',
    body: { initialReward: '7', halvingInterval: '7' },
  })),
  approveIncentiveSchedule: h1(() => ({ path: `/v1/incentive/proposals/${'0'.repeat(64)}/approval` })),
  getBalance: h1(() => ({ path: `/v1/incentive/balance?mspId=${MSP.hospital2}` })),
  transferCredits: h1(() => ({
    path: '/v1/incentive/transfers',
    body: {
      to: { kind: 'participant', participantId: w.staff.hospital1.researcher.participantId },
      amount: `1${'0'.repeat(37)}`,
    },
  })),
  listTransfers: h1(() => ({ path: `/v1/incentive/transfers?mspId=${MSP.hospital2}` })),
  submitTrendQuery: h1(() => ({
    path: '/v1/trends/queries',
    body: {
      statistic: { kind: 'count', concept: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11' } },
      window: { from: '2026-01-05', to: '2027-01-09', interval: 'week' },
      strata: ['ageBand', 'sex', 'custodian'],
      epsilonMilli: 100,
    },
  })),
  listTrendQueries: h1(() => ({ path: '/v1/trends/queries' })),
  getTrendQuery: h1(() => ({ path: `/v1/trends/queries/${'e'.repeat(64)}` })),
  getTrendResult: h1(() => ({ path: `/v1/trends/queries/${'e'.repeat(64)}/result` })),
  closeTrendQuery: h1(() => ({ path: `/v1/trends/queries/${'e'.repeat(64)}/close` })),
  getTrendAccount: h1(() => ({ path: '/v1/trends/account' })),
  getTrendSettings: h1(() => ({ path: '/v1/trends/settings' })),
  getTrendSettingsVote: h1(() => ({ path: '/v1/trends/settings/vote' })),
  // The settings in effect (no suite leaves others in effect): an admin's approval is a conflict, so nothing changes.
  approveTrendSettings: h1(() => ({ path: '/v1/trends/settings/vote', body: { ...DEFAULT_TREND_SETTINGS } })),
  getResearchChoice: h1(() => ({ path: `/v1/patients/${P()}/research-choice` })),
  setResearchChoice: h1(() => ({ path: `/v1/patients/${P()}/research-choice`, body: { optedOut: true } })),
};

const other = (org: 'hospital1' | 'hospital2'): 'hospital1' | 'hospital2' =>
  org === 'hospital1' ? 'hospital2' : 'hospital1';

function callerOf(column: Column, org: 'hospital1' | 'hospital2'): { token?: string; caller?: Person } {
  switch (column) {
    case 'none':
      return {};
    case 'revoked':
      return { token: w.revoked[org] };
    case 'foreign': {
      const caller = w.staff[other(org)].clinician;
      return { token: caller.token, caller };
    }
    default: {
      const caller = w.staff[org][column];
      return { token: caller.token, caller };
    }
  }
}

/** Runs one cell; returns a description of what is wrong with its answer, or undefined. */
async function runCell(row: MatrixRow, builder: RowBuilder, column: Column): Promise<string | undefined> {
  const org = builder.org === 'hospital2' ? 'hospital2' : 'hospital1';
  const expected = row.expected[column];
  const { token, caller } = callerOf(column, org);
  const role = (STAFF_ROLES as readonly string[]).includes(column) ? (column as ActorRole) : undefined;
  const built = await builder.build({ column, role, org, caller, succeeds: expected < 300 });
  const unauthenticated = role === undefined;
  const res = await rawRequest({
    org,
    method: row.method,
    path: built.path,
    token: built.token ?? token,
    body: built.body,
    ...(built.rawBody === undefined ? {} : { rawBody: built.rawBody }),
    ...(built.contentType === undefined ? {} : { contentType: built.contentType }),
    // Expected authentication failures from addresses of their own: the failed-login limiter counts per address.
    localAddress: unauthenticated ? freshLoopbackAddress() : undefined,
  });
  const request = `${row.method} ${built.path} as ${column}@${org}`;
  const problem = refusalProblem(res);
  if (res.status !== expected) {
    return `${request}: expected ${expected}, got ${res.status} ${res.text.slice(0, 300)}`;
  }
  return problem === undefined ? undefined : `${request}: ${problem}`;
}

async function buildWorld(): Promise<World> {
  const [
    staff1,
    staff2,
    revoked1,
    revoked2,
    patient,
    author,
    victimClinician,
    victimToken,
    spare,
    proposed,
    removable,
  ] = await Promise.all([
    staffOf('hospital1'),
    staffOf('hospital2'),
    revokedToken('hospital1'),
    revokedToken('hospital2'),
    registerPerson('hospital1', 'patient'),
    registerPerson('hospital1', 'clinician'),
    registerPerson('hospital1', 'clinician'),
    registerPerson('hospital1', 'clinician'),
    registerPerson('hospital1', 'patient'),
    registerPerson('hospital1', 'patient'),
    registerPerson('hospital1', 'patient'),
  ]);
  const recordId = await addRecord('hospital1', author, patient.participantId);
  const [consentId, revocableConsentId, authorRead, breakGlassTicket] = await Promise.all([
    grantConsent(patient, consentBody({ kind: 'role', role: 'clinician', mspId: MSP.hospital2 })),
    // Granted to A, who is no caller: revoking it (wrongly) would change no other cell.
    grantConsent(patient, consentBody({ kind: 'participant', participantId: author.participantId })),
    readRecord('hospital1', author, recordId),
    breakGlass(staff2.clinician, recordId),
    proposeDelegate(staff1.registrar, patient.participantId, proposed),
    proposeDelegate(staff1.registrar, patient.participantId, removable),
  ]);
  expectStatus(authorRead, 200, 'the author reads their record');
  const exported = await rawRequest({
    org: 'hospital1',
    method: 'GET',
    path: `/v1/audit/export?patientId=${patient.participantId}&format=json`,
    token: staff1.compliance.token,
  });
  expectStatus(exported, 200, "hospital1's compliance exports the patient's trail");
  return {
    staff: { hospital1: staff1, hospital2: staff2 },
    revoked: { hospital1: revoked1, hospital2: revoked2 },
    patient,
    author,
    recordId,
    consentId,
    revocableConsentId,
    authorTicket: ticketIdOf(authorRead),
    breakGlassTicket,
    exportText: exported.text,
    victimClinician,
    victimToken,
    spareDelegate: spare,
    proposedDelegate: proposed,
    removableDelegate: removable,
  };
}

const rows = documentedRows();

describe('attack matrix (docs/attack-matrix.md) on the real network', function () {
  before(async function () {
    this.timeout(300_000);
    w = await buildWorld();
  });

  it('has one row per operation of the OpenAPI document, each with its method and path, and a request per row', function () {
    const operations = operationsOf(openApiDocument);
    for (const operation of operations) {
      const documented = rows.filter((row) => row.operationId === operation.operation.operationId);
      expect(documented, `no row for ${operation.operation.operationId}`).to.not.be.empty;
      for (const row of documented) {
        expect(`${row.method} ${row.path}`, row.name).to.equal(`${operation.method.toUpperCase()} ${operation.path}`);
      }
    }
    const names = rows.map((row) => row.name);
    expect(new Set(names).size, 'row names are unique').to.equal(names.length);
    expect(
      names.filter((name) => !(name in BUILDERS)),
      'rows without a request builder',
    ).to.deep.equal([]);
    expect(
      Object.keys(BUILDERS).filter((name) => !names.includes(name)),
      'request builders without a row',
    ).to.deep.equal([]);
    for (const row of rows) {
      const operationIds = operations.map((o) => o.operation.operationId);
      expect(operationIds, `row ${row.name} names no operation of the document`).to.include(row.operationId);
    }
  });

  for (const row of rows) {
    it(`${row.name}: ${row.method} ${row.path}`, async function () {
      const builder = BUILDERS[row.name];
      if (builder === undefined) throw new Error(`no request builder for the row ${row.name}`);
      const failures = await Promise.all(COLUMNS.map((column) => runCell(row, builder, column)));
      expect(failures.filter((failure) => failure !== undefined)).to.deep.equal([]);
    });
  }
});
