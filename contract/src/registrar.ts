import { z } from 'zod';
import { MAX_VOTING_ORGANISATIONS } from './incentive';
import { idSchema, isoTimeSchema, mspIdSchema, pageFields, roleSchema } from './primitives';

const pemCertificateSchema = z
  .string()
  .max(8192)
  .regex(
    /^-----BEGIN CERTIFICATE-----\r?\n(?:[A-Za-z0-9+/=]{1,76}\r?\n)+-----END CERTIFICATE-----\r?\n?$/,
    'must be one PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)',
  );

/**
 * Printable Latin-1 text without leading or trailing spaces: names and addresses of organisations are public, but
 * control characters would corrupt the documents printed from them, and Latin-1 is what the standard PDF fonts
 * of the accounting of disclosures can render.
 */
function legalText(max: number): z.ZodString {
  return z
    .string()
    .regex(
      new RegExp(`^(?! )[\\x20-\\x7e\\xa1-\\xac\\xae-\\xff]{1,${String(max)}}(?<! )$`),
      `must be 1-${String(max)} printable Latin-1 characters without leading or trailing spaces`,
    );
}

/** A postal address in the parts a letter needs; the country as an ISO 3166-1 alpha-2 code (e.g. GB, US). */
export const postalAddressSchema = z.strictObject({
  lines: z.array(legalText(100)).min(1).max(4),
  city: legalText(100),
  /** State, county or province, where the country's addresses name one (a US state, for example). */
  region: legalText(100).optional(),
  postalCode: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9 -]{0,14}[A-Za-z0-9])?$/, 'must be 1-16 letters, digits, spaces or hyphens'),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as GB or US'),
});
export type PostalAddress = z.infer<typeof postalAddressSchema>;

/**
 * Where patients reach the organisation about their privacy (45 CFR 164.528(b)(2) names the covered entity; the
 * notice of privacy practices names a contact office): a phone number, an e-mail address, or both.
 */
export const organisationContactSchema = z
  .strictObject({
    /** The office, e.g. "Privacy Office". */
    name: legalText(100).optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9][0-9 ()-]{3,30}[0-9]$/, 'must be a phone number of 5-32 digits, spaces, ( ) - and a leading +')
      .optional(),
    email: z.email('must be an e-mail address').max(254).optional(),
  })
  .refine((contact) => contact.phone !== undefined || contact.email !== undefined, {
    message: 'give a phone number, an e-mail address or both',
  });
export type OrganisationContact = z.infer<typeof organisationContactSchema>;

export const organisationInputSchema = z.strictObject({
  mspId: mspIdSchema,
  displayName: z.string().regex(/^[\x20-\x7e]{1,128}$/, 'must be 1-128 printable ASCII characters'),
  // Clinical content crosses this link: the gatekeeper serves HTTPS only.
  gatekeeperUrl: z.url({ protocol: /^https$/, error: 'must be an https URL' }).max(512),
  caRootCertsPem: z.array(pemCertificateSchema).min(1).max(8),
  // The legal identity printed on documents such as the accounting of disclosures. Optional: organisations
  // registered before these fields existed stay valid on the ledger after a chaincode upgrade.
  legalName: legalText(200).optional(),
  postalAddress: postalAddressSchema.optional(),
  contact: organisationContactSchema.optional(),
});
export type OrganisationInput = z.infer<typeof organisationInputSchema>;

/**
 * An organisation that has left the consortium: it no longer votes, attests, answers trend queries, receives
 * consents or has its people's read requests honoured; its records' pointers and its history stay on the ledger.
 */
export const retirementSchema = z.strictObject({
  retiredAt: isoTimeSchema,
  txId: z.string(),
  /** Whose admins decided it: the organisation itself, or the strict majority of the other members that approved. */
  decidedBy: z.array(mspIdSchema).min(1).max(MAX_VOTING_ORGANISATIONS),
});
export type Retirement = z.infer<typeof retirementSchema>;

export const organisationSchema = z.strictObject({
  ...organisationInputSchema.shape,
  registeredBy: idSchema,
  registeredAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
  txId: z.string(),
  /** Absent while the organisation is a member. */
  retirement: retirementSchema.optional(),
});
export type Organisation = z.infer<typeof organisationSchema>;

/** One member's admin's approval that another organisation be retired (one per approving organisation). */
export const retirementApprovalSchema = z.strictObject({
  mspId: mspIdSchema,
  approvedBy: mspIdSchema,
  participantId: idSchema,
  approvedAt: isoTimeSchema,
  txId: z.string(),
});
export type RetirementApproval = z.infer<typeof retirementApprovalSchema>;

/** Registrar:ApproveRetirement's answer: the organisation (retired once the majority is reached) and the count. */
export const retirementVoteSchema = z.strictObject({
  organisation: organisationSchema,
  /** The members (other than the organisation) whose admins approve now, in MSP id order. */
  approvals: z.array(mspIdSchema).max(MAX_VOTING_ORGANISATIONS),
  /** A strict majority of the other members; 1 when the organisation leaves by its own admin's decision. */
  required: z.number().int().positive(),
  retired: z.boolean(),
});
export type RetirementVote = z.infer<typeof retirementVoteSchema>;

export const participantInputSchema = z.strictObject({
  participantId: idSchema,
  role: roleSchema,
  enrollmentId: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      'must be a Fabric CA enrollment id of 1-64 characters of A-Z a-z 0-9 . _ - (no e-mail addresses)',
    ),
});
export type ParticipantInput = z.infer<typeof participantInputSchema>;

export const participantSchema = z.strictObject({
  ...participantInputSchema.shape,
  mspId: mspIdSchema,
  /** The DN of the CA that issued the bound identity (with enrollmentId it names one enrolled identity). */
  enrollmentIssuer: z.string().min(1).max(1024),
  status: z.enum(['active', 'inactive']),
  registeredBy: idSchema,
  registeredAt: isoTimeSchema,
  txId: z.string(),
  deactivatedBy: idSchema.optional(),
  deactivatedAt: isoTimeSchema.optional(),
});
export type Participant = z.infer<typeof participantSchema>;

export const listOrganisationsQuerySchema = z.strictObject({ ...pageFields });

/** Which participant an enrolled identity is bound to: at most one, ever (deactivation keeps the binding). */
export const identityBindingSchema = z.strictObject({ participantId: idSchema });
