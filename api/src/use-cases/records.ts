/** Records (pointers on the ledger, content at custodians), tickets and break-glass. */
import {
  ChaincodeError,
  type BreakGlassReason,
  type MedrecClient,
  type Page,
  type PageQuery,
  type PurposeOfUse,
  type RecordPointer,
  type Ticket,
} from '@medrec/sdk';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type { FetchedRecord, FhirResource, LedgerGateway, RecordCustody, UserContext } from '../ports';
import { amendmentFor, assertMayRegisterRecords, newRecordId, registrationFor } from './record-registration';
import type { ReferencePseudonyms } from './reference-pseudonyms';

export interface RecordUseCases {
  createRecord(
    user: UserContext,
    patientId: string,
    resource: FhirResource,
  ): Promise<{ record: RecordPointer; transactionId: string }>;
  /** A new version of a record this organisation holds (a clinician of the custodian). */
  amendRecord(
    user: UserContext,
    recordId: string,
    resource: FhirResource,
  ): Promise<{ record: RecordPointer; transactionId: string }>;
  listRecords(
    user: UserContext,
    query: PageQuery & { readonly patientId: string; readonly custodianMsp?: string },
  ): Promise<Page<RecordPointer>>;
  getRecordContent(
    user: UserContext,
    request: Readonly<{ recordId: string; purpose: PurposeOfUse; ticketId?: string }>,
  ): Promise<FetchedRecord>;
  breakGlass(
    user: UserContext,
    request: Readonly<{ recordId: string; reason: BreakGlassReason; incidentRef?: string; durationMinutes: number }>,
  ): Promise<{ ticket: Ticket; transactionId: string }>;
  reviewBreakGlass(
    user: UserContext,
    review: Readonly<{ ticketId: string; outcome: 'justified' | 'unjustified'; reviewRef?: string }>,
  ): Promise<{ ticket: Ticket; transactionId: string }>;
  listBreakGlass(
    user: UserContext,
    query: PageQuery & { readonly reviewStatus?: 'pending' | 'justified' | 'unjustified' },
  ): Promise<Page<Ticket>>;
  getTicket(user: UserContext, ticketId: string): Promise<Ticket>;
  /** A ticket for a later read (or a recorded denial), without fetching the content now. */
  requestAccess(
    user: UserContext,
    request: Readonly<{ recordId: string; purpose: PurposeOfUse }>,
  ): Promise<{ ticket: Ticket; transactionId: string }>;
  /** The record's pointer as the ledger holds it, for whoever may read it (not the content). */
  getRecordPointer(user: UserContext, recordId: string): Promise<RecordPointer>;
}

export interface RecordPorts {
  readonly ledger: LedgerGateway;
  readonly custody: RecordCustody;
  /** Keyed hashes of the hospital's own references, so none reaches the ledger as given. */
  readonly references: ReferencePseudonyms;
}

/**
 * An empty first page means either "nothing held" or "no such patient": the ledger lists by key prefix and cannot
 * tell them apart, so the participant is looked up. Unknown (or not a patient) is 404; a lookup the ledger does not
 * allow this caller leaves the (permitted) empty list as the answer.
 */
async function requireKnownPatient(client: MedrecClient, patientId: string): Promise<void> {
  const notFound = (): ApiProblem =>
    new ApiProblem(
      PROBLEMS.notFound,
      `There is no patient ${patientId} on the ledger. Check the patient id (GET /v1/me shows your own).`,
      { code: 'PATIENT_NOT_FOUND' },
    );
  try {
    const participant = await client.getParticipant(patientId);
    if (participant.role !== 'patient') throw notFound();
  } catch (err) {
    if (err instanceof ChaincodeError && err.code === 'MEDREC_NOT_FOUND') throw notFound();
    if (err instanceof ChaincodeError && err.code === 'MEDREC_FORBIDDEN') return;
    throw err;
  }
}

export function createRecordUseCases(ports: RecordPorts): RecordUseCases {
  const { ledger, custody, references } = ports;
  return {
    async createRecord(user, patientId, resource) {
      // Authority before content: the role here, then the ledger's own decision on this exact registration
      // (endorsed, nothing written). Only then does the custodian validate the FHIR body (422), store it and order
      // that endorsed registration, so a refused caller neither learns the content rules nor leaves content behind,
      // and the decision costs no transaction beyond the write's own.
      assertMayRegisterRecords(user);
      const recordId = newRecordId();
      const client = await ledger.clientFor(user);
      const endorsed = await client.endorseRegisterRecord(registrationFor(user, { recordId, patientId, resource }));
      const { pointer, transactionId } = await custody.store({ user, patientId, resource, recordId, endorsed });
      return { record: pointer, transactionId };
    },
    async amendRecord(user, recordId, resource) {
      // The same order as createRecord: role, then the ledger's decision on this exact amendment, then content.
      assertMayRegisterRecords(user);
      const newId = newRecordId();
      const client = await ledger.clientFor(user);
      const endorsed = await client.endorseAmendRecord(amendmentFor(user, { recordId, newRecordId: newId, resource }));
      const { pointer, transactionId } = await custody.amend({
        user,
        supersedes: recordId,
        resource,
        recordId: newId,
        endorsed,
      });
      return { record: pointer, transactionId };
    },
    async listRecords(user, query) {
      const client = await ledger.clientFor(user);
      const page = await client.listRecords(query);
      const firstPage = (query.bookmark ?? '') === '';
      if (firstPage && page.items.length === 0) await requireKnownPatient(client, query.patientId);
      return page;
    },
    async getRecordContent(user, request) {
      return custody.fetch({ user, ...request });
    },
    async breakGlass(user, request) {
      const { incidentRef, ...rest } = request;
      const { value, transactionId } = await (
        await ledger.clientFor(user)
      ).breakGlass({
        ...rest,
        ...(incidentRef === undefined ? {} : { incidentRef: references.pseudonym('incident', incidentRef) }),
      });
      return { ticket: value, transactionId };
    },
    async reviewBreakGlass(user, review) {
      const { reviewRef, ...rest } = review;
      const { value, transactionId } = await (
        await ledger.clientFor(user)
      ).reviewBreakGlass({
        ...rest,
        ...(reviewRef === undefined ? {} : { reviewRef: references.pseudonym('review', reviewRef) }),
      });
      return { ticket: value, transactionId };
    },
    async listBreakGlass(user, query) {
      return (await ledger.clientFor(user)).listBreakGlass(query);
    },
    async getTicket(user, ticketId) {
      return (await ledger.clientFor(user)).getTicket(ticketId);
    },
    async requestAccess(user, request) {
      const { value, transactionId } = await (
        await ledger.clientFor(user)
      ).requestAccess({ recordId: request.recordId, purpose: request.purpose });
      return { ticket: value, transactionId };
    },
    async getRecordPointer(user, recordId) {
      return (await ledger.clientFor(user)).getRecord(recordId);
    },
  };
}
