import type { Context } from 'fabric-contract-api';

/** Composite-key object types: one per kind of state, so partial-key scans never mix kinds. */
export const KEY = {
  organisation: 'medrec.org',
  /** [retiring MSP, approving MSP] -> RetirementApproval: the other members' votes to retire an organisation. */
  retirementApproval: 'medrec.org-retirement-approval',
  participant: 'medrec.participant',
  /** (MSP, issuer digest, enrollment id) -> participant id: one participant per enrolled identity. */
  identityBinding: 'medrec.identity-binding',
  relationship: 'medrec.relationship',
  record: 'medrec.record',
  recordByPatient: 'medrec.record-by-patient',
  delegate: 'medrec.delegate',
  consent: 'medrec.consent',
  consentByPatient: 'medrec.consent-by-patient',
  /**
   * [patient, grantee kind, grantee attributes..., consentId] -> the consent, only while it is active: what an access
   * decision scans, so that its cost depends on the consents granted to the caller, not on all of the patient's.
   */
  consentByGrantee: 'medrec.consent-by-grantee',
  /** [] -> marker: every active consent is in consentByGrantee (written by Consent:IndexGrantees). */
  consentGranteeIndexComplete: 'medrec.consent-grantee-index-complete',
  ticket: 'medrec.ticket',
  /** Digests of the signed read requests already served (Access:Disclose): each is accepted once. */
  readRequest: 'medrec.read-request',
  breakGlassByStatus: 'medrec.breakglass-by-custodian-status',
  notification: 'medrec.notification',
  audit: 'medrec.audit',
  incentiveSchedule: 'medrec.incentive-schedule',
  balance: 'medrec.balance',
  /** [claimed txId, claimant MSP] -> ClaimRecord, pending or paid: one per transaction and organisation. */
  claim: 'medrec.claim',
  /**
   * [claimedAt, claimed txId, claimant MSP] -> the same record, rewritten with it, only while it is pending: what
   * ListPendingClaims pages (oldest first), deleted when the claim is paid.
   */
  pendingClaim: 'medrec.pending-claim',
  transferByHolder: 'medrec.transfer-by-holder',
  /** [patient] -> the patient's research choice (ResearchOptOut), opted out or not. */
  researchOptOut: 'medrec.research-opt-out',
  /** [patient] -> the same record, only while the patient is opted out: what ListResearchOptOuts pages. */
  researchOptedOut: 'medrec.research-opted-out',
  /** [queryId] -> TrendQuery. */
  trendQuery: 'medrec.trend-query',
  /** [researcherId, submittedAt, queryId] -> TrendQuery (rewritten with it): a researcher's queries in time order. */
  trendQueryByResearcher: 'medrec.trend-query-by-researcher',
  /** [queryId, custodian MSP] -> TrendAnswer: one per custodian. */
  trendAnswer: 'medrec.trend-answer',
  /** [queryId] -> TrendResult, once combined. */
  trendResult: 'medrec.trend-result',
  /** [researcherId, accounting period index] -> Budget: the epsilon spent in that period. */
  trendBudget: 'medrec.trend-budget',
  /** [] -> TrendSettings; absent until the consortium sets its own (DEFAULT_TREND_SETTINGS apply). */
  trendSettings: 'medrec.trend-settings',
  /** [mspId] -> TrendSettingsApproval: each organisation's current vote for new trend settings. */
  trendSettingsApproval: 'medrec.trend-settings-approval',
} as const;

export type KeyKind = (typeof KEY)[keyof typeof KEY];

export function key(ctx: Context, kind: KeyKind, ...parts: string[]): string {
  return ctx.stub.createCompositeKey(kind, parts);
}

/**
 * The audit time indexes are simple keys, not composite keys: fabric-shim refuses composite keys in
 * getStateByRange*, and a time window is a range. '/' cannot occur in ids (see ID_PATTERN), and the ISO
 * time sorts in time order, so [prefix/from, prefix/to) is exactly that subject's window.
 */
export const AUDIT_INDEX = { patient: 'medrec.audit-by-patient', actor: 'medrec.audit-by-actor' } as const;

export type AuditIndex = (typeof AUDIT_INDEX)[keyof typeof AUDIT_INDEX];

export function auditIndexKey(index: AuditIndex, subjectId: string, iso: string, txId: string): string {
  return `${index}/${subjectId}/${iso}/${txId}`;
}

export function auditIndexBound(index: AuditIndex, subjectId: string, iso: string): string {
  return `${index}/${subjectId}/${iso}`;
}
