import { ERROR_CODES, type MedRecErrorCode } from '@medrec/contract';
import { CommitError, EndorseError, GatewayError, StatusCode, type ErrorDetail } from '@hyperledger/fabric-gateway';
// Type-only: each family declares its own codes next to its classes; SdkErrorCode below names their union.
import type { AuditExportErrorCode } from './audit-export/audit-export-errors';
import type { FhirErrorCode } from './fhir/fhir-errors';
import type { GatekeeperErrorCode } from './gatekeeper/gatekeeper-errors';
import type { ProofErrorCode } from './gatekeeper/proof-errors';
import type { IdentityErrorCode } from './identity-errors';
import type { RecordRetrievalErrorCode } from './record-retrieval-errors';
import type { SeedErrorCode } from './seed/seed-errors';
import type { WalletErrorCode } from './wallet/wallet-errors';
import { MedRecError, type MedRecErrorOptions, type PeerErrorDetail } from './medrec-error';

// The root lives in its own module, which imports none of its families; it is part of this module's surface.
export { MedRecError, type MedRecErrorOptions, type PeerErrorDetail };

/** Stable codes raised by the MedRec chaincode (its error payload is JSON: {"code", "message"}). */
export type ChaincodeErrorCode = MedRecErrorCode;

/** Failures of a gateway call other than the chaincode's own refusal, one per phase (endorse, commit, transport). */
export const GATEWAY_ERROR_CODES = [
  'ENDORSEMENT_MISMATCH',
  'TRANSACTION_INVALID',
  'NETWORK_UNAVAILABLE',
  'LEDGER_FAILED',
] as const;
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];
export type LedgerErrorCode = ChaincodeErrorCode | GatewayErrorCode;

/** The content check against the ledger's hash (a family of its own: it is neither a gateway call nor a store). */
export const CONTENT_ERROR_CODES = ['CONTENT_HASH_MISMATCH'] as const;
export type ContentErrorCode = (typeof CONTENT_ERROR_CODES)[number];

/** Every code an SDK error can carry: the union of the families' closed unions. */
export type SdkErrorCode =
  | LedgerErrorCode
  | ContentErrorCode
  | RecordRetrievalErrorCode
  | FhirErrorCode
  | WalletErrorCode
  | IdentityErrorCode
  | GatekeeperErrorCode
  | ProofErrorCode
  | AuditExportErrorCode
  | SeedErrorCode;

const CHAINCODE_CODES: ReadonlySet<string> = new Set<string>(ERROR_CODES);

/** A gateway call to the MedRec chaincode failed: refused by the chaincode, or in a phase of Fabric's flow. */
export abstract class LedgerError extends MedRecError<LedgerErrorCode> {
  abstract override readonly code: LedgerErrorCode;
}

/** The chaincode refused the transaction (validation, permission, conflict, not found); nothing was written. */
export class ChaincodeError extends LedgerError {
  readonly code: ChaincodeErrorCode;

  constructor(
    props: Readonly<{
      code: ChaincodeErrorCode;
      message: string;
      transactionId?: string;
      details?: readonly PeerErrorDetail[];
      cause?: unknown;
    }>,
  ) {
    super(props.message, props);
    this.code = props.code;
  }
}

/** The transaction was ordered but invalidated at commit (for example an MVCC read conflict); nothing was written. */
export class TransactionInvalidError extends LedgerError {
  readonly code = 'TRANSACTION_INVALID';
  /** Fabric's validation code name, e.g. MVCC_READ_CONFLICT. */
  readonly validationCode: string;

  constructor(props: Readonly<{ validationCode: string; transactionId: string; cause?: unknown }>) {
    super(`transaction ${props.transactionId} was invalidated at commit (${props.validationCode}); retry it`, props);
    this.validationCode = props.validationCode;
  }
}

/**
 * The endorsing peers simulated the transaction against different states (one has not yet committed a block the
 * others have, e.g. a consent granted a moment ago through another organisation's peer), so the gateway could not
 * collect matching endorsements. Nothing was ordered or written; retrying once the peers converge is safe.
 */
export class EndorsementMismatchError extends LedgerError {
  readonly code = 'ENDORSEMENT_MISMATCH';

  constructor(props: Readonly<{ transactionId?: string; details: readonly PeerErrorDetail[]; cause?: unknown }>) {
    super(
      'the endorsing peers returned different results (one is behind the others); nothing was written: retry shortly',
      props,
    );
  }
}

/** The network could not be reached or did not answer in time; the outcome of a submit may be unknown. */
export class NetworkUnavailableError extends LedgerError {
  readonly code = 'NETWORK_UNAVAILABLE';

  constructor(
    props: Readonly<{ message: string; transactionId?: string; details?: readonly PeerErrorDetail[]; cause?: unknown }>,
  ) {
    super(props.message, props);
  }
}

/** A gateway call failed in a way none of the classes above describes (e.g. an unknown chaincode); see `cause`. */
export class LedgerFailureError extends LedgerError {
  readonly code = 'LEDGER_FAILED';

  constructor(
    props: Readonly<{ message: string; transactionId?: string; details?: readonly PeerErrorDetail[]; cause?: unknown }>,
  ) {
    super(props.message, props);
  }
}

/** The content served by a custodian does not match the hash registered on the ledger. */
export class ContentHashMismatchError extends MedRecError<ContentErrorCode> {
  readonly code = 'CONTENT_HASH_MISMATCH';
  readonly recordId: string;
  readonly expected: string;
  readonly actual: string;

  constructor(props: Readonly<{ recordId: string; expected: string; actual: string }>) {
    super(
      `record ${props.recordId}: content hash ${props.actual} does not match the ledger's ${props.expected}; ` +
        'the custodian served altered or corrupted data: do not use it, and report it to the custodian',
    );
    this.recordId = props.recordId;
    this.expected = props.expected;
    this.actual = props.actual;
  }
}

interface ChaincodePayload {
  readonly code: ChaincodeErrorCode;
  readonly message: string;
}

/**
 * Peers embed the chaincode's error message in their own text ("chaincode response 500, {...}"). The MedRec
 * payload is a JSON object: locate the object and parse it; a message without one is not a MedRec error.
 */
export function parseChaincodePayload(text: string): ChaincodePayload | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed = JSON.parse(text.slice(start, end + 1)) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { code, message } = parsed as Record<string, unknown>;
    if (typeof code !== 'string' || !CHAINCODE_CODES.has(code) || typeof message !== 'string') return undefined;
    return { code: code as ChaincodeErrorCode, message };
  } catch {
    return undefined;
  }
}

const STATUS_NAMES = new Map<number, string>(Object.entries(StatusCode).map(([name, code]) => [code, name]));

/** Fabric's name for a transaction validation code (e.g. 11 -> MVCC_READ_CONFLICT). */
export function validationCodeName(code: number): string {
  return STATUS_NAMES.get(code) ?? `UNKNOWN_${code}`;
}

const GRPC_UNAVAILABLE = 14;
const GRPC_ABORTED = 10;
/** The gateway's fixed per-endorser detail for a mismatching response (fabric internal/pkg/gateway/endorsement.go). */
const PAYLOADS_DO_NOT_MATCH = 'ProposalResponsePayloads do not match';
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_FAILED_PRECONDITION = 9;

function detailsOf(details: readonly ErrorDetail[]): PeerErrorDetail[] {
  return details.map((d) => ({ address: d.address, mspId: d.mspId, message: d.message }));
}

/**
 * Whether the gateway could not get the transaction endorsed or ordered for lack of a working node, decided by gRPC
 * status and the structure of the details, never their text:
 * - UNAVAILABLE, DEADLINE_EXCEEDED: a peer or orderer did not answer;
 * - FAILED_PRECONDITION: the gateway cannot find enough reachable peers to satisfy the endorsement policy (seen while
 *   a peer restarts);
 * - ABORTED without any MedRec payload in its details: the endorsers failed before the chaincode answered (a chaincode
 *   server down or restarting). The MedRec chaincode answers every refusal and every failure of its own, including
 *   an unexpected one (MEDREC_INTERNAL), with a payload, so its absence means the chaincode never ran.
 */
function unavailable(err: GatewayError, details: readonly { message: string }[]): boolean {
  if (err.code === GRPC_UNAVAILABLE || err.code === GRPC_DEADLINE_EXCEEDED) return true;
  if (err.code === GRPC_FAILED_PRECONDITION) return true;
  return err.code === GRPC_ABORTED && details.length > 0;
}

/** A gateway call's failure: the chaincode's refusal, endorsers that disagreed, an unreachable network, or else. */
function gatewayErrorOf(err: GatewayError, transactionId: string | undefined): LedgerError {
  const txId = err instanceof EndorseError ? err.transactionId : transactionId;
  const withTx = txId ? { transactionId: txId } : {};
  const details = detailsOf(err.details);
  const payload = [err.message, ...details.map((d) => d.message)]
    .map(parseChaincodePayload)
    .find((p) => p !== undefined);
  if (payload) return new ChaincodeError({ ...payload, ...withTx, details, cause: err });
  if (err.code === GRPC_ABORTED && details.length > 0 && details.every((d) => d.message === PAYLOADS_DO_NOT_MATCH)) {
    return new EndorsementMismatchError({ ...withTx, details, cause: err });
  }
  if (unavailable(err, details)) {
    return new NetworkUnavailableError({
      message: `the Fabric network did not answer (${err.message}); check that the peers and orderers are up, then retry`,
      ...withTx,
      details,
      cause: err,
    });
  }
  return new LedgerFailureError({ message: err.message, ...withTx, details, cause: err });
}

/** Maps anything the gateway throws to the SDK's typed errors (an SDK error passes through unchanged). */
export function toMedRecError(err: unknown, transactionId?: string): MedRecError {
  // instanceof on the generic root narrows to MedRecError<any>: name the type it is.
  if (err instanceof MedRecError) return err as MedRecError;
  if (err instanceof CommitError) {
    return new TransactionInvalidError({
      validationCode: validationCodeName(err.code),
      transactionId: err.transactionId,
      cause: err,
    });
  }
  if (err instanceof GatewayError) return gatewayErrorOf(err, transactionId);
  return new LedgerFailureError({
    message: err instanceof Error ? err.message : String(err),
    ...(transactionId ? { transactionId } : {}),
    cause: err,
  });
}
