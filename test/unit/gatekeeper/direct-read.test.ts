// The gatekeeper's side of the one-transaction read: everything it can check without the ledger comes before the
// ledger is asked anything, and nothing is served unless the ledger's own transaction permitted and recorded it.
import { expect } from 'chai';
// The SDK by its package name, as the gatekeeper imports it: one module instance for the errors it throws and the
// classes these tests check them against, in a normal run and in the mutation-testing sandbox alike.
import {
  BadProofSignatureError,
  ChaincodeError,
  createReadRequest,
  GatekeeperError,
  MalformedProofError,
  NetworkUnavailableError,
  ReplayedProofError,
  StaleProofError,
  type MedrecClient,
  type SignedReadRequest,
  type Submitted,
  type Ticket,
} from '@medrec/sdk';
import { createGatekeeper, HEIGHT_WAIT_MS, type Gatekeeper } from '../../../gatekeeper/src/gatekeeper';
import { createProofVerifier } from '../../../gatekeeper/src/proof-verifier';
import type { ReplayCache } from '../../../gatekeeper/src/replay-cache';
import { StoreUnavailableError } from '../../../gatekeeper/src/store/store-errors';
import type { RecordStore } from '../../../gatekeeper/src/store/record-store';
import { rejectionOf } from '../store/support/rejection';
import { MSP, NOW, permitTicket, RECORD_ID, RESOURCE_JSON, storeHoldingRecord } from './support/gatekeeper-world';
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
  /** When set, getOrganisation / channelHeight fail with it. */
  organisationFailure?: Error;
  heightFailure?: Error;
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

async function setUp(replayCache?: ReplayCache): Promise<Setup> {
  const store = await storeHoldingRecord();
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
      if (ledger.organisationFailure !== undefined) return Promise.reject(ledger.organisationFailure);
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
      if (ledger.heightFailure !== undefined) return Promise.reject(ledger.heightFailure);
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
      verifier: createProofVerifier({
        now: () => setup.clock,
        ...(replayCache === undefined ? {} : { replayCache }),
      }),
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

  it('names the malformed field (or the whole request) and asks for createReadRequest', async function () {
    const short = await rejectionOf(s.gatekeeper.read({ ...s.request(), nonce: 'short' }), MalformedProofError);
    expect(short.field).to.equal('nonce');
    expect(short.message).to.contain("read request's nonce");
    expect(short.message).to.contain('createReadRequest');
    const whole = await rejectionOf(s.gatekeeper.read(null), MalformedProofError);
    expect(whole.field).to.equal('request');
    expect(whole.message).to.contain("read request's shape");
  });

  it('answers a ledger that cannot be asked for the roots as unavailable, not as a bad signature; keeps no roots', async function () {
    s.ledger.organisationFailure = new NetworkUnavailableError({ message: 'peer down' });
    const down = await rejectionOf(s.gatekeeper.read(s.request()), GatekeeperError);
    expect(down.code).to.equal('GATEKEEPER_LEDGER_UNAVAILABLE');
    delete s.ledger.organisationFailure;
    s.ledger.roots = 'unknown';
    await rejectionOf(s.gatekeeper.read(s.request()), BadProofSignatureError);
    // An unknown organisation is asked about again next time (it may register meanwhile).
    s.ledger.roots = [CLINICIAN_A_CERTIFICATE];
    await s.gatekeeper.read(s.request());
    expect(s.ledger.calls.filter((call) => call.startsWith('getOrganisation'))).to.have.length(3);
  });

  it('ignores an unparseable root beside a good one', async function () {
    s.ledger.roots = ['-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n', CLINICIAN_A_CERTIFICATE];
    expect((await s.gatekeeper.read(s.request())).resourceJson).to.equal(RESOURCE_JSON);
  });

  it('answers a peer that cannot say its height as unavailable and submits nothing', async function () {
    s.ledger.heightFailure = new NetworkUnavailableError({ message: 'peer down' });
    const refused = await rejectionOf(s.gatekeeper.read(s.request(), { minHeight: 11 }), GatekeeperError);
    expect(refused.code).to.equal('GATEKEEPER_LEDGER_UNAVAILABLE');
    expect(s.ledger.calls).to.not.include('disclose');
  });

  it('refuses for now (503) when it cannot record the request as used, and on an unexpected check failure (400)', async function () {
    const storeDown: ReplayCache = { remember: () => Promise.reject(new StoreUnavailableError('replay store down')) };
    const down = await setUp(storeDown);
    const refused = await rejectionOf(down.gatekeeper.read(down.request()), GatekeeperError);
    expect(refused.code).to.equal('GATEKEEPER_STORE_UNAVAILABLE');
    expect(refused.status).to.equal(503);
    expect(down.ledger.calls).to.not.include('disclose');
    await down.store.close();
    const broken: ReplayCache = { remember: () => Promise.reject(new TypeError('bug')) };
    const odd = await setUp(broken);
    const failed = await rejectionOf(odd.gatekeeper.read(odd.request()), GatekeeperError);
    expect(failed.code).to.equal('GATEKEEPER_BAD_REQUEST');
    await odd.store.close();
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
    let recorded = '';
    s.ledger.disclose = (request) => {
      const permit = permitFor(request);
      const deny: Ticket = { ...permit, decision: 'deny', reason: 'no-covering-consent' };
      recorded = deny.ticketId;
      delete (deny as { contentHash?: string }).contentHash;
      delete (deny as { disclosure?: unknown }).disclosure;
      return Promise.resolve({ value: deny, transactionId: deny.txId });
    };
    const refused = await rejectionOf(s.gatekeeper.read(s.request()), GatekeeperError);
    expect(refused.code).to.equal('GATEKEEPER_TICKET_DENIED');
    expect(refused.status).to.equal(403);
    expect(refused.message).to.contain('no-covering-consent');
    // The recorded decision, for the requester to look up on its own peer.
    expect(refused.transactionId).to.equal(recorded);
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
