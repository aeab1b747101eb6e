import type { IncentiveErrorCode, MedRecErrorCode, TrendErrorCode } from '@medrec/contract';

/**
 * The only error the chaincode throws on purpose. Fabric passes just `error.message` back to the client,
 * so the message itself is the JSON text {"code":"MEDREC_...","message":"..."} that clients parse.
 */
export class MedRecError extends Error {
  public readonly code: MedRecErrorCode;
  public readonly detail: string;

  public constructor(code: MedRecErrorCode, detail: string) {
    super(JSON.stringify({ code, message: detail }));
    this.name = 'MedRecError';
    this.code = code;
    this.detail = detail;
  }
}

export function notFound(detail: string): MedRecError {
  return new MedRecError('MEDREC_NOT_FOUND', detail);
}

export function forbidden(detail: string): MedRecError {
  return new MedRecError('MEDREC_FORBIDDEN', detail);
}

export function invalidArgument(detail: string): MedRecError {
  return new MedRecError('MEDREC_INVALID_ARGUMENT', detail);
}

export function conflict(detail: string): MedRecError {
  return new MedRecError('MEDREC_CONFLICT', detail);
}

/** State on the ledger that fails re-validation: a bug or tampering, never the caller's fault. */
export function internal(detail: string): MedRecError {
  return new MedRecError('MEDREC_INTERNAL', detail);
}

export function incentiveError(code: IncentiveErrorCode, detail: string): MedRecError {
  return new MedRecError(code, detail);
}

export function trendError(code: TrendErrorCode, detail: string): MedRecError {
  return new MedRecError(code, detail);
}
