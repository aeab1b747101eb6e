import { expect } from 'chai';
import { organisationInputSchema } from '../../../contract/src/registrar';
import { DEV_LEGAL_IDENTITIES } from '../../../network/src/dev-legal-identities';
import { PEER_ORG_KEYS } from '../../../network/src/topology';

describe('network: the legal identities the dev consortium registers', () => {
  for (const org of PEER_ORG_KEYS) {
    it(`${org}: a valid organisation body for the registrar, with name, address and contact`, () => {
      const body = {
        mspId: `${org}MSP`,
        displayName: org,
        gatekeeperUrl: `https://gatekeeper.${org}.example:8443`,
        caRootCertsPem: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
        ...DEV_LEGAL_IDENTITIES[org],
      };
      const parsed = organisationInputSchema.safeParse(body);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).to.equal(true);
      // Plainly fictional: example.org addresses only.
      expect(DEV_LEGAL_IDENTITIES[org].contact?.email ?? '').to.match(/\.example\.org$/);
    });
  }
});
