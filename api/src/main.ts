import pino from 'pino';
import { createStoreRecordDescriber, openRecordStore } from '@medrec/gatekeeper';
import { createCachingWallet, createFileWallet } from '@medrec/sdk';
import { createFabricUserRegistration } from './adapters/fabric-user-registration';
import { readFabricEnvironment } from './adapters/fabric-environment';
import { createGatekeeperRecordCustody } from './adapters/gatekeeper-record-custody';
import { createNetworkObserver } from './adapters/network-observer';
import { createSqliteExternalIds } from './adapters/sqlite-external-ids';
import { createWalletAuditExporter } from './adapters/wallet-audit-exporter';
import { createWalletLedgerGateway } from './adapters/wallet-ledger-gateway';
import { createReadinessProbe, gatekeeperCheck, peerCheck, recordStoreCheck } from './adapters/readiness-probe';
import { createSqliteUserDirectory } from './auth/sqlite-user-directory';
import { readApiConfig } from './config';
import { REDACTED_PATHS } from './http/request-logging';
import { createServer } from './server';
import { createReferencePseudonyms } from './use-cases/reference-pseudonyms';
import { startServer } from './start';

/** One organisation's REST API process: configuration from the environment, adapters to Fabric, then listen. */
async function main(): Promise<void> {
  const config = readApiConfig(process.env);
  const fabric = readFabricEnvironment(process.env);
  const logger = pino({ name: 'medrec-api', level: config.logLevel, redact: { paths: REDACTED_PATHS } });
  // Decrypting an entry costs an scrypt stretch (~130 ms of CPU); every request needs its user's key, so decrypted
  // identities are kept in memory (bounded, 10-minute lifetime) instead of being decrypted on each request.
  const wallet = createCachingWallet(
    await createFileWallet({ directory: fabric.walletDirectory, secret: fabric.walletSecret }),
  );
  const store = await openRecordStore(fabric.store);
  const users = createSqliteUserDirectory({ path: config.tokenDbPath, tokenTtlMs: config.tokenTtlMs });
  // The organisation's own identifiers live beside its API tokens, in its own database, never on the ledger.
  const externalIds = createSqliteExternalIds({ path: config.tokenDbPath });
  const apiIdentity = {
    org: config.org,
    mspId: fabric.mspId,
    enrollmentId: fabric.healthIdentity,
    participantId: fabric.healthIdentity,
    role: 'admin',
  } as const;
  const ledger = createWalletLedgerGateway({ wallet, peer: fabric.peer, heightIdentity: apiIdentity });
  const readiness = createReadinessProbe(
    [
      peerCheck(ledger, apiIdentity),
      gatekeeperCheck({ url: fabric.gatekeeper.url, trustedCaPem: [fabric.gatekeeper.tlsRootCertificate] }),
      recordStoreCheck(store),
    ],
    {
      onFailure: (check, err) => {
        logger.warn({ check, err }, 'readiness check failed');
      },
    },
  );
  const app = createServer({
    options: config,
    users,
    ledger,
    registration: createFabricUserRegistration({ ca: fabric.ca, wallet, ledger }),
    externalIds,
    references: createReferencePseudonyms(fabric.walletSecret),
    custody: createGatekeeperRecordCustody({
      store,
      mspId: fabric.mspId,
      ledger,
      wallet,
      channelHeight: () => ledger.currentHeight(),
    }),
    auditExporter: createWalletAuditExporter({ wallet, ledger }),
    recordDescriptions: { describe: createStoreRecordDescriber({ store, mspId: fabric.mspId }) },
    network: createNetworkObserver(ledger),
    readiness,
    logger,
  });
  const running = await startServer(app, { host: config.host, port: config.port });
  logger.info({ url: running.url, org: config.org }, 'MedRec API listening');
  const shutdown = (): void => {
    running
      .close()
      .catch(() => undefined)
      .finally(() => {
        ledger.close();
        users.close();
        externalIds.close();
        store.close().catch(() => undefined);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`MedRec API failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
