import crypto from 'node:crypto';
import { createCustodian, RecordConflictError, type RecordStore } from '@medrec/gatekeeper';
import {
  asCustodianFailure,
  ChaincodeError,
  createKnownRecords,
  fetchRecord,
  InvalidFhirResourceError,
  patientIdOf,
  redeemTicket,
  validateFhirResource,
  type ClientIdentity,
  type MedrecClient,
  type Organisation,
  type OrganisationLookup,
  type RecordPointer,
  type Ticket,
  type Wallet,
} from '@medrec/sdk';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type {
  AmendRequest,
  FetchedRecord,
  FetchRequest,
  FhirResource,
  LedgerGateway,
  RecordCustody,
  StoreRequest,
} from '../ports';
import { UnknownIdentityError } from './wallet-ledger-gateway';

export interface GatekeeperRecordCustodyOptions {
  /** This organisation's gatekeeper store (records it holds as custodian). */
  readonly store: RecordStore;
  readonly mspId: string;
  readonly ledger: LedgerGateway;
  /** This process's view of its peer's height (followed from block events), sent with each read request. */
  readonly channelHeight?: () => Promise<number>;
  /** The users' identities: a requester's key signs its proof of possession. */
  readonly wallet: Wallet;
  /**
   * Pauses before presenting a ticket again that the custodian's peer has not committed yet (read-after-write across
   * peers); default record-retrieval's UNSEEN_TICKET_RETRY_DELAYS_MS. Tests shorten them.
   */
  readonly unseenTicketRetryDelaysMs?: readonly number[];
  /** How to wait between those tries; injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The ledger's pointer when the requester may read it; undefined when only its ticket grants it sight. */
async function readablePointer(read: () => Promise<RecordPointer>): Promise<RecordPointer | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof ChaincodeError && err.code === 'MEDREC_FORBIDDEN') return undefined;
    throw err;
  }
}

/** SHA-256 over the DER of a PEM certificate, as the chaincode fingerprints a ticket's requester. */
function certSha256(pem: string): string {
  return crypto.createHash('sha256').update(new crypto.X509Certificate(pem).raw).digest('hex');
}

/**
 * A ticket presented by id must be the caller's own: issued to the very certificate the caller signs with. Someone
 * else's ticket (a patient's, a compliance officer's, another clinician's) is a refusal, found before the gatekeeper
 * is even asked (it would refuse the proof anyway).
 */
function requireOwnTicket(ticket: Ticket, identity: ClientIdentity): void {
  if (ticket.requester.certSha256 !== certSha256(identity.certificate)) {
    throw new ChaincodeError({
      code: 'MEDREC_FORBIDDEN',
      message:
        `ticket ${ticket.ticketId} was issued to another requester; only its requester may redeem it. ` +
        'Request access to the record yourself.',
      transactionId: ticket.ticketId,
    });
  }
}

/**
 * A record id already held for another author or other content: a 409 the caller can act on (use a new record id),
 * never a 500, named by why. (A registration the ledger would credit to someone else, RecordAuthorMismatchError, is
 * a 409 by its own code in api/src/http/error-mapping.ts.)
 */
function authorshipProblem(err: unknown): ApiProblem | undefined {
  if (err instanceof RecordConflictError) {
    return new ApiProblem(PROBLEMS.conflict, err.message, {
      code: err.reason === 'author' ? 'RECORD_NOT_AUTHOR' : 'RECORD_ID_CONFLICT',
      cause: err,
    });
  }
  return undefined;
}

/** How long a custodian's registered gatekeeper address and CA roots are reused before the ledger is asked again. */
const ORGANISATION_TTL_MS = 60_000;

/**
 * Organisation records are readable by every member and change rarely; reading one per record read cost a ledger
 * query each time. Kept a minute, per organisation (a consortium has a handful). Failures are not kept.
 */
function cachedOrganisations(now: () => number = Date.now): (client: MedrecClient) => OrganisationLookup {
  const cache = new Map<string, { value: Organisation; expiresAt: number }>();
  return (client) => async (mspId) => {
    const hit = cache.get(mspId);
    if (hit !== undefined && hit.expiresAt > now()) return hit.value;
    const value = await client.getOrganisation(mspId);
    cache.set(mspId, { value, expiresAt: now() + ORGANISATION_TTL_MS });
    return value;
  };
}

export function createGatekeeperRecordCustody(options: Readonly<GatekeeperRecordCustodyOptions>): RecordCustody {
  const custodian = createCustodian({ store: options.store, mspId: options.mspId });
  const organisations = cachedOrganisations();
  // Custodian and content hash of records this API has read before (immutable per record id): a later read goes
  // straight to the custodian, whose transaction decides and records it (sdk fetchRecord).
  const knownRecords = createKnownRecords();
  return {
    async store(request: Readonly<StoreRequest>): Promise<{ pointer: RecordPointer; transactionId: string }> {
      // The SDK's FHIR errors (422 by their codes) pass through as they are.
      const resource = validateFhirResource(request.resource);
      if (patientIdOf(resource) !== request.patientId) {
        throw new InvalidFhirResourceError(resource.resourceType, [
          {
            path: `${resource.resourceType}.subject`,
            message: `must reference Patient/${request.patientId}, the patient in the URL`,
          },
        ]);
      }
      // The record id is the one the use case already had the ledger endorse; the author is the caller, so that only
      // they may ever complete this record's registration.
      const client = await options.ledger.clientFor(request.user);
      try {
        return await custodian.storeAndRegister(client, request.resource, {
          authorId: request.user.participantId,
          ...(request.recordId === undefined ? {} : { recordId: request.recordId }),
          ...(request.endorsed === undefined ? {} : { endorsed: request.endorsed }),
        });
      } catch (err) {
        throw authorshipProblem(err) ?? err;
      }
    },

    async amend(request: Readonly<AmendRequest>): Promise<{ pointer: RecordPointer; transactionId: string }> {
      // Validated here so that an invalid body is a FHIR 422 (the SDK's errors) before anything is stored; the
      // custodian checks the patient against the amended record's pointer.
      validateFhirResource(request.resource);
      const client = await options.ledger.clientFor(request.user);
      try {
        return await custodian.storeAndAmend(client, request.resource, {
          authorId: request.user.participantId,
          recordId: request.recordId,
          supersedes: request.supersedes,
          ...(request.endorsed === undefined ? {} : { endorsed: request.endorsed }),
        });
      } catch (err) {
        throw authorshipProblem(err) ?? err;
      }
    },

    async fetch(request: Readonly<FetchRequest>): Promise<FetchedRecord> {
      const client = await options.ledger.clientFor(request.user);
      const identity = await options.wallet.get(request.user.enrollmentId);
      if (!identity) throw new UnknownIdentityError(request.user);
      if (request.ticketId === undefined) {
        // A read without a ticket is one ordered transaction: the custodian's gatekeeper submits the caller's signed
        // request, and the ledger decides and records the disclosure together (a deny is recorded as well).
        // The pointer, when the caller may see it, goes with the content. Records:GetRecord shows it to a patient (own
        // or delegated records) alongside the read, and to staff of the custodian only, so for a read from another
        // organisation (the common case, under load) the evaluate that would certainly be refused is not made.
        const followed = options.channelHeight;
        const read = fetchRecord({
          client,
          identity,
          recordId: request.recordId,
          purpose: request.purpose,
          organisationOf: organisations(client),
          knownRecords,
          // The process's followed height; if it cannot answer (no identity of its own), the caller's peer is asked.
          ...(followed === undefined ? {} : { channelHeight: () => followed().catch(() => client.channelHeight()) }),
        });
        const [fetched, pointer] =
          request.user.role === 'patient'
            ? await Promise.all([read, readablePointer(() => client.getRecord(request.recordId))])
            : await read.then(
                async (done) =>
                  [
                    done,
                    done.ticket.custodianMsp === request.user.mspId
                      ? await readablePointer(() => client.getRecord(request.recordId))
                      : undefined,
                  ] as const,
              );
        return {
          resource: fetched.resource as FhirResource,
          ticket: fetched.ticket,
          ...(pointer === undefined ? {} : { pointer }),
        };
      }
      // A ticket already issued to this user (e.g. by break-glass) is redeemed.
      const ticket = await client.getTicket(request.ticketId);
      // Ownership first: the details of someone else's ticket (its record, its decision) are not the caller's to see.
      requireOwnTicket(ticket, identity);
      if (ticket.recordId !== request.recordId) {
        throw new ChaincodeError({
          code: 'MEDREC_INVALID_ARGUMENT',
          message: `ticket ${ticket.ticketId} is for record ${ticket.recordId}, not ${request.recordId}; use that record's ticket`,
        });
      }
      try {
        // The purpose the caller asked for goes to the gatekeeper (signed into the proof): a ticket is served only for
        // the purpose it was issued for, so a break-glass (ETREAT) ticket is not a TREAT read.
        // A custodian whose peer has not yet committed the ticket is asked again (bounded) inside redeemTicket.
        const fetched = await redeemTicket({
          client,
          identity,
          ticket,
          purpose: request.purpose,
          organisationOf: organisations(client),
          ...(options.unseenTicketRetryDelaysMs === undefined
            ? {}
            : { unseenTicketRetryDelaysMs: options.unseenTicketRetryDelaysMs }),
          ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
        });
        const pointer = await readablePointer(() => client.getRecord(request.recordId));
        return { resource: fetched.resource as FhirResource, ticket, ...(pointer === undefined ? {} : { pointer }) };
      } catch (err) {
        // A ledger deny (AccessDeniedError) and a gatekeeper's refusal (not the caller's ticket, no longer permitted,
        // expired, not found) reach the caller as a 4xx (api/src/http/error-mapping.ts); only a custodian that failed
        // or could not be reached is a 502 (CustodianError).
        throw asCustodianFailure(err, ticket.custodianMsp, ticket.recordId);
      }
    },
  };
}
