import crypto from 'node:crypto';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { expect } from 'chai';
import {
  createWalletLedgerGateway,
  type PeerConnector,
  type PeerEndpoint,
} from '../../../api/src/adapters/wallet-ledger-gateway';
import type { ClientIdentity } from '../../../sdk/src/gateway-connection';
import type { Wallet, WalletIdentity } from '../../../sdk/src/wallet';
import { user } from './support/fixtures';

/** A wallet that holds an identity for every label asked for. */
function everyoneWallet(mspId: string): Wallet {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    put: () => Promise.resolve(),
    get: (label): Promise<WalletIdentity> => Promise.resolve({ label, mspId, certificate: 'cert', privateKey: pem }),
    list: () => Promise.resolve([]),
    remove: () => Promise.resolve(false),
  };
}

/** Counts the peer clients opened and closed, and the Gateways made over them and closed. */
function countingPeer(): {
  openPeer: (peer: PeerEndpoint) => PeerConnector;
  clients: { opened: number; closed: number };
  gateways: { identity: ClientIdentity; closed: boolean }[];
} {
  const clients = { opened: 0, closed: 0 };
  const gateways: { identity: ClientIdentity; closed: boolean }[] = [];
  return {
    clients,
    gateways,
    openPeer: () => {
      clients.opened++;
      return {
        discover: () => Promise.reject(new Error('discovery is not used here')),
        connect: (identity) => {
          const made = { identity, closed: false };
          gateways.push(made);
          return {
            close: () => {
              made.closed = true;
            },
          } as unknown as Gateway;
        },
        close: () => {
          clients.closed++;
        },
      };
    },
  };
}

describe('api: wallet ledger gateway connections', () => {
  const peer: PeerEndpoint = { address: 'peer0:7051', tlsRootCertificate: 'pem' };

  it('shares one peer client among every user; closing Gateways for the LRU leaves it open', async () => {
    const fake = countingPeer();
    const users = Array.from({ length: 12 }, (_unused, i) => user('clinician', `doc-${i.toString()}`));
    const ledger = createWalletLedgerGateway({
      wallet: everyoneWallet(users[0]?.mspId ?? ''),
      peer,
      maxConnections: 5,
      openPeer: fake.openPeer,
    });
    for (const u of users) await ledger.gatewayFor(u);
    // The first user's Gateway again: a new one, made over the same client.
    const first = users[0];
    if (first === undefined) throw new Error('no users');
    await ledger.gatewayFor(first);
    expect(fake.clients).to.deep.equal({ opened: 1, closed: 0 });
    expect(fake.gateways).to.have.length(13);
    expect(fake.gateways.filter((g) => g.closed)).to.have.length(8);
    ledger.close();
    expect(fake.clients).to.deep.equal({ opened: 1, closed: 1 });
    expect(fake.gateways.every((g) => g.closed)).to.be.true;
  });

  it("reuses a user's Gateway while it is cached", async () => {
    const fake = countingPeer();
    const u = user('patient', 'pat-1');
    const ledger = createWalletLedgerGateway({ wallet: everyoneWallet(u.mspId), peer, openPeer: fake.openPeer });
    const a = await ledger.gatewayFor(u);
    const b = await ledger.gatewayFor(u);
    expect(a).to.equal(b);
    expect(fake.gateways).to.have.length(1);
    ledger.close();
  });

  it('reports a failed peer event stream once, after the events it delivered, and not after close()', async () => {
    const u = user('patient', 'pat-1');
    const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
    let streams = 0;
    const openPeer = (): PeerConnector => ({
      discover: () => Promise.reject(new Error('discovery is not used here')),
      connect: () =>
        ({
          close: () => undefined,
          getNetwork: () => ({
            getChaincodeEvents: () => {
              streams++;
              const failing = streams === 1;
              return Promise.resolve({
                close: () => undefined,
                async *[Symbol.asyncIterator]() {
                  yield {
                    eventName: 'X',
                    transactionId: 'a',
                    blockNumber: 1n,
                    payload: encode({ patientId: 'pat-1' }),
                  };
                  // An unreadable payload is skipped, not fatal.
                  yield { eventName: 'X', transactionId: 'b', blockNumber: 2n, payload: new TextEncoder().encode('{') };
                  await Promise.resolve();
                  if (failing) throw new Error('14 UNAVAILABLE: Connection dropped');
                },
              });
            },
          }),
        }) as unknown as Gateway,
      close: () => undefined,
    });
    const ledger = createWalletLedgerGateway({ wallet: everyoneWallet(u.mspId), peer, openPeer });
    const seen: string[] = [];
    const failures: string[] = [];
    await ledger.eventsFor(
      u,
      'pat-1',
      (e) => seen.push(e.transactionId),
      undefined,
      (err) => failures.push(err.message),
    );
    for (let i = 0; i < 50 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 2));
    expect(seen).to.deep.equal(['a']);
    expect(failures).to.deep.equal(['14 UNAVAILABLE: Connection dropped']);

    // Closed by the subscriber before the stream ends: its own doing, not reported.
    const quiet: string[] = [];
    const subscription = await ledger.eventsFor(
      u,
      'pat-1',
      () => undefined,
      undefined,
      (err) => quiet.push(err.message),
    );
    subscription.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(quiet).to.deep.equal([]);
    ledger.close();
  });
});
