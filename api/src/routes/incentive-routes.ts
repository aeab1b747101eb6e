import type { Holder, IncentiveScheduleParameters } from '@medrec/sdk';
import type { OperationHandler } from '../http/operation-router';
import type { ValidatedInput } from '../openapi/request-validator';
import type { IncentiveUseCases } from '../use-cases/incentives';
import { optionalQuery, pageQuery, pathParam } from './input';
import { ApiProblem, PROBLEMS } from '../http/problem';

/** The holder named by exactly one of the query parameters mspId (an organisation) and participantId (a person). */
function holderQuery(input: ValidatedInput): Holder {
  const mspId = optionalQuery(input, 'mspId');
  const participantId = optionalQuery(input, 'participantId');
  if (mspId !== undefined && participantId === undefined) return { kind: 'organisation', mspId };
  if (participantId !== undefined && mspId === undefined) return { kind: 'participant', participantId };
  throw new ApiProblem(PROBLEMS.validation, 'Give exactly one of the query parameters mspId and participantId.', {
    code: 'VALIDATION_FAILED',
    errors: [{ in: 'query', path: '/', message: 'exactly one of mspId and participantId is required' }],
  });
}

export function incentiveRoutes(useCases: IncentiveUseCases): Readonly<Record<string, OperationHandler>> {
  return {
    getIncentiveSchedule: async ({ auth }) => ({ status: 200, body: await useCases.getSchedule(auth.user) }),
    listScheduleProposals: async ({ auth }) => ({ status: 200, body: await useCases.listProposals(auth.user) }),
    proposeIncentiveSchedule: async ({ auth, input }) => {
      const { value, transactionId } = await useCases.propose(auth.user, input.body as IncentiveScheduleParameters);
      return { status: 200, body: { vote: value, transactionId } };
    },
    approveIncentiveSchedule: async ({ auth, input }) => {
      const { value, transactionId } = await useCases.approve(auth.user, pathParam(input, 'proposalId'));
      return { status: 200, body: { vote: value, transactionId } };
    },
    getBalance: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.getBalance(auth.user, holderQuery(input)),
    }),
    transferCredits: async ({ auth, input }) => {
      const { value, transactionId } = await useCases.transfer(auth.user, input.body as { to: Holder; amount: string });
      return { status: 201, body: { transfer: value, transactionId } };
    },
    listTransfers: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.listTransfers(auth.user, { holder: holderQuery(input), ...pageQuery(input) }),
    }),
  };
}
