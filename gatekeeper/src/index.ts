/**
 * The gatekeeper's public surface: the custodian's service (one HTTPS gatekeeper per organisation), its record stores,
 * its replay caches and the custodian's write path. The client side of the gatekeeper protocol (routes, proof of
 * possession, wire codes) is in @medrec/sdk. Everything else under gatekeeper/src is internal; other packages use this
 * file only, by the package name @medrec/gatekeeper.
 */
export * from './errors';
// Record stores (SQLite, PostgreSQL): the custodian's clinical content.
export * from './store';
export { openRecordStore, type RecordStoreConfig } from './store/open-record-store';
// The custodian's write path: storing records and registering them in their author's name.
export { createCustodian, locatorFor, type Custodian, type RegisteredRecord } from './custodian';
export * from './registration-errors';
// The service: the rules a retrieval must pass, its HTTPS server, the proof checks and the memory of used proofs.
export { createGatekeeper, type Gatekeeper, type GatekeeperOptions, type RetrievalRequest } from './gatekeeper';
export { createGatekeeperHttpsServer, type GatekeeperTlsCredentials } from './gatekeeper-http';
export * from './replay-cache';
export * from './proof-verifier';
export * from './durable-replay-cache';
export { createSqliteReplayCache } from './sqlite-replay-cache';
export { createPostgresReplayCache } from './postgres-replay-cache';
