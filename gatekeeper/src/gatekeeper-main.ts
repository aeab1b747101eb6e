import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import {
  connectGateway,
  createMedrecClient,
  filteredBlockNumbers,
  processFilteredChaincodeEvents,
  watchChannelHeight,
} from '@medrec/sdk';
import { openRecordStore } from './store/open-record-store';
import { openDurableReplayCache } from './durable-replay-cache';
import { createGatekeeper } from './gatekeeper';
import { createGatekeeperHttpsServer } from './gatekeeper-http';
import { createProofVerifier } from './proof-verifier';
import { startDeadlineCloser } from './trends/deadline-closer';
import { startTrendResponder } from './trends/trend-responder';

/** Environment of one organisation's gatekeeper process (set by `medrec network up`). */
function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set; the gatekeeper is started by \`medrec network up\`, which sets it`);
  }
  return value;
}

function port(name: string): number {
  const raw = required(name);
  if (!/^\d{2,5}$/.test(raw) || Number(raw) > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return Number(raw);
}

async function main(): Promise<void> {
  const logger = pino({ name: 'medrec-gatekeeper' });
  const mspId = required('MEDREC_MSP_ID');
  const identityDir = required('MEDREC_GATEKEEPER_IDENTITY_DIR');
  const schema = process.env.MEDREC_GATEKEEPER_DATABASE_SCHEMA;
  const databaseUrl = process.env.MEDREC_GATEKEEPER_DATABASE_URL;
  const storeConfig = {
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(schema === undefined || schema === '' ? {} : { databaseSchema: schema }),
    sqliteFile: required('MEDREC_GATEKEEPER_SQLITE_FILE'),
  };
  const store = await openRecordStore(storeConfig);
  // Seen proofs live next to the records, so a restart (or another replica on the same database) still refuses them.
  const replayCache = await openDurableReplayCache(storeConfig);
  const connection = connectGateway({
    peerAddress: required('MEDREC_PEER_ADDRESS'),
    tlsRootCertificate: fs.readFileSync(required('MEDREC_PEER_TLS_ROOT_FILE'), 'utf8'),
    tlsServerName: 'localhost',
    identity: {
      mspId,
      certificate: fs.readFileSync(path.join(identityDir, 'signcerts', 'cert.pem'), 'utf8'),
      privateKey: fs.readFileSync(path.join(identityDir, 'keystore', 'key.pem'), 'utf8'),
    },
  });
  const ledger = createMedrecClient(connection.gateway);
  // Followed from the peer's committed blocks: a read waits on it without a proposal per poll.
  const height = watchChannelHeight({
    query: () => ledger.channelHeight(),
    blocks: filteredBlockNumbers(connection.gateway.getNetwork('medrec')),
  });
  const gatekeeper = createGatekeeper({
    store,
    mspId,
    ledger,
    channelHeight: () => height.height(),
    verifier: createProofVerifier({ replayCache }),
  });
  const server = createGatekeeperHttpsServer({
    gatekeeper,
    // Issued by the organisation's Fabric CA (TLS profile); the REST APIs verify it against that CA's root only.
    tls: {
      cert: fs.readFileSync(required('MEDREC_GATEKEEPER_TLS_CERT_FILE'), 'utf8'),
      key: fs.readFileSync(required('MEDREC_GATEKEEPER_TLS_KEY_FILE'), 'utf8'),
    },
    // Denied attempts are logged with their reason (never with record content).
    onRefusal: (refusal) => {
      logger.warn({ refusal }, 'retrieval refused');
    },
  });
  // Trend queries are answered here, beside the records, as the gatekeeper; the checkpoint lives with the store.
  const checkpointFile = path.join(path.dirname(storeConfig.sqliteFile), `trend-responder-${mspId}.checkpoint.json`);
  const closer = startDeadlineCloser({
    ledger,
    file: path.join(path.dirname(storeConfig.sqliteFile), `trend-deadlines-${mspId}.json`),
    onOutcome: (outcome) => {
      logger.info({ trendClose: outcome }, 'trend query deadline handled');
    },
  });
  const trends = startTrendResponder({
    mspId,
    ledger,
    store,
    closer,
    subscribe: (handler) => processFilteredChaincodeEvents(connection.gateway, { checkpointFile }, handler),
    onOutcome: (outcome) => {
      logger.info({ trendQuery: outcome }, 'trend query handled');
    },
    onStreamFailure: (err) => {
      logger.warn({ err }, 'trend query events interrupted; resubscribing from the checkpoint');
    },
  });
  const listenPort = port('MEDREC_GATEKEEPER_PORT');
  // The organisation's host from the consortium file; loopback when started without one (as before).
  const hostSetting = process.env.MEDREC_GATEKEEPER_HOST;
  const listenHost = hostSetting === undefined || hostSetting === '' ? '127.0.0.1' : hostSetting;
  server.listen(listenPort, listenHost, () => {
    logger.info({ host: listenHost, port: listenPort, mspId }, 'gatekeeper listening (https)');
  });
  const shutdown = (): void => {
    trends.close();
    closer.stop();
    height.close();
    server.close();
    connection.close();
    store.close().catch(() => undefined);
    replayCache.close().catch(() => undefined);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`gatekeeper failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
