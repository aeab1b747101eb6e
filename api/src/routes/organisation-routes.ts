import type { OrganisationInput } from '@medrec/sdk';
import type { OperationHandler } from '../http/operation-router';
import type { OrganisationUseCases } from '../use-cases/organisations';
import { pageQuery, pathParam } from './input';

export function organisationRoutes(useCases: OrganisationUseCases): Readonly<Record<string, OperationHandler>> {
  return {
    listOrganisations: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.list(auth.user, pageQuery(input)),
    }),
    getOrganisation: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.get(auth.user, pathParam(input, 'mspId')),
    }),
    registerOrganisation: async ({ auth, input }) => {
      const { value, transactionId } = await useCases.register(auth.user, input.body as OrganisationInput);
      return { status: 200, body: { organisation: value, transactionId } };
    },
    approveRetirement: async ({ auth, input }) => {
      const { value, transactionId } = await useCases.approveRetirement(auth.user, pathParam(input, 'mspId'));
      return { status: 200, body: { vote: value, transactionId } };
    },
  };
}
