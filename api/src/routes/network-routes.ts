import type { OperationHandler } from '../http/operation-router';
import type { NetworkViewUseCases } from '../use-cases/network-view';

export function networkRoutes(useCases: NetworkViewUseCases): Readonly<Record<string, OperationHandler>> {
  return {
    getNetworkView: async ({ auth }) => ({ status: 200, body: await useCases.view(auth.user) }),
  };
}
