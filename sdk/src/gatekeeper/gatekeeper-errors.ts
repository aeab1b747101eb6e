import { MedRecError, type MedRecErrorOptions } from '../medrec-error';

/**
 * Why the gatekeeper refused to serve a record. Each kind has a stable code and the HTTP status it maps to.
 *
 * Every code but BAD_REQUEST, PAYLOAD_TOO_LARGE, NOT_FOUND, INTERNAL and the *_UNAVAILABLE ones is raised only after
 * the caller's proof of possession verified, i.e. only to the ticket's own requester: an unauthenticated caller learns
 * nothing about a ticket (see gatekeeper.ts). An expired ticket is 409 Conflict, like the ledger's MEDREC_CONFLICT for
 * the same state and the REST API's mapping of it: the ticket exists but its state no longer allows a read; requesting
 * access again issues a new one.
 */
export const GATEKEEPER_ERROR_CODES = [
  'GATEKEEPER_BAD_REQUEST',
  'GATEKEEPER_PAYLOAD_TOO_LARGE',
  'GATEKEEPER_TICKET_NOT_FOUND',
  'GATEKEEPER_TICKET_DENIED',
  'GATEKEEPER_TICKET_MISMATCH',
  'GATEKEEPER_PURPOSE_MISMATCH',
  'GATEKEEPER_TICKET_EXPIRED',
  'GATEKEEPER_NOT_PERMITTED',
  'GATEKEEPER_RECORD_NOT_FOUND',
  'GATEKEEPER_LEDGER_FAILED',
  'GATEKEEPER_LEDGER_UNAVAILABLE',
  'GATEKEEPER_STORE_UNAVAILABLE',
  // Answered by the HTTP layer (gatekeeper-http.ts) rather than thrown: an unknown route, an unexpected failure.
  'GATEKEEPER_NOT_FOUND',
  'GATEKEEPER_INTERNAL',
] as const;
export type GatekeeperErrorCode = (typeof GATEKEEPER_ERROR_CODES)[number];

const STATUS: Readonly<Record<GatekeeperErrorCode, number>> = {
  GATEKEEPER_BAD_REQUEST: 400,
  GATEKEEPER_PAYLOAD_TOO_LARGE: 413,
  GATEKEEPER_TICKET_NOT_FOUND: 404,
  GATEKEEPER_TICKET_DENIED: 403,
  GATEKEEPER_TICKET_MISMATCH: 403,
  GATEKEEPER_PURPOSE_MISMATCH: 403,
  GATEKEEPER_TICKET_EXPIRED: 409,
  GATEKEEPER_NOT_PERMITTED: 403,
  GATEKEEPER_RECORD_NOT_FOUND: 404,
  // The ledger answered in a way the gatekeeper does not expect (a chaincode bug or a mismatched version): nothing
  // is served, and retrying will not help.
  GATEKEEPER_LEDGER_FAILED: 500,
  GATEKEEPER_LEDGER_UNAVAILABLE: 503,
  GATEKEEPER_STORE_UNAVAILABLE: 503,
  GATEKEEPER_NOT_FOUND: 404,
  GATEKEEPER_INTERNAL: 500,
};

export class GatekeeperError extends MedRecError<GatekeeperErrorCode> {
  readonly code: GatekeeperErrorCode;
  readonly status: number;

  /** `transactionId`: the ledger transaction the refusal is about (a recorded deny), for the requester to look up. */
  constructor(code: GatekeeperErrorCode, message: string, options?: Readonly<MedRecErrorOptions>) {
    super(message, options);
    this.code = code;
    this.status = STATUS[code];
  }
}
