import { StatusCode, type Contract, type Gateway, type Transaction } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import type {
  AuditEvent,
  AuditQuery,
  Balance,
  AccessRequest,
  AttestResult,
  BreakGlassReason,
  ClaimAttestation,
  ClaimResult,
  Consent,
  Delegate,
  ConsentInput,
  CreditTransfer,
  EndorsementClaim,
  Holder,
  IncentiveSchedule,
  IncentiveScheduleParameters,
  Notification,
  Organisation,
  OrganisationInput,
  Page,
  PageQuery,
  Participant,
  ParticipantInput,
  PatientSummary,
  PendingClaim,
  PurposeOfUse,
  RecordAmendment,
  RecordInput,
  RecordPointer,
  Relationship,
  RetirementVote,
  ScheduleProposals,
  ScheduleVote,
  SignedReadRequest,
  Ticket,
  WhoAmI,
  ConsentHistory,
  ConsentIndexStatus,
  DeepReadonly,
  Heartbeat,
  CertificateIdentity,
  DelegateRemoval,
  NotificationAcknowledgement,
  ResearchChoice,
  ResearchOptOut,
  TrendAnswer,
  TrendAnswerInput,
  TrendBudget,
  TrendQuery,
  TrendQueryInput,
  TrendResult,
  TrendSettings,
  TrendSettingsVote,
} from './chaincode-types';
import type { ResultOf, SubmitTransactionName, TransactionName } from '@medrec/contract';
import { EndorsementMismatchError, TransactionInvalidError, toMedRecError, validationCodeName } from './errors';

/** The result of a committed transaction, with the id under which the ledger records it. */
export interface Submitted<T> {
  readonly value: T;
  readonly transactionId: string;
}

/**
 * A transaction endorsed but not yet ordered: the peers ran it and signed `result`, and nothing is written until
 * submit(). A refusal rejects at endorsement with the ChaincodeError the submit would get, so a caller learns the
 * ledger's decision before it acts, at the cost of the one endorsement the write needs anyway.
 */
export interface Endorsed<T> {
  /** What the transaction returns when it commits as endorsed. */
  readonly result: T;
  readonly transactionId: string;
  /**
   * Orders the endorsed transaction and waits for its commit. An MVCC conflict re-endorses and re-submits (within
   * mvccAttempts), so the committed value may then differ from `result`, or the re-run may be refused.
   */
  submit(): Promise<Submitted<T>>;
}

export interface MedrecClientOptions {
  readonly channel?: string;
  readonly chaincode?: string;
  /**
   * Attempts for a transaction invalidated by an MVCC read conflict, or whose endorsers disagreed because one lagged
   * behind (EndorsementMismatchError): neither wrote anything, so re-running is safe. Default 3.
   */
  readonly mvccAttempts?: number;
}

/** Typed access to every MedRec chaincode transaction, signed by the gateway's own identity. */
export interface MedrecClient {
  whoAmI(): Promise<WhoAmI>;
  registerOrganisation(organisation: OrganisationInput): Promise<Submitted<Organisation>>;
  getOrganisation(mspId: string): Promise<Organisation>;
  listOrganisations(query?: PageQuery): Promise<Page<Organisation>>;
  /** The caller's organisation approves that `mspId` leave the consortium (its own: at once). */
  approveRetirement(mspId: string): Promise<Submitted<RetirementVote>>;
  registerParticipant(participant: ParticipantInput): Promise<Submitted<Participant>>;
  deactivateParticipant(participantId: string): Promise<Submitted<Participant>>;
  getParticipant(participantId: string): Promise<Participant>;

  registerRecord(record: RecordInput): Promise<Submitted<RecordPointer>>;
  /**
   * Runs the Records:RegisterRecord that registerRecord(record) would submit, on a peer only (evaluate, not ordered,
   * nothing written): resolves with the pointer the ledger would register, or rejects with the ChaincodeError the
   * submit would get (role, patient, relationship, conflicting record). Lets a custodian learn the ledger's decision
   * before it writes content to its store.
   */
  checkRegisterRecord(record: RecordInput): Promise<RecordPointer>;
  /**
   * Evaluates (does not submit) an amendment: the pointer the ledger would register for the new version, or its
   * refusal. The custodian asks this before it stores the new content (authority before content).
   */
  checkAmendRecord(amendment: RecordAmendment): Promise<RecordPointer>;
  /**
   * Endorses (does not order) the Records:RegisterRecord that registerRecord(record) would submit: the ledger's
   * decision, with no separate evaluate; submit() then writes it. What a custodian uses to store content only once
   * the ledger said yes.
   */
  endorseRegisterRecord(record: RecordInput): Promise<Endorsed<RecordPointer>>;
  /** The same for Records:AmendRecord. */
  endorseAmendRecord(amendment: RecordAmendment): Promise<Endorsed<RecordPointer>>;
  amendRecord(amendment: RecordAmendment): Promise<Submitted<RecordPointer>>;
  getRecord(recordId: string): Promise<RecordPointer>;
  listRecords(
    query: PageQuery & { readonly patientId: string; readonly custodianMsp?: string },
  ): Promise<Page<RecordPointer>>;
  /** A registrar or admin admits a patient to its own organisation (needed before its clinicians add records). */
  admitPatient(patientId: string): Promise<Submitted<Relationship>>;
  getRelationship(patientId: string, custodianMsp: string): Promise<Relationship>;
  acceptRelationship(patientId: string, custodianMsp: string): Promise<Submitted<Relationship>>;
  rejectRelationship(patientId: string, custodianMsp: string): Promise<Submitted<Relationship>>;

  /** By the patient: appointed at once; by the patient's registrar or admin: proposed until the patient accepts. */
  addDelegate(patientId: string, delegateId: string): Promise<Submitted<Delegate>>;
  acceptDelegate(patientId: string, delegateId: string): Promise<Submitted<Delegate>>;
  removeDelegate(patientId: string, delegateId: string): Promise<Submitted<DelegateRemoval>>;
  /** The patient's current delegates, proposed and active (the patient, or their organisation's registrar or admin). */
  listDelegates(query: PageQuery & { readonly patientId: string }): Promise<Page<Delegate>>;
  grantConsent(consent: ConsentInput): Promise<Submitted<Consent>>;
  revokeConsent(consentId: string): Promise<Submitted<Consent>>;
  getConsent(consentId: string): Promise<Consent>;
  /** Every version of a consent the ledger's history holds (grant, revoke), newest last. */
  getConsentHistory(consentId: string): Promise<ConsentHistory>;
  listConsents(query: PageQuery & { readonly patientId: string }): Promise<Page<Consent>>;
  /** Admin: one pass of the consent-by-grantee index migration; repeat until `complete`. */
  indexConsentGrantees(): Promise<Submitted<ConsentIndexStatus>>;

  requestAccess(request: { readonly recordId: string; readonly purpose: PurposeOfUse }): Promise<Submitted<Ticket>>;
  breakGlass(request: {
    readonly recordId: string;
    readonly reason: BreakGlassReason;
    readonly incidentRef?: string;
    readonly durationMinutes: number;
  }): Promise<Submitted<Ticket>>;
  reviewBreakGlass(review: {
    readonly ticketId: string;
    readonly outcome: 'justified' | 'unjustified';
    readonly reviewRef?: string;
  }): Promise<Submitted<Ticket>>;
  listBreakGlass(
    query?: PageQuery & { readonly reviewStatus?: 'pending' | 'justified' | 'unjustified' },
  ): Promise<Page<Ticket>>;
  confirmDisclosure(ticketId: string): Promise<Submitted<Ticket>>;
  /**
   * By the custodian's gatekeeper: submits a requester's signed read request, which the ledger decides and, when
   * permitted, records as disclosed, in this one transaction (see createReadRequest).
   */
  disclose(request: SignedReadRequest): Promise<Submitted<Ticket>>;
  /** Evaluates (does not submit) an access request: the decision the ledger would take now, and the record's custodian. */
  checkRequestAccess(request: AccessRequest): Promise<Ticket>;
  /**
   * How many blocks the client's peer has committed on the channel (qscc GetChainInfo). A service acting on another
   * peer's commit waits until its own peer has reached that height (read-after-write across peers).
   */
  channelHeight(): Promise<number>;
  getTicket(ticketId: string): Promise<Ticket>;

  getSummary(patientId: string): Promise<PatientSummary>;
  listNotifications(query: PageQuery & { readonly patientId: string }): Promise<Page<Notification>>;
  acknowledgeNotifications(
    patientId: string,
    notificationIds: readonly string[],
  ): Promise<Submitted<NotificationAcknowledgement>>;

  auditByPatient(query: AuditQuery & { readonly patientId: string }): Promise<Page<AuditEvent>>;
  auditByActor(query: AuditQuery & { readonly actorId: string }): Promise<Page<AuditEvent>>;
  auditEvent(txId: string): Promise<AuditEvent>;

  /**
   * As an organisation's admin: propose schedule parameters, or approve them if already proposed. The schedule takes
   * effect when admins of a strict majority of the registered organisations approve identical parameters; after
   * that every vote is MEDREC_CONFLICT, as is a second approval by the same organisation.
   */
  proposeIncentiveSchedule(parameters: IncentiveScheduleParameters): Promise<Submitted<ScheduleVote>>;
  /** As an organisation's admin: approve a proposal by its id (listScheduleProposals). */
  approveIncentiveSchedule(proposalId: string): Promise<Submitted<ScheduleVote>>;
  listScheduleProposals(): Promise<ScheduleProposals>;
  /**
   * As an organisation's admin: at most 20 endorsements of its own peers per transaction. They are recorded as
   * pending and pay nothing until a strict majority of the other organisations attest them (attestClaims).
   */
  claimEndorsements(claims: readonly EndorsementClaim[]): Promise<Submitted<ClaimResult>>;
  /**
   * As an organisation's admin: attest at most 50 pending claims of other organisations, each found in the caller's
   * own peer's copy of the block, VALID. The attestation that completes the majority pays the claim.
   */
  attestClaims(attestations: readonly ClaimAttestation[]): Promise<Submitted<AttestResult>>;
  /** As an organisation's admin: the claims waiting for attestations, oldest first, a page at a time. */
  listPendingClaims(query?: PageQuery): Promise<Page<PendingClaim>>;
  getSchedule(): Promise<IncentiveSchedule>;
  getBalance(holder: Holder): Promise<Balance>;
  transfer(transfer: { readonly to: Holder; readonly amount: string }): Promise<Submitted<CreditTransfer>>;
  getTransfers(query: PageQuery & { readonly holder: Holder }): Promise<Page<CreditTransfer>>;

  /** As the patient (or their active delegate): opt out of, or back into, research use of the patient's records. */
  setResearchOptOut(choice: ResearchChoice): Promise<Submitted<ResearchOptOut>>;
  /** The patient's research choice; undefined when never set (not opted out). */
  getResearchOptOut(patientId: string): Promise<ResearchOptOut | undefined>;
  /** As a custodian's gatekeeper: the patients currently opted out of research use, a page at a time. */
  listResearchOptOuts(query?: PageQuery): Promise<Page<ResearchOptOut>>;

  /**
   * As a researcher: submit a trend query. The ledger checks the researcher's epsilon budget for the accounting period
   * (MEDREC_BUDGET_EXHAUSTED) and the organisation's credits (MEDREC_INSUFFICIENT_FUNDS), debits both, and asks every
   * custodian to answer.
   */
  submitTrendQuery(query: TrendQueryInput): Promise<Submitted<TrendQuery>>;
  /** As a custodian's gatekeeper: its one noisy answer to a query. */
  submitTrendAnswer(answer: TrendAnswerInput): Promise<Submitted<TrendAnswer>>;
  /** After the deadline: combine with whichever custodians answered. */
  closeTrendQuery(queryId: string): Promise<Submitted<TrendResult>>;
  getTrendQuery(queryId: string): Promise<TrendQuery>;
  /** The combined result; undefined while custodians are still answering. */
  getTrendResult(queryId: string): Promise<TrendResult | undefined>;
  /** A researcher's own queries (compliance officers and admins: all), newest first. */
  listTrendQueries(query?: PageQuery): Promise<Page<TrendQuery>>;
  getTrendBudget(): Promise<TrendBudget>;
  getTrendSettings(): Promise<TrendSettings>;
  /** As an organisation admin: approve these settings; a strict majority of organisations puts them in effect. */
  approveTrendSettings(settings: TrendSettings): Promise<Submitted<TrendSettingsVote>>;
  getTrendSettingsVote(): Promise<TrendSettingsVote>;

  /** As an organisation's admin: a no-op write that proves the ordering path works end to end. */
  heartbeat(probeId: string): Promise<Submitted<Heartbeat>>;
  /** The latest heartbeat under a probe id, if any. */
  getHeartbeat(probeId: string): Promise<Heartbeat | undefined>;
  /** The caller's certificate attributes as the chaincode reads them (no ledger state). */
  identity(): Promise<CertificateIdentity>;
}

/**
 * The SDK method that calls each chaincode transaction: the compiler refuses a transaction without one, and a unit
 * test checks that each method really calls its transaction.
 */
export const SDK_METHOD_OF = {
  'Registrar:RegisterOrganisation': 'registerOrganisation',
  'Registrar:ApproveRetirement': 'approveRetirement',
  'Registrar:GetOrganisation': 'getOrganisation',
  'Registrar:ListOrganisations': 'listOrganisations',
  'Registrar:RegisterParticipant': 'registerParticipant',
  'Registrar:DeactivateParticipant': 'deactivateParticipant',
  'Registrar:GetParticipant': 'getParticipant',
  'Registrar:WhoAmI': 'whoAmI',
  'Records:RegisterRecord': 'registerRecord',
  'Records:AmendRecord': 'amendRecord',
  'Records:GetRecord': 'getRecord',
  'Records:ListRecords': 'listRecords',
  'Records:AdmitPatient': 'admitPatient',
  'Records:GetRelationship': 'getRelationship',
  'Records:AcceptRelationship': 'acceptRelationship',
  'Records:RejectRelationship': 'rejectRelationship',
  'Consent:AddDelegate': 'addDelegate',
  'Consent:AcceptDelegate': 'acceptDelegate',
  'Consent:RemoveDelegate': 'removeDelegate',
  'Consent:ListDelegates': 'listDelegates',
  'Consent:GrantConsent': 'grantConsent',
  'Consent:RevokeConsent': 'revokeConsent',
  'Consent:GetConsent': 'getConsent',
  'Consent:ListConsents': 'listConsents',
  'Consent:GetConsentHistory': 'getConsentHistory',
  'Consent:IndexGrantees': 'indexConsentGrantees',
  'Access:RequestAccess': 'requestAccess',
  'Access:BreakGlass': 'breakGlass',
  'Access:ReviewBreakGlass': 'reviewBreakGlass',
  'Access:ListBreakGlass': 'listBreakGlass',
  'Access:ConfirmDisclosure': 'confirmDisclosure',
  'Access:Disclose': 'disclose',
  'Access:GetTicket': 'getTicket',
  'Audit:QueryByPatient': 'auditByPatient',
  'Audit:QueryByActor': 'auditByActor',
  'Audit:GetEvent': 'auditEvent',
  'Summary:GetSummary': 'getSummary',
  'Summary:ListNotifications': 'listNotifications',
  'Summary:AcknowledgeNotifications': 'acknowledgeNotifications',
  'Incentive:ProposeSchedule': 'proposeIncentiveSchedule',
  'Incentive:ApproveSchedule': 'approveIncentiveSchedule',
  'Incentive:ListScheduleProposals': 'listScheduleProposals',
  'Incentive:ClaimEndorsements': 'claimEndorsements',
  'Incentive:AttestClaims': 'attestClaims',
  'Incentive:ListPendingClaims': 'listPendingClaims',
  'Incentive:GetSchedule': 'getSchedule',
  'Incentive:GetBalance': 'getBalance',
  'Incentive:Transfer': 'transfer',
  'Incentive:GetTransfers': 'getTransfers',
  'Consent:SetResearchOptOut': 'setResearchOptOut',
  'Consent:GetResearchOptOut': 'getResearchOptOut',
  'Consent:ListResearchOptOuts': 'listResearchOptOuts',
  'Trends:SubmitQuery': 'submitTrendQuery',
  'Trends:SubmitAnswer': 'submitTrendAnswer',
  'Trends:CloseQuery': 'closeTrendQuery',
  'Trends:GetQuery': 'getTrendQuery',
  'Trends:GetResult': 'getTrendResult',
  'Trends:ListQueries': 'listTrendQueries',
  'Trends:GetBudget': 'getTrendBudget',
  'Trends:GetSettings': 'getTrendSettings',
  'Trends:ApproveSettings': 'approveTrendSettings',
  'Trends:GetSettingsVote': 'getTrendSettingsVote',
  'Health:Heartbeat': 'heartbeat',
  'Health:GetHeartbeat': 'getHeartbeat',
  'Health:Identity': 'identity',
} as const satisfies Readonly<Record<TransactionName, keyof MedrecClient>>;

export function createMedrecClient(gateway: Gateway, options: Readonly<MedrecClientOptions> = {}): MedrecClient {
  return new MedrecClientImpl(gateway, options);
}

const utf8 = new TextDecoder();

class MedrecClientImpl implements MedrecClient {
  readonly #contract: Contract;
  readonly #qscc: Contract;
  readonly #channel: string;
  readonly #mvccAttempts: number;

  constructor(gateway: Gateway, options: Readonly<MedrecClientOptions>) {
    this.#channel = options.channel ?? 'medrec';
    const network = gateway.getNetwork(this.#channel);
    this.#contract = network.getContract(options.chaincode ?? 'medrec');
    this.#qscc = network.getContract('qscc');
    this.#mvccAttempts = options.mvccAttempts ?? 3;
  }

  async channelHeight(): Promise<number> {
    try {
      const bytes = await this.#qscc.evaluateTransaction('GetChainInfo', this.#channel);
      return common.BlockchainInfo.deserializeBinary(bytes).getHeight();
    } catch (err) {
      throw toMedRecError(err);
    }
  }

  /** A transaction whose empty answer means "none" (emptyWhenAbsent in the catalogue). */
  async #evaluateMaybe<K extends TransactionName>(name: K, ...args: string[]): Promise<Result<K> | undefined> {
    try {
      const bytes = await this.#contract.evaluate(name, { arguments: args });
      return bytes.length === 0 ? undefined : (JSON.parse(utf8.decode(bytes)) as Result<K>);
    } catch (err) {
      throw toMedRecError(err);
    }
  }

  /** Any declared transaction may be evaluated (checkRegisterRecord and checkAmendRecord evaluate submit transactions on purpose). */
  async #evaluate<K extends TransactionName>(name: K, ...args: string[]): Promise<Result<K>> {
    try {
      return JSON.parse(utf8.decode(await this.#contract.evaluate(name, { arguments: args }))) as Result<K>;
    } catch (err) {
      throw toMedRecError(err);
    }
  }

  async #submit<K extends SubmitTransactionName>(name: K, ...args: string[]): Promise<Submitted<Result<K>>> {
    return (await this.#endorse(name, args, 1)).submit();
  }

  /**
   * Endorses `name`, re-endorsing while the endorsers disagree because one lags behind (EndorsementMismatchError);
   * `attempt` counts the tries already spent on this write, MVCC re-runs included.
   */
  async #endorse<K extends SubmitTransactionName>(
    name: K,
    args: readonly string[],
    attempt: number,
  ): Promise<Endorsed<Result<K>>> {
    for (let tries = attempt; ; tries++) {
      let transactionId: string | undefined;
      try {
        const transaction = await this.#contract.newProposal(name, { arguments: [...args] }).endorse();
        transactionId = transaction.getTransactionId();
        const result = JSON.parse(utf8.decode(transaction.getResult())) as Result<K>;
        const endorsedId = transactionId;
        return {
          result,
          transactionId,
          submit: () => this.#order({ name, args, attempt: tries, transaction, result, transactionId: endorsedId }),
        };
      } catch (err) {
        const error = toMedRecError(err, transactionId);
        if (!(error instanceof EndorsementMismatchError) || tries >= this.#mvccAttempts) throw error;
        // A lagging peer catches up within a block interval or so.
        await new Promise((resolve) => setTimeout(resolve, 250 * tries));
      }
    }
  }

  /** Orders an endorsed transaction and waits for its commit; an MVCC conflict is re-run from the endorsement. */
  async #order<K extends SubmitTransactionName>(
    endorsed: Readonly<{
      name: K;
      args: readonly string[];
      attempt: number;
      transaction: Transaction;
      result: Result<K>;
      transactionId: string;
    }>,
  ): Promise<Submitted<Result<K>>> {
    const { transactionId } = endorsed;
    try {
      const status = await (await endorsed.transaction.submit()).getStatus();
      if (!status.successful) {
        throw new TransactionInvalidError({ validationCode: validationCodeName(status.code), transactionId });
      }
      return { value: endorsed.result, transactionId };
    } catch (err) {
      const error = toMedRecError(err, transactionId);
      const conflict = error instanceof TransactionInvalidError && error.validationCode === mvccName;
      if (!conflict || endorsed.attempt >= this.#mvccAttempts) throw error;
      // Nothing was written: re-running reads the state as it is now.
      return (await this.#endorse(endorsed.name, endorsed.args, endorsed.attempt + 1)).submit();
    }
  }

  whoAmI(): Promise<WhoAmI> {
    return this.#evaluate('Registrar:WhoAmI');
  }
  registerOrganisation(organisation: OrganisationInput): Promise<Submitted<Organisation>> {
    return this.#submit('Registrar:RegisterOrganisation', json(organisation));
  }
  getOrganisation(mspId: string): Promise<Organisation> {
    return this.#evaluate('Registrar:GetOrganisation', mspId);
  }
  listOrganisations(query: PageQuery = {}): Promise<Page<Organisation>> {
    return this.#evaluate('Registrar:ListOrganisations', json(query));
  }
  approveRetirement(mspId: string): Promise<Submitted<RetirementVote>> {
    return this.#submit('Registrar:ApproveRetirement', mspId);
  }
  registerParticipant(participant: ParticipantInput): Promise<Submitted<Participant>> {
    return this.#submit('Registrar:RegisterParticipant', json(participant));
  }
  deactivateParticipant(participantId: string): Promise<Submitted<Participant>> {
    return this.#submit('Registrar:DeactivateParticipant', participantId);
  }
  getParticipant(participantId: string): Promise<Participant> {
    return this.#evaluate('Registrar:GetParticipant', participantId);
  }
  registerRecord(record: RecordInput): Promise<Submitted<RecordPointer>> {
    return this.#submit('Records:RegisterRecord', json(record));
  }
  checkRegisterRecord(record: RecordInput): Promise<RecordPointer> {
    return this.#evaluate('Records:RegisterRecord', json(record));
  }
  checkAmendRecord(amendment: RecordAmendment): Promise<RecordPointer> {
    return this.#evaluate('Records:AmendRecord', json(amendment));
  }
  endorseRegisterRecord(record: RecordInput): Promise<Endorsed<RecordPointer>> {
    return this.#endorse('Records:RegisterRecord', [json(record)], 1);
  }
  endorseAmendRecord(amendment: RecordAmendment): Promise<Endorsed<RecordPointer>> {
    return this.#endorse('Records:AmendRecord', [json(amendment)], 1);
  }
  amendRecord(amendment: RecordAmendment): Promise<Submitted<RecordPointer>> {
    return this.#submit('Records:AmendRecord', json(amendment));
  }
  getRecord(recordId: string): Promise<RecordPointer> {
    return this.#evaluate('Records:GetRecord', recordId);
  }
  listRecords(
    query: PageQuery & { readonly patientId: string; readonly custodianMsp?: string },
  ): Promise<Page<RecordPointer>> {
    return this.#evaluate('Records:ListRecords', json(query));
  }
  admitPatient(patientId: string): Promise<Submitted<Relationship>> {
    return this.#submit('Records:AdmitPatient', patientId);
  }
  getRelationship(patientId: string, custodianMsp: string): Promise<Relationship> {
    return this.#evaluate('Records:GetRelationship', patientId, custodianMsp);
  }
  acceptRelationship(patientId: string, custodianMsp: string): Promise<Submitted<Relationship>> {
    return this.#submit('Records:AcceptRelationship', patientId, custodianMsp);
  }
  rejectRelationship(patientId: string, custodianMsp: string): Promise<Submitted<Relationship>> {
    return this.#submit('Records:RejectRelationship', patientId, custodianMsp);
  }
  addDelegate(patientId: string, delegateId: string): Promise<Submitted<Delegate>> {
    return this.#submit('Consent:AddDelegate', patientId, delegateId);
  }
  acceptDelegate(patientId: string, delegateId: string): Promise<Submitted<Delegate>> {
    return this.#submit('Consent:AcceptDelegate', patientId, delegateId);
  }
  removeDelegate(patientId: string, delegateId: string): Promise<Submitted<DelegateRemoval>> {
    return this.#submit('Consent:RemoveDelegate', patientId, delegateId);
  }
  grantConsent(consent: ConsentInput): Promise<Submitted<Consent>> {
    return this.#submit('Consent:GrantConsent', json(consent));
  }
  revokeConsent(consentId: string): Promise<Submitted<Consent>> {
    return this.#submit('Consent:RevokeConsent', consentId);
  }
  getConsent(consentId: string): Promise<Consent> {
    return this.#evaluate('Consent:GetConsent', consentId);
  }
  getConsentHistory(consentId: string): Promise<ConsentHistory> {
    return this.#evaluate('Consent:GetConsentHistory', consentId);
  }
  indexConsentGrantees(): Promise<Submitted<ConsentIndexStatus>> {
    return this.#submit('Consent:IndexGrantees');
  }
  listDelegates(query: PageQuery & { readonly patientId: string }): Promise<Page<Delegate>> {
    return this.#evaluate('Consent:ListDelegates', json(query));
  }
  listConsents(query: PageQuery & { readonly patientId: string }): Promise<Page<Consent>> {
    return this.#evaluate('Consent:ListConsents', json(query));
  }
  requestAccess(request: { readonly recordId: string; readonly purpose: PurposeOfUse }): Promise<Submitted<Ticket>> {
    return this.#submit('Access:RequestAccess', json(request));
  }
  breakGlass(request: {
    readonly recordId: string;
    readonly reason: BreakGlassReason;
    readonly incidentRef?: string;
    readonly durationMinutes: number;
  }): Promise<Submitted<Ticket>> {
    return this.#submit('Access:BreakGlass', json(request));
  }
  reviewBreakGlass(review: {
    readonly ticketId: string;
    readonly outcome: 'justified' | 'unjustified';
    readonly reviewRef?: string;
  }): Promise<Submitted<Ticket>> {
    return this.#submit('Access:ReviewBreakGlass', json(review));
  }
  listBreakGlass(
    query: PageQuery & { readonly reviewStatus?: 'pending' | 'justified' | 'unjustified' } = {},
  ): Promise<Page<Ticket>> {
    return this.#evaluate('Access:ListBreakGlass', json(query));
  }
  confirmDisclosure(ticketId: string): Promise<Submitted<Ticket>> {
    return this.#submit('Access:ConfirmDisclosure', ticketId);
  }
  disclose(request: SignedReadRequest): Promise<Submitted<Ticket>> {
    return this.#submit('Access:Disclose', json(request));
  }
  checkRequestAccess(request: AccessRequest): Promise<Ticket> {
    return this.#evaluate('Access:RequestAccess', json(request));
  }
  getTicket(ticketId: string): Promise<Ticket> {
    return this.#evaluate('Access:GetTicket', ticketId);
  }
  getSummary(patientId: string): Promise<PatientSummary> {
    return this.#evaluate('Summary:GetSummary', patientId);
  }
  listNotifications(query: PageQuery & { readonly patientId: string }): Promise<Page<Notification>> {
    return this.#evaluate('Summary:ListNotifications', json(query));
  }
  acknowledgeNotifications(
    patientId: string,
    notificationIds: readonly string[],
  ): Promise<Submitted<NotificationAcknowledgement>> {
    return this.#submit('Summary:AcknowledgeNotifications', json({ patientId, notificationIds }));
  }
  auditByPatient(query: AuditQuery & { readonly patientId: string }): Promise<Page<AuditEvent>> {
    return this.#evaluate('Audit:QueryByPatient', json(query));
  }
  auditByActor(query: AuditQuery & { readonly actorId: string }): Promise<Page<AuditEvent>> {
    return this.#evaluate('Audit:QueryByActor', json(query));
  }
  auditEvent(txId: string): Promise<AuditEvent> {
    return this.#evaluate('Audit:GetEvent', txId);
  }
  proposeIncentiveSchedule(parameters: IncentiveScheduleParameters): Promise<Submitted<ScheduleVote>> {
    return this.#submit('Incentive:ProposeSchedule', json(parameters));
  }
  approveIncentiveSchedule(proposalId: string): Promise<Submitted<ScheduleVote>> {
    return this.#submit('Incentive:ApproveSchedule', proposalId);
  }
  listScheduleProposals(): Promise<ScheduleProposals> {
    return this.#evaluate('Incentive:ListScheduleProposals');
  }
  claimEndorsements(claims: readonly EndorsementClaim[]): Promise<Submitted<ClaimResult>> {
    return this.#submit('Incentive:ClaimEndorsements', json({ claims }));
  }
  attestClaims(attestations: readonly ClaimAttestation[]): Promise<Submitted<AttestResult>> {
    return this.#submit('Incentive:AttestClaims', json({ attestations }));
  }
  listPendingClaims(query: PageQuery = {}): Promise<Page<PendingClaim>> {
    return this.#evaluate('Incentive:ListPendingClaims', json(query));
  }
  getSchedule(): Promise<IncentiveSchedule> {
    return this.#evaluate('Incentive:GetSchedule');
  }
  getBalance(holder: Holder): Promise<Balance> {
    return this.#evaluate('Incentive:GetBalance', json(holder));
  }
  transfer(transfer: { readonly to: Holder; readonly amount: string }): Promise<Submitted<CreditTransfer>> {
    return this.#submit('Incentive:Transfer', json(transfer));
  }
  getTransfers(query: PageQuery & { readonly holder: Holder }): Promise<Page<CreditTransfer>> {
    return this.#evaluate('Incentive:GetTransfers', json(query));
  }
  setResearchOptOut(choice: ResearchChoice): Promise<Submitted<ResearchOptOut>> {
    return this.#submit('Consent:SetResearchOptOut', json(choice));
  }
  getResearchOptOut(patientId: string): Promise<ResearchOptOut | undefined> {
    return this.#evaluateMaybe('Consent:GetResearchOptOut', patientId);
  }
  listResearchOptOuts(query: PageQuery = {}): Promise<Page<ResearchOptOut>> {
    return this.#evaluate('Consent:ListResearchOptOuts', json(query));
  }
  submitTrendQuery(query: TrendQueryInput): Promise<Submitted<TrendQuery>> {
    return this.#submit('Trends:SubmitQuery', json(query));
  }
  submitTrendAnswer(answer: TrendAnswerInput): Promise<Submitted<TrendAnswer>> {
    return this.#submit('Trends:SubmitAnswer', json(answer));
  }
  closeTrendQuery(queryId: string): Promise<Submitted<TrendResult>> {
    return this.#submit('Trends:CloseQuery', queryId);
  }
  getTrendQuery(queryId: string): Promise<TrendQuery> {
    return this.#evaluate('Trends:GetQuery', queryId);
  }
  getTrendResult(queryId: string): Promise<TrendResult | undefined> {
    return this.#evaluateMaybe('Trends:GetResult', queryId);
  }
  listTrendQueries(query: PageQuery = {}): Promise<Page<TrendQuery>> {
    return this.#evaluate('Trends:ListQueries', json(query));
  }
  getTrendBudget(): Promise<TrendBudget> {
    return this.#evaluate('Trends:GetBudget');
  }
  getTrendSettings(): Promise<TrendSettings> {
    return this.#evaluate('Trends:GetSettings');
  }
  approveTrendSettings(settings: TrendSettings): Promise<Submitted<TrendSettingsVote>> {
    return this.#submit('Trends:ApproveSettings', json(settings));
  }
  getTrendSettingsVote(): Promise<TrendSettingsVote> {
    return this.#evaluate('Trends:GetSettingsVote');
  }
  heartbeat(probeId: string): Promise<Submitted<Heartbeat>> {
    return this.#submit('Health:Heartbeat', probeId);
  }
  getHeartbeat(probeId: string): Promise<Heartbeat | undefined> {
    return this.#evaluateMaybe('Health:GetHeartbeat', probeId);
  }
  identity(): Promise<CertificateIdentity> {
    return this.#evaluate('Health:Identity');
  }
}

const mvccName = validationCodeName(StatusCode.MVCC_READ_CONFLICT);

/** A transaction's result as the contract module declares it, read-only. */
type Result<K extends TransactionName> = DeepReadonly<ResultOf<K>>;

function json(value: unknown): string {
  return JSON.stringify(value);
}
