import type { Ticket } from '../chaincode-types';
import { ChaincodeError, NetworkUnavailableError } from '../errors';
import type { MedrecClient } from '../medrec-client';
import type { RecordStore } from '../store/record-store';
import { StoreUnavailableError } from '../store/store-errors';
import { GatekeeperError } from './gatekeeper-errors';
import { ProofError } from './proof-errors';
import { createProofVerifier, type ProofVerifier } from './proof-verifier';

export interface GatekeeperOptions {
  readonly store: RecordStore;
  /** This custodian's MSP id: only tickets for records it holds are honoured. */
  readonly mspId: string;
  /** The ledger as this organisation's gatekeeper identity (role gatekeeper) sees it. */
  readonly ledger: MedrecClient;
  readonly verifier?: ProofVerifier;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/** What the requester sends: the ticket, the record, and its proof of possession of the ticket's key. */
export interface RetrievalRequest {
  readonly ticketId: string;
  readonly recordId: string;
  readonly proof: unknown;
}

export interface Disclosure {
  readonly recordId: string;
  readonly ticketId: string;
  /** The stored FHIR resource, exactly as stored (the requester re-hashes it against the ledger). */
  readonly resourceJson: string;
  /** The transaction that recorded this disclosure on the ledger. */
  readonly disclosureTxId: string;
}

/**
 * Serves a record only against a valid, unexpired permit ticket issued to the requester for that record, with the
 * requester's fresh proof of possession of the ticket's key.
 *
 * Ordering: the disclosure is confirmed on the ledger BEFORE any content leaves. If the confirmation fails, nothing
 * is served. If the gatekeeper crashes after confirming and before answering, the ledger shows a disclosure the
 * requester never received; the requester may retry with the same ticket (and a new proof) until it expires, and the
 * gatekeeper re-serves without a second confirmation, so the ledger never records more than one disclosure per
 * ticket and never misses one.
 */
export interface Gatekeeper {
  retrieve(request: Readonly<RetrievalRequest>): Promise<Disclosure>;
}

export function createGatekeeper(options: Readonly<GatekeeperOptions>): Gatekeeper {
  return new GatekeeperImpl(options);
}

class GatekeeperImpl implements Gatekeeper {
  readonly #options: Readonly<GatekeeperOptions>;
  readonly #verifier: ProofVerifier;
  readonly #now: () => number;

  constructor(options: Readonly<GatekeeperOptions>) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#verifier = options.verifier ?? createProofVerifier({ now: this.#now });
  }

  async retrieve(request: Readonly<RetrievalRequest>): Promise<Disclosure> {
    const ticket = await this.#ticket(request.ticketId);
    this.#checkTicket(ticket, request.recordId);
    try {
      await this.#verifier.verify(request.proof, {
        ticketId: ticket.ticketId,
        recordId: request.recordId,
        certificate: ticket.requester.certPem,
      });
    } catch (err) {
      if (err instanceof ProofError) throw err;
      if (err instanceof StoreUnavailableError) {
        // Without the replay check no proof may pass: refuse for now rather than risk serving a replay.
        throw new GatekeeperError(
          'GATEKEEPER_STORE_UNAVAILABLE',
          `the gatekeeper cannot record the proof as used (${err.message}); retry shortly with a new proof`,
          { cause: err },
        );
      }
      throw new GatekeeperError('GATEKEEPER_BAD_REQUEST', `the proof could not be checked: ${String(err)}`);
    }
    const record = await this.#options.store.get(request.recordId);
    if (!record?.registered) {
      throw new GatekeeperError(
        'GATEKEEPER_RECORD_NOT_FOUND',
        `record ${request.recordId} is not held (or not yet registered) here; ask its custodian`,
      );
    }
    const disclosureTxId = ticket.disclosure?.txId ?? (await this.#confirm(ticket.ticketId));
    return { recordId: record.recordId, ticketId: ticket.ticketId, resourceJson: record.resourceJson, disclosureTxId };
  }

  async #ticket(ticketId: string): Promise<Ticket> {
    try {
      return await this.#options.ledger.getTicket(ticketId);
    } catch (err) {
      throw this.#ledgerFailure(err, `ticket ${ticketId}`);
    }
  }

  #checkTicket(ticket: Ticket, recordId: string): void {
    if (ticket.decision !== 'permit') {
      throw new GatekeeperError(
        'GATEKEEPER_TICKET_DENIED',
        `ticket ${ticket.ticketId} was a deny (${ticket.reason}); request access again once consent is in place`,
      );
    }
    if (ticket.recordId !== recordId || ticket.custodianMsp !== this.#options.mspId) {
      throw new GatekeeperError(
        'GATEKEEPER_TICKET_MISMATCH',
        `ticket ${ticket.ticketId} is for record ${ticket.recordId} at ${ticket.custodianMsp}, not ${recordId} here; use the ticket issued for this record`,
      );
    }
    if (Date.parse(ticket.expiresAt) <= this.#now()) {
      throw new GatekeeperError(
        'GATEKEEPER_TICKET_EXPIRED',
        `ticket ${ticket.ticketId} expired at ${ticket.expiresAt}; request access again`,
      );
    }
  }

  async #confirm(ticketId: string): Promise<string> {
    try {
      return (await this.#options.ledger.confirmDisclosure(ticketId)).transactionId;
    } catch (err) {
      throw this.#ledgerFailure(err, `the disclosure for ticket ${ticketId}`);
    }
  }

  #ledgerFailure(err: unknown, what: string): Error {
    if (err instanceof ChaincodeError && err.code === 'MEDREC_NOT_FOUND') {
      return new GatekeeperError('GATEKEEPER_TICKET_NOT_FOUND', `${what} is not on the ledger; request access first`, {
        cause: err,
      });
    }
    if (err instanceof ChaincodeError && err.code === 'MEDREC_FORBIDDEN') {
      return new GatekeeperError(
        'GATEKEEPER_TICKET_MISMATCH',
        `${what} is not one this gatekeeper may serve: ${err.message}`,
        { cause: err },
      );
    }
    if (err instanceof NetworkUnavailableError || err instanceof ChaincodeError) {
      return new GatekeeperError(
        'GATEKEEPER_LEDGER_UNAVAILABLE',
        `could not read or record ${what} on the ledger; retry shortly`,
        { cause: err },
      );
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}
