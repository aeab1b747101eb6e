import { expect } from 'chai';
import { organisationInputSchema } from '../../../contract/src/registrar';
import { DEV_LEGAL_IDENTITIES } from '../../../network/src/dev-legal-identities';
import { buildTopology, peerOrgKeys } from '../../../network/src/topology';

describe('network: the legal identities the dev consortium registers', () => {
  for (const org of peerOrgKeys(buildTopology(30000))) {
    it(`${org}: a valid organisation body for the registrar, with name, address and contact`, () => {
      const identity = DEV_LEGAL_IDENTITIES[org];
      if (identity === undefined) throw new Error(`${org} of the default consortium has no legal identity`);
      const body = {
        mspId: `${org}MSP`,
        displayName: org,
        gatekeeperUrl: `https://gatekeeper.${org}.example:8443`,
        caRootCertsPem: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
        ...identity,
      };
      const parsed = organisationInputSchema.safeParse(body);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).to.equal(true);
      // Plainly fictional: example.org addresses only.
      expect(identity.contact?.email ?? '').to.match(/\.example\.org$/);
    });
  }
});
