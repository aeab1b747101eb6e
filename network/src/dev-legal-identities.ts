/**
 * The legal identity each organisation of the development consortium registers on the ledger (Registrar
 * RegisterOrganisation): what documents such as the HIPAA accounting of disclosures print as the covered entity's
 * and the recipients' names and addresses. Every value is fictional: example.org addresses, "Example Road",
 * phone numbers from Ofcom's range reserved for drama (01632 960xxx), none of which reach a real organisation.
 */
import type { OrganisationInput } from '@medrec/sdk';
import type { PeerOrgKey } from './topology';

export type LegalIdentity = Required<Pick<OrganisationInput, 'legalName' | 'postalAddress' | 'contact'>>;

/** Keyed by the default consortium's organisations; one of another consortium file registers without a legal identity. */
export const DEV_LEGAL_IDENTITIES: Readonly<Partial<Record<PeerOrgKey, LegalIdentity>>> = {
  hospital1: {
    legalName: 'Hospital One NHS Trust',
    postalAddress: { lines: ['1 Example Road'], city: 'Exampleton', postalCode: 'EX1 1AA', country: 'GB' },
    contact: { name: 'Privacy Office', phone: '+44 1632 960001', email: 'privacy@hospital1.example.org' },
  },
  hospital2: {
    legalName: 'Hospital Two NHS Foundation Trust',
    postalAddress: {
      lines: ['Second Hospital Site', '2 Sample Street'],
      city: 'Sampleford',
      postalCode: 'SA2 2BB',
      country: 'GB',
    },
    contact: {
      name: 'Information Governance Office',
      phone: '+44 1632 960002',
      email: 'privacy@hospital2.example.org',
    },
  },
  research: {
    legalName: 'Research & Public Health Institute (Fictional) Ltd',
    postalAddress: {
      lines: ['Institute Building', '3 Placeholder Lane'],
      city: 'Testbury',
      postalCode: 'TE3 3CC',
      country: 'GB',
    },
    contact: { name: 'Data Protection Office', email: 'dpo@research.example.org' },
  },
};
