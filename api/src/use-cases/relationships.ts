/** Patient-provider relationships (admission, the patient's decision) and the delegates who act for patients. */
import type { Delegate, Page, PageQuery, Relationship } from '@medrec/sdk';
import type { LedgerGateway, UserContext } from '../ports';

export interface Changed<T> {
  readonly value: T;
  readonly transactionId: string;
}

export interface RelationshipUseCases {
  admit(user: UserContext, patientId: string): Promise<Changed<Relationship>>;
  get(user: UserContext, patientId: string, custodianMsp: string): Promise<Relationship>;
  decide(
    user: UserContext,
    patientId: string,
    custodianMsp: string,
    decision: 'accept' | 'reject',
  ): Promise<Changed<Relationship>>;
  listDelegates(user: UserContext, query: PageQuery & { readonly patientId: string }): Promise<Page<Delegate>>;
  addDelegate(user: UserContext, patientId: string, delegateId: string): Promise<Changed<Delegate>>;
  acceptDelegate(user: UserContext, patientId: string, delegateId: string): Promise<Changed<Delegate>>;
  removeDelegate(user: UserContext, patientId: string, delegateId: string): Promise<{ transactionId: string }>;
}

/** Every rule lives in the chaincode (who admits, who decides, who appoints); this layer only signs as the caller. */
export function createRelationshipUseCases(ports: Readonly<{ ledger: LedgerGateway }>): RelationshipUseCases {
  const { ledger } = ports;
  return {
    async admit(user, patientId) {
      return (await ledger.clientFor(user)).admitPatient(patientId);
    },
    async get(user, patientId, custodianMsp) {
      return (await ledger.clientFor(user)).getRelationship(patientId, custodianMsp);
    },
    async decide(user, patientId, custodianMsp, decision) {
      const client = await ledger.clientFor(user);
      return decision === 'accept'
        ? client.acceptRelationship(patientId, custodianMsp)
        : client.rejectRelationship(patientId, custodianMsp);
    },
    async listDelegates(user, query) {
      return (await ledger.clientFor(user)).listDelegates(query);
    },
    async addDelegate(user, patientId, delegateId) {
      return (await ledger.clientFor(user)).addDelegate(patientId, delegateId);
    },
    async acceptDelegate(user, patientId, delegateId) {
      return (await ledger.clientFor(user)).acceptDelegate(patientId, delegateId);
    },
    async removeDelegate(user, patientId, delegateId) {
      const { transactionId } = await (await ledger.clientFor(user)).removeDelegate(patientId, delegateId);
      return { transactionId };
    },
  };
}
