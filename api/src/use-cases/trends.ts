/** Trend analysis as a researcher sees it, and the patient's research choice. Every rule is the chaincode's. */
import type {
  Balance,
  Page,
  PageQuery,
  ResearchOptOut,
  TrendBudget,
  TrendQuery,
  TrendQueryInput,
  TrendResult,
  TrendSettings,
  TrendSettingsVote,
} from '@medrec/sdk';
import type { LedgerGateway, UserContext } from '../ports';
import type { Changed } from './relationships';

export interface TrendOutcome {
  readonly queryId: string;
  readonly status: 'open' | 'combined';
  readonly result: TrendResult | null;
}

export interface TrendAccount {
  readonly budget: TrendBudget;
  readonly balance: Balance;
  readonly settings: TrendSettings;
}

export interface ResearchChoiceView {
  readonly patientId: string;
  readonly optedOut: boolean;
  readonly choice: ResearchOptOut | null;
}

export interface TrendUseCases {
  submitQuery(user: UserContext, query: TrendQueryInput): Promise<Changed<TrendQuery>>;
  listQueries(user: UserContext, query: PageQuery): Promise<Page<TrendQuery>>;
  getQuery(user: UserContext, queryId: string): Promise<TrendQuery>;
  getOutcome(user: UserContext, queryId: string): Promise<TrendOutcome>;
  closeQuery(user: UserContext, queryId: string): Promise<Changed<TrendResult>>;
  getAccount(user: UserContext): Promise<TrendAccount>;
  getSettings(user: UserContext): Promise<TrendSettings>;
  getSettingsVote(user: UserContext): Promise<TrendSettingsVote>;
  approveSettings(user: UserContext, settings: TrendSettings): Promise<Changed<TrendSettingsVote>>;
  getResearchChoice(user: UserContext, patientId: string): Promise<ResearchChoiceView>;
  setResearchChoice(user: UserContext, patientId: string, optedOut: boolean): Promise<Changed<ResearchOptOut>>;
}

export function createTrendUseCases(ports: Readonly<{ ledger: LedgerGateway }>): TrendUseCases {
  const { ledger } = ports;
  return {
    async submitQuery(user, query) {
      return (await ledger.clientFor(user)).submitTrendQuery(query);
    },
    async listQueries(user, query) {
      return (await ledger.clientFor(user)).listTrendQueries(query);
    },
    async getQuery(user, queryId) {
      return (await ledger.clientFor(user)).getTrendQuery(queryId);
    },
    async getOutcome(user, queryId) {
      // Trends:GetResult applies GetQuery's rule itself (unknown query 404, another researcher's 403).
      const result = await (await ledger.clientFor(user)).getTrendResult(queryId);
      return { queryId, status: result === undefined ? 'open' : 'combined', result: result ?? null };
    },
    async closeQuery(user, queryId) {
      return (await ledger.clientFor(user)).closeTrendQuery(queryId);
    },
    async getAccount(user) {
      const client = await ledger.clientFor(user);
      const [budget, balance, settings] = await Promise.all([
        client.getTrendBudget(),
        client.getBalance({ kind: 'organisation', mspId: user.mspId }),
        client.getTrendSettings(),
      ]);
      return { budget, balance, settings };
    },
    async getSettings(user) {
      return (await ledger.clientFor(user)).getTrendSettings();
    },
    async getSettingsVote(user) {
      return (await ledger.clientFor(user)).getTrendSettingsVote();
    },
    async approveSettings(user, settings) {
      return (await ledger.clientFor(user)).approveTrendSettings(settings);
    },
    async getResearchChoice(user, patientId) {
      const choice = await (await ledger.clientFor(user)).getResearchOptOut(patientId);
      return { patientId, optedOut: choice?.optedOut ?? false, choice: choice ?? null };
    },
    async setResearchChoice(user, patientId, optedOut) {
      return (await ledger.clientFor(user)).setResearchOptOut({ patientId, optedOut });
    },
  };
}
