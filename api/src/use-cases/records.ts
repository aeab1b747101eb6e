/** Records (pointers on the ledger, content at custodians), tickets and break-glass. */
import type {
  BreakGlassReason,
  Page,
  PageQuery,
  PurposeOfUse,
  RecordPointer,
  Ticket,
} from '../../../sdk/src/chaincode-types';
import type { FetchedRecord, FhirResource, LedgerGateway, RecordCustody, UserContext } from '../ports';

export interface RecordUseCases {
  createRecord(
    user: UserContext,
    patientId: string,
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
}

export interface RecordPorts {
  readonly ledger: LedgerGateway;
  readonly custody: RecordCustody;
}

export function createRecordUseCases(ports: RecordPorts): RecordUseCases {
  const { ledger, custody } = ports;
  return {
    async createRecord(user, patientId, resource) {
      const { pointer, transactionId } = await custody.store({ user, patientId, resource });
      return { record: pointer, transactionId };
    },
    async listRecords(user, query) {
      return (await ledger.clientFor(user)).listRecords(query);
    },
    async getRecordContent(user, request) {
      return custody.fetch({ user, ...request });
    },
    async breakGlass(user, request) {
      const { value, transactionId } = await (await ledger.clientFor(user)).breakGlass(request);
      return { ticket: value, transactionId };
    },
    async reviewBreakGlass(user, review) {
      const { value, transactionId } = await (await ledger.clientFor(user)).reviewBreakGlass(review);
      return { ticket: value, transactionId };
    },
    async listBreakGlass(user, query) {
      return (await ledger.clientFor(user)).listBreakGlass(query);
    },
    async getTicket(user, ticketId) {
      return (await ledger.clientFor(user)).getTicket(ticketId);
    },
  };
}
