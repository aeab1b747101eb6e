import crypto from 'node:crypto';
import { ticketSchema } from '@medrec/contract';
import type { PurposeOfUse, Ticket } from './chaincode-types';
import { ContentHashMismatchError } from './errors';
import { contentHashOfJson } from './fhir/content-hash';
import type { ClientIdentity } from './gateway-connection';
import { callGatekeeper, GatekeeperTransportError } from './gatekeeper/gatekeeper-client';
import { READ_PATH, RETRIEVE_PATH } from './gatekeeper/gatekeeper-protocol';
import { createReadRequest } from './gatekeeper/read-request';
import { createPossessionProof } from './gatekeeper/possession-proof';
import type { MedrecClient } from './medrec-client';
import { gatekeeperRefusalKind } from './gatekeeper/refusal-kind';
import { AccessDeniedError, CustodianError, GatekeeperRefusedError } from './record-retrieval-errors';

// Declared with their family (record-retrieval-errors.ts); still importable from here, where they are thrown.
export { AccessDeniedError, GatekeeperRefusedError };

export interface FetchedRecord {
  readonly resource: unknown;
  readonly ticket: Ticket;
  readonly disclosureTxId: string;
}

export interface RecordFetchOptions {
  /** The requester's ledger client (evaluates the decision, records a deny, as the requester's own identity). */
  readonly client: MedrecClient;
  /** The same identity: its private key signs the read request. */
  readonly identity: ClientIdentity;
  readonly recordId: string;
  readonly purpose: PurposeOfUse;
  /** Overrides the custodian's registered gatekeeperUrl (https only). */
  readonly gatekeeperUrl?: string;
  /** Overrides the CA roots the gatekeeper's TLS certificate must chain to (default: the custodian's caRootCertsPem). */
  readonly trustedCaPem?: readonly string[];
  /** Where to read a custodian's registration; default client.getOrganisation. A caller may cache it. */
  readonly organisationOf?: OrganisationLookup;
  /** The requester peer's height (default client.channelHeight); a process may follow it from block events. */
  readonly channelHeight?: () => Promise<number>;
}

/** A custodian organisation's gatekeeper address and CA roots, as registered on the ledger. */
export type OrganisationLookup = (
  mspId: string,
) => Promise<Readonly<{ gatekeeperUrl: string; caRootCertsPem: readonly string[] }>>;

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
  /**
   * Pauses before asking again when the custodian does not yet see the ticket (see unseenTicket); one try more than
   * there are delays. Default UNSEEN_TICKET_RETRY_DELAYS_MS; [] never retries.
   */
  readonly unseenTicketRetryDelaysMs?: readonly number[];
  /** How to wait; injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where to read a custodian's registration; default client.getOrganisation. A caller may cache it. */
  readonly organisationOf?: OrganisationLookup;
}

/** 4 tries within about 1.75 s: a lagging peer normally catches up within one or two block deliveries. */
export const UNSEEN_TICKET_RETRY_DELAYS_MS: readonly number[] = [250, 500, 1_000];

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * The custodian's answer when its own peer has not yet committed the block holding the ticket (read-after-write across
 * peers, issue 15): the requester's peer committed RequestAccess, the gatekeeper reads through another peer that can
 * be a block behind. Before the proof is verified the gatekeeper answers an unseen ticket exactly like a bad signature
 * (so an anonymous caller cannot probe for tickets); after it, ConfirmDisclosure can still find nothing on a lagging
 * endorser. The requester holds the ticket from its own ledger and signs the proof with the ticket's own key, so here
 * either answer means "not yet", and asking again (with a new proof) is safe: nothing is served without a disclosure.
 */
function unseenTicket(err: unknown): boolean {
  return (
    err instanceof GatekeeperRefusedError &&
    ((err.status === 401 && err.code === 'PROOF_BAD_SIGNATURE') ||
      (err.status === 404 && err.code === 'GATEKEEPER_TICKET_NOT_FOUND'))
  );
}

interface EndpointOptions {
  readonly client: MedrecClient;
  readonly custodianMsp: string;
  readonly gatekeeperUrl?: string | undefined;
  readonly trustedCaPem?: readonly string[] | undefined;
  readonly organisationOf?: OrganisationLookup | undefined;
}

/** Where the custodian's gatekeeper is and which CA roots its certificate must chain to: its ledger record. */
async function custodianEndpoint(
  options: Readonly<EndpointOptions>,
): Promise<{ baseUrl: string; trustedCaPem: readonly string[] }> {
  if (options.gatekeeperUrl !== undefined && options.trustedCaPem !== undefined) {
    return { baseUrl: options.gatekeeperUrl, trustedCaPem: options.trustedCaPem };
  }
  const organisation = await (options.organisationOf ?? ((mspId) => options.client.getOrganisation(mspId)))(
    options.custodianMsp,
  );
  return {
    baseUrl: options.gatekeeperUrl ?? organisation.gatekeeperUrl,
    trustedCaPem: options.trustedCaPem ?? organisation.caRootCertsPem,
  };
}

/**
 * Presents an existing permit ticket to the custodian's gatekeeper over HTTPS (its certificate verified against the
 * custodian organisation's CA roots from the ledger, nothing else) and verifies what comes back against the ledger.
 * A custodian that does not yet see the ticket is asked again a few times (unseenTicket) before its refusal stands.
 * Throws GatekeeperRefusedError when the gatekeeper refuses and GatekeeperTransportError when it cannot be reached.
 */
export async function redeemTicket(options: Readonly<RedeemOptions>): Promise<FetchedRecord> {
  const { ticket } = options;
  if (ticket.decision !== 'permit' || ticket.contentHash === undefined) throw new AccessDeniedError(ticket);
  const endpoint = await custodianEndpoint({ ...options, custodianMsp: ticket.custodianMsp });
  const delays = options.unseenTicketRetryDelaysMs ?? UNSEEN_TICKET_RETRY_DELAYS_MS;
  const sleep = options.sleep ?? defaultSleep;
  for (const delay of delays) {
    try {
      return await presentTicket(options, endpoint);
    } catch (err) {
      if (!unseenTicket(err)) throw err;
    }
    await sleep(delay);
  }
  // The last try's refusal reaches the caller unchanged: the same answer as without retries.
  return presentTicket(options, endpoint);
}

/** One presentation of the ticket, with a fresh proof (a proof is single-use), and the check of what came back. */
async function presentTicket(
  options: Readonly<RedeemOptions>,
  endpoint: { baseUrl: string; trustedCaPem: readonly string[] },
): Promise<FetchedRecord> {
  const { ticket } = options;
  const contentHash = ticket.contentHash ?? '';
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
  const body = answerBody(response.body);
  if (response.status !== 200) throw refusalOf(response.status, body, ticket.ticketId);
  const resourceJson = typeof body.resourceJson === 'string' ? body.resourceJson : '';
  const actual = hashOfServedContent(resourceJson);
  if (actual !== contentHash) {
    throw new ContentHashMismatchError({ recordId: ticket.recordId, expected: contentHash, actual });
  }
  // The gatekeeper serves only once the disclosure is recorded on chain; an answer without its transaction id cannot
  // be tied to that record, so it is refused as malformed rather than passed on with an empty id.
  if (typeof body.disclosureTxId !== 'string' || body.disclosureTxId === '') {
    throw malformedAnswer(ticket.custodianMsp, ticket.recordId, "the disclosure's transaction id");
  }
  return { resource: JSON.parse(resourceJson) as unknown, ticket, disclosureTxId: body.disclosureTxId };
}

/**
 * A read in one ordered transaction. The requester's own peer is asked first, by an evaluate that writes nothing,
 * what the ledger would decide and which organisation holds the record. A deny is then recorded by a RequestAccess
 * transaction (every decision is on the ledger) and thrown as AccessDeniedError. A permit becomes a request signed
 * with the requester's key, sent to the custodian's gatekeeper, which submits it (Access:Disclose): the ledger
 * decides again, authoritatively, and records the disclosure in that same transaction before anything is served.
 * The served content is checked against the hash the requester's own peer gave, not against the gatekeeper's word.
 */
export async function fetchRecord(options: Readonly<RecordFetchOptions>): Promise<FetchedRecord> {
  const { client, identity } = options;
  // The height goes with the request, so that the custodian's gatekeeper decides on a ledger at least as new as the
  // one this preview saw (a consent just granted through this peer, say).
  const heightOf = options.channelHeight ?? ((): Promise<number> => client.channelHeight());
  const [preview, minHeight] = await Promise.all([
    client.checkRequestAccess({ recordId: options.recordId, purpose: options.purpose }),
    heightOf(),
  ]);
  if (preview.decision !== 'permit' || preview.contentHash === undefined) {
    const { value: denied } = await client.requestAccess({ recordId: options.recordId, purpose: options.purpose });
    if (denied.decision !== 'permit') throw new AccessDeniedError(denied);
    // Permitted by the time the deny was to be recorded (a consent granted meanwhile): read on that ticket.
    return redeemTicket({ client, identity, ticket: denied, purpose: options.purpose });
  }
  const endpoint = await custodianEndpoint({ ...options, custodianMsp: preview.custodianMsp });
  const request = createReadRequest({
    recordId: options.recordId,
    purpose: options.purpose,
    custodianMsp: preview.custodianMsp,
    requesterMsp: identity.mspId,
    certificate: identity.certificate,
    privateKey: identity.privateKey,
  });
  let response: Awaited<ReturnType<typeof callGatekeeper>>;
  try {
    response = await callGatekeeper({
      ...endpoint,
      path: READ_PATH,
      method: 'POST',
      body: JSON.stringify({ request, minHeight }),
    });
  } catch (err) {
    throw asCustodianFailure(err, preview.custodianMsp, options.recordId);
  }
  const body = answerBody(response.body);
  if (response.status !== 200) {
    throw asCustodianFailure(refusalOf(response.status, body), preview.custodianMsp, options.recordId);
  }
  const ticket = permitServed(body, preview, identity.certificate);
  const resourceJson = typeof body.resourceJson === 'string' ? body.resourceJson : '';
  const actual = hashOfServedContent(resourceJson);
  if (actual !== preview.contentHash) {
    throw new ContentHashMismatchError({ recordId: options.recordId, expected: preview.contentHash, actual });
  }
  if (body.disclosureTxId !== ticket.ticketId) {
    throw malformedAnswer(preview.custodianMsp, options.recordId, "the disclosure's transaction id");
  }
  return { resource: JSON.parse(resourceJson) as unknown, ticket, disclosureTxId: ticket.ticketId };
}

/** The served ticket, when it is the permit for this very read (record, content, requester); malformed otherwise. */
function permitServed(body: Record<string, unknown>, preview: Ticket, certificate: string): Ticket {
  const served = ticketSchema.safeParse(body.ticket);
  const ticket = served.success ? served.data : undefined;
  if (
    ticket?.decision !== 'permit' ||
    ticket.recordId !== preview.recordId ||
    ticket.contentHash !== preview.contentHash ||
    ticket.requester.certPem !== certificate
  ) {
    throw malformedAnswer(preview.custodianMsp, preview.recordId, 'a ticket that is not the permit for this read');
  }
  return ticket;
}

/**
 * What a failed gatekeeper call means to the requester: the gatekeeper's refusal of this caller (a 4xx kind: not
 * permitted, not found, expired) stays a GatekeeperRefusedError; a custodian that failed or could not be reached
 * becomes a CustodianError ("retry later"). Anything else passes unchanged.
 */
export function asCustodianFailure(err: unknown, custodianMsp: string, recordId: string): Error {
  if (err instanceof GatekeeperRefusedError && gatekeeperRefusalKind(err.status, err.code) !== 'failure') return err;
  if (err instanceof GatekeeperRefusedError || err instanceof GatekeeperTransportError) {
    return new CustodianError({
      custodianMsp,
      message: `the gatekeeper of ${custodianMsp} did not serve record ${recordId}: ${err.message}`,
      ...(err.transactionId === undefined ? {} : { transactionId: err.transactionId }),
      cause: err,
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}

function answerBody(body: unknown): Record<string, unknown> {
  return (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
}

/** A gatekeeper's refusal as it answered it; the ticket's id when there is a ticket (a direct read has none). */
function refusalOf(status: number, body: Record<string, unknown>, ticketId?: string): GatekeeperRefusedError {
  return new GatekeeperRefusedError({
    status,
    code: typeof body.code === 'string' ? body.code : 'UNKNOWN',
    message: typeof body.detail === 'string' ? body.detail : `HTTP ${status}`,
    ...(ticketId === undefined ? {} : { transactionId: ticketId }),
  });
}

function malformedAnswer(custodianMsp: string, recordId: string, what: string): GatekeeperTransportError {
  return new GatekeeperTransportError({
    reason: 'response',
    message:
      `the gatekeeper of ${custodianMsp} served record ${recordId} without ${what}; its answer is malformed, so ` +
      'nothing is passed on. Retry, or report it to the custodian.',
  });
}
