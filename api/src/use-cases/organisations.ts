/** The consortium's member organisations as the ledger registers them. */
import type { Organisation, OrganisationInput, Page, PageQuery, RetirementVote } from '@medrec/sdk';
import type { LedgerGateway, UserContext } from '../ports';
import type { Changed } from './relationships';

export interface OrganisationUseCases {
  list(user: UserContext, query: PageQuery): Promise<Page<Organisation>>;
  get(user: UserContext, mspId: string): Promise<Organisation>;
  /** An organisation's admin registers (or updates) its own organisation only; the chaincode enforces it. */
  register(user: UserContext, organisation: OrganisationInput): Promise<Changed<Organisation>>;
  /** An organisation's admin approves that `mspId` leave; the chaincode counts the majority. */
  approveRetirement(user: UserContext, mspId: string): Promise<Changed<RetirementVote>>;
}

export function createOrganisationUseCases(ports: Readonly<{ ledger: LedgerGateway }>): OrganisationUseCases {
  const { ledger } = ports;
  return {
    async list(user, query) {
      return (await ledger.clientFor(user)).listOrganisations(query);
    },
    async get(user, mspId) {
      return (await ledger.clientFor(user)).getOrganisation(mspId);
    },
    async register(user, organisation) {
      return (await ledger.clientFor(user)).registerOrganisation(organisation);
    },
    async approveRetirement(user, mspId) {
      return (await ledger.clientFor(user)).approveRetirement(mspId);
    },
  };
}
