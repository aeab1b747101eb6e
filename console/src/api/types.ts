/**
 * The API's response shapes the console reads. Ledger objects come from the contract module (types only, so none of
 * its runtime reaches the bundle through these); the few envelopes the API adds around them are named here.
 */
import type {
  BalanceView,
  Budget,
  Consent,
  Participant,
  RecordPointer,
  Role,
  Ticket,
  TrendResult,
  TrendSettings,
  WhoAmI,
} from '@medrec/contract';

export type {
  AuditEvent,
  Category,
  Consent,
  Delegate,
  Grantee,
  NetworkView,
  Organisation,
  Participant,
  PatientSummary,
  Purpose,
  RecordPointer,
  Relationship,
  Role,
  Ticket,
  TrendQuery,
  TrendResult,
} from '@medrec/contract';

/** GET /v1/me: the token's enrolled user and its participant on the ledger. */
export type Me = Omit<WhoAmI, 'role' | 'participantId'> & {
  readonly org: string;
  readonly enrollmentId: string;
  readonly participantId: string;
  readonly role: Role;
  readonly tokenId: string;
};

/** Every list operation: one page and the bookmark of the next ('' when there is none). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly bookmark: string;
}

/** RFC 9457 problem details, as every error response of the API carries them. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly code?: string;
  readonly transactionId?: string;
  readonly requestId?: string;
  readonly errors?: readonly { readonly in: string; readonly path: string; readonly message: string }[];
}

export interface IssuedToken {
  readonly tokenId: string;
  readonly token: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface ParticipantRegistered {
  readonly participant: Participant;
  readonly transactionId: string;
  readonly token: IssuedToken;
}

export interface RecordContent {
  readonly resource: Readonly<Record<string, unknown>> & { readonly resourceType: string };
  readonly pointer?: RecordPointer;
  readonly ticket: Ticket;
}

export interface ConsentResult {
  readonly consent: Consent;
  readonly transactionId: string;
}

export interface TicketIssued {
  readonly ticket: Ticket;
  readonly transactionId: string;
}

/** POST /v1/audit/verify: what the API found checking an export against the ledger. */
export interface VerificationReport {
  readonly valid: boolean;
  readonly complete?: boolean;
  readonly eventCount: number;
  readonly warnings?: readonly string[];
  readonly discrepancies: readonly {
    readonly kind: string;
    readonly message: string;
    readonly eventIndex?: number;
    readonly txId?: string;
    readonly field?: string;
  }[];
}

/** An API token's record at this server, without its secret. */
export interface TokenInfo {
  readonly tokenId: string;
  readonly participantId: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
}

/** GET /healthz: the API's own readiness, each check named. */
export interface Health {
  readonly status: 'ok' | 'unavailable';
  readonly checks: readonly { readonly name: string; readonly ok: boolean; readonly detail?: string }[];
}

/** GET /v1/trends/account: the researcher's privacy budget this period, the organisation's credits, the settings. */
export interface TrendAccount {
  readonly budget: Budget;
  readonly balance: BalanceView;
  readonly settings: TrendSettings;
}

/** GET /v1/trends/queries/{id}/result: the combined result once every custodian answered or the deadline passed. */
export interface TrendOutcome {
  readonly queryId: string;
  readonly status: 'open' | 'combined';
  readonly result: TrendResult | null;
}
