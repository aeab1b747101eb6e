/**
 * The gatekeeper's HTTPS routes, shared by the service (@medrec/gatekeeper) and its clients (record retrieval, the
 * readiness probes): one place so the two sides cannot drift.
 */

/** POST {ticketId, recordId, purpose, proof}: the record's content, on a permit ticket and a proof of possession. */
export const RETRIEVE_PATH = '/v1/retrieve';
/**
 * POST {request: SignedReadRequest}: the record's content, read in one ordered transaction. The gatekeeper submits the
 * requester's signed request (Access:Disclose); the ledger decides and records the disclosure; then it serves.
 */
export const READ_PATH = '/v1/read';
/** GET: the gatekeeper is up (no ledger or store access behind it). */
export const HEALTH_PATH = '/healthz';
