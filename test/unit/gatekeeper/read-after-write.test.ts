/**
 * Read-after-write across peers (issue 15): the requester's peer has committed the ticket, the custodian's gatekeeper
 * reads it through its own peer, which may be a block behind and say MEDREC_NOT_FOUND. The requester presents the
 * ticket again (a new proof each time, after a short pause) before the refusal stands; the gatekeeper itself is
 * unchanged, so an anonymous caller still gets one immediate answer that says nothing about the ticket.
 */
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Ticket } from '../../../sdk/src/chaincode-types';
import { ChaincodeError } from '../../../sdk/src/errors';
import { createGatekeeperHttpsServer } from '../../../gatekeeper/src/gatekeeper-http';
import type { MedrecClient } from '../../../sdk/src/medrec-client';
import {
  GatekeeperRefusedError,
  redeemTicket,
  UNSEEN_TICKET_RETRY_DELAYS_MS,
  type RedeemOptions,
} from '../../../sdk/src/record-retrieval';
import { rejectionOf } from '../store/support/rejection';
import { createWorld, type World } from './support/gatekeeper-world';
import { CLINICIAN_A_CERTIFICATE, CLINICIAN_A_PRIVATE_KEY } from './support/test-certificates';
import { CA_A_ROOT_CERTIFICATE, SERVER_CERTIFICATE_FROM_CA_A, SERVER_PRIVATE_KEY } from './support/tls-certificates';

describe('gatekeeper: a ticket its own peer has not committed yet', function () {
  let world: World;
  let url: string;
  let close: () => Promise<void>;
  let slept: number[];

  beforeEach(async function () {
    world = await createWorld();
    // The proofs are signed by redeemTicket with the real clock.
    world.now = Date.now();
    slept = [];
    const server = createGatekeeperHttpsServer({
      gatekeeper: world.gatekeeper,
      tls: { cert: SERVER_CERTIFICATE_FROM_CA_A, key: SERVER_PRIVATE_KEY },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      });
  });
  afterEach(async function () {
    await close();
    await world.store.close();
  });

  /** A permit ticket on the ledger that the gatekeeper's peer reports as missing for its first `lagging` reads. */
  function lagging(reads: number, overrides: Partial<Ticket> = {}): Ticket {
    const ticket = world.issue({ expiresAt: new Date(Date.now() + 60_000).toISOString(), ...overrides });
    let left = reads;
    world.ledger.read = (found) => {
      if (left <= 0) return Promise.resolve(found);
      left -= 1;
      return Promise.reject(new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: `ticket ${found.ticketId}` }));
    };
    return ticket;
  }

  function redeem(ticket: Ticket, more: Partial<RedeemOptions> = {}): ReturnType<typeof redeemTicket> {
    return redeemTicket({
      client: {} as MedrecClient, // not called: the gatekeeper's URL and CA roots are given
      identity: { mspId: 'Hospital2MSP', certificate: CLINICIAN_A_CERTIFICATE, privateKey: CLINICIAN_A_PRIVATE_KEY },
      ticket,
      purpose: ticket.purpose,
      gatekeeperUrl: url,
      trustedCaPem: [CA_A_ROOT_CERTIFICATE],
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
      ...more,
    });
  }

  it('retries at most 4 times within about 2 s by default', function () {
    expect(UNSEEN_TICKET_RETRY_DELAYS_MS).to.have.length(3);
    const total = UNSEEN_TICKET_RETRY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0);
    expect(total).to.be.within(1, 2_000);
  });

  it('serves once the peer catches up (NOT_FOUND twice, then found), with one disclosure', async function () {
    const ticket = lagging(2);
    const fetched = await redeem(ticket);
    expect(fetched.resource).to.include({ resourceType: 'Condition' });
    expect(fetched.disclosureTxId).to.match(/^[0-9a-f]{64}$/);
    expect(world.ledger.calls).to.deep.equal(['getTicket', 'getTicket', 'getTicket', 'confirmDisclosure']);
    expect(slept).to.deep.equal(UNSEEN_TICKET_RETRY_DELAYS_MS.slice(0, 2));
  });

  it('refuses with the same answer as before once the retries are spent (NOT_FOUND always)', async function () {
    const ticket = lagging(Number.POSITIVE_INFINITY);
    const retried = await rejectionOf(redeem(ticket), GatekeeperRefusedError);
    expect(world.ledger.calls).to.deep.equal(['getTicket', 'getTicket', 'getTicket', 'getTicket']);
    expect(slept).to.deep.equal([...UNSEEN_TICKET_RETRY_DELAYS_MS]);

    world.ledger.calls.length = 0;
    const once = await rejectionOf(redeem(ticket, { unseenTicketRetryDelaysMs: [] }), GatekeeperRefusedError);
    expect(world.ledger.calls).to.deep.equal(['getTicket']);
    expect([retried.status, retried.code, retried.message]).to.deep.equal([once.status, once.code, once.message]);
    expect([retried.status, retried.code]).to.deep.equal([401, 'PROOF_BAD_SIGNATURE']);
  });

  it('asks again when the disclosure finds nothing yet (ConfirmDisclosure NOT_FOUND on a lagging endorser)', async function () {
    const ticket = lagging(0);
    let refusals = 1;
    const confirm = world.ledger.confirm;
    world.ledger.confirm = (ticketId) => {
      if (refusals-- > 0) return Promise.reject(new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: 'not yet' }));
      return confirm(ticketId);
    };
    const fetched = await redeem(ticket);
    expect(fetched.resource).to.include({ resourceType: 'Condition' });
    expect(slept).to.have.length(1);
  });

  it('does not retry a refusal that waiting cannot change (a deny ticket)', async function () {
    const ticket = lagging(0, { decision: 'deny', reason: 'no-covering-consent' });
    // A deny ticket has no content hash: refused before the gatekeeper is even asked.
    const permitLike = { ...ticket, decision: 'permit' as const, contentHash: 'ab'.repeat(32) };
    const error = await rejectionOf(redeem(permitLike), GatekeeperRefusedError);
    expect([error.status, error.code]).to.deep.equal([403, 'GATEKEEPER_TICKET_DENIED']);
    expect(slept).to.deep.equal([]);
    expect(world.ledger.calls).to.deep.equal(['getTicket']);
  });
});
