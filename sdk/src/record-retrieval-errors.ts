/**
 * Errors of reading a record from its custodian: the ledger's deny decision, the custodian's gatekeeper refusing or
 * failing, or the gatekeeper out of reach. (A served content that fails its hash check is ContentHashMismatchError.)
 */
import type { Ticket } from './chaincode-types';
import { MedRecError } from './medrec-error';
import { GATEKEEPER_ERROR_CODES, type GatekeeperErrorCode } from './gatekeeper/gatekeeper-errors';
import { PROOF_ERROR_CODES, type ProofErrorCode } from './gatekeeper/proof-errors';

export const RECORD_RETRIEVAL_ERROR_CODES = [
  'CUSTODIAN_UNAVAILABLE',
  'GATEKEEPER_UNREACHABLE',
  // A gatekeeper answered with a code this SDK does not know (another version); its text is kept in the message.
  'GATEKEEPER_UNKNOWN_CODE',
] as const;

/** What a custodian's gatekeeper answers with: its own codes and its proof checks' codes (gatekeeper-http.ts). */
export type GatekeeperAnswerCode = GatekeeperErrorCode | ProofErrorCode | 'GATEKEEPER_UNKNOWN_CODE';

/** The family's own codes, the ledger's refusal a deny ticket records, and the gatekeeper's codes it relays. */
export type RecordRetrievalErrorCode =
  (typeof RECORD_RETRIEVAL_ERROR_CODES)[number] | 'MEDREC_FORBIDDEN' | GatekeeperAnswerCode;

export abstract class RecordRetrievalError extends MedRecError<RecordRetrievalErrorCode> {
  abstract override readonly code: RecordRetrievalErrorCode;
}

/** The ledger denied access: the deny decision itself is recorded on chain (ticket id = its transaction id). */
export class AccessDeniedError extends RecordRetrievalError {
  readonly code = 'MEDREC_FORBIDDEN';
  readonly ticket: Ticket;

  constructor(ticket: Ticket) {
    super(
      `access to record ${ticket.recordId} for ${ticket.purpose} was denied (${ticket.reason}); ask the patient for consent`,
      { transactionId: ticket.txId },
    );
    this.ticket = ticket;
  }
}

const ANSWER_CODES: ReadonlySet<string> = new Set<string>([...GATEKEEPER_ERROR_CODES, ...PROOF_ERROR_CODES]);

function isKnownAnswerCode(code: string): code is GatekeeperErrorCode | ProofErrorCode {
  return ANSWER_CODES.has(code);
}

/** The custodian's gatekeeper refused or failed: its HTTP status, problem code and message (see refusal-kind.ts). */
export class GatekeeperRefusedError extends RecordRetrievalError {
  readonly status: number;
  readonly code: GatekeeperAnswerCode;

  /**
   * `code` is what the gatekeeper sent: a remote's free text until checked against the codes this SDK knows.
   * `transactionId` is the ticket's, when the read was on a ticket (a one-transaction read that was refused has none).
   */
  constructor(props: Readonly<{ status: number; code: string; message: string; transactionId?: string }>) {
    super(
      `the custodian's gatekeeper refused (${props.code}): ${props.message}`,
      props.transactionId === undefined ? {} : { transactionId: props.transactionId },
    );
    this.status = props.status;
    this.code = isKnownAnswerCode(props.code) ? props.code : 'GATEKEEPER_UNKNOWN_CODE';
  }
}

/** A custodian's gatekeeper could not be reached or failed to serve a permitted ticket; nothing was served. */
export class CustodianError extends RecordRetrievalError {
  readonly code = 'CUSTODIAN_UNAVAILABLE';
  readonly custodianMsp: string;

  constructor(props: Readonly<{ custodianMsp: string; message: string; transactionId?: string; cause?: unknown }>) {
    super(props.message, props);
    this.custodianMsp = props.custodianMsp;
  }
}
