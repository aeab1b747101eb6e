/**
 * Maps every error the API can meet to a problem: the SDK's and the gatekeeper service's errors by their stable code
 * through one table, by class only where a code alone does not say what the API answers, never by message text.
 */
import type { GatekeeperServiceErrorCode } from '@medrec/gatekeeper';
import {
  AccessDeniedError,
  gatekeeperRefusalKind,
  GatekeeperRefusedError,
  InvalidFhirResourceError,
  MedRecError,
  TransactionInvalidError,
  type GatekeeperRefusalKind,
  type SdkErrorCode,
} from '@medrec/sdk';
import { ApiProblem, PROBLEMS, type ProblemFieldError, type ProblemType } from './problem';

/** How the API answers one code. */
export interface CodeAnswer {
  /** Status, title and type URI of the problem. */
  readonly type: ProblemType;
  /**
   * Shown instead of the error's message when that may reveal internals (hosts, keys, ledger state); the error is then
   * logged. Absent: the message is written for the caller and is shown as it is.
   */
  readonly detail?: string;
  /** The code the response carries, where the API has always named the condition differently from the SDK. */
  readonly code?: string;
  readonly retryAfterSeconds?: number;
}

const GENERIC_DETAIL = 'The server could not complete the request. Quote the request id when you report it.';
const CUSTODIAN_DETAIL = 'The custodian did not serve the record. Retry later.';

const invalidArgument: CodeAnswer = { type: PROBLEMS.invalidArgument };
const forbidden: CodeAnswer = { type: PROBLEMS.forbidden };
const notFound: CodeAnswer = { type: PROBLEMS.notFound };
const conflict: CodeAnswer = { type: PROBLEMS.conflict };
const validation: CodeAnswer = { type: PROBLEMS.validation };
const fhirInvalid: CodeAnswer = { type: PROBLEMS.fhirInvalid };
/**
 * A failure of this server itself (its configuration, its own wallet, a bug): nothing the caller can change, and
 * nothing to tell them but the request id (not even which failure: a tampered wallet is the operator's to know).
 */
const internal: CodeAnswer = { type: PROBLEMS.internal, detail: GENERIC_DETAIL, code: 'INTERNAL' };
/** The custodian's gatekeeper failed, or could not be asked: a 502 "retry later", never a refusal of the caller. */
const custodianFailure: CodeAnswer = {
  type: PROBLEMS.badGateway,
  detail: CUSTODIAN_DETAIL,
  code: 'CUSTODIAN_UNAVAILABLE',
};
const storeUnavailable: CodeAnswer = {
  type: PROBLEMS.serviceUnavailable,
  detail: "This organisation's record store is unavailable. Retry later.",
  retryAfterSeconds: 5,
};
const ledgerReadUnavailable: CodeAnswer = {
  type: PROBLEMS.unavailable,
  detail: 'The ledger did not serve a block or transaction the audit export needs. Retry later.',
  retryAfterSeconds: 5,
};

/**
 * Every code a MedRecError the API meets can carry: the SDK's, and those of the gatekeeper service's families (its
 * record store, the custodian's write path), which the API uses in-process.
 */
export type AnsweredErrorCode = SdkErrorCode | GatekeeperServiceErrorCode;

/**
 * Every code an SDK or gatekeeper service error carries, and the answer to it. A refusal of the caller is a 4xx; a dependency that did not
 * answer is a 502/503; 500 is deliberate only for failures of this server itself. Gatekeeper and proof codes reach the
 * API only in a custodian's answer (GatekeeperRefusedError), so they are answered as relayed refusals or failures.
 */
export const PROBLEM_BY_CODE: Readonly<Record<SdkErrorCode | GatekeeperServiceErrorCode, CodeAnswer>> = {
  // The chaincode's refusals.
  MEDREC_INVALID_ARGUMENT: invalidArgument,
  MEDREC_FORBIDDEN: forbidden,
  MEDREC_NOT_FOUND: notFound,
  MEDREC_CONFLICT: conflict,
  // The chaincode's own failure: its message may name ledger keys, its code is the contract's.
  MEDREC_INTERNAL: { type: PROBLEMS.internal, detail: GENERIC_DETAIL },
  // Incentive layer: a claim that fails verification is a bad argument; one that collides with ledger state is a
  // conflict (already claimed or attested by this organisation, not yet committed on the endorsing peer, balance
  // too low).
  MEDREC_BAD_SIGNATURE: invalidArgument,
  MEDREC_NOT_A_PEER: invalidArgument,
  MEDREC_CERTIFICATE_NOT_VALID: invalidArgument,
  MEDREC_NOT_CLAIMABLE: invalidArgument,
  MEDREC_PAYLOAD_MISMATCH: invalidArgument,
  MEDREC_WRONG_ORGANISATION: invalidArgument,
  MEDREC_ALREADY_CLAIMED: conflict,
  MEDREC_ALREADY_ATTESTED: conflict,
  MEDREC_INSUFFICIENT_FUNDS: conflict,
  // The ledger's state refuses these for now (budget of this period spent, query answered, closed or still open).
  MEDREC_BUDGET_EXHAUSTED: conflict,
  MEDREC_ALREADY_ANSWERED: conflict,
  MEDREC_QUERY_CLOSED: conflict,
  MEDREC_DEADLINE_NOT_REACHED: conflict,
  MEDREC_NOT_COMMITTED: conflict,
  // The phases of a gateway call.
  ENDORSEMENT_MISMATCH: { type: PROBLEMS.unavailable, code: 'ENDORSERS_DISAGREE', retryAfterSeconds: 1 },
  TRANSACTION_INVALID: { type: PROBLEMS.transactionInvalid },
  NETWORK_UNAVAILABLE: {
    type: PROBLEMS.unavailable,
    detail: 'The Fabric network did not answer. Retry later; a write may or may not have been committed.',
    retryAfterSeconds: 5,
  },
  // A gateway failure the SDK could not classify: deliberately a 500, as anything unknown.
  LEDGER_FAILED: internal,
  CONTENT_HASH_MISMATCH: { type: PROBLEMS.badGateway },
  // Reading from a custodian (the ledger's deny decision, MEDREC_FORBIDDEN, is answered by class below).
  CUSTODIAN_UNAVAILABLE: custodianFailure,
  GATEKEEPER_UNREACHABLE: custodianFailure,
  GATEKEEPER_UNKNOWN_CODE: custodianFailure,
  // A custodian's gatekeeper refusing the caller's ticket (refusal-kind.ts); the rest is its own failure.
  GATEKEEPER_TICKET_DENIED: forbidden,
  GATEKEEPER_TICKET_MISMATCH: forbidden,
  GATEKEEPER_PURPOSE_MISMATCH: forbidden,
  GATEKEEPER_NOT_PERMITTED: forbidden,
  GATEKEEPER_TICKET_NOT_FOUND: notFound,
  GATEKEEPER_RECORD_NOT_FOUND: notFound,
  // An expired or ended ticket: its state no longer allows the read (409, as the ledger's MEDREC_CONFLICT).
  GATEKEEPER_TICKET_EXPIRED: conflict,
  GATEKEEPER_BAD_REQUEST: custodianFailure,
  GATEKEEPER_PAYLOAD_TOO_LARGE: custodianFailure,
  GATEKEEPER_LEDGER_FAILED: custodianFailure,
  GATEKEEPER_LEDGER_UNAVAILABLE: custodianFailure,
  GATEKEEPER_STORE_UNAVAILABLE: custodianFailure,
  GATEKEEPER_NOT_FOUND: custodianFailure,
  GATEKEEPER_INTERNAL: custodianFailure,
  // The API signs proofs with the caller's own key: a bad signature means the ticket is not theirs. The other proof
  // errors are the relay's own fault (its clock, its code) or the custodian's condition.
  PROOF_BAD_SIGNATURE: forbidden,
  PROOF_MALFORMED: custodianFailure,
  PROOF_MISMATCH: custodianFailure,
  PROOF_STALE: custodianFailure,
  PROOF_REPLAYED: custodianFailure,
  PROOF_BAD_CERTIFICATE: custodianFailure,
  PROOF_REPLAY_CACHE_FULL: custodianFailure,
  PROOF_INVALID_OPTION: custodianFailure,
  // Registering a record in its author's name.
  AUTHOR_MISMATCH: conflict,
  FHIR_INVALID_RESOURCE: fhirInvalid,
  FHIR_UNSUPPORTED_RESOURCE_TYPE: fhirInvalid,
  FHIR_NOT_CANONICALIZABLE: fhirInvalid,
  STORE_INVALID_INPUT: validation,
  STORE_RECORD_CONFLICT: conflict,
  STORE_RECORD_NOT_FOUND: notFound,
  STORE_ALREADY_REGISTERED: conflict,
  STORE_CLOSED: storeUnavailable,
  STORE_UNAVAILABLE: storeUnavailable,
  // The server's own wallet (wrong secret, tampered entry, loose permissions): deliberately a 500.
  WALLET_INVALID_INPUT: internal,
  WALLET_WRONG_KEY: internal,
  WALLET_ENTRY_TAMPERED: internal,
  WALLET_INSECURE_PERMISSIONS: internal,
  IDENTITY_EXISTS: conflict,
  IDENTITY_SERVICE_FAILED: {
    type: PROBLEMS.serviceUnavailable,
    detail: "The organisation's certificate authority did not complete the request. Retry later.",
  },
  // A bad filter or a file that is not an export is the caller's; a ledger read that failed is retryable.
  AUDIT_EXPORT_INVALID_FILTER: validation,
  AUDIT_EXPORT_MALFORMED_BLOCK: validation,
  AUDIT_EXPORT_MALFORMED_FILE: validation,
  AUDIT_EXPORT_UNSUPPORTED_INPUT: validation,
  AUDIT_EXPORT_PROOF_UNAVAILABLE: ledgerReadUnavailable,
  AUDIT_EXPORT_BLOCK_UNAVAILABLE: ledgerReadUnavailable,
  // Seed options come from an operator's command line, never from a request: deliberately a 500.
  SEED_INVALID_OPTION: internal,
};

/** A deny decision on a ticket: the request for access was recorded, not refused, so it has its own problem type. */
const ACCESS_DENIED: CodeAnswer = { type: PROBLEMS.accessDenied, code: 'ACCESS_DENIED' };

/** The code whose answer a relayed refusal gets: the gatekeeper's status and code decide its kind (refusal-kind.ts). */
const RELAYED: Readonly<Record<GatekeeperRefusalKind, SdkErrorCode>> = {
  forbidden: 'GATEKEEPER_NOT_PERMITTED',
  'not-found': 'GATEKEEPER_TICKET_NOT_FOUND',
  expired: 'GATEKEEPER_TICKET_EXPIRED',
  failure: 'CUSTODIAN_UNAVAILABLE',
};

/** The answer to an SDK error: by its code, except for the two errors whose code alone does not decide it. */
export function answerFor(err: MedRecError<AnsweredErrorCode>): CodeAnswer {
  if (err instanceof AccessDeniedError) return ACCESS_DENIED;
  if (err instanceof GatekeeperRefusedError) {
    return PROBLEM_BY_CODE[RELAYED[gatekeeperRefusalKind(err.status, err.code)]];
  }
  // The type says every MedRecError here is the SDK's or the gatekeeper's; a family of another package (a code the
  // table does not know) is a failure of this server, answered as one rather than crashing the error handler.
  return Object.hasOwn(PROBLEM_BY_CODE, err.code) ? PROBLEM_BY_CODE[err.code] : internal;
}

function fieldErrorsOf(err: MedRecError<AnsweredErrorCode>): ProblemFieldError[] | undefined {
  if (!(err instanceof InvalidFhirResourceError)) return undefined;
  return err.issues.map((issue) => ({ in: 'body', path: issue.path, message: issue.message }));
}

function sdkProblem(err: MedRecError<AnsweredErrorCode>): { problem: ApiProblem; exposed: boolean } {
  const answer = answerFor(err);
  // A commit's validation code (e.g. MVCC_READ_CONFLICT) tells the caller more than TRANSACTION_INVALID does.
  const code = err instanceof TransactionInvalidError ? err.validationCode : (answer.code ?? err.code);
  const errors = fieldErrorsOf(err);
  const problem = new ApiProblem(answer.type, answer.detail ?? err.message, {
    code,
    ...(err.transactionId === undefined ? {} : { transactionId: err.transactionId }),
    ...(errors === undefined ? {} : { errors }),
    ...(answer.retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(answer.retryAfterSeconds) } }),
  });
  return { problem, exposed: answer.detail === undefined };
}

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

/** Returns the problem for `err`; `exposed` is false when the detail was replaced by a generic one (log the error). */
export function toProblem(err: unknown): { problem: ApiProblem; exposed: boolean } {
  if (err instanceof ApiProblem) return { problem: err, exposed: true };
  // Every MedRecError the API meets is of the SDK's families or of the gatekeeper service's (instanceof on the generic
  // root narrows to MedRecError<any>: name the codes it can carry).
  if (err instanceof MedRecError) return sdkProblem(err as MedRecError<AnsweredErrorCode>);
  if (isBodyParserError(err)) return { problem: bodyParserProblem(err), exposed: true };
  // Truly unknown: a bug or a library's own error. Its message may reveal anything, so only the request id is shown.
  const transactionId = (err as { transactionId?: unknown } | null)?.transactionId;
  const extra = typeof transactionId === 'string' ? { transactionId } : {};
  return { problem: new ApiProblem(PROBLEMS.internal, GENERIC_DETAIL, { code: 'INTERNAL', ...extra }), exposed: false };
}
