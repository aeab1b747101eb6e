import { z } from 'zod';
import { idSchema, isoTimeSchema, mspIdSchema, pageFields, roleSchema } from './primitives';

const pemCertificateSchema = z
  .string()
  .max(8192)
  .regex(
    /^-----BEGIN CERTIFICATE-----\r?\n(?:[A-Za-z0-9+/=]{1,76}\r?\n)+-----END CERTIFICATE-----\r?\n?$/,
    'must be one PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)',
  );

export const organisationInputSchema = z.strictObject({
  mspId: mspIdSchema,
  displayName: z.string().regex(/^[\x20-\x7e]{1,128}$/, 'must be 1-128 printable ASCII characters'),
  // Clinical content crosses this link: the gatekeeper serves HTTPS only.
  gatekeeperUrl: z.url({ protocol: /^https$/, error: 'must be an https URL' }).max(512),
  caRootCertsPem: z.array(pemCertificateSchema).min(1).max(8),
});
export type OrganisationInput = z.infer<typeof organisationInputSchema>;

export const organisationSchema = z.strictObject({
  ...organisationInputSchema.shape,
  registeredBy: idSchema,
  registeredAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
  txId: z.string(),
});
export type Organisation = z.infer<typeof organisationSchema>;

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
