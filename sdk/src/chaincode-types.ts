/** Shapes of the MedRec chaincode's arguments and results (see chaincode/README.md, the source of truth). */

// Rules taken from the chaincode's own schemas rather than copied, so the SDK and what is built on it (the API's
// OpenAPI document) cannot drift from what the ledger accepts. (One contract module for all shapes is issue 12.)
export { ID_PATTERN } from '../../chaincode/src/common/schemas';
export { NOTIFICATION_KINDS } from '../../chaincode/src/summary/notification-schema';

export type Role = 'patient' | 'clinician' | 'registrar' | 'gatekeeper' | 'compliance' | 'researcher' | 'admin';
export type PurposeOfUse = 'TREAT' | 'ETREAT' | 'HPAYMT' | 'HOPERAT' | 'HRESCH' | 'PUBHLTH';

export interface Page<T> {
  readonly items: readonly T[];
  /** Empty when there are no more items. */
  readonly bookmark: string;
}

export interface PageQuery {
  readonly pageSize?: number;
  readonly bookmark?: string;
}

export interface OrganisationInput {
  readonly mspId: string;
  readonly displayName: string;
  readonly gatekeeperUrl: string;
  readonly caRootCertsPem: readonly string[];
}

export interface Organisation extends OrganisationInput {
  readonly registeredBy: string;
  readonly registeredAt: string;
  readonly updatedAt: string;
  readonly txId: string;
}

export interface ParticipantInput {
  readonly participantId: string;
  readonly role: Role;
  readonly enrollmentId: string;
}

export interface Participant extends ParticipantInput {
  readonly mspId: string;
  /** DN of the CA that issued the bound identity: with enrollmentId it names exactly one enrolled identity. */
  readonly enrollmentIssuer: string;
  readonly status: 'active' | 'inactive';
  readonly registeredBy: string;
  readonly registeredAt: string;
  readonly txId: string;
  readonly deactivatedBy?: string;
  readonly deactivatedAt?: string;
}

/** Someone acting for a patient; only an 'active' delegate acts (a registrar's proposal waits for the patient). */
export interface Delegate {
  readonly patientId: string;
  readonly delegateId: string;
  readonly status: 'proposed' | 'active';
  readonly addedBy: string;
  readonly addedAt: string;
  readonly acceptedAt?: string;
  readonly txId: string;
}

export interface WhoAmI {
  readonly mspId: string;
  readonly role: Role | null;
  readonly participantId: string | null;
  readonly registered: boolean;
  readonly active: boolean;
  readonly participant: Participant | null;
}

export interface RecordInput {
  readonly recordId: string;
  readonly patientId: string;
  readonly category: string;
  readonly contentHash: string;
  readonly locator: string;
}

export interface RecordAmendment {
  readonly recordId: string;
  readonly newRecordId: string;
  readonly contentHash: string;
  readonly locator: string;
  readonly category?: string;
}

export interface RecordPointer extends RecordInput {
  readonly custodianMsp: string;
  readonly version: number;
  readonly supersedes: string | null;
  readonly supersededBy: string | null;
  readonly registeredBy: string;
  readonly registeredAt: string;
  readonly txId: string;
}

export interface Relationship {
  readonly patientId: string;
  readonly custodianMsp: string;
  readonly status: 'new' | 'pending-update' | 'accepted' | 'rejected';
  readonly recordCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly txId: string;
}

export type Grantee =
  | { readonly kind: 'participant'; readonly participantId: string }
  | { readonly kind: 'role'; readonly role: Role; readonly mspId: string }
  | { readonly kind: 'organisation'; readonly mspId: string };

export interface ConsentInput {
  readonly consentId: string;
  readonly patientId: string;
  readonly grantee: Grantee;
  readonly scope: {
    readonly custodians: readonly string[];
    readonly categories?: readonly string[];
    readonly recordIds?: readonly string[];
  };
  readonly purposes: readonly PurposeOfUse[];
  readonly period: { readonly notBefore: string; readonly notAfter: string };
}

export interface Consent extends ConsentInput {
  readonly status: 'active' | 'revoked';
  readonly grantedBy: string;
  readonly grantedAt: string;
  readonly txId: string;
  readonly revokedBy?: string;
  readonly revokedAt?: string;
}

export type BreakGlassReason =
  'life-threatening-emergency' | 'patient-unconscious' | 'patient-unable-to-consent' | 'urgent-continuity-of-care';

export interface Ticket {
  readonly ticketId: string;
  readonly kind: 'access' | 'break-glass';
  readonly decision: 'permit' | 'deny';
  readonly reason: string;
  readonly consentId?: string;
  readonly recordId: string;
  readonly patientId: string;
  readonly custodianMsp: string;
  readonly category: string;
  readonly purpose: PurposeOfUse;
  readonly contentHash?: string;
  readonly locator?: string;
  readonly requester: {
    readonly participantId: string;
    readonly mspId: string;
    readonly role: Role;
    readonly certSha256: string;
    readonly certPem: string;
  };
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly txId: string;
  readonly breakGlass?: {
    readonly reason: BreakGlassReason;
    readonly incidentRef?: string;
    readonly reviewStatus: 'pending' | 'justified' | 'unjustified';
    readonly reviewedBy?: string;
    readonly reviewedAt?: string;
    readonly reviewRef?: string;
  };
  /** The first disclosure; every served read is one of its own, counted, with the latest in lastDisclosure. */
  readonly disclosure?: { readonly confirmedBy: string; readonly confirmedAt: string; readonly txId: string };
  readonly disclosureCount?: number;
  readonly lastDisclosure?: { readonly confirmedBy: string; readonly confirmedAt: string; readonly txId: string };
}

export interface Notification {
  readonly notificationId: string;
  readonly patientId: string;
  readonly kind: 'new-record' | 'access' | 'disclosure' | 'break-glass' | 'relationship' | 'delegate';
  readonly subjectId: string;
  readonly txId: string;
  readonly time: string;
}

export interface PatientSummary {
  readonly patientId: string;
  readonly relationships: readonly Relationship[];
  readonly moreRelationships: boolean;
  readonly notifications: readonly Notification[];
  readonly notificationsBookmark: string;
}

export interface AuditEvent {
  readonly eventId: string;
  readonly txId: string;
  readonly time: string;
  readonly type: string;
  readonly actor: { readonly participantId: string; readonly mspId: string; readonly role: Role };
  readonly patientId?: string;
  readonly subject: { readonly kind: string; readonly id: string };
  readonly outcome?: 'permit' | 'deny';
  readonly reason?: string;
}

export interface AuditQuery extends PageQuery {
  readonly from?: string;
  readonly to?: string;
}

/** One endorsement as a miner extracts it from a block (all byte fields base64). */
export interface EndorsementClaim {
  readonly txId: string;
  /** base64 of the endorser's msp.SerializedIdentity bytes. */
  readonly endorserIdentity: string;
  /** base64 of the DER ECDSA signature over proposalResponsePayload || endorserIdentity. */
  readonly signature: string;
  /** base64 of the peer.ProposalResponsePayload the endorser signed. */
  readonly proposalResponsePayload: string;
}

export type Holder =
  | { readonly kind: 'organisation'; readonly mspId: string }
  | { readonly kind: 'participant'; readonly participantId: string };

/** Amounts and counters are decimal integer strings (never floating point). */
export interface IncentiveSchedule {
  readonly initialReward: string;
  readonly halvingInterval: string;
  readonly claims: string;
  readonly era: string;
  readonly currentReward: string;
  readonly minted: string;
  readonly cap: string;
  /** The admin whose approval completed the consortium's majority. */
  readonly initializedBy: { readonly mspId: string; readonly participantId: string };
  readonly initializedAt: string;
  readonly updatedAt: string;
  readonly txId: string;
  /** The proposal that took effect and the organisations that approved it (absent on pre-vote schedules). */
  readonly proposalId?: string;
  readonly approvedBy?: readonly string[];
}

/** Bounded: initialReward below 10^18, halvingInterval below 10^12 (positive integer strings). */
export interface IncentiveScheduleParameters {
  readonly initialReward: string;
  readonly halvingInterval: string;
}

/** An organisation's one current approval of a schedule proposal. */
export interface ScheduleApproval {
  readonly mspId: string;
  readonly proposalId: string;
  readonly approvedBy: string;
  readonly approvedAt: string;
  readonly txId: string;
}

/** proposalId = SHA-256 (hex) of the canonical JSON {"halvingInterval":"…","initialReward":"…"}. */
export interface ScheduleProposal extends IncentiveScheduleParameters {
  readonly proposalId: string;
  readonly proposedBy: { readonly mspId: string; readonly participantId: string };
  readonly proposedAt: string;
  readonly txId: string;
  readonly approvals: readonly ScheduleApproval[];
}

/** The result of proposing or approving: the schedule is set once `required` organisations approve one proposal. */
export interface ScheduleVote {
  readonly proposal: ScheduleProposal;
  readonly organisations: number;
  readonly required: number;
  readonly schedule: IncentiveSchedule | null;
}

export interface ScheduleProposals {
  readonly organisations: number;
  readonly required: number;
  readonly items: readonly ScheduleProposal[];
}

export interface ClaimRecord {
  readonly txId: string;
  readonly mspId: string;
  readonly endorserCertSha256: string;
  readonly signatureSha256: string;
  readonly claimNumber: string;
  readonly reward: string;
  readonly claimedBy: string;
  readonly claimedAt: string;
  readonly claimTxId: string;
}

export interface ClaimResult {
  readonly mspId: string;
  readonly claims: readonly ClaimRecord[];
  readonly earned: string;
  readonly balance: string;
}

export interface Balance {
  readonly holder: Holder;
  readonly amount: string;
  readonly updatedAt: string | null;
  readonly txId: string | null;
}

export interface CreditTransfer {
  readonly transferId: string;
  readonly from: Holder;
  readonly to: Holder;
  readonly amount: string;
  readonly transferredBy: string;
  readonly time: string;
  readonly txId: string;
}
