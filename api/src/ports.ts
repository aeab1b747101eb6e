/**
 * The ports the REST API depends on. Routes call use cases; use cases call these interfaces; adapters (the Fabric
 * gateway, the CA, the gatekeeper) implement them outside api/src, so the HTTP layer is tested without a network.
 */
import type {
  ExportFilters,
  ExportFormat,
  ExportSink,
  SignedManifest,
  VerificationReport,
} from '../../sdk/src/audit-export';
import type { Participant, PurposeOfUse, RecordPointer, Role, Ticket } from '../../sdk/src/chaincode-types';
import type { MedrecEvent } from '../../sdk/src/event-stream';
import type { MedrecClient } from '../../sdk/src/medrec-client';

/** The enrolled user a request acts as: every transaction it causes is signed with this user's own Fabric identity. */
export interface UserContext {
  /** The organisation's short name in this deployment, e.g. "hospital1". */
  readonly org: string;
  readonly mspId: string;
  /** The enrollment id at the organisation's Fabric CA (the wallet label of the user's identity). */
  readonly enrollmentId: string;
  /** The pseudonymous MedRec participant id (medrec.id in the certificate). */
  readonly participantId: string;
  readonly role: Role;
}

/** A token as shown to its owner and administrators: never the secret, which exists only at issuance. */
export interface TokenInfo {
  readonly tokenId: string;
  readonly org: string;
  readonly mspId: string;
  readonly participantId: string;
  readonly enrollmentId: string;
  readonly role: Role;
  readonly createdAt: string;
  /** After this instant the token no longer authenticates (MEDREC_API_TOKEN_TTL_DAYS after issuance). */
  readonly expiresAt: string;
  readonly revokedAt: string | null;
}

/** Returned once, when a token is issued: the plaintext `token` is not stored and cannot be shown again. */
export interface IssuedToken {
  readonly tokenId: string;
  readonly token: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** A bearer token that resolved to an active (unrevoked, unexpired) token. */
export interface ResolvedToken {
  readonly tokenId: string;
  readonly user: UserContext;
}

/** Bearer API tokens of this organisation's users (implemented in api/src/auth/sqlite-user-directory.ts). */
export interface UserDirectory {
  issueToken(user: UserContext): Promise<IssuedToken>;
  /** undefined for an unknown, malformed, revoked or expired token. */
  resolve(token: string): Promise<ResolvedToken | undefined>;
  getToken(tokenId: string): Promise<TokenInfo | undefined>;
  /** Revokes one token; returns it (revoked), or undefined if there is no such token. Revoking twice is a no-op. */
  revokeToken(tokenId: string): Promise<TokenInfo | undefined>;
  /** Revokes every active token of a participant of an organisation; returns how many were revoked. */
  revokeTokensOf(owner: Readonly<{ mspId: string; participantId: string }>): Promise<number>;
  listTokens(owner: Readonly<{ mspId: string; participantId: string }>): Promise<readonly TokenInfo[]>;
}

/** Where an event sits on the ledger: what a reconnecting Server-Sent Events client sends back as Last-Event-ID. */
export interface EventPosition {
  readonly blockNumber: bigint;
  readonly transactionId: string;
}

/** A subscription to ledger events; close() must be idempotent. */
export interface EventSubscription {
  close(): void;
}

/** The Fabric network, always as a given user. */
export interface LedgerGateway {
  /** A client whose transactions are signed with `user`'s own enrolled identity (never a shared organisation one). */
  clientFor(user: UserContext): Promise<MedrecClient>;
  /** Whether this server's wallet holds `user`'s enrolled identity, so requests as that user can be signed. */
  hasIdentity(user: UserContext): Promise<boolean>;
  /**
   * Delivers the chaincode events about `patientId` committed from now on, or, with `resumeAfter`, every one
   * committed after that event. The caller has already been authorised for the patient's notifications by a ledger
   * read made as `user`.
   */
  eventsFor(
    user: UserContext,
    patientId: string,
    onEvent: (event: MedrecEvent) => void,
    resumeAfter?: EventPosition,
  ): Promise<EventSubscription>;
}

export interface RegistrationRequest {
  /** The registrar or admin asking; the participant is registered on chain by this user, at this user's org. */
  readonly caller: UserContext;
  readonly role: Role;
  readonly participantId: string;
  /** Defaults to an id the adapter derives from participantId. */
  readonly enrollmentId?: string;
}

export interface Registration {
  readonly participant: Participant;
  readonly transactionId: string;
}

/** Registers a person at the caller's organisation: its Fabric CA, the wallet, and the ledger. */
export interface UserRegistration {
  register(request: Readonly<RegistrationRequest>): Promise<Registration>;
}

/** The content of a FHIR R4 resource as JSON; its shape is checked by the RecordCustody adapter. */
export type FhirResource = Readonly<Record<string, unknown>> & { readonly resourceType: string };

export interface StoreRequest {
  readonly user: UserContext;
  readonly patientId: string;
  readonly resource: FhirResource;
}

export interface FetchRequest {
  readonly user: UserContext;
  readonly recordId: string;
  readonly purpose: PurposeOfUse;
  /**
   * Use this already issued ticket (e.g. from break-glass) instead of requesting a new one; it must be the user's
   * own permit for this record.
   */
  readonly ticketId?: string;
}

export interface FetchedRecord {
  readonly resource: FhirResource;
  readonly ticket: Ticket;
  /**
   * The ledger's pointer, when the requester may read it (the custodian's clinicians, the patient, compliance);
   * a clinician of another organisation sees the record through its ticket (hash, category, custodian) only.
   */
  readonly pointer?: RecordPointer;
}

/** Clinical content: stored at this organisation's gatekeeper, fetched from whichever custodian holds it. */
export interface RecordCustody {
  /** Validates the resource, stores it at this organisation's gatekeeper and registers pointer + hash on chain. */
  store(request: Readonly<StoreRequest>): Promise<{ readonly pointer: RecordPointer; readonly transactionId: string }>;
  /**
   * Obtains a ticket by a transaction, fetches the content from the custodian's gatekeeper with proof of possession
   * and checks its hash against the ledger. Throws AccessDeniedError when the ledger denied the ticket and
   * ContentHashMismatchError when the content does not match.
   */
  fetch(request: Readonly<FetchRequest>): Promise<FetchedRecord>;
}

export interface AuditExportRequest {
  /** The exporter: the manifest is signed with this user's own Fabric identity, and the ledger is read as them. */
  readonly user: UserContext;
  readonly filters: ExportFilters;
  readonly format: ExportFormat;
  /** Where the export is streamed (page by page, bounded memory). */
  readonly sink: ExportSink;
}

/** The compliance audit export (sdk/src/audit-export) acting as the caller. */
export interface AuditExporter {
  /** Streams the events with their ledger proofs, then the signed manifest, to the sink; returns the manifest. */
  export(request: Readonly<AuditExportRequest>): Promise<SignedManifest>;
  /**
   * Verifies a JSON Lines export against the blocks read from the peer as `user`, with the CA roots of the ledger's
   * organisation records.
   */
  verify(user: UserContext, exportText: string): Promise<VerificationReport>;
}

/** One check of /healthz, e.g. "peer", "gatekeeper", "token-db". */
export interface ReadinessCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** Reports whether the server can serve requests (its dependencies answer). Must not throw. */
export type ReadinessProbe = () => Promise<readonly ReadinessCheck[]>;

/** One problem in a FHIR resource, e.g. {path: "Observation.status", message: "is required"}. */
export interface FhirValidationIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Thrown by RecordCustody.store for a resource that is not valid FHIR R4 for MedRec (mapped to 422). The API maps
 * any error whose `code` starts with "FHIR_" the same way, so the SDK's own FHIR errors can be rethrown as they are.
 */
export class FhirValidationError extends Error {
  readonly code: string;
  readonly issues: readonly FhirValidationIssue[];

  constructor(props: Readonly<{ message: string; code?: string; issues?: readonly FhirValidationIssue[] }>) {
    super(props.message);
    this.name = 'FhirValidationError';
    this.code = props.code ?? 'FHIR_INVALID';
    this.issues = props.issues ?? [];
  }
}

/** The ledger committed a deny decision for the access request (mapped to 403 with the ticket's transaction id). */
export class AccessDeniedError extends Error {
  readonly ticket: Ticket;

  constructor(ticket: Ticket) {
    super(
      `access to record ${ticket.recordId} was denied by the ledger (${ticket.reason}) in transaction ${ticket.txId}`,
    );
    this.name = 'AccessDeniedError';
    this.ticket = ticket;
  }
}

/** A custodian's gatekeeper could not be reached or refused to serve the ticket (mapped to 502). */
export class CustodianError extends Error {
  readonly custodianMsp: string;
  readonly transactionId: string | undefined;

  constructor(props: Readonly<{ custodianMsp: string; message: string; transactionId?: string; cause?: unknown }>) {
    super(props.message, { cause: props.cause });
    this.name = 'CustodianError';
    this.custodianMsp = props.custodianMsp;
    this.transactionId = props.transactionId;
  }
}
