import {
  BadProofSignatureError,
  GatekeeperError,
  type MedrecClient,
  ProofError,
  type PurposeOfUse,
  type SignedReadRequest,
  type Ticket,
} from '@medrec/sdk';
import type { RecordStore } from './store/record-store';
import { StoreUnavailableError } from './store/store-errors';
import { disclosureFailure, lookupFailure, readFailure, ticketReadFailure } from './ledger-failures';
import { createProofVerifier, type ProofVerifier } from './proof-verifier';

export interface GatekeeperOptions {
  readonly store: RecordStore;
  /** This custodian's MSP id: only tickets for records it holds are honoured. */
  readonly mspId: string;
  /** The ledger as this organisation's gatekeeper identity (role gatekeeper) sees it. */
  readonly ledger: MedrecClient;
  /** The peer's height as this process follows it (block events); default: ask the peer (ledger.channelHeight). */
  readonly channelHeight?: () => Promise<number>;
  readonly verifier?: ProofVerifier;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
  /** How to wait; injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
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
  /**
   * The one-transaction read: verifies the requester's signed read request as far as it can without the ledger,
   * checks that it holds the record, then submits the request (Access:Disclose), in which the ledger identifies the
   * requester, decides, and records the disclosure. Serves only a permit; a deny is recorded and refused.
   */
  read(request: unknown, options?: Readonly<ReadOptions>): Promise<DirectDisclosure>;
}

export interface ReadOptions {
  /**
   * The channel height the requester's peer had reached: the gatekeeper waits (bounded) until its own peer has
   * reached it before it submits, so the ledger decides on what the requester already saw committed.
   */
  readonly minHeight?: number;
}

/** The longest wait for this gatekeeper's peer to reach a requester's height, and how often it looks. */
export const HEIGHT_WAIT_MS = 3_000;
const HEIGHT_POLL_MS = 50;

/** A disclosure in one transaction: the content and the ticket that transaction wrote (its id is the disclosure's). */
export interface DirectDisclosure extends Disclosure {
  readonly ticket: Ticket;
}

/** How long the requester organisations' CA roots read from the ledger are reused. */
const ROOTS_TTL_MS = 60_000;

export function createGatekeeper(options: Readonly<GatekeeperOptions>): Gatekeeper {
  return new GatekeeperImpl(options);
}

class GatekeeperImpl implements Gatekeeper {
  readonly #options: Readonly<GatekeeperOptions>;
  readonly #verifier: ProofVerifier;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Member organisations are few and their roots change rarely: a small map, never more than the consortium. */
  readonly #roots = new Map<string, { roots: readonly string[]; expiresAt: number }>();

  constructor(options: Readonly<GatekeeperOptions>) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#sleep =
      options.sleep ??
      ((ms) =>
        new Promise((resolve) => {
          setTimeout(resolve, ms);
        }));
    this.#verifier = options.verifier ?? createProofVerifier({ now: this.#now });
  }

  async read(input: unknown, options: Readonly<ReadOptions> = {}): Promise<DirectDisclosure> {
    const request = await this.#verifyReadRequest(input);
    // Authenticated from here: the caller holds the key of a client certificate of a member organisation.
    if (request.custodianMsp !== this.#options.mspId) {
      throw new GatekeeperError(
        'GATEKEEPER_TICKET_MISMATCH',
        `the read request is addressed to ${request.custodianMsp}, not ${this.#options.mspId}; send it to that ` +
          "custodian's gatekeeper",
      );
    }
    const record = await this.#options.store.get(request.recordId);
    if (!record?.registered) {
      throw new GatekeeperError(
        'GATEKEEPER_RECORD_NOT_FOUND',
        `record ${request.recordId} is not held (or not yet registered) here; ask its custodian`,
      );
    }
    if (options.minHeight !== undefined) await this.#reachHeight(options.minHeight);
    let ticket: Ticket;
    try {
      ticket = (await this.#options.ledger.disclose(request)).value;
    } catch (err) {
      throw readFailure(err, request.recordId);
    }
    if (ticket.decision !== 'permit') {
      throw new GatekeeperError(
        'GATEKEEPER_TICKET_DENIED',
        `the ledger denied this read (${ticket.reason}) and recorded the decision as ticket ${ticket.ticketId}; ` +
          'ask the patient for consent, then read again',
        // The requester looks the decision up on its own peer (it is its own ticket).
        { transactionId: ticket.ticketId },
      );
    }
    return {
      recordId: record.recordId,
      ticketId: ticket.ticketId,
      resourceJson: record.resourceJson,
      disclosureTxId: ticket.ticketId,
      ticket,
    };
  }

  /**
   * Waits until this gatekeeper's peer has committed `height` blocks, at most HEIGHT_WAIT_MS; then goes ahead anyway
   * (the ledger still decides on what it has; a decision on stale state fails Fabric's MVCC check at commit, so
   * a late peer can refuse a read but never serve one a newer block forbids).
   */
  async #reachHeight(height: number): Promise<void> {
    const deadline = this.#now() + HEIGHT_WAIT_MS;
    for (;;) {
      let current: number;
      try {
        current = await (this.#options.channelHeight ?? (() => this.#options.ledger.channelHeight()))();
      } catch (err) {
        throw (
          lookupFailure(err, 'read the channel height') ?? new GatekeeperError('GATEKEEPER_LEDGER_FAILED', String(err))
        );
      }
      if (current >= height || this.#now() >= deadline) return;
      await this.#sleep(HEIGHT_POLL_MS);
    }
  }

  async #verifyReadRequest(input: unknown): Promise<SignedReadRequest> {
    try {
      return await this.#verifier.verifyReadRequest(input, (mspId) => this.#rootsOf(mspId));
    } catch (err) {
      if (err instanceof ProofError || err instanceof GatekeeperError) throw err;
      if (err instanceof StoreUnavailableError) {
        throw new GatekeeperError(
          'GATEKEEPER_STORE_UNAVAILABLE',
          `the gatekeeper cannot record the request as used (${err.message}); retry shortly with a new request`,
          { cause: err },
        );
      }
      throw new GatekeeperError('GATEKEEPER_BAD_REQUEST', `the read request could not be checked: ${String(err)}`);
    }
  }

  /** A member organisation's CA roots, from the ledger (reused for a minute); undefined for an unknown one. */
  async #rootsOf(mspId: string): Promise<readonly string[] | undefined> {
    const cached = this.#roots.get(mspId);
    if (cached !== undefined && cached.expiresAt > this.#now()) return cached.roots;
    let roots: readonly string[] | undefined;
    try {
      roots = (await this.#options.ledger.getOrganisation(mspId)).caRootCertsPem;
    } catch (err) {
      const failure = lookupFailure(err, `read the CA roots of ${mspId}`);
      if (failure !== undefined) throw failure;
      roots = undefined;
    }
    if (roots !== undefined) this.#roots.set(mspId, { roots, expiresAt: this.#now() + ROOTS_TTL_MS });
    return roots;
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
