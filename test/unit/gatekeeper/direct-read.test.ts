// The gatekeeper's side of the one-transaction read: everything it can check without the ledger comes before the
// ledger is asked anything, and nothing is served unless the ledger's own transaction permitted and recorded it.
import { expect } from 'chai';
import type { SignedReadRequest, Ticket } from '../../../sdk/src/chaincode-types';
import { ChaincodeError, NetworkUnavailableError } from '../../../sdk/src/errors';
import { createGatekeeper, HEIGHT_WAIT_MS, type Gatekeeper } from '../../../gatekeeper/src/gatekeeper';
import { createProofVerifier } from '../../../gatekeeper/src/proof-verifier';
import { GatekeeperError } from '../../../sdk/src/gatekeeper/gatekeeper-errors';
import {
  BadProofSignatureError,
  MalformedProofError,
  ReplayedProofError,
  StaleProofError,
} from '../../../sdk/src/gatekeeper/proof-errors';
import { createReadRequest } from '../../../sdk/src/gatekeeper/read-request';
import type { MedrecClient, Submitted } from '../../../sdk/src/medrec-client';
import type { RecordStore } from '../../../gatekeeper/src/store/record-store';
import { createSqliteRecordStore } from '../../../gatekeeper/src/store/sqlite-record-store';
import { rejectionOf } from '../store/support/rejection';
import { MSP, NOW, permitTicket, RECORD_ID, RESOURCE_HASH, RESOURCE_JSON } from './support/gatekeeper-world';
import {
  CLINICIAN_A_CERTIFICATE,
  CLINICIAN_A_PRIVATE_KEY,
  CLINICIAN_B_CERTIFICATE,
  CLINICIAN_B_PRIVATE_KEY,
} from './support/test-certificates';

const REQUESTER_MSP = 'Hospital2MSP';

interface Ledger {
  readonly calls: string[];
  /** The requester organisation's CA roots (the fixtures are self-signed: each is its own root). */
  roots: readonly string[] | 'unknown';
  disclose: (request: SignedReadRequest) => Promise<Submitted<Ticket>>;
  height: number;
  /** Blocks the peer commits between two looks at its height. */
  growth: number;
}

interface Setup {
  readonly ledger: Ledger;
  readonly gatekeeper: Gatekeeper;
  readonly store: RecordStore;
  clock: number;
  request(overrides?: Partial<{ recordId: string; custodianMsp: string; at: number; key: string }>): SignedReadRequest;
}

function permitFor(request: SignedReadRequest): Ticket {
  const ticket = permitTicket({ recordId: request.recordId, expiresAt: new Date(NOW).toISOString() });
  return {
    ...ticket,
    disclosure: { confirmedBy: 'gk-1', confirmedAt: new Date(NOW).toISOString(), txId: ticket.txId },
  };
}

async function setUp(): Promise<Setup> {
  const store = await createSqliteRecordStore({ path: ':memory:' });
  await store.put({
    recordId: RECORD_ID,
    patientId: 'pat-1',
    category: 'condition',
    resourceJson: RESOURCE_JSON,
    contentHash: RESOURCE_HASH,
    authorId: 'doc-1',
  });
  await store.markRegistered(RECORD_ID, 'cd'.repeat(32));
  const ledger: Ledger = {
    calls: [],
    roots: [CLINICIAN_A_CERTIFICATE],
    disclose: (request) => {
      const ticket = permitFor(request);
      return Promise.resolve({ value: ticket, transactionId: ticket.txId });
    },
    height: 10,
    growth: 0,
  };
  const client = {
    getOrganisation: (mspId: string) => {
      ledger.calls.push(`getOrganisation ${mspId}`);
      if (ledger.roots === 'unknown') {
        return Promise.reject(new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: `no ${mspId}` }));
      }
      return Promise.resolve({ mspId, caRootCertsPem: ledger.roots });
    },
    disclose: (request: SignedReadRequest) => {
      ledger.calls.push('disclose');
      return ledger.disclose(request);
    },
    channelHeight: () => {
      ledger.calls.push('channelHeight');
      const seen = ledger.height;
      ledger.height += ledger.growth;
      return Promise.resolve(seen);
    },
  } as unknown as MedrecClient;
  const setup: Setup = {
    ledger,
    store,
    clock: NOW,
    gatekeeper: createGatekeeper({
      store,
      mspId: MSP,
      ledger: client,
      now: () => setup.clock,
      // Waiting advances the injected clock instead of the real one.
      sleep: (ms) => {
        setup.clock += ms;
        return Promise.resolve();
      },
      verifier: createProofVerifier({ now: () => setup.clock }),
    }),
    request: (overrides = {}) =>
      createReadRequest({
        recordId: overrides.recordId ?? RECORD_ID,
        purpose: 'TREAT',
        custodianMsp: overrides.custodianMsp ?? MSP,
        requesterMsp: REQUESTER_MSP,
        certificate: overrides.key === 'B' ? CLINICIAN_B_CERTIFICATE : CLINICIAN_A_CERTIFICATE,
        privateKey: overrides.key === 'B' ? CLINICIAN_B_PRIVATE_KEY : CLINICIAN_A_PRIVATE_KEY,
        now: () => overrides.at ?? setup.clock,
      }),
  };
  return setup;
}

describe('gatekeeper: the one-transaction read', function () {
  let s: Setup;
  beforeEach(async function () {
    s = await setUp();
  });
  afterEach(async function () {
    await s.store.close();
  });

  it('serves the content only after the ledger permitted and recorded the read, with that ticket', async function () {
    const request = s.request();
    const served = await s.gatekeeper.read(request);
    expect(served).to.include({ recordId: RECORD_ID, resourceJson: RESOURCE_JSON });
    expect(served.disclosureTxId).to.equal(served.ticket.ticketId);
    expect(served.ticketId).to.equal(served.ticket.ticketId);
    expect(s.ledger.calls).to.deep.equal([`getOrganisation ${REQUESTER_MSP}`, 'disclose']);
  });

  it('refuses a malformed request before asking the ledger anything', async function () {
    for (const bad of [null, 'text', {}, { ...s.request(), nonce: 'short' }, { ...s.request(), extra: 1 }]) {
      await rejectionOf(s.gatekeeper.read(bad), MalformedProofError);
    }
    expect(s.ledger.calls).to.deep.equal([]);
  });

  it('refuses a request signed outside the window before asking the ledger anything; serves one inside', async function () {
    for (const at of [NOW - 60_001, NOW + 60_001]) {
      await rejectionOf(s.gatekeeper.read(s.request({ at })), StaleProofError);
    }
    expect(s.ledger.calls).to.deep.equal([]);
    await s.gatekeeper.read(s.request({ at: NOW - 60_000 }));
  });

  it('refuses a tampered request (bad signature) before looking up the requester organisation', async function () {
    const good = s.request();
    await rejectionOf(s.gatekeeper.read({ ...good, recordId: 'rec-other' }), BadProofSignatureError);
    await rejectionOf(s.gatekeeper.read({ ...good, purpose: 'ETREAT' }), BadProofSignatureError);
    expect(s.ledger.calls).to.deep.equal([]);
  });

  it("answers a certificate not issued by the requester organisation's CA like a bad signature, and submits nothing", async function () {
    s.ledger.roots = [CLINICIAN_B_CERTIFICATE];
    await rejectionOf(s.gatekeeper.read(s.request()), BadProofSignatureError);
    const other = await setUp();
    other.ledger.roots = 'unknown';
    await rejectionOf(other.gatekeeper.read(other.request()), BadProofSignatureError);
    expect([...s.ledger.calls, ...other.ledger.calls]).to.not.include('disclose');
    // Signed by B, whose certificate is the registered root: served.
    s.ledger.roots = [CLINICIAN_B_CERTIFICATE];
    const served = await s.gatekeeper.read(s.request({ key: 'B' }));
    expect(served.resourceJson).to.equal(RESOURCE_JSON);
    await other.store.close();
  });

  it('accepts a request once: the same request again is a replay and never reaches the ledger', async function () {
    const request = s.request();
    await s.gatekeeper.read(request);
    await rejectionOf(s.gatekeeper.read(request), ReplayedProofError);
    expect(s.ledger.calls.filter((call) => call === 'disclose')).to.have.length(1);
  });

  it('refuses a request addressed to another custodian, or for a record it does not hold, without a transaction', async function () {
    const elsewhere = await rejectionOf(
      s.gatekeeper.read(s.request({ custodianMsp: 'Hospital3MSP' })),
      GatekeeperError,
    );
    expect(elsewhere.code).to.equal('GATEKEEPER_TICKET_MISMATCH');
    const notHeld = await rejectionOf(s.gatekeeper.read(s.request({ recordId: 'rec-nowhere' })), GatekeeperError);
    expect(notHeld.code).to.equal('GATEKEEPER_RECORD_NOT_FOUND');
    expect(s.ledger.calls).to.not.include('disclose');
  });

  it('serves nothing when the ledger denies (the deny is recorded there) and says why', async function () {
    s.ledger.disclose = (request) => {
      const permit = permitFor(request);
      const deny: Ticket = { ...permit, decision: 'deny', reason: 'no-covering-consent' };
      delete (deny as { contentHash?: string }).contentHash;
      delete (deny as { disclosure?: unknown }).disclosure;
      return Promise.resolve({ value: deny, transactionId: deny.txId });
    };
    const refused = await rejectionOf(s.gatekeeper.read(s.request()), GatekeeperError);
    expect(refused.code).to.equal('GATEKEEPER_TICKET_DENIED');
    expect(refused.status).to.equal(403);
    expect(refused.message).to.contain('no-covering-consent');
  });

  const refusals = [
    [new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'deactivated' }), 'GATEKEEPER_NOT_PERMITTED', 403],
    [new ChaincodeError({ code: 'MEDREC_CONFLICT', message: 'already used' }), 'GATEKEEPER_TICKET_EXPIRED', 409],
    [new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: 'no record' }), 'GATEKEEPER_RECORD_NOT_FOUND', 404],
    [new NetworkUnavailableError({ message: 'peers down' }), 'GATEKEEPER_LEDGER_UNAVAILABLE', 503],
    [new ChaincodeError({ code: 'MEDREC_INTERNAL', message: 'bug' }), 'GATEKEEPER_LEDGER_FAILED', 500],
  ] as const;
  for (const [failure, code, status] of refusals) {
    it(`answers a ledger ${failure.constructor.name} (${'code' in failure ? failure.code : ''}) with ${code}`, async function () {
      s.ledger.disclose = () => Promise.reject(failure);
      const refused = await rejectionOf(s.gatekeeper.read(s.request()), GatekeeperError);
      expect(refused.code).to.equal(code);
      expect(refused.status).to.equal(status);
    });
  }

  it("waits until its peer reaches the requester's height before it submits", async function () {
    s.ledger.height = 10;
    s.ledger.growth = 1;
    const realDisclose = s.ledger.disclose;
    s.ledger.disclose = (request) => {
      expect(s.ledger.height).to.be.at.least(12);
      return realDisclose(request);
    };
    await s.gatekeeper.read(s.request(), { minHeight: 12 });
    // Heights 10, 11, 12: the third look finds the block, then the request is submitted.
    expect(s.ledger.calls.filter((call) => call === 'channelHeight')).to.have.length(3);
    expect(s.ledger.calls.at(-1)).to.equal('disclose');
  });

  it('does not wait when no height is given, or its peer is already there', async function () {
    await s.gatekeeper.read(s.request());
    await s.gatekeeper.read(s.request(), { minHeight: 10 });
    expect(s.ledger.calls.filter((call) => call === 'channelHeight')).to.have.length(1);
    expect(s.clock).to.equal(NOW);
  });

  it('gives up waiting after a bounded time and lets the ledger decide on what it has', async function () {
    s.ledger.height = 5;
    const started = s.clock;
    await s.gatekeeper.read(s.request(), { minHeight: 1_000 });
    expect(s.clock - started).to.be.at.least(HEIGHT_WAIT_MS);
    expect(s.clock - started).to.be.below(HEIGHT_WAIT_MS + 1_000);
    expect(s.ledger.calls.at(-1)).to.equal('disclose');
  });

  it("reads a requester organisation's roots from the ledger once a minute, not on every read", async function () {
    await s.gatekeeper.read(s.request());
    await s.gatekeeper.read(s.request());
    expect(s.ledger.calls.filter((call) => call.startsWith('getOrganisation'))).to.have.length(1);
    s.clock += 61_000;
    await s.gatekeeper.read(s.request());
    expect(s.ledger.calls.filter((call) => call.startsWith('getOrganisation'))).to.have.length(2);
  });
});
