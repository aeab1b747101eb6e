/** Maps every error the API can meet to a problem: by class and stable code, never by message text. */
import {
  AuditExportError,
  ChaincodeError,
  ContentHashMismatchError,
  EndorsementMismatchError,
  gatekeeperRefusalKind,
  GatekeeperRefusedError,
  NetworkUnavailableError,
  TransactionInvalidError,
  type ChaincodeErrorCode,
  type GatekeeperRefusalKind,
} from '../../../sdk/src';
import { AccessDeniedError, CustodianError } from '../ports';
import { ApiProblem, PROBLEMS, type ProblemType } from './problem';

const CHAINCODE_PROBLEMS: Readonly<Record<ChaincodeErrorCode, ProblemType>> = {
  MEDREC_INVALID_ARGUMENT: PROBLEMS.invalidArgument,
  MEDREC_FORBIDDEN: PROBLEMS.forbidden,
  MEDREC_NOT_FOUND: PROBLEMS.notFound,
  MEDREC_CONFLICT: PROBLEMS.conflict,
  MEDREC_INTERNAL: PROBLEMS.internal,
  // Incentive layer: a claim that fails verification is a bad argument; one that collides with ledger state is a
  // conflict (already claimed, not yet committed on the endorsing peer, balance too low).
  MEDREC_BAD_SIGNATURE: PROBLEMS.invalidArgument,
  MEDREC_NOT_A_PEER: PROBLEMS.invalidArgument,
  MEDREC_CERTIFICATE_NOT_VALID: PROBLEMS.invalidArgument,
  MEDREC_NOT_CLAIMABLE: PROBLEMS.invalidArgument,
  MEDREC_PAYLOAD_MISMATCH: PROBLEMS.invalidArgument,
  MEDREC_WRONG_ORGANISATION: PROBLEMS.invalidArgument,
  MEDREC_ALREADY_CLAIMED: PROBLEMS.conflict,
  MEDREC_INSUFFICIENT_FUNDS: PROBLEMS.conflict,
  MEDREC_NOT_COMMITTED: PROBLEMS.conflict,
};

const GENERIC_DETAIL = 'The server could not complete the request. Quote the request id when you report it.';

/** Body-parser errors carry an HTTP status and a `type`; they describe the request, so they are safe to show. */
interface BodyParserError {
  readonly type: string;
  readonly status: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  if (!(err instanceof Error)) return false;
  const e = err as Partial<BodyParserError>;
  return typeof e.type === 'string' && typeof e.status === 'number';
}

function fhirError(err: unknown): { code: string; message: string; issues: unknown } | undefined {
  if (!(err instanceof Error)) return undefined;
  const { code, issues } = err as Error & { code?: unknown; issues?: unknown };
  return typeof code === 'string' && code.startsWith('FHIR_') ? { code, message: err.message, issues } : undefined;
}

function bodyParserProblem(err: BodyParserError): ApiProblem {
  if (err.type === 'entity.too.large') {
    return new ApiProblem(PROBLEMS.tooLarge, 'The request body exceeds the size limit of this server.');
  }
  if (err.type === 'entity.parse.failed') {
    return new ApiProblem(PROBLEMS.malformedJson, 'The request body could not be parsed as JSON.');
  }
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
    return new ApiProblem(PROBLEMS.unsupportedMediaType, 'Send the body as UTF-8 JSON.');
  }
  return new ApiProblem(PROBLEMS.validation, 'The request body could not be read.');
}

function fhirIssues(issues: unknown): { in: 'body'; path: string; message: string }[] | undefined {
  if (!Array.isArray(issues)) return undefined;
  return issues.flatMap((issue: unknown) => {
    const { path, message } = (issue ?? {}) as { path?: unknown; message?: unknown };
    return typeof path === 'string' && typeof message === 'string' ? [{ in: 'body' as const, path, message }] : [];
  });
}

/** The SDK's ledger errors, or undefined for anything else. */
function ledgerProblem(err: unknown): { problem: ApiProblem; exposed: boolean } | undefined {
  if (err instanceof ChaincodeError) {
    const type = CHAINCODE_PROBLEMS[err.code];
    const detail = err.code === 'MEDREC_INTERNAL' ? GENERIC_DETAIL : err.message;
    const extra = { code: err.code, ...(err.transactionId === undefined ? {} : { transactionId: err.transactionId }) };
    return { problem: new ApiProblem(type, detail, extra), exposed: err.code !== 'MEDREC_INTERNAL' };
  }
  if (err instanceof TransactionInvalidError) {
    return {
      problem: new ApiProblem(PROBLEMS.transactionInvalid, err.message, {
        code: err.validationCode,
        transactionId: err.transactionId ?? '',
      }),
      exposed: true,
    };
  }
  if (err instanceof EndorsementMismatchError) {
    const extra = {
      code: 'ENDORSERS_DISAGREE',
      headers: { 'retry-after': '1' },
      ...(err.transactionId === undefined ? {} : { transactionId: err.transactionId }),
    };
    return { problem: new ApiProblem(PROBLEMS.unavailable, err.message, extra), exposed: true };
  }
  if (err instanceof NetworkUnavailableError) {
    const detail = 'The Fabric network did not answer. Retry later; a write may or may not have been committed.';
    const extra = {
      code: 'NETWORK_UNAVAILABLE',
      headers: { 'retry-after': '5' },
      ...(err.transactionId === undefined ? {} : { transactionId: err.transactionId }),
    };
    return { problem: new ApiProblem(PROBLEMS.unavailable, detail, extra), exposed: false };
  }
  return undefined;
}

const GATEKEEPER_REFUSALS: Readonly<Record<Exclude<GatekeeperRefusalKind, 'failure'>, ProblemType>> = {
  forbidden: PROBLEMS.forbidden,
  'not-found': PROBLEMS.notFound,
  // An expired or ended ticket: its state no longer allows the read (409, as the ledger's MEDREC_CONFLICT).
  expired: PROBLEMS.conflict,
};

/** A custodian's gatekeeper refused: a 4xx the caller must act on (request access again, ask for consent). */
function gatekeeperRefusalProblem(err: GatekeeperRefusedError): { problem: ApiProblem; exposed: boolean } {
  const kind = gatekeeperRefusalKind(err.status, err.code);
  if (kind === 'failure') {
    const detail = 'The custodian did not serve the record. Retry later.';
    const extra = { code: 'CUSTODIAN_UNAVAILABLE', ...(err.transactionId ? { transactionId: err.transactionId } : {}) };
    return { problem: new ApiProblem(PROBLEMS.badGateway, detail, extra), exposed: false };
  }
  // The gatekeeper's detail speaks of the caller's own ticket only (it is verified as theirs first), never of content.
  const extra = { code: err.code, ...(err.transactionId ? { transactionId: err.transactionId } : {}) };
  return { problem: new ApiProblem(GATEKEEPER_REFUSALS[kind], err.message, extra), exposed: true };
}

/** Errors of the record path: denied tickets, custodians, content hashes and FHIR validation. */
function custodyProblem(err: unknown): { problem: ApiProblem; exposed: boolean } | undefined {
  if (err instanceof GatekeeperRefusedError) return gatekeeperRefusalProblem(err);
  if (err instanceof AccessDeniedError) {
    return {
      problem: new ApiProblem(PROBLEMS.accessDenied, err.message, {
        code: 'ACCESS_DENIED',
        transactionId: err.ticket.txId,
      }),
      exposed: true,
    };
  }
  if (err instanceof ContentHashMismatchError) {
    return {
      problem: new ApiProblem(PROBLEMS.badGateway, err.message, { code: 'CONTENT_HASH_MISMATCH' }),
      exposed: true,
    };
  }
  if (err instanceof CustodianError) {
    const detail = `The custodian ${err.custodianMsp} did not serve the record. Retry later.`;
    const extra = {
      code: 'CUSTODIAN_UNAVAILABLE',
      ...(err.transactionId === undefined ? {} : { transactionId: err.transactionId }),
    };
    return { problem: new ApiProblem(PROBLEMS.badGateway, detail, extra), exposed: false };
  }
  const fhir = fhirError(err);
  if (fhir) {
    const errors = fhirIssues(fhir.issues);
    return {
      problem: new ApiProblem(PROBLEMS.fhirInvalid, fhir.message, { code: fhir.code, ...(errors ? { errors } : {}) }),
      exposed: true,
    };
  }
  return undefined;
}

/** The audit export's typed errors: a bad filter is the caller's; a ledger read that failed is retryable. */
function auditExportProblem(err: unknown): { problem: ApiProblem; exposed: boolean } | undefined {
  if (!(err instanceof AuditExportError)) return undefined;
  if (err.code === 'AUDIT_EXPORT_INVALID_FILTER') {
    return { problem: new ApiProblem(PROBLEMS.validation, err.message, { code: err.code }), exposed: true };
  }
  if (err.code === 'AUDIT_EXPORT_PROOF_UNAVAILABLE' || err.code === 'AUDIT_EXPORT_BLOCK_UNAVAILABLE') {
    const detail = 'The ledger did not serve a block or transaction the audit export needs. Retry later.';
    return {
      problem: new ApiProblem(PROBLEMS.unavailable, detail, { code: err.code, headers: { 'retry-after': '5' } }),
      exposed: false,
    };
  }
  return { problem: new ApiProblem(PROBLEMS.validation, err.message, { code: err.code }), exposed: true };
}

/** Returns the problem for `err`; `exposed` is false when the detail was replaced by a generic one (log the error). */
export function toProblem(err: unknown): { problem: ApiProblem; exposed: boolean } {
  if (err instanceof ApiProblem) return { problem: err, exposed: true };
  const known = ledgerProblem(err) ?? custodyProblem(err) ?? auditExportProblem(err);
  if (known) return known;
  if (isBodyParserError(err)) return { problem: bodyParserProblem(err), exposed: true };
  const transactionId = (err as { transactionId?: unknown } | null)?.transactionId;
  const extra = typeof transactionId === 'string' ? { transactionId } : {};
  return { problem: new ApiProblem(PROBLEMS.internal, GENERIC_DETAIL, { code: 'INTERNAL', ...extra }), exposed: false };
}
