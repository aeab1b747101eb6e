import crypto from 'node:crypto';
import { ticketSchema } from '@medrec/contract';
import type { PurposeOfUse, Ticket } from './chaincode-types';
import { ChaincodeError, ContentHashMismatchError } from './errors';
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
  /**
   * Records this process has already read through the ledger's preview: their custodian and content hash, which never
   * change for a record id (an amendment is a new record). With an entry, the read skips the preview and goes straight
   * to the custodian, whose one transaction still decides, authoritatively, and records the decision either way.
   */
  readonly knownRecords?: KnownRecords;
}

/** What the requester's own peer said about a record once: immutable facts, safe to keep. */
export interface KnownRecord {
  readonly custodianMsp: string;
  readonly contentHash: string;
}

export interface KnownRecords {
  get(recordId: string): KnownRecord | undefined;
  set(recordId: string, known: KnownRecord): void;
  delete(recordId: string): void;
}

/** A bounded map of known records: the oldest entry goes when it is full. */
export function createKnownRecords(capacity = 10_000): KnownRecords {
  const entries = new Map<string, KnownRecord>();
  return {
    get: (recordId) => entries.get(recordId),
    set(recordId, known) {
      entries.delete(recordId);
      entries.set(recordId, known);
      if (entries.size > capacity) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
    },
    delete(recordId) {
      entries.delete(recordId);
    },
  };
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
    privateKey: options.identity.signingKey ?? options.identity.privateKey,
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
  const { client } = options;
  // The height goes with the request, so that the custodian's gatekeeper decides on a ledger at least as new as the
  // one this peer has seen (a consent just granted through it, say).
  const heightOf = options.channelHeight ?? ((): Promise<number> => client.channelHeight());
  const known = options.knownRecords?.get(options.recordId);
  if (known !== undefined) return readFromCustodian(options, known, await heightOf(), true);
  const [preview, minHeight] = await Promise.all([
    client.checkRequestAccess({ recordId: options.recordId, purpose: options.purpose }),
    heightOf(),
  ]);
  if (preview.decision !== 'permit' || preview.contentHash === undefined) {
    const { value: denied } = await client.requestAccess({ recordId: options.recordId, purpose: options.purpose });
    if (denied.decision !== 'permit') throw new AccessDeniedError(denied);
    // Permitted by the time the deny was to be recorded (a consent granted meanwhile): read on that ticket.
    return redeemTicket({ client, identity: options.identity, ticket: denied, purpose: options.purpose });
  }
  const fetched = await readFromCustodian(
    options,
    { custodianMsp: preview.custodianMsp, contentHash: preview.contentHash },
    minHeight,
    false,
  );
  options.knownRecords?.set(options.recordId, { custodianMsp: preview.custodianMsp, contentHash: preview.contentHash });
  return fetched;
}

/**
 * The signed read request to the custodian's gatekeeper, which submits it (Access:Disclose): one transaction that
 * decides and records the decision. The content must hash to what the requester's own peer said.
 */
async function readFromCustodian(
  options: Readonly<RecordFetchOptions>,
  record: KnownRecord,
  minHeight: number,
  withoutPreview: boolean,
): Promise<FetchedRecord> {
  const { client, identity, recordId } = options;
  const endpoint = await custodianEndpoint({ ...options, custodianMsp: record.custodianMsp });
  const request = createReadRequest({
    recordId,
    purpose: options.purpose,
    custodianMsp: record.custodianMsp,
    requesterMsp: identity.mspId,
    certificate: identity.certificate,
    privateKey: identity.signingKey ?? identity.privateKey,
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
    throw asCustodianFailure(err, record.custodianMsp, recordId);
  }
  const body = answerBody(response.body);
  if (response.status !== 200) {
    const refusal = refusalOf(response.status, body);
    // Without the preview, a deny is first heard from the custodian: the decision it recorded is the requester's own
    // ticket, read from the requester's own peer (not taken on the gatekeeper's word), and answered as the preview's
    // deny would have been.
    if (withoutPreview && refusal.code === 'GATEKEEPER_TICKET_DENIED' && refusal.transactionId !== undefined) {
      const denied = await recordedDecision(client, refusal.transactionId);
      if (denied?.decision === 'deny' && denied.recordId === recordId) throw new AccessDeniedError(denied);
    }
    throw asCustodianFailure(refusal, record.custodianMsp, recordId);
  }
  const ticket = permitServed(body, { recordId, ...record }, identity.certificate);
  const resourceJson = typeof body.resourceJson === 'string' ? body.resourceJson : '';
  const actual = hashOfServedContent(resourceJson);
  if (actual !== record.contentHash) {
    throw new ContentHashMismatchError({ recordId, expected: record.contentHash, actual });
  }
  if (body.disclosureTxId !== ticket.ticketId) {
    throw malformedAnswer(record.custodianMsp, recordId, "the disclosure's transaction id");
  }
  return { resource: JSON.parse(resourceJson) as unknown, ticket, disclosureTxId: ticket.ticketId };
}

/** The ticket of a recorded decision, once the requester's own peer has its block (bounded wait); else undefined. */
async function recordedDecision(client: MedrecClient, ticketId: string): Promise<Ticket | undefined> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    try {
      return await client.getTicket(ticketId);
    } catch (err) {
      if (!(err instanceof ChaincodeError) || err.code !== 'MEDREC_NOT_FOUND') return undefined;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return undefined;
}

/** The served ticket, when it is the permit for this very read (record, content, requester); malformed otherwise. */
function permitServed(
  body: Record<string, unknown>,
  expected: Readonly<{ recordId: string; custodianMsp: string; contentHash: string }>,
  certificate: string,
): Ticket {
  const served = ticketSchema.safeParse(body.ticket);
  const ticket = served.success ? served.data : undefined;
  if (
    ticket?.decision !== 'permit' ||
    ticket.recordId !== expected.recordId ||
    ticket.contentHash !== expected.contentHash ||
    ticket.requester.certPem !== certificate
  ) {
    throw malformedAnswer(expected.custodianMsp, expected.recordId, 'a ticket that is not the permit for this read');
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
  // A direct read has no ticket of its own; a recorded deny names its transaction in the answer.
  const transactionId = ticketId ?? (typeof body.transactionId === 'string' ? body.transactionId : undefined);
  return new GatekeeperRefusedError({
    status,
    code: typeof body.code === 'string' ? body.code : 'UNKNOWN',
    message: typeof body.detail === 'string' ? body.detail : `HTTP ${status}`,
    ...(transactionId === undefined ? {} : { transactionId }),
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
