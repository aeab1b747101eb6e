/**
 * The words the accounting of disclosures prints for the ledger's codes: purposes of use, record categories,
 * exemptions, addresses. Shared by the HTML, CSV and PDF renderings so that the three say the same thing.
 */
import type { Category, Organisation, PurposeOfUse } from '../chaincode-types';

export type PostalAddress = NonNullable<Organisation['postalAddress']>;
export type OrganisationContact = NonNullable<Organisation['contact']>;

export const PURPOSE_NAMES: Readonly<Record<PurposeOfUse, string>> = {
  TREAT: 'treatment',
  ETREAT: 'emergency treatment',
  HPAYMT: 'payment',
  HOPERAT: 'health care operations',
  HRESCH: 'research',
  PUBHLTH: 'public health',
};

/** "research (HRESCH)"; a code the table does not know is printed as it is. */
export function purposeLabel(purpose: string): string {
  const name = (PURPOSE_NAMES as Readonly<Record<string, string>>)[purpose];
  return name === undefined ? purpose : `${name} (${purpose})`;
}

/** What a record of each category is called when the custodian gave no finer description. */
export const CATEGORY_NAMES: Readonly<Record<Category, string>> = {
  allergy: 'Allergy record',
  condition: 'Condition (diagnosis)',
  'diagnostic-report': 'Diagnostic report',
  encounter: 'Encounter record',
  imaging: 'Imaging study',
  immunization: 'Immunization record',
  laboratory: 'Laboratory result',
  medication: 'Medication record',
  note: 'Clinical note',
  procedure: 'Procedure record',
  'vital-signs': 'Vital signs',
  other: 'Health record',
};

/**
 * The paragraphs of 45 CFR 164.528(a)(1) whose disclosures the accounting need not include, as far as the
 * ledger can tell them apart: (i) treatment, payment, operations; (ii) to the individual; (iv) under an
 * authorisation. The others ((iii) incidental, (v) directory, (vi)-(ix)) leave no trace MedRec could recognise.
 */
export const EXEMPTIONS = {
  '164.528(a)(1)(i)': 'treatment, payment or health care operations',
  '164.528(a)(1)(ii)': 'to the individual, or their personal representative',
  '164.528(a)(1)(iv)': 'pursuant to an authorization (45 CFR 164.508)',
} as const;
export type ExemptionParagraph = keyof typeof EXEMPTIONS;

/** "45 CFR 164.528(a)(1)(iv): pursuant to an authorization (45 CFR 164.508)". */
export function exemptionLabel(paragraph: ExemptionParagraph): string {
  return `45 CFR ${paragraph}: ${EXEMPTIONS[paragraph]}`;
}

/** The lines of an address as a letter shows them: street lines, "city region postcode", country code. */
export function addressLines(address: Readonly<PostalAddress>): string[] {
  const locality = [address.city, address.region, address.postalCode].filter((part) => part !== undefined);
  return [...address.lines, locality.join(' '), address.country];
}

/** One line: "1 Example Road, Exampleton EX1 1AA, GB"; a notice when the organisation registered none. */
export function addressText(address: Readonly<PostalAddress> | undefined): string {
  return address === undefined ? NO_ADDRESS : addressLines(address).join(', ');
}

/** What is printed for an organisation that has not registered its postal address on the ledger. */
export const NO_ADDRESS = 'postal address not registered';

/** "Privacy Office, +44 1632 960001, privacy@example.org"; empty when none was registered. */
export function contactText(contact: Readonly<OrganisationContact> | undefined): string {
  if (contact === undefined) return '';
  return [contact.name, contact.phone, contact.email].filter((part) => part !== undefined).join(', ');
}
