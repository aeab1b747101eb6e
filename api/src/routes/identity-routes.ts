import type { Role } from '@medrec/sdk';
import type { OperationHandler } from '../http/operation-router';
import type { IdentityUseCases } from '../use-cases/identity';
import { pathParam, requiredQuery } from './input';

export function identityRoutes(useCases: IdentityUseCases): Readonly<Record<string, OperationHandler>> {
  return {
    getMe: async ({ auth }) => ({ status: 200, body: await useCases.me(auth) }),
    registerParticipant: async ({ auth, input }) => {
      const request = input.body as { role: Role; externalId?: string };
      return { status: 201, body: await useCases.registerParticipant(auth.user, request) };
    },
    findParticipant: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.findByExternalId(auth.user, requiredQuery(input, 'externalId')),
    }),
    getParticipant: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.getParticipant(auth.user, pathParam(input, 'participantId')),
    }),
    deactivateParticipant: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.deactivateParticipant(auth.user, pathParam(input, 'participantId')),
    }),
    listParticipantTokens: async ({ auth, input }) => ({
      status: 200,
      body: { items: await useCases.listTokens(auth.user, pathParam(input, 'participantId')) },
    }),
    issueParticipantToken: async ({ auth, input }) => ({
      status: 201,
      body: await useCases.issueToken(auth.user, pathParam(input, 'participantId')),
    }),
    revokeToken: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.revokeToken(auth.user, pathParam(input, 'tokenId')),
    }),
  };
}
