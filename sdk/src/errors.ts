import { CommitError, EndorseError, GatewayError, StatusCode, type ErrorDetail } from '@hyperledger/fabric-gateway';

const CHAINCODE_CODE_LIST = [
  'MEDREC_NOT_FOUND',
  'MEDREC_FORBIDDEN',
  'MEDREC_INVALID_ARGUMENT',
  'MEDREC_CONFLICT',
  'MEDREC_INTERNAL',
  // Incentive layer (chaincode/README.md, Incentive section).
  'MEDREC_ALREADY_CLAIMED',
  'MEDREC_BAD_SIGNATURE',
  'MEDREC_CERTIFICATE_NOT_VALID',
  'MEDREC_INSUFFICIENT_FUNDS',
  'MEDREC_NOT_A_PEER',
  'MEDREC_NOT_CLAIMABLE',
  'MEDREC_NOT_COMMITTED',
  'MEDREC_PAYLOAD_MISMATCH',
  'MEDREC_WRONG_ORGANISATION',
] as const;

/** Stable codes raised by the MedRec chaincode (its error payload is JSON: {"code", "message"}). */
export type ChaincodeErrorCode = (typeof CHAINCODE_CODE_LIST)[number];

const CHAINCODE_CODES: ReadonlySet<string> = new Set<string>(CHAINCODE_CODE_LIST);

/** Per-peer detail of a failure, as the gateway reported it. */
export interface PeerErrorDetail {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

/** Base class: every SDK error carries the transaction id (when one was assigned) and per-peer details. */
export class MedrecError extends Error {
  readonly transactionId: string | undefined;
  readonly details: readonly PeerErrorDetail[];

  constructor(
    props: Readonly<{ message: string; transactionId?: string; details?: readonly PeerErrorDetail[]; cause?: unknown }>,
  ) {
    super(props.message, { cause: props.cause });
    this.name = 'MedrecError';
    this.transactionId = props.transactionId;
    this.details = props.details ?? [];
  }
}

/** The chaincode refused the transaction (validation, permission, conflict, not found); nothing was written. */
export class ChaincodeError extends MedrecError {
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
    super(props);
    this.name = 'ChaincodeError';
    this.code = props.code;
  }
}

/** The transaction was ordered but invalidated at commit (for example an MVCC read conflict); nothing was written. */
export class TransactionInvalidError extends MedrecError {
  /** Fabric's validation code name, e.g. MVCC_READ_CONFLICT. */
  readonly validationCode: string;

  constructor(props: Readonly<{ validationCode: string; transactionId: string; cause?: unknown }>) {
    super({
      message: `transaction ${props.transactionId} was invalidated at commit (${props.validationCode}); retry it`,
      transactionId: props.transactionId,
      cause: props.cause,
    });
    this.name = 'TransactionInvalidError';
    this.validationCode = props.validationCode;
  }
}

/**
 * The endorsing peers simulated the transaction against different states (one has not yet committed a block the
 * others have, e.g. a consent granted a moment ago through another organisation's peer), so the gateway could not
 * collect matching endorsements. Nothing was ordered or written; retrying once the peers converge is safe.
 */
export class EndorsementMismatchError extends MedrecError {
  constructor(props: Readonly<{ transactionId?: string; details: readonly PeerErrorDetail[]; cause?: unknown }>) {
    super({
      message:
        'the endorsing peers returned different results (one is behind the others); nothing was written: retry shortly',
      ...props,
    });
    this.name = 'EndorsementMismatchError';
  }
}

/** The network could not be reached or did not answer in time; the outcome of a submit may be unknown. */
export class NetworkUnavailableError extends MedrecError {
  constructor(
    props: Readonly<{ message: string; transactionId?: string; details?: readonly PeerErrorDetail[]; cause?: unknown }>,
  ) {
    super(props);
    this.name = 'NetworkUnavailableError';
  }
}

/** The content served by a custodian does not match the hash registered on the ledger. */
export class ContentHashMismatchError extends MedrecError {
  readonly recordId: string;
  readonly expected: string;
  readonly actual: string;

  constructor(props: Readonly<{ recordId: string; expected: string; actual: string }>) {
    super({
      message:
        `record ${props.recordId}: content hash ${props.actual} does not match the ledger's ${props.expected}; ` +
        'the custodian served altered or corrupted data: do not use it, and report it to the custodian',
    });
    this.name = 'ContentHashMismatchError';
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

function detailsOf(details: readonly ErrorDetail[]): PeerErrorDetail[] {
  return details.map((d) => ({ address: d.address, mspId: d.mspId, message: d.message }));
}

/** A gateway call's failure: the chaincode's refusal, endorsers that disagreed, an unreachable network, or else. */
function gatewayErrorOf(err: GatewayError, transactionId: string | undefined): MedrecError {
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
  if (err.code === GRPC_UNAVAILABLE || err.code === GRPC_DEADLINE_EXCEEDED) {
    return new NetworkUnavailableError({
      message: `the Fabric network did not answer (${err.message}); check that the peers and orderers are up, then retry`,
      ...withTx,
      details,
      cause: err,
    });
  }
  return new MedrecError({ message: err.message, ...withTx, details, cause: err });
}

/** Maps anything the gateway throws to the SDK's typed errors. */
export function toMedrecError(err: unknown, transactionId?: string): MedrecError {
  if (err instanceof MedrecError) return err;
  if (err instanceof CommitError) {
    return new TransactionInvalidError({
      validationCode: validationCodeName(err.code),
      transactionId: err.transactionId,
      cause: err,
    });
  }
  if (err instanceof GatewayError) return gatewayErrorOf(err, transactionId);
  return new MedrecError({
    message: err instanceof Error ? err.message : String(err),
    ...(transactionId ? { transactionId } : {}),
    cause: err,
  });
}
