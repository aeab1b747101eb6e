import crypto from 'node:crypto';
import type { PurposeOfUse, Ticket } from './chaincode-types';
import { ContentHashMismatchError, MedrecError } from './errors';
import { contentHashOfJson } from './fhir/content-hash';
import type { ClientIdentity } from './gateway-connection';
import { callGatekeeper, GatekeeperTransportError } from './gatekeeper/gatekeeper-client';
import { RETRIEVE_PATH } from './gatekeeper/gatekeeper-http';
import { createPossessionProof } from './gatekeeper/possession-proof';
import type { MedrecClient } from './medrec-client';

/** The ledger denied access: the deny decision itself is recorded on chain (ticket id = its transaction id). */
export class AccessDeniedError extends MedrecError {
  readonly code = 'MEDREC_FORBIDDEN';
  readonly ticket: Ticket;

  constructor(ticket: Ticket) {
    super({
      message: `access to record ${ticket.recordId} for ${ticket.purpose} was denied (${ticket.reason}); ask the patient for consent`,
      transactionId: ticket.txId,
    });
    this.name = 'AccessDeniedError';
    this.ticket = ticket;
  }
}

/** The custodian's gatekeeper refused or failed: its HTTP status, problem code and message (see refusal-kind.ts). */
export class GatekeeperRefusedError extends MedrecError {
  readonly status: number;
  readonly code: string;

  constructor(props: Readonly<{ status: number; code: string; message: string; transactionId: string }>) {
    super({
      message: `the custodian's gatekeeper refused (${props.code}): ${props.message}`,
      transactionId: props.transactionId,
    });
    this.name = 'GatekeeperRefusedError';
    this.status = props.status;
    this.code = props.code;
  }
}

export interface FetchedRecord {
  readonly resource: unknown;
  readonly ticket: Ticket;
  readonly disclosureTxId: string;
}

export interface RecordFetchOptions {
  /** The requester's ledger client (signs RequestAccess with the requester's own identity). */
  readonly client: MedrecClient;
  /** The same identity: its private key signs the proof of possession. */
  readonly identity: ClientIdentity;
  readonly recordId: string;
  readonly purpose: PurposeOfUse;
}

/** Hash of what the gatekeeper served; content that is not even JSON hashes as raw bytes (and so cannot match). */
function hashOfServedContent(text: string): string {
  try {
    return contentHashOfJson(text);
  } catch {
    return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
  }
}

export interface RedeemOptions {
  readonly client: MedrecClient;
  readonly identity: ClientIdentity;
  readonly ticket: Ticket;
  /** The purpose the requester reads for: signed into the proof; the gatekeeper serves only the ticket's own purpose. */
  readonly purpose: PurposeOfUse;
  /** Overrides the custodian's registered gatekeeperUrl (https only). */
  readonly gatekeeperUrl?: string;
  /** Overrides the CA roots the gatekeeper's TLS certificate must chain to (default: the custodian's caRootCertsPem). */
  readonly trustedCaPem?: readonly string[];
}

/** Where the custodian's gatekeeper is and which CA roots its certificate must chain to: its ledger record. */
async function custodianEndpoint(
  options: Readonly<RedeemOptions>,
): Promise<{ baseUrl: string; trustedCaPem: readonly string[] }> {
  if (options.gatekeeperUrl !== undefined && options.trustedCaPem !== undefined) {
    return { baseUrl: options.gatekeeperUrl, trustedCaPem: options.trustedCaPem };
  }
  const organisation = await options.client.getOrganisation(options.ticket.custodianMsp);
  return {
    baseUrl: options.gatekeeperUrl ?? organisation.gatekeeperUrl,
    trustedCaPem: options.trustedCaPem ?? organisation.caRootCertsPem,
  };
}

/**
 * Presents an existing permit ticket to the custodian's gatekeeper over HTTPS (its certificate verified against the
 * custodian organisation's CA roots from the ledger, nothing else) and verifies what comes back against the ledger.
 * Throws GatekeeperRefusedError when the gatekeeper refuses and GatekeeperTransportError when it cannot be reached.
 */
export async function redeemTicket(options: Readonly<RedeemOptions>): Promise<FetchedRecord> {
  const { ticket } = options;
  if (ticket.decision !== 'permit' || ticket.contentHash === undefined) throw new AccessDeniedError(ticket);
  const endpoint = await custodianEndpoint(options);
  const proof = createPossessionProof({
    ticketId: ticket.ticketId,
    recordId: ticket.recordId,
    purpose: options.purpose,
    privateKey: options.identity.privateKey,
  });
  const response = await callGatekeeper({
    ...endpoint,
    path: RETRIEVE_PATH,
    method: 'POST',
    body: JSON.stringify({ ticketId: ticket.ticketId, recordId: ticket.recordId, purpose: options.purpose, proof }),
  });
  const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Record<
    string,
    unknown
  >;
  if (response.status !== 200) {
    throw new GatekeeperRefusedError({
      status: response.status,
      code: typeof body.code === 'string' ? body.code : 'UNKNOWN',
      message: typeof body.detail === 'string' ? body.detail : `HTTP ${response.status}`,
      transactionId: ticket.ticketId,
    });
  }
  const resourceJson = typeof body.resourceJson === 'string' ? body.resourceJson : '';
  const actual = hashOfServedContent(resourceJson);
  if (actual !== ticket.contentHash) {
    throw new ContentHashMismatchError({ recordId: ticket.recordId, expected: ticket.contentHash, actual });
  }
  // The gatekeeper serves only once the disclosure is recorded on chain; an answer without its transaction id cannot
  // be tied to that record, so it is refused as malformed rather than passed on with an empty id.
  if (typeof body.disclosureTxId !== 'string' || body.disclosureTxId === '') {
    throw new GatekeeperTransportError({
      reason: 'response',
      message:
        `the gatekeeper of ${ticket.custodianMsp} served record ${ticket.recordId} without the disclosure's ` +
        'transaction id; its answer is malformed, so nothing is passed on. Retry, or report it to the custodian.',
    });
  }
  return { resource: JSON.parse(resourceJson) as unknown, ticket, disclosureTxId: body.disclosureTxId };
}

/**
 * Ticketed retrieval: request access by a transaction (the decision is recorded either way), present the permit
 * with a proof of possession to the custodian's gatekeeper, then check the content hash against the ledger.
 */
export async function fetchRecord(options: Readonly<RecordFetchOptions>): Promise<FetchedRecord> {
  const { value: ticket } = await options.client.requestAccess({
    recordId: options.recordId,
    purpose: options.purpose,
  });
  return redeemTicket({ client: options.client, identity: options.identity, ticket, purpose: options.purpose });
}
