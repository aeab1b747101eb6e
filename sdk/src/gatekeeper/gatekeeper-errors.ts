/** Why the gatekeeper refused to serve a record. Each kind has a stable code and the HTTP status it maps to. */
export type GatekeeperErrorCode =
  | 'GATEKEEPER_BAD_REQUEST'
  | 'GATEKEEPER_TICKET_NOT_FOUND'
  | 'GATEKEEPER_TICKET_DENIED'
  | 'GATEKEEPER_TICKET_MISMATCH'
  | 'GATEKEEPER_TICKET_EXPIRED'
  | 'GATEKEEPER_RECORD_NOT_FOUND'
  | 'GATEKEEPER_LEDGER_UNAVAILABLE'
  | 'GATEKEEPER_STORE_UNAVAILABLE';

const STATUS: Readonly<Record<GatekeeperErrorCode, number>> = {
  GATEKEEPER_BAD_REQUEST: 400,
  GATEKEEPER_TICKET_NOT_FOUND: 404,
  GATEKEEPER_TICKET_DENIED: 403,
  GATEKEEPER_TICKET_MISMATCH: 403,
  GATEKEEPER_TICKET_EXPIRED: 410,
  GATEKEEPER_RECORD_NOT_FOUND: 404,
  GATEKEEPER_LEDGER_UNAVAILABLE: 503,
  GATEKEEPER_STORE_UNAVAILABLE: 503,
};

export class GatekeeperError extends Error {
  readonly code: GatekeeperErrorCode;
  readonly status: number;

  constructor(code: GatekeeperErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GatekeeperError';
    this.code = code;
    this.status = STATUS[code];
  }
}
