/**
 * Runs Consent:IndexGrantees as an organisation's admin until the consent-by-grantee index is complete: on a fresh
 * ledger one pass that only sets the marker; after an upgrade from a chaincode without the index, as many bounded
 * passes as the ledger's consents need. Idempotent, so `network up` runs it every time.
 */
import { createMedrecClient } from '@medrec/sdk';
import { untilDiscoverySettles } from './discovery-retry';
import type { FabricNetwork } from './fabric-network';
import { firstPeerOrg, type PeerOrgKey } from './topology';

/** Far more passes than any ledger this tooling serves needs (500 entries per pass). */
const MAX_PASSES = 200;

export async function completeConsentIndex(
  fabric: Pick<FabricNetwork, 'connectAdmin' | 'topology'>,
  org: PeerOrgKey = firstPeerOrg(fabric.topology),
  onProgress: (indexed: number) => void = () => undefined,
): Promise<number> {
  const connection = fabric.connectAdmin(org);
  try {
    const client = createMedrecClient(connection.gateway);
    let total = 0;
    for (let pass = 0; pass < MAX_PASSES; pass += 1) {
      const { value: result } = await untilDiscoverySettles(() => client.indexConsentGrantees());
      total += result.indexed;
      onProgress(total);
      if (result.complete) return total;
    }
    throw new Error(
      `the consent index is still incomplete after ${MAX_PASSES} passes; run \`medrec network up\` again to resume`,
    );
  } finally {
    connection.close();
  }
}
