/** The incentive layer: the halving schedule the consortium votes on, balances of credits, and transfers. */
import type {
  Balance,
  CreditTransfer,
  Holder,
  IncentiveSchedule,
  IncentiveScheduleParameters,
  Page,
  PageQuery,
  ScheduleProposals,
  ScheduleVote,
} from '@medrec/sdk';
import type { LedgerGateway, UserContext } from '../ports';
import type { Changed } from './relationships';

export interface IncentiveUseCases {
  getSchedule(user: UserContext): Promise<IncentiveSchedule>;
  listProposals(user: UserContext): Promise<ScheduleProposals>;
  propose(user: UserContext, parameters: IncentiveScheduleParameters): Promise<Changed<ScheduleVote>>;
  approve(user: UserContext, proposalId: string): Promise<Changed<ScheduleVote>>;
  getBalance(user: UserContext, holder: Holder): Promise<Balance>;
  transfer(user: UserContext, transfer: Readonly<{ to: Holder; amount: string }>): Promise<Changed<CreditTransfer>>;
  listTransfers(user: UserContext, query: PageQuery & { readonly holder: Holder }): Promise<Page<CreditTransfer>>;
}

/** Every rule (who votes, who reads a balance, who spends) lives in the chaincode; this layer signs as the caller. */
export function createIncentiveUseCases(ports: Readonly<{ ledger: LedgerGateway }>): IncentiveUseCases {
  const { ledger } = ports;
  return {
    async getSchedule(user) {
      return (await ledger.clientFor(user)).getSchedule();
    },
    async listProposals(user) {
      return (await ledger.clientFor(user)).listScheduleProposals();
    },
    async propose(user, parameters) {
      return (await ledger.clientFor(user)).proposeIncentiveSchedule(parameters);
    },
    async approve(user, proposalId) {
      return (await ledger.clientFor(user)).approveIncentiveSchedule(proposalId);
    },
    async getBalance(user, holder) {
      return (await ledger.clientFor(user)).getBalance(holder);
    },
    async transfer(user, transfer) {
      return (await ledger.clientFor(user)).transfer(transfer);
    },
    async listTransfers(user, query) {
      return (await ledger.clientFor(user)).getTransfers(query);
    },
  };
}
