import { z } from 'zod';

/**
 * Building blocks shared by every contract's argument and state schemas. Ids are pseudonymous tokens with a
 * narrow character set: no control characters (so never U+0000, the composite-key separator), no '/',
 * which separates the parts of the audit range keys, and no '@', so an e-mail address can never be an id.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const idSchema = z
  .string()
  .regex(
    ID_PATTERN,
    'must be 1-128 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit (no e-mail addresses)',
  );

export const mspIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be an MSP id of 1-64 characters of A-Z a-z 0-9 . _ -');

export const sha256HexSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest as 64 lowercase hex characters');

/** Printable ASCII without spaces: an opaque reference that only the custodian's gatekeeper interprets. */
export const locatorSchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,512}$/, 'must be 1-512 printable ASCII characters without spaces');

export const ROLES = ['patient', 'clinician', 'registrar', 'gatekeeper', 'compliance', 'researcher', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** HL7 v3 PurposeOfUse codes accepted by MedRec. */
export const PURPOSES = ['TREAT', 'ETREAT', 'HPAYMT', 'HOPERAT', 'HRESCH', 'PUBHLTH'] as const;
export const purposeSchema = z.enum(PURPOSES);
export type Purpose = z.infer<typeof purposeSchema>;

/** Coarse record categories: a closed list, so no free text (and no PHI) can ride on a category. */
export const CATEGORIES = [
  'allergy',
  'condition',
  'diagnostic-report',
  'encounter',
  'imaging',
  'immunization',
  'laboratory',
  'medication',
  'note',
  'procedure',
  'vital-signs',
  'other',
] as const;
export const categorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof categorySchema>;

const ISO_UTC = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/** A UTC instant 'YYYY-MM-DDTHH:MM:SS[.sss]Z' between 2000 and 2199, normalised to millisecond precision. */
export const isoTimeSchema = z
  .string()
  .regex(ISO_UTC, 'must be a UTC time like 2030-01-31T12:00:00.000Z')
  .transform((text, ctx) => {
    const withMillis = text.length === 20 ? `${text.slice(0, 19)}.000Z` : text;
    const ms = Date.parse(withMillis);
    const year = Number(text.slice(0, 4));
    if (Number.isNaN(ms) || new Date(ms).toISOString() !== withMillis || year < 2000 || year > 2199) {
      ctx.addIssue({ code: 'custom', message: 'must be a real calendar time between 2000 and 2199' });
      return z.NEVER;
    }
    return withMillis;
  });

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Paging fields every list query accepts; the bookmark is the opaque value the previous page returned. */
export const pageFields = {
  pageSize: z.int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  bookmark: z
    .string()
    .max(2048)
    .regex(/^[A-Za-z0-9_-]*$/, 'must be the bookmark returned by the previous page, or empty for the first page')
    .default(''),
};

export interface PageQuery {
  pageSize: number;
  bookmark: string;
}

/** Fabric transaction ids are the hex SHA-256 of nonce and creator. */
export const txIdSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a Fabric transaction id (64 lowercase hex characters)');
