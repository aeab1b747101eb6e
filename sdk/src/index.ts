/**
 * The SDK's public surface: what applications built on MedRec (the REST API, tools) may import. Everything else
 * under sdk/src is internal and may change; other packages use this file only, by the package name @medrec/sdk, and a
 * lint rule refuses relative imports that reach into another package's src/.
 */
export * from './chaincode-types';
export * from './errors';
export * from './medrec-client';
export * from './event-stream';
export * from './gateway-connection';
export * from './identity-errors';
export * from './identity-service';
export * from './user-provisioning';
export * from './record-retrieval-errors';
export * from './record-retrieval';
export * from './wallet';
export * from './fhir';
export * from './audit-export';
export * from './store';
export { openRecordStore, type RecordStoreConfig } from './store/open-record-store';
// The custodian's side of the gatekeeper that an application calls: storing records, reaching a gatekeeper.
export { createCustodian, locatorFor, type Custodian, type RegisteredRecord } from './gatekeeper/custodian';
export * from './gatekeeper/registration-errors';
// The gatekeeper's and its proof checks' error families: their codes reach applications through its answers.
export { GATEKEEPER_ERROR_CODES, GatekeeperError, type GatekeeperErrorCode } from './gatekeeper/gatekeeper-errors';
export { PROOF_ERROR_CODES, ProofError, type ProofErrorCode } from './gatekeeper/proof-errors';
export { callGatekeeper, GatekeeperTransportError, type GatekeeperAnswer } from './gatekeeper/gatekeeper-client';
export { HEALTH_PATH } from './gatekeeper/gatekeeper-http';
export { gatekeeperRefusalKind, type GatekeeperRefusalKind } from './gatekeeper/refusal-kind';
// The organisation's miner: follows the blocks and claims its peers' endorsements.
export {
  chainHeight,
  createMiner,
  medrecCodeOf,
  type Miner,
  type MinerOptions,
  type MinerProgress,
  type MinerSummary,
} from './miner/miner';
// Deterministic synthetic patients, clinicians and FHIR records for demos and load.
export * from './seed';
