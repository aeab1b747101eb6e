import type { OperationHandler } from '../http/operation-router';
import type { ConsentRequest, ConsentUseCases } from '../use-cases/consents';
import { pageQuery, pathParam } from './input';

export function consentRoutes(useCases: ConsentUseCases): Readonly<Record<string, OperationHandler>> {
  return {
    grantConsent: async ({ auth, input }) => ({
      status: 201,
      body: await useCases.grantConsent(auth.user, pathParam(input, 'patientId'), input.body as ConsentRequest),
    }),
    listConsents: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.listConsents(auth.user, { patientId: pathParam(input, 'patientId'), ...pageQuery(input) }),
    }),
    getConsent: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.getConsent(auth.user, pathParam(input, 'consentId')),
    }),
    getConsentHistory: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.getConsentHistory(auth.user, pathParam(input, 'consentId')),
    }),
    revokeConsent: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.revokeConsent(auth.user, pathParam(input, 'consentId')),
    }),
  };
}
