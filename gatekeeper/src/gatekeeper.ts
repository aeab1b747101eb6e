import {
  BadProofSignatureError,
  GatekeeperError,
  type MedrecClient,
  ProofError,
  type PurposeOfUse,
  type Ticket,
} from '@medrec/sdk';
import type { RecordStore } from './store/record-store';
import { StoreUnavailableError } from './store/store-errors';
import { disclosureFailure, ticketReadFailure } from './ledger-failures';
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

/** What the requester sends: the ticket, the record, the purpose it reads for, and its proof of possession. */
export interface RetrievalRequest {
  readonly ticketId: string;
  readonly recordId: string;
  readonly purpose: PurposeOfUse;
  readonly proof: unknown;
}

export interface Disclosure {
  readonly recordId: string;
  readonly ticketId: string;
  /** The stored FHIR resource, exactly as stored (the requester re-hashes it against the ledger). */
  readonly resourceJson: string;
  /** The transaction that recorded this disclosure on the ledger (a new one for every read). */
  readonly disclosureTxId: string;
}

/**
 * Serves a record only against a valid, unexpired permit ticket issued to the requester for that record and purpose,
 * with the requester's fresh proof of possession of the ticket's key.
 *
 * Proof first: until the proof verifies against the requester certificate in the ticket, the caller is anonymous and
 * learns nothing about the ticket. A ticket the gatekeeper cannot read gets the same answer as a bad signature; its
 * decision, record, custodian, purpose and expiry are checked only after the proof.
 *
 * Every read is confirmed on the ledger (Access:ConfirmDisclosure, a new transaction each time) BEFORE any content
 * leaves; the ledger re-checks there that the consent or break-glass behind the ticket is still in force, so a
 * revocation takes effect on the next read. If the confirmation fails or is refused, nothing is served. If the
 * gatekeeper crashes after confirming and before answering, the ledger shows a disclosure the requester never
 * received (at-least-once recording): the ledger may over-report reads, never under-report them.
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
    // What the request alone decides (form, binding, freshness) is checked before the ledger is even asked.
    this.#verifier.checkRequest(request.proof, request);
    const ticket = await this.#ticket(request.ticketId);
    await this.#verify(request, ticket);
    // From here on the caller has proved it is the ticket's requester, and may learn why the ticket does not serve.
    this.#checkTicket(ticket, request);
    const record = await this.#options.store.get(request.recordId);
    if (!record?.registered) {
      throw new GatekeeperError(
        'GATEKEEPER_RECORD_NOT_FOUND',
        `record ${request.recordId} is not held (or not yet registered) here; ask its custodian`,
      );
    }
    const disclosureTxId = await this.#confirm(ticket.ticketId);
    return { recordId: record.recordId, ticketId: ticket.ticketId, resourceJson: record.resourceJson, disclosureTxId };
  }

  /** The ticket, or the bad-proof refusal when the gatekeeper cannot see it (so its existence does not leak). */
  async #ticket(ticketId: string): Promise<Ticket> {
    try {
      return await this.#options.ledger.getTicket(ticketId);
    } catch (err) {
      throw ticketReadFailure(err, ticketId) ?? new BadProofSignatureError();
    }
  }

  async #verify(request: Readonly<RetrievalRequest>, ticket: Ticket): Promise<void> {
    try {
      await this.#verifier.verify(request.proof, { ...request, certificate: ticket.requester.certPem });
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
  }

  #checkTicket(ticket: Ticket, request: Readonly<RetrievalRequest>): void {
    if (ticket.decision !== 'permit') {
      throw new GatekeeperError(
        'GATEKEEPER_TICKET_DENIED',
        `ticket ${ticket.ticketId} was a deny (${ticket.reason}); request access again once consent is in place`,
      );
    }
    if (ticket.custodianMsp !== this.#options.mspId) {
      throw new GatekeeperError(
        'GATEKEEPER_TICKET_MISMATCH',
        `ticket ${ticket.ticketId} is for a record held by ${ticket.custodianMsp}, not ${this.#options.mspId}; ` +
          "present it to that custodian's gatekeeper",
      );
    }
    if (ticket.recordId !== request.recordId) {
      throw new GatekeeperError(
        'GATEKEEPER_TICKET_MISMATCH',
        `ticket ${ticket.ticketId} is for record ${ticket.recordId}, not ${request.recordId}; use the ticket issued for this record`,
      );
    }
    if (ticket.purpose !== request.purpose) {
      throw new GatekeeperError(
        'GATEKEEPER_PURPOSE_MISMATCH',
        `ticket ${ticket.ticketId} was issued for purpose ${ticket.purpose}, not ${request.purpose}; ` +
          'request access for the purpose you read for',
      );
    }
    // A ticket is valid strictly before expiresAt: at that instant it has expired (the ledger agrees).
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
      throw disclosureFailure(err, ticketId);
    }
  }
}
