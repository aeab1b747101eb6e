/**
 * The network package's public surface: the local consortium (start, stop, inspect, upgrade) and the medrec CLI.
 * bin/medrec.js runs the CLI; tests and the benchmark drive the consortium.
 */
export { createConsortium, type Consortium, type ConsortiumOptions } from './consortium';
export type { EnrolledIdentity, NetworkStatus, NodeStatus, PeerEndpoint } from './consortium';
export { main } from './cli';
// Where a running organisation's API listens and where `npm start` wrote its first admin token (for tools that drive
// the REST API, such as the ledger benchmark).
export { adminTokenFile, apiUrl } from './api-process';
export { peerOf, type PeerOrgKey } from './topology';
// The miner services, paused by the benchmark (their rounds would add transactions to its cases) and by the incentive
// test (it runs its own miners and counts their claims).
export { startMiners, stopMiners } from './miner-process';
// The ordering service's batching parameters: the benchmark's sweep sets each batch timeout it measures.
export { checkOrderingParameters, type OrderingParameters } from './ordering-parameters';
