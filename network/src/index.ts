/**
 * The network package's public surface: the local consortium (start, stop, inspect, upgrade) and the medrec CLI.
 * bin/medrec.js runs the CLI; tests and the benchmark drive the consortium.
 */
export { createConsortium, type Consortium, type ConsortiumOptions } from './consortium';
export type { EnrolledIdentity, NetworkStatus, NodeStatus, PeerEndpoint } from './consortium';
export { main } from './cli';
