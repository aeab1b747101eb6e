/**
 * Which operations of this API expose each chaincode transaction, or why a transaction is deliberately not exposed.
 * The compiler refuses a transaction missing from this table; a unit test checks that every named operation is in
 * the OpenAPI document.
 */
import type { TransactionName } from '@medrec/contract';

export type Coverage = readonly string[] | { readonly internal: string };

export const CONTRACT_COVERAGE: Readonly<Record<TransactionName, Coverage>> = {
  'Registrar:RegisterOrganisation': ['registerOrganisation'],
  'Registrar:GetOrganisation': ['getOrganisation'],
  'Registrar:ListOrganisations': ['listOrganisations'],
  'Registrar:ApproveRetirement': ['approveRetirement'],
  'Registrar:RegisterParticipant': ['registerParticipant'],
  'Registrar:DeactivateParticipant': ['deactivateParticipant'],
  'Registrar:GetParticipant': ['getParticipant'],
  'Registrar:WhoAmI': ['getMe'],
  'Records:RegisterRecord': ['createRecord'],
  'Records:AmendRecord': ['amendRecord'],
  'Records:GetRecord': ['getRecordPointer'],
  'Records:ListRecords': ['listRecords'],
  'Records:AdmitPatient': ['admitPatient'],
  'Records:GetRelationship': ['getRelationship'],
  'Records:AcceptRelationship': ['acceptRelationship'],
  'Records:RejectRelationship': ['rejectRelationship'],
  'Consent:AddDelegate': ['addDelegate'],
  'Consent:AcceptDelegate': ['acceptDelegate'],
  'Consent:RemoveDelegate': ['removeDelegate'],
  'Consent:ListDelegates': ['listDelegates'],
  'Consent:GrantConsent': ['grantConsent'],
  'Consent:RevokeConsent': ['revokeConsent'],
  'Consent:IndexGrantees': {
    internal: 'a one-time index migration the network tooling runs as an organisation admin after a chaincode upgrade',
  },
  'Consent:GetConsent': ['getConsent'],
  'Consent:ListConsents': ['listConsents'],
  'Consent:GetConsentHistory': ['getConsentHistory'],
  'Consent:SetResearchOptOut': ['setResearchChoice'],
  'Consent:GetResearchOptOut': ['getResearchChoice'],
  'Consent:ListResearchOptOuts': {
    internal:
      "only custodians' trend responders read who opted out, as their gatekeeper identity, to leave those patients " +
      'out of their answers; no API caller needs the list',
  },
  'Access:RequestAccess': ['requestAccess', 'getRecordContent'],
  'Access:BreakGlass': ['breakGlass'],
  'Access:ReviewBreakGlass': ['reviewBreakGlass'],
  'Access:ListBreakGlass': ['listBreakGlass'],
  'Access:ConfirmDisclosure': {
    internal:
      "only the custodian's gatekeeper confirms a disclosure, as it serves each read (getRecordContent causes it); " +
      'no API caller may record a disclosure that did not happen',
  },
  'Access:Disclose': {
    internal:
      "only the custodian's gatekeeper submits a requester's signed read request, as it serves the read " +
      "(getRecordContent without a ticket causes it); the request is signed with the reader's own key, never the API's",
  },
  'Access:GetTicket': ['getTicket'],
  'Audit:QueryByPatient': ['listAuditEvents', 'exportAuditTrail', 'verifyAuditExport', 'getAccountingOfDisclosures'],
  'Audit:QueryByActor': ['listAuditEvents', 'exportAuditTrail'],
  'Audit:GetEvent': ['getAuditEvent'],
  'Summary:GetSummary': ['getPatientSummary'],
  'Summary:ListNotifications': ['listUnseenNotifications', 'streamNotifications'],
  'Summary:AcknowledgeNotifications': ['acknowledgeNotifications'],
  'Incentive:ProposeSchedule': ['proposeIncentiveSchedule'],
  'Incentive:ApproveSchedule': ['approveIncentiveSchedule'],
  'Incentive:ListScheduleProposals': ['listScheduleProposals'],
  'Incentive:ClaimEndorsements': {
    internal:
      "the organisation's miner daemon claims its peers' endorsements from blocks it reads (medrec miner); a " +
      'person has nothing to claim',
  },
  'Incentive:AttestClaims': {
    internal:
      "only an organisation's miner attests other organisations' claims, from the blocks its own peer committed " +
      '(medrec miner); an API caller has no block to check a claim against',
  },
  'Incentive:ListPendingClaims': {
    internal:
      'the work queue of the miners that attest claims (medrec miner); balances and the schedule, which are what ' +
      'people read, are exposed',
  },
  'Incentive:GetSchedule': ['getIncentiveSchedule'],
  'Incentive:GetBalance': ['getBalance'],
  'Incentive:Transfer': ['transferCredits'],
  'Incentive:GetTransfers': ['listTransfers'],
  'Trends:SubmitQuery': ['submitTrendQuery'],
  'Trends:SubmitAnswer': {
    internal:
      "only a custodian's trend responder answers, from its own record store and signed as its gatekeeper; an API " +
      'caller could only submit numbers that were never computed from records',
  },
  'Trends:CloseQuery': ['closeTrendQuery'],
  'Trends:GetQuery': ['getTrendQuery'],
  'Trends:GetResult': ['getTrendResult'],
  'Trends:ListQueries': ['listTrendQueries'],
  'Trends:GetBudget': ['getTrendAccount'],
  'Trends:GetSettings': ['getTrendSettings', 'getTrendAccount'],
  'Trends:ApproveSettings': ['approveTrendSettings'],
  'Trends:GetSettingsVote': ['getTrendSettingsVote'],
  'Health:Heartbeat': {
    internal: 'an operator probe of the ordering path (medrec network tooling and /healthz checks), not a user action',
  },
  'Health:GetHeartbeat': { internal: 'reads the operator probe above; operators use the network tooling' },
  'Health:Identity': {
    internal: "a diagnostic of the caller's certificate attributes; GET /v1/me answers the same question for users",
  },
};
