/**
 * What a failed ledger call means for a retrieval, decided by the SDK's error class and the chaincode's stable code
 * (never by message text). Only a ledger that could not be reached or could not commit is "retry later" (503); a
 * refusal is a 4xx the requester cannot retry their way past.
 */
import {
  ChaincodeError,
  EndorsementMismatchError,
  GatekeeperError,
  type GatekeeperErrorCode,
  NetworkUnavailableError,
  TransactionInvalidError,
} from '@medrec/sdk';

/** Peers down, a timeout, endorsers that disagreed, or a commit lost to a concurrent write: all transient. */
function transient(err: unknown): boolean {
  return (
    err instanceof NetworkUnavailableError ||
    err instanceof EndorsementMismatchError ||
    err instanceof TransactionInvalidError
  );
}

function unavailable(err: unknown, what: string): GatekeeperError {
  return new GatekeeperError(
    'GATEKEEPER_LEDGER_UNAVAILABLE',
    `could not ${what} on the ledger; nothing was served; retry shortly with a new proof`,
    { cause: err },
  );
}

function unexpected(err: unknown, what: string): GatekeeperError {
  return new GatekeeperError(
    'GATEKEEPER_LEDGER_FAILED',
    `the ledger failed unexpectedly to ${what}; nothing was served; report it to the custodian's operators`,
    { cause: err },
  );
}

/**
 * Reading the ticket, BEFORE the proof is verified. Returns undefined when the gatekeeper cannot see the ticket (not
 * on the ledger, malformed id, or not this custodian's): the caller then gets the same answer as for a bad proof.
 */
export function ticketReadFailure(err: unknown, ticketId: string): GatekeeperError | undefined {
  return lookupFailure(err, `read ticket ${ticketId}`);
}

/**
 * Any lookup made before the caller is authenticated (a ticket, a requester organisation's CA roots): undefined when
 * the ledger has nothing the gatekeeper may see, so the caller gets the bad-signature answer; otherwise the failure.
 */
export function lookupFailure(err: unknown, what: string): GatekeeperError | undefined {
  if (err instanceof ChaincodeError) {
    if (err.code === 'MEDREC_NOT_FOUND' || err.code === 'MEDREC_FORBIDDEN' || err.code === 'MEDREC_INVALID_ARGUMENT') {
      return undefined;
    }
    return unexpected(err, what);
  }
  if (transient(err)) return unavailable(err, what);
  return unexpected(err, what);
}

/** How each refusal of a ledger write that would record a disclosure is answered; anything else is a failure. */
type RefusalAnswers = Readonly<
  Record<'MEDREC_FORBIDDEN' | 'MEDREC_CONFLICT' | 'MEDREC_NOT_FOUND', (reason: string) => [GatekeeperErrorCode, string]>
>;

function recordingFailure(err: unknown, what: string, answers: RefusalAnswers): GatekeeperError {
  if (err instanceof ChaincodeError) {
    if (err.code === 'MEDREC_FORBIDDEN' || err.code === 'MEDREC_CONFLICT' || err.code === 'MEDREC_NOT_FOUND') {
      const [code, message] = answers[err.code](err.message);
      return new GatekeeperError(code, message, { cause: err });
    }
    return unexpected(err, what);
  }
  if (transient(err)) return unavailable(err, what);
  return unexpected(err, what);
}

/**
 * Confirming the disclosure, AFTER the proof verified (the caller is the ticket's requester and may learn why). The
 * ledger re-checks that the consent or break-glass behind the ticket is still in force, the requester active and
 * the record current, and refuses otherwise.
 */
export function disclosureFailure(err: unknown, ticketId: string): GatekeeperError {
  return recordingFailure(err, `record the disclosure for ticket ${ticketId}`, {
    MEDREC_FORBIDDEN: (reason) => [
      'GATEKEEPER_NOT_PERMITTED',
      `the ledger refused the disclosure for ticket ${ticketId}: the read is no longer permitted (${reason}); ` +
        'ask the patient for consent and request access again',
    ],
    MEDREC_CONFLICT: (reason) => [
      'GATEKEEPER_TICKET_EXPIRED',
      `the ledger refused the disclosure for ticket ${ticketId}: the ticket is no longer valid (${reason}); ` +
        'request access again',
    ],
    MEDREC_NOT_FOUND: (reason) => [
      'GATEKEEPER_TICKET_NOT_FOUND',
      `the ledger no longer finds what ticket ${ticketId} refers to (${reason}); request access again`,
    ],
  });
}

/**
 * Submitting a signed read request (Access:Disclose), after the gatekeeper authenticated it. The ledger refuses a
 * requester it does not recognise as an active, bound participant (or a record it does not hold) as forbidden, an
 * unknown record as not found, and a request already used or outside its time window as a conflict or forbidden.
 */
export function readFailure(err: unknown, recordId: string): GatekeeperError {
  return recordingFailure(err, `record the read of record ${recordId}`, {
    MEDREC_FORBIDDEN: (reason) => [
      'GATEKEEPER_NOT_PERMITTED',
      `the ledger refused the read of record ${recordId}: ${reason}. Nothing was served; the reason says what to change`,
    ],
    MEDREC_CONFLICT: (reason) => [
      'GATEKEEPER_TICKET_EXPIRED',
      `the ledger refused the read request for record ${recordId}: ${reason}. Sign a new request and read again`,
    ],
    MEDREC_NOT_FOUND: (reason) => [
      'GATEKEEPER_RECORD_NOT_FOUND',
      `the ledger does not know record ${recordId} (${reason}); check the record id`,
    ],
  });
}
