import type { TrendQueryInput, TrendSettings } from '@medrec/sdk';
import type { OperationHandler } from '../http/operation-router';
import type { TrendUseCases } from '../use-cases/trends';
import { pageQuery, pathParam } from './input';

export function trendRoutes(useCases: TrendUseCases): Readonly<Record<string, OperationHandler>> {
  return {
    submitTrendQuery: async ({ auth, input }) => {
      const { value, transactionId } = await useCases.submitQuery(auth.user, input.body as TrendQueryInput);
      return { status: 201, body: { query: value, transactionId } };
    },
    listTrendQueries: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.listQueries(auth.user, pageQuery(input)),
    }),
    getTrendQuery: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.getQuery(auth.user, pathParam(input, 'queryId')),
    }),
    getTrendResult: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.getOutcome(auth.user, pathParam(input, 'queryId')),
    }),
    closeTrendQuery: async ({ auth, input }) => {
      const { value, transactionId } = await useCases.closeQuery(auth.user, pathParam(input, 'queryId'));
      return { status: 200, body: { result: value, transactionId } };
    },
    getTrendAccount: async ({ auth }) => ({ status: 200, body: await useCases.getAccount(auth.user) }),
    getTrendSettings: async ({ auth }) => ({ status: 200, body: await useCases.getSettings(auth.user) }),
    getTrendSettingsVote: async ({ auth }) => ({ status: 200, body: await useCases.getSettingsVote(auth.user) }),
    approveTrendSettings: async ({ auth, input }) => {
      const { value, transactionId } = await useCases.approveSettings(auth.user, input.body as TrendSettings);
      return { status: 200, body: { vote: value, transactionId } };
    },
    getResearchChoice: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.getResearchChoice(auth.user, pathParam(input, 'patientId')),
    }),
    setResearchChoice: async ({ auth, input }) => {
      const { optedOut } = input.body as { optedOut: boolean };
      const { value, transactionId } = await useCases.setResearchChoice(
        auth.user,
        pathParam(input, 'patientId'),
        optedOut,
      );
      return { status: 200, body: { choice: value, transactionId } };
    },
  };
}
