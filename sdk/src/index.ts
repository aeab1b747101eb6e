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
export * from './height-watcher';
export * from './wallet';
export * from './fhir';
export * from './audit-export';
export * from './ledger-evidence';
export * from './network-view';
// The client side of the gatekeeper protocol: its routes, the proof of possession, the wire codes of its answers
// (their codes reach applications through its answers) and reaching a gatekeeper. The service is @medrec/gatekeeper.
export * from './gatekeeper';
// Deterministic synthetic patients, clinicians and FHIR records for demos and load.
export * from './seed';
