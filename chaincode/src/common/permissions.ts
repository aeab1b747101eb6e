import { ROLES, type Role } from '@medrec/contract';

const ALL: readonly Role[] = ROLES;

/**
 * Which certificate roles may call each transaction at all. Object-level rules (own records, own organisation,
 * delegate of the patient ...) are checked inside each transaction; chaincode/README.md documents both, and a
 * unit test keeps this table and the README's matrix identical.
 */
export const PERMISSIONS = {
  'Registrar:RegisterOrganisation': ['admin'],
  'Registrar:GetOrganisation': ALL,
  'Registrar:ListOrganisations': ALL,
  'Registrar:ApproveRetirement': ['admin'],
  'Registrar:RegisterParticipant': ['registrar', 'admin'],
  'Registrar:DeactivateParticipant': ['registrar', 'admin'],
  'Registrar:GetParticipant': ALL,
  'Registrar:WhoAmI': ALL,
  'Records:RegisterRecord': ['clinician'],
  'Records:AmendRecord': ['clinician'],
  'Records:GetRecord': ['patient', 'clinician', 'gatekeeper', 'compliance'],
  'Records:ListRecords': ['patient', 'clinician', 'gatekeeper', 'compliance'],
  'Records:AdmitPatient': ['registrar', 'admin'],
  'Records:GetRelationship': ['patient', 'clinician', 'registrar', 'compliance', 'admin'],
  'Records:AcceptRelationship': ['patient'],
  'Records:RejectRelationship': ['patient'],
  'Consent:AddDelegate': ['patient', 'registrar', 'admin'],
  'Consent:AcceptDelegate': ['patient'],
  'Consent:RemoveDelegate': ['patient', 'registrar', 'admin'],
  'Consent:ListDelegates': ['patient', 'registrar', 'admin'],
  'Consent:GrantConsent': ['patient'],
  'Consent:RevokeConsent': ['patient'],
  'Consent:GetConsent': ['patient', 'clinician', 'researcher', 'compliance'],
  'Consent:ListConsents': ['patient', 'compliance'],
  'Consent:GetConsentHistory': ['patient', 'compliance'],
  'Consent:IndexGrantees': ['admin'],
  'Consent:SetResearchOptOut': ['patient'],
  'Consent:GetResearchOptOut': ['patient', 'gatekeeper', 'compliance'],
  'Consent:ListResearchOptOuts': ['gatekeeper'],
  'Access:RequestAccess': ['patient', 'clinician', 'researcher'],
  'Access:BreakGlass': ['clinician'],
  'Access:ReviewBreakGlass': ['compliance'],
  'Access:ListBreakGlass': ['compliance'],
  'Access:ConfirmDisclosure': ['gatekeeper'],
  'Access:Disclose': ['gatekeeper'],
  'Access:GetTicket': ['patient', 'clinician', 'researcher', 'gatekeeper', 'compliance'],
  'Summary:GetSummary': ['patient'],
  'Summary:ListNotifications': ['patient'],
  'Summary:AcknowledgeNotifications': ['patient'],
  'Audit:QueryByPatient': ['patient', 'compliance'],
  'Audit:QueryByActor': ALL,
  'Audit:GetEvent': ['patient', 'compliance'],
  'Incentive:ProposeSchedule': ['admin'],
  'Incentive:ApproveSchedule': ['admin'],
  'Incentive:ListScheduleProposals': ALL,
  'Incentive:ClaimEndorsements': ['admin'],
  'Incentive:AttestClaims': ['admin'],
  'Incentive:ListPendingClaims': ['admin'],
  'Incentive:GetSchedule': ALL,
  'Incentive:GetBalance': ALL,
  'Incentive:Transfer': ['admin'],
  'Incentive:GetTransfers': ALL,
  'Trends:SubmitQuery': ['researcher'],
  'Trends:SubmitAnswer': ['gatekeeper'],
  'Trends:CloseQuery': ['researcher', 'gatekeeper', 'admin'],
  'Trends:GetQuery': ['researcher', 'gatekeeper', 'compliance', 'admin'],
  'Trends:GetResult': ['researcher', 'compliance', 'admin'],
  'Trends:ListQueries': ['researcher', 'compliance', 'admin'],
  'Trends:GetBudget': ['researcher'],
  'Trends:GetSettings': ALL,
  'Trends:ApproveSettings': ['admin'],
  'Trends:GetSettingsVote': ['admin', 'compliance', 'researcher'],
} as const satisfies Record<string, readonly Role[]>;

export type TxName = keyof typeof PERMISSIONS;

export function roleMayCall(tx: TxName, role: Role): boolean {
  const allowed: readonly Role[] = PERMISSIONS[tx];
  return allowed.includes(role);
}
