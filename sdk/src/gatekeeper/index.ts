/**
 * The client side of the gatekeeper protocol, which record retrieval uses: its routes, the proof of possession a
 * requester signs, the wire codes of its answers (gatekeeper and proof errors) and how a relayed refusal is read. The
 * service itself is @medrec/gatekeeper.
 */
export * from './gatekeeper-protocol';
export * from './possession-proof';
export * from './read-request';
export * from './gatekeeper-errors';
export * from './proof-errors';
export { callGatekeeper, GatekeeperTransportError, type GatekeeperAnswer } from './gatekeeper-client';
export { gatekeeperRefusalKind, type GatekeeperRefusalKind } from './refusal-kind';
