import crypto from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { GatekeeperTransportError } from '../../../sdk/src/gatekeeper/gatekeeper-client';
import type { MedrecClient } from '../../../sdk/src/medrec-client';
import { readRequestBytes } from '../../../contract/src/access';
import type { SignedReadRequest, Ticket } from '../../../sdk/src/chaincode-types';
import { ContentHashMismatchError } from '../../../sdk/src/errors';
import { AccessDeniedError, CustodianError } from '../../../sdk/src/record-retrieval-errors';
import {
  createKnownRecords,
  fetchRecord,
  GatekeeperRefusedError,
  redeemTicket,
  type KnownRecords,
} from '../../../sdk/src/record-retrieval';
import { MSP, permitTicket, RECORD_ID, RESOURCE_JSON } from '../gatekeeper/support/gatekeeper-world';
import { CLINICIAN_A_CERTIFICATE, CLINICIAN_A_PRIVATE_KEY } from '../gatekeeper/support/test-certificates';
import {
  CA_A_ROOT_CERTIFICATE,
  SERVER_CERTIFICATE_FROM_CA_A,
  SERVER_PRIVATE_KEY,
} from '../gatekeeper/support/tls-certificates';
import { rejectionOf } from '../store/support/rejection';

/** An HTTPS server (certificate from CA A) that answers every request with `status` and `body` as given. */
async function answering(status: number, contentType: string, body: string): Promise<{ url: string; close(): void }> {
  const server = https.createServer({ cert: SERVER_CERTIFICATE_FROM_CA_A, key: SERVER_PRIVATE_KEY }, (req, res) => {
    req.resume();
    res.writeHead(status, { 'content-type': contentType }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port.toString()}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

function redeem(url: string): Promise<unknown> {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return redeemTicket({
    // Not called: the gatekeeper's URL and CA roots are given.
    client: {} as MedrecClient,
    identity: {
      mspId: 'Hospital2MSP',
      certificate: 'unused',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
    ticket: permitTicket(),
    purpose: 'TREAT',
    gatekeeperUrl: url,
    trustedCaPem: [CA_A_ROOT_CERTIFICATE],
  });
}

describe('sdk: redeeming a ticket at a gatekeeper that answers badly', () => {
  it('refuses as malformed a served record without its disclosure transaction id (never an empty id)', async () => {
    const server = await answering(200, 'application/json', JSON.stringify({ resourceJson: RESOURCE_JSON }));
    try {
      const err = await rejectionOf(redeem(server.url), GatekeeperTransportError);
      expect(err.reason).to.equal('response');
      expect(err.message).to.match(/disclosure/);
    } finally {
      server.close();
    }
  });

  it('passes on the disclosure transaction id of a well-formed answer', async () => {
    const server = await answering(
      200,
      'application/json',
      JSON.stringify({ resourceJson: RESOURCE_JSON, disclosureTxId: 'f'.repeat(64) }),
    );
    try {
      expect(await redeem(server.url)).to.include({ disclosureTxId: 'f'.repeat(64) });
    } finally {
      server.close();
    }
  });

  it('turns an error page that is not JSON into a transport error (a 502 at the API), not a crash', async () => {
    const server = await answering(502, 'text/html', '<html>Bad Gateway</html>');
    try {
      const err = await rejectionOf(redeem(server.url), GatekeeperTransportError);
      expect(err.reason).to.equal('response');
      expect(err).to.not.be.instanceOf(GatekeeperRefusedError);
    } finally {
      server.close();
    }
  });
});

describe('sdk: fetchRecord, the read in one transaction', () => {
  interface Heard {
    path: string | undefined;
    body: { request: SignedReadRequest; minHeight: number };
  }

  /** A gatekeeper over HTTPS that records what it was sent and answers with `answer(request)`. */
  async function gatekeeperAnswering(
    answer: (request: SignedReadRequest) => { status: number; body: unknown },
  ): Promise<{ url: string; heard: Heard[]; close(): void }> {
    const heard: Heard[] = [];
    const server = https.createServer({ cert: SERVER_CERTIFICATE_FROM_CA_A, key: SERVER_PRIVATE_KEY }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Heard['body'];
        heard.push({ path: req.url, body });
        const { status, body: reply } = answer(body.request);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `https://127.0.0.1:${(server.address() as AddressInfo).port.toString()}`,
      heard,
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    };
  }

  const identity = {
    mspId: 'Hospital2MSP',
    certificate: CLINICIAN_A_CERTIFICATE,
    privateKey: CLINICIAN_A_PRIVATE_KEY,
  };

  /** The requester's ledger: what its peer previews, and a log of what was asked. */
  function requesterLedger(preview: Ticket): { client: MedrecClient; calls: string[] } {
    const calls: string[] = [];
    const client = {
      checkRequestAccess: () => {
        calls.push('checkRequestAccess');
        return Promise.resolve(preview);
      },
      channelHeight: () => {
        calls.push('channelHeight');
        return Promise.resolve(42);
      },
      requestAccess: () => {
        calls.push('requestAccess');
        return Promise.resolve({ value: preview, transactionId: preview.txId });
      },
    } as unknown as MedrecClient;
    return { client, calls };
  }

  const servedTicket = (request: SignedReadRequest): Ticket =>
    permitTicket({ recordId: request.recordId, requester: { ...permitTicket().requester } });

  function read(client: MedrecClient, url: string, knownRecords?: KnownRecords): Promise<unknown> {
    return fetchRecord({
      client,
      identity,
      recordId: RECORD_ID,
      purpose: 'TREAT',
      gatekeeperUrl: url,
      trustedCaPem: [CA_A_ROOT_CERTIFICATE],
      ...(knownRecords === undefined ? {} : { knownRecords }),
    });
  }

  const servingPermits = (): ReturnType<typeof gatekeeperAnswering> =>
    gatekeeperAnswering((request) => {
      const ticket = servedTicket(request);
      return { status: 200, body: { resourceJson: RESOURCE_JSON, ticket, disclosureTxId: ticket.ticketId } };
    });

  describe('a record read before (its custodian and hash known): straight to the custodian', () => {
    it('remembers what its own peer said after a previewed read, and then skips the preview', async () => {
      const gatekeeper = await servingPermits();
      try {
        const known = createKnownRecords();
        const { client, calls } = requesterLedger(permitTicket());
        await read(client, gatekeeper.url, known);
        expect(known.get(RECORD_ID)).to.deep.equal({ custodianMsp: MSP, contentHash: permitTicket().contentHash });
        calls.length = 0;
        const again = (await read(client, gatekeeper.url, known)) as { resource: unknown };
        expect(again.resource).to.deep.equal(JSON.parse(RESOURCE_JSON));
        expect(calls, 'no preview the second time').to.deep.equal(['channelHeight']);
        expect(gatekeeper.heard).to.have.length(2);
        expect(gatekeeper.heard[1]?.body.minHeight).to.equal(42);
      } finally {
        gatekeeper.close();
      }
    });

    it('does not remember a record it could not read', async () => {
      const gatekeeper = await gatekeeperAnswering(() => ({ status: 403, body: { code: 'GATEKEEPER_NOT_PERMITTED' } }));
      try {
        const known = createKnownRecords();
        await rejectionOf(read(requesterLedger(permitTicket()).client, gatekeeper.url, known), GatekeeperRefusedError);
        expect(known.get(RECORD_ID)).to.equal(undefined);
      } finally {
        gatekeeper.close();
      }
    });

    it('checks the content against the remembered hash, not the gatekeeper ticket', async () => {
      const gatekeeper = await servingPermits();
      try {
        const known = createKnownRecords();
        known.set(RECORD_ID, { custodianMsp: MSP, contentHash: 'f'.repeat(64) });
        const { client } = requesterLedger(permitTicket());
        // The served ticket names the real hash, so it is not the permit for the remembered one: refused either way.
        await rejectionOf(read(client, gatekeeper.url, known), GatekeeperTransportError);
      } finally {
        gatekeeper.close();
      }
    });

    it("answers the custodian's recorded deny as the preview would, from the requester's own peer, without a second record", async () => {
      const deny: Ticket = { ...permitTicket(), decision: 'deny', reason: 'no-covering-consent' };
      delete (deny as { contentHash?: string }).contentHash;
      const gatekeeper = await gatekeeperAnswering(() => ({
        status: 403,
        body: { code: 'GATEKEEPER_TICKET_DENIED', detail: 'denied', transactionId: deny.ticketId },
      }));
      try {
        const known = createKnownRecords();
        known.set(RECORD_ID, { custodianMsp: MSP, contentHash: permitTicket().contentHash ?? '' });
        const { client, calls } = requesterLedger(permitTicket());
        const asked: string[] = [];
        (client as { getTicket: (id: string) => Promise<Ticket> }).getTicket = (id) => {
          asked.push(id);
          return Promise.resolve(deny);
        };
        const denied = await rejectionOf(read(client, gatekeeper.url, known), AccessDeniedError);
        expect(denied.ticket).to.deep.equal(deny);
        expect(asked).to.deep.equal([deny.ticketId]);
        expect(calls, 'no RequestAccess: the custodian recorded the deny').to.not.include('requestAccess');
        // A decision its own peer does not show as this record's deny stays the gatekeeper's refusal.
        (client as { getTicket: (id: string) => Promise<Ticket> }).getTicket = () =>
          Promise.resolve({ ...deny, recordId: 'rec-other' });
        const refused = await rejectionOf(read(client, gatekeeper.url, known), GatekeeperRefusedError);
        expect(refused).to.include({ status: 403, code: 'GATEKEEPER_TICKET_DENIED', transactionId: deny.ticketId });
      } finally {
        gatekeeper.close();
      }
    });

    it('keeps a bounded number of records, the oldest going first', () => {
      const known = createKnownRecords(2);
      known.set('a', { custodianMsp: MSP, contentHash: '1' });
      known.set('b', { custodianMsp: MSP, contentHash: '2' });
      known.set('a', { custodianMsp: MSP, contentHash: '1' });
      known.set('c', { custodianMsp: MSP, contentHash: '3' });
      expect([known.get('a'), known.get('b'), known.get('c')].map((k) => k?.contentHash)).to.deep.equal([
        '1',
        undefined,
        '3',
      ]);
      known.delete('a');
      expect(known.get('a')).to.equal(undefined);
    });
  });

  it("sends one signed request with the peer height, and checks the content against its own peer's hash", async () => {
    const gatekeeper = await gatekeeperAnswering((request) => {
      const ticket = servedTicket(request);
      return { status: 200, body: { resourceJson: RESOURCE_JSON, ticket, disclosureTxId: ticket.ticketId } };
    });
    try {
      const { client, calls } = requesterLedger(permitTicket());
      const fetched = (await read(client, gatekeeper.url)) as { resource: unknown; disclosureTxId: string };
      expect(fetched.resource).to.deep.equal(JSON.parse(RESOURCE_JSON));
      expect(calls.sort()).to.deep.equal(['channelHeight', 'checkRequestAccess']);
      const [heard] = gatekeeper.heard;
      expect(heard?.path).to.equal('/v1/read');
      expect(heard?.body.minHeight).to.equal(42);
      const request = heard?.body.request;
      expect(request).to.include({
        recordId: RECORD_ID,
        purpose: 'TREAT',
        custodianMsp: MSP,
        requesterMsp: 'Hospital2MSP',
      });
      // The signature is the requester's own, over the contract's bytes.
      const { signature, ...unsigned } = request!;
      expect(
        crypto.verify(
          'sha256',
          readRequestBytes(unsigned),
          crypto.createPublicKey(CLINICIAN_A_CERTIFICATE),
          Buffer.from(signature, 'base64'),
        ),
      ).to.equal(true);
    } finally {
      gatekeeper.close();
    }
  });

  it('records a previewed deny by a transaction and never asks the gatekeeper', async () => {
    const gatekeeper = await gatekeeperAnswering(() => ({ status: 500, body: {} }));
    try {
      const deny: Ticket = { ...permitTicket(), decision: 'deny', reason: 'no-covering-consent' };
      delete (deny as { contentHash?: string }).contentHash;
      const { client, calls } = requesterLedger(deny);
      await rejectionOf(read(client, gatekeeper.url), AccessDeniedError);
      expect(calls).to.include('requestAccess');
      expect(gatekeeper.heard).to.have.length(0);
    } finally {
      gatekeeper.close();
    }
  });

  it("refuses content that does not match the hash its own peer gave, whatever the gatekeeper's ticket says", async () => {
    const tampered = '{"resourceType":"Condition","subject":{"reference":"Patient/pat-2"}}';
    const gatekeeper = await gatekeeperAnswering((request) => {
      const ticket = servedTicket(request);
      return { status: 200, body: { resourceJson: tampered, ticket, disclosureTxId: ticket.ticketId } };
    });
    try {
      await rejectionOf(read(requesterLedger(permitTicket()).client, gatekeeper.url), ContentHashMismatchError);
    } finally {
      gatekeeper.close();
    }
  });

  it('refuses an answer whose ticket is not the permit for this read', async () => {
    const gatekeeper = await gatekeeperAnswering((request) => {
      const ticket = { ...servedTicket(request), recordId: 'rec-other' };
      return { status: 200, body: { resourceJson: RESOURCE_JSON, ticket, disclosureTxId: ticket.ticketId } };
    });
    try {
      const err = await rejectionOf(
        read(requesterLedger(permitTicket()).client, gatekeeper.url),
        GatekeeperTransportError,
      );
      expect(err.reason).to.equal('response');
    } finally {
      gatekeeper.close();
    }
  });

  it("passes on the gatekeeper's refusal (4xx) and turns its failure (5xx) into CustodianError", async () => {
    const refusing = await gatekeeperAnswering(() => ({
      status: 403,
      body: { code: 'GATEKEEPER_NOT_PERMITTED', detail: 'deactivated' },
    }));
    const failing = await gatekeeperAnswering(() => ({
      status: 503,
      body: { code: 'GATEKEEPER_LEDGER_UNAVAILABLE', detail: 'peers down' },
    }));
    try {
      const refused = await rejectionOf(
        read(requesterLedger(permitTicket()).client, refusing.url),
        GatekeeperRefusedError,
      );
      expect(refused).to.include({ status: 403, code: 'GATEKEEPER_NOT_PERMITTED' });
      const failed = await rejectionOf(read(requesterLedger(permitTicket()).client, failing.url), CustodianError);
      expect(failed.custodianMsp).to.equal(MSP);
    } finally {
      refusing.close();
      failing.close();
    }
  });
});
