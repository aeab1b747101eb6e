/**
 * How a gatekeeper's refusal reaches a REST API caller: the API's custody adapter redeems tickets over HTTPS against
 * the custodian's pinned CA roots, and a refusal (not the caller's ticket, no longer permitted, expired, wrong
 * purpose) is a 4xx problem, never 502 CUSTODIAN_UNAVAILABLE "retry later".
 */
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { createGatekeeperRecordCustody } from '../../../api/src/adapters/gatekeeper-record-custody';
import { toProblem } from '../../../api/src/http/error-mapping';
import type { LedgerGateway, UserContext } from '../../../api/src/ports';
import type { Organisation, Ticket } from '../../../sdk/src/chaincode-types';
import { ChaincodeError, NetworkUnavailableError } from '../../../sdk/src/errors';
import { createGatekeeperHttpsServer } from '../../../gatekeeper/src/gatekeeper-http';
import { gatekeeperRefusalKind } from '../../../sdk/src/gatekeeper/refusal-kind';
import type { MedrecClient } from '../../../sdk/src/medrec-client';
import { GatekeeperRefusedError } from '../../../sdk/src/record-retrieval';
import { CustodianError } from '../../../sdk/src/record-retrieval-errors';
import type { Wallet } from '../../../sdk/src/wallet/wallet';
import { createWorld, MSP, RECORD_ID, type World } from './support/gatekeeper-world';
import {
  CLINICIAN_A_CERTIFICATE,
  CLINICIAN_A_PRIVATE_KEY,
  CLINICIAN_B_CERTIFICATE,
  CLINICIAN_B_PRIVATE_KEY,
} from './support/test-certificates';
import {
  CA_A_ROOT_CERTIFICATE,
  CA_B_ROOT_CERTIFICATE,
  SERVER_CERTIFICATE_FROM_CA_A,
  SERVER_PRIVATE_KEY,
} from './support/tls-certificates';

describe('gatekeeper refusals as the REST API answers them', function () {
  describe('refusal kinds (by status and code, never message text)', function () {
    const table: [number, string, string][] = [
      [401, 'PROOF_BAD_SIGNATURE', 'forbidden'],
      [401, 'PROOF_STALE', 'failure'],
      [401, 'PROOF_REPLAYED', 'failure'],
      [403, 'GATEKEEPER_NOT_PERMITTED', 'forbidden'],
      [403, 'GATEKEEPER_PURPOSE_MISMATCH', 'forbidden'],
      [404, 'GATEKEEPER_RECORD_NOT_FOUND', 'not-found'],
      [404, 'GATEKEEPER_NOT_FOUND', 'failure'],
      [409, 'GATEKEEPER_TICKET_EXPIRED', 'expired'],
      [410, 'GATEKEEPER_TICKET_EXPIRED', 'expired'],
      [400, 'GATEKEEPER_BAD_REQUEST', 'failure'],
      [413, 'GATEKEEPER_PAYLOAD_TOO_LARGE', 'failure'],
      [500, 'GATEKEEPER_LEDGER_FAILED', 'failure'],
      [503, 'GATEKEEPER_LEDGER_UNAVAILABLE', 'failure'],
    ];
    for (const [status, code, kind] of table) {
      it(`${status} ${code} is ${kind}`, function () {
        expect(gatekeeperRefusalKind(status, code)).to.equal(kind);
      });
    }

    const api: [number, string, number][] = [
      [401, 'PROOF_BAD_SIGNATURE', 403],
      [403, 'GATEKEEPER_NOT_PERMITTED', 403],
      [404, 'GATEKEEPER_TICKET_NOT_FOUND', 404],
      [409, 'GATEKEEPER_TICKET_EXPIRED', 409],
      [503, 'GATEKEEPER_LEDGER_UNAVAILABLE', 502],
      [401, 'PROOF_STALE', 502],
    ];
    for (const [status, code, apiStatus] of api) {
      it(`the API answers the gatekeeper's ${status} ${code} with ${apiStatus}`, function () {
        const { problem } = toProblem(
          new GatekeeperRefusedError({ status, code, message: 'why', transactionId: 'ab'.repeat(32) }),
        );
        expect(problem.type.status).to.equal(apiStatus);
        expect(problem.code).to.equal(apiStatus === 502 ? 'CUSTODIAN_UNAVAILABLE' : code);
      });
    }
  });

  describe('the custody adapter', function () {
    let world: World;
    let close: () => Promise<void>;
    let organisation: Organisation;
    const calls: string[] = [];

    const user: UserContext = {
      org: 'hospital2',
      mspId: 'Hospital2MSP',
      enrollmentId: 'doc-a',
      participantId: 'doc-a',
      role: 'clinician',
    };

    /** The adapter acting for a caller who signs with `certificate` / `privateKey`. */
    function custodyFor(certificate: string, privateKey: string): ReturnType<typeof createGatekeeperRecordCustody> {
      const client = {
        getTicket: (ticketId: string) => {
          calls.push('getTicket');
          const ticket = world.ledger.tickets.get(ticketId);
          return ticket === undefined
            ? Promise.reject(new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: 'no ticket' }))
            : Promise.resolve(ticket);
        },
        getOrganisation: () => {
          calls.push('getOrganisation');
          return Promise.resolve(organisation);
        },
        getRecord: () => Promise.reject(new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'ticket only' })),
      } as unknown as MedrecClient;
      return createGatekeeperRecordCustody({
        store: world.store,
        mspId: 'Hospital2MSP',
        ledger: { clientFor: () => Promise.resolve(client) } as unknown as LedgerGateway,
        wallet: {
          get: (label: string) => Promise.resolve({ label, mspId: 'Hospital2MSP', certificate, privateKey }),
        } as unknown as Wallet,
      });
    }
    const asRequester = (): ReturnType<typeof createGatekeeperRecordCustody> =>
      custodyFor(CLINICIAN_A_CERTIFICATE, CLINICIAN_A_PRIVATE_KEY);

    const fetchWith = (
      custody: ReturnType<typeof createGatekeeperRecordCustody>,
      ticket: Ticket,
      purpose: Ticket['purpose'] = ticket.purpose,
    ): ReturnType<ReturnType<typeof createGatekeeperRecordCustody>['fetch']> =>
      custody.fetch({ user, recordId: RECORD_ID, purpose, ticketId: ticket.ticketId });

    function statusOfError(err: unknown): [number, string | undefined] {
      const { problem } = toProblem(err);
      return [problem.type.status, problem.code];
    }

    async function statusOf(promise: Promise<unknown>): Promise<[number, string | undefined]> {
      return statusOfError(
        await promise.then(
          () => expect.fail('expected a refusal'),
          (e: unknown) => e,
        ),
      );
    }

    beforeEach(async function () {
      calls.length = 0;
      world = await createWorld();
      const server = createGatekeeperHttpsServer({
        gatekeeper: world.gatekeeper,
        tls: { cert: SERVER_CERTIFICATE_FROM_CA_A, key: SERVER_PRIVATE_KEY },
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      organisation = {
        mspId: MSP,
        displayName: 'Hospital 1',
        gatekeeperUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
        caRootCertsPem: [CA_A_ROOT_CERTIFICATE],
        registeredBy: 'hospital1-admin',
        registeredAt: '2030-01-01T00:00:00.000Z',
        updatedAt: '2030-01-01T00:00:00.000Z',
        txId: 'cd'.repeat(32),
      };
      close = () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => {
            resolve();
          });
        });
      // The gatekeeper's clock must accept proofs the adapter signs now.
      world.now = Date.now();
    });
    afterEach(async function () {
      await close();
      await world.store.close();
    });

    it('serves the requester its own ticket over pinned HTTPS', async function () {
      const ticket = world.issue({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
      const fetched = await fetchWith(asRequester(), ticket);
      expect(fetched.resource).to.include({ resourceType: 'Condition' });
    });

    it("refuses someone else's ticket with 403, before asking the gatekeeper", async function () {
      const ticket = world.issue({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
      const [status, code] = await statusOf(
        fetchWith(custodyFor(CLINICIAN_B_CERTIFICATE, CLINICIAN_B_PRIVATE_KEY), ticket),
      );
      expect([status, code]).to.deep.equal([403, 'MEDREC_FORBIDDEN']);
      expect(calls).to.deep.equal(['getTicket']);
      expect(world.ledger.calls).to.deep.equal([]);
    });

    it('refuses a break-glass (ETREAT) ticket read for TREAT with 403', async function () {
      const ticket = world.issue({
        purpose: 'ETREAT',
        kind: 'break-glass',
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      });
      expect(await statusOf(fetchWith(asRequester(), ticket, 'TREAT'))).to.deep.equal([
        403,
        'GATEKEEPER_PURPOSE_MISMATCH',
      ]);
      const fetched = await fetchWith(asRequester(), ticket, 'ETREAT');
      expect(fetched.resource).to.include({ resourceType: 'Condition' });
    });

    it('answers 403 once the ledger no longer permits the disclosure (revoked consent)', async function () {
      const ticket = world.issue({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
      world.ledger.confirm = () =>
        Promise.reject(new ChaincodeError({ code: 'MEDREC_FORBIDDEN', message: 'consent c-1 was revoked' }));
      expect(await statusOf(fetchWith(asRequester(), ticket))).to.deep.equal([403, 'GATEKEEPER_NOT_PERMITTED']);
    });

    it('answers 409 for an expired ticket', async function () {
      // Expired by the gatekeeper's clock (pinned in beforeEach), however long the machine took to get here.
      const ticket = world.issue({ expiresAt: new Date(world.now - 1).toISOString() });
      expect(await statusOf(fetchWith(asRequester(), ticket))).to.deep.equal([409, 'GATEKEEPER_TICKET_EXPIRED']);
    });

    it('answers 502 retry-later only when the ledger is unavailable to the gatekeeper', async function () {
      const ticket = world.issue({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
      world.ledger.confirm = () => Promise.reject(new NetworkUnavailableError({ message: 'peers down' }));
      const err = await fetchWith(asRequester(), ticket).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(CustodianError);
      expect(statusOfError(err)).to.deep.equal([502, 'CUSTODIAN_UNAVAILABLE']);
    });

    it("refuses a gatekeeper whose certificate is not from the custodian's CA (nothing fetched)", async function () {
      const ticket = world.issue({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
      organisation = { ...organisation, caRootCertsPem: [CA_B_ROOT_CERTIFICATE] };
      const err = await fetchWith(asRequester(), ticket).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(CustodianError);
      expect(world.ledger.calls).to.deep.equal([]);
    });
  });
});
