import crypto from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { GatekeeperTransportError } from '../../../sdk/src/gatekeeper/gatekeeper-client';
import type { MedrecClient } from '../../../sdk/src/medrec-client';
import { GatekeeperRefusedError, redeemTicket } from '../../../sdk/src/record-retrieval';
import { permitTicket, RESOURCE_JSON } from '../gatekeeper/support/gatekeeper-world';
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
