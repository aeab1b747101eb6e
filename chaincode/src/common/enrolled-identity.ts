import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { forbidden } from './errors';

/** Who the CA enrolled: the certificate subject's common name (Fabric CA's enrollment id) and its issuer's DN. */
export interface EnrolledIdentity {
  enrollmentId: string;
  issuer: string;
}

/**
 * Reads the enrollment from Fabric's client identity id, `x509::{subject DN}::{issuer DN}` (fabric-shim
 * ClientIdentity.getID). Fabric CA puts the enrollment id in the subject CN and refuses to register one twice,
 * so (MSP, issuer, CN) names exactly one enrolled identity, across re-enrolments of it.
 */
export function enrolledIdentity(ctx: Context): EnrolledIdentity {
  const id = ctx.clientIdentity.getID();
  const match = /^x509::(.*?)::(.+)$/s.exec(id);
  const subject = match?.[1];
  const issuer = match?.[2];
  const commonName = subject === undefined ? undefined : /(?:^|\/)CN=((?:[^/\\]|\\.)+)/.exec(subject)?.[1];
  if (commonName === undefined || issuer === undefined) {
    throw forbidden('the caller is not an X.509 identity with a subject CN; use an identity enrolled with a Fabric CA');
  }
  return { enrollmentId: commonName.replace(/\\\//g, '/'), issuer };
}

/** A short, key-safe digest of the issuer DN (DNs may hold characters composite keys should not carry). */
export function issuerDigest(issuer: string): string {
  return createHash('sha256').update(issuer, 'utf8').digest('hex').slice(0, 32);
}

/**
 * Enrollment ids of the organisation's service identities (CA bootstrap admin, org admin, gatekeeper, API admin,
 * peers, orderers): never bound to a person, so a registrar cannot hand one out.
 */
const RESERVED_ENROLLMENT_ID = /^(?:admin|gatekeeper|.*[-_.](?:admin|gatekeeper)|(?:peer|orderer|ca)\d*(?:[-_.].*)?)$/i;

export function isReservedEnrollmentId(enrollmentId: string): boolean {
  return RESERVED_ENROLLMENT_ID.test(enrollmentId);
}
