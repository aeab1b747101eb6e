/** The operator page's view of the consortium's nodes: an organisation admin's, nobody else's. */
import type { NetworkView } from '@medrec/contract';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type { NetworkObserver, UserContext } from '../ports';

export interface NetworkViewUseCases {
  view(user: UserContext): Promise<NetworkView>;
}

export function createNetworkViewUseCases(ports: Readonly<{ network: NetworkObserver }>): NetworkViewUseCases {
  return {
    async view(user) {
      // Node addresses and heights are the operators' business: they map the consortium's hosts and ports.
      if (user.role !== 'admin') {
        throw new ApiProblem(
          PROBLEMS.forbidden,
          `A ${user.role} may not see the consortium's nodes; ask an admin of ${user.org}.`,
          { code: 'FORBIDDEN' },
        );
      }
      return ports.network.view(user);
    },
  };
}
