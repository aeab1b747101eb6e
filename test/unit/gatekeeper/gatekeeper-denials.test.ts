import { expect } from 'chai';
import type { Ticket } from '../../../sdk/src/chaincode-types';
import {
  ChaincodeError,
  NetworkUnavailableError,
  TransactionInvalidError,
  type ChaincodeErrorCode,
} from '../../../sdk/src/errors';
import type { RetrievalRequest } from '../../../gatekeeper/src/gatekeeper';
import { GatekeeperError } from '../../../sdk/src/gatekeeper/gatekeeper-errors';
import {
  BadProofSignatureError,
  MalformedProofError,
  ProofCertificateError,
  ProofError,
  StaleProofError,
} from '../../../sdk/src/gatekeeper/proof-errors';
import { rejectionOf } from '../store/support/rejection';
import { createWorld, MSP, RECORD_ID, RESOURCE_JSON, type World } from './support/gatekeeper-world';
import { CLINICIAN_B_PRIVATE_KEY } from './support/test-certificates';

/** The request that clinician A would send for `ticket` (its record and purpose), with a fresh proof. */
function requestFor(
  world: World,
  ticket: Ticket,
  overrides: Partial<{ recordId: string; purpose: Ticket['purpose'] }> = {},
): RetrievalRequest {
  const subject = {
    ticketId: ticket.ticketId,
    recordId: overrides.recordId ?? ticket.recordId,
    purpose: overrides.purpose ?? ticket.purpose,
  };
  return { ...subject, proof: world.proof(subject) };
}

describe('gatekeeper: every denial path (injected time)', function () {
  let world: World;
  beforeEach(async function () {
    world = await createWorld();
  });
  afterEach(async function () {
    await world.store.close();
  });

  it('serves a permit ticket to its requester, confirmed on the ledger first', async function () {
    const ticket = world.issue();
    const disclosure = await world.gatekeeper.retrieve(requestFor(world, ticket));
    expect(disclosure).to.include({ recordId: RECORD_ID, ticketId: ticket.ticketId, resourceJson: RESOURCE_JSON });
    expect(disclosure.disclosureTxId).to.match(/^[0-9a-f]{64}$/);
    expect(world.ledger.calls).to.deep.equal(['getTicket', 'confirmDisclosure']);
  });

  describe('proof first: an unauthenticated caller learns nothing about the ticket', function () {
    // Tickets whose state would be refused, each with a reason the refusal must not reveal before the proof.
    const hidden: [string, Partial<Ticket>, string][] = [
      ['a deny ticket', { decision: 'deny', reason: 'no-covering-consent' }, 'no-covering-consent'],
      ['an expired ticket', { expiresAt: '2030-06-01T11:00:00.000Z' }, '2030-06-01T11:00:00.000Z'],
      ["another custodian's ticket", { custodianMsp: 'Hospital2MSP' }, 'Hospital2MSP'],
      ['a ticket for another record', { recordId: 'rec-secret' }, 'rec-secret'],
      ['a break-glass ticket', { purpose: 'ETREAT', kind: 'break-glass' }, 'ETREAT'],
    ];

    for (const [label, overrides, secret] of hidden) {
      it(`answers a missing proof for ${label} without reading the ledger`, async function () {
        const ticket = world.issue(overrides);
        const error = await rejectionOf(
          world.gatekeeper.retrieve({
            ticketId: ticket.ticketId,
            recordId: RECORD_ID,
            purpose: 'TREAT',
            proof: undefined,
          }),
          MalformedProofError,
        );
        expect(error.message).to.not.include(secret);
        expect(world.ledger.calls).to.deep.equal([]);
      });

      it(`answers a proof by another key for ${label} exactly as for a ticket that does not exist`, async function () {
        const ticket = world.issue(overrides);
        const subject = { ticketId: ticket.ticketId, recordId: RECORD_ID, purpose: 'TREAT' as const };
        const error = await rejectionOf(
          world.gatekeeper.retrieve({ ...subject, proof: world.proof(subject, CLINICIAN_B_PRIVATE_KEY) }),
          BadProofSignatureError,
        );
        const unknown = { ...subject, ticketId: 'ff'.repeat(32) };
        const missing = await rejectionOf(
          world.gatekeeper.retrieve({ ...unknown, proof: world.proof(unknown) }),
          BadProofSignatureError,
        );
        expect([error.code, error.message]).to.deep.equal([missing.code, missing.message]);
        expect(error.message).to.not.include(secret);
        expect(world.ledger.calls).to.not.include('confirmDisclosure');
      });
    }

    it('refuses a stale proof before reading the ticket', async function () {
      const ticket = world.issue({ decision: 'deny' });
      const request = requestFor(world, ticket);
      world.now += 60_001;
      await rejectionOf(world.gatekeeper.retrieve(request), StaleProofError);
      expect(world.ledger.calls).to.deep.equal([]);
    });

    for (const code of ['MEDREC_FORBIDDEN', 'MEDREC_INVALID_ARGUMENT'] as const) {
      it(`answers a ticket the ledger will not show it (${code}) as a bad proof`, async function () {
        const ticket = world.issue();
        world.ledger.read = () => Promise.reject(new ChaincodeError({ code, message: 'not yours' }));
        await rejectionOf(world.gatekeeper.retrieve(requestFor(world, ticket)), BadProofSignatureError);
      });
    }

    it('says the ledger is unavailable (503) when it cannot read the ticket, serving nothing', async function () {
      const ticket = world.issue();
      world.ledger.read = () => Promise.reject(new NetworkUnavailableError({ message: 'peers down' }));
      const error = await rejectionOf(world.gatekeeper.retrieve(requestFor(world, ticket)), GatekeeperError);
      expect(error).to.include({ code: 'GATEKEEPER_LEDGER_UNAVAILABLE', status: 503 });
    });

    it("checks the requester's certificate validity only after the signature", async function () {
      const ticket = world.issue({ expiresAt: '2128-01-01T00:00:00.000Z' });
      world.now = Date.parse('2127-01-01T00:00:00Z');
      const subject = { ticketId: ticket.ticketId, recordId: RECORD_ID, purpose: 'TREAT' as const };
      await rejectionOf(
        world.gatekeeper.retrieve({ ...subject, proof: world.proof(subject, CLINICIAN_B_PRIVATE_KEY) }),
        BadProofSignatureError,
      );
      await rejectionOf(world.gatekeeper.retrieve({ ...subject, proof: world.proof(subject) }), ProofCertificateError);
    });
  });

  describe('ticket state, once the proof verified', function () {
    it('refuses a deny ticket (403), serving and confirming nothing', async function () {
      const ticket = world.issue({ decision: 'deny', reason: 'no-covering-consent' });
      const error = await rejectionOf(world.gatekeeper.retrieve(requestFor(world, ticket)), GatekeeperError);
      expect(error).to.include({ code: 'GATEKEEPER_TICKET_DENIED', status: 403 });
      expect(world.ledger.calls).to.deep.equal(['getTicket']);
    });

    it("refuses another custodian's ticket (403)", async function () {
      const ticket = world.issue({ custodianMsp: 'Hospital2MSP' });
      const error = await rejectionOf(world.gatekeeper.retrieve(requestFor(world, ticket)), GatekeeperError);
      expect(error).to.include({ code: 'GATEKEEPER_TICKET_MISMATCH', status: 403 });
      expect(error.message).to.include('Hospital2MSP').and.include(MSP);
      expect(world.ledger.calls).to.deep.equal(['getTicket']);
    });

    it('refuses a ticket for another record (403), while its own record is served', async function () {
      const other = world.issue({ recordId: 'rec-2' });
      const error = await rejectionOf(
        world.gatekeeper.retrieve(requestFor(world, other, { recordId: RECORD_ID })),
        GatekeeperError,
      );
      expect(error).to.include({ code: 'GATEKEEPER_TICKET_MISMATCH', status: 403 });
      expect(world.ledger.calls).to.deep.equal(['getTicket']);
      const own = world.issue();
      await world.gatekeeper.retrieve(requestFor(world, own));
    });

    it('refuses a ticket at exactly its expiresAt (409), and serves it 1 ms before', async function () {
      const ticket = world.issue({ expiresAt: new Date(world.now).toISOString() });
      const error = await rejectionOf(world.gatekeeper.retrieve(requestFor(world, ticket)), GatekeeperError);
      expect(error).to.include({ code: 'GATEKEEPER_TICKET_EXPIRED', status: 409 });
      expect(world.ledger.calls).to.deep.equal(['getTicket']);
      world.now -= 1;
      await world.gatekeeper.retrieve(requestFor(world, ticket));
    });

    it('refuses a break-glass (ETREAT) ticket read for TREAT (403), and serves it for ETREAT', async function () {
      const ticket = world.issue({ kind: 'break-glass', purpose: 'ETREAT' });
      const error = await rejectionOf(
        world.gatekeeper.retrieve(requestFor(world, ticket, { purpose: 'TREAT' })),
        GatekeeperError,
      );
      expect(error).to.include({ code: 'GATEKEEPER_PURPOSE_MISMATCH', status: 403 });
      expect(world.ledger.calls).to.deep.equal(['getTicket']);
      await world.gatekeeper.retrieve(requestFor(world, ticket, { purpose: 'ETREAT' }));
    });

    it('refuses a record it does not hold (404) without confirming a disclosure', async function () {
      const ticket = world.issue({ recordId: 'rec-elsewhere' });
      const error = await rejectionOf(world.gatekeeper.retrieve(requestFor(world, ticket)), GatekeeperError);
      expect(error).to.include({ code: 'GATEKEEPER_RECORD_NOT_FOUND', status: 404 });
      expect(world.ledger.calls).to.deep.equal(['getTicket']);
    });
  });

  describe('every read confirmed on the ledger before content leaves', function () {
    it('confirms again on a repeat read of a ticket that already has a disclosure', async function () {
      const ticket = world.issue({
        disclosure: {
          confirmedBy: 'hospital1-gatekeeper',
          confirmedAt: '2030-06-01T11:59:00.000Z',
          txId: 'ee'.repeat(32),
        },
      });
      const first = await world.gatekeeper.retrieve(requestFor(world, ticket));
      const second = await world.gatekeeper.retrieve(requestFor(world, ticket));
      expect(world.ledger.calls.filter((c) => c === 'confirmDisclosure')).to.have.length(2);
      expect(first.disclosureTxId).to.not.equal(second.disclosureTxId);
      expect(first.disclosureTxId).to.not.equal('ee'.repeat(32));
    });

    const refusals: [ChaincodeErrorCode, string, number][] = [
      ['MEDREC_FORBIDDEN', 'GATEKEEPER_NOT_PERMITTED', 403],
      ['MEDREC_CONFLICT', 'GATEKEEPER_TICKET_EXPIRED', 409],
      ['MEDREC_NOT_FOUND', 'GATEKEEPER_TICKET_NOT_FOUND', 404],
      ['MEDREC_INTERNAL', 'GATEKEEPER_LEDGER_FAILED', 500],
    ];
    for (const [ledgerCode, code, status] of refusals) {
      it(`serves nothing when ConfirmDisclosure refuses with ${ledgerCode} (${status})`, async function () {
        const ticket = world.issue();
        await world.gatekeeper.retrieve(requestFor(world, ticket)); // the first read was still permitted
        world.ledger.confirm = () =>
          Promise.reject(new ChaincodeError({ code: ledgerCode, message: 'consent revoked since the ticket' }));
        const error = await rejectionOf(world.gatekeeper.retrieve(requestFor(world, ticket)), GatekeeperError);
        expect(error).to.include({ code, status });
        expect(error).to.not.be.instanceOf(ProofError);
        expect(error.message).to.not.include(RESOURCE_JSON);
      });
    }

    const outages: [string, () => Error][] = [
      ['the network is unavailable', () => new NetworkUnavailableError({ message: 'deadline exceeded' })],
      [
        'the commit lost a concurrent write',
        () => new TransactionInvalidError({ validationCode: 'MVCC_READ_CONFLICT', transactionId: 'aa'.repeat(32) }),
      ],
    ];
    for (const [label, failure] of outages) {
      it(`serves nothing, retry later (503), when ${label}`, async function () {
        const ticket = world.issue();
        world.ledger.confirm = () => Promise.reject(failure());
        const error = await rejectionOf(world.gatekeeper.retrieve(requestFor(world, ticket)), GatekeeperError);
        expect(error).to.include({ code: 'GATEKEEPER_LEDGER_UNAVAILABLE', status: 503 });
      });
    }
  });
});
