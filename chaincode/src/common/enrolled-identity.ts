import { createHash, type X509Certificate } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { parseCertificate } from './certs';
import { forbidden } from './errors';

/** Who the CA enrolled: the certificate subject's common name (Fabric CA's enrollment id) and its issuer's DN. */
export interface EnrolledIdentity {
  enrollmentId: string;
  issuer: string;
}

/**
 * Reads the enrollment from the caller's certificate (Fabric's creator id bytes, which the peer's MSP has already
 * validated): the subject's one CN, which Fabric CA sets to the enrollment id and never issues twice, and the
 * issuer's DN. So (MSP, issuer, CN) names exactly one enrolled identity, across re-enrolments of it.
 *
 * The certificate is parsed rather than read from ClientIdentity.getID(): getID's `x509::{subject}::{issuer}`
 * escapes only the first '/' of each value, so a crafted OU value could pose as a second CN there. The string form
 * is used only for identities whose bytes are not an X.509 certificate (the unit tests' fakes); on a real peer
 * every creator is one.
 */
export function enrolledIdentity(ctx: Context): EnrolledIdentity {
  const cert = parseCertificate(ctx.clientIdentity.getIDBytes());
  const parsed = cert === undefined ? fromFabricId(ctx.clientIdentity.getID()) : fromCertificate(cert);
  if (parsed === undefined) {
    throw forbidden(
      'the caller is not an X.509 identity with exactly one subject CN; use an identity enrolled with a Fabric CA',
    );
  }
  return parsed;
}

/** The issuer is written as Fabric writes DNs (`/C=US/O=Org/CN=ca`), so both readings name it the same way. */
function fromCertificate(cert: X509Certificate): EnrolledIdentity | undefined {
  const commonNames = cert.subject
    .split('\n')
    .flatMap((rdn) => rdn.split('+'))
    .filter((attribute) => attribute.startsWith('CN='));
  const [commonName] = commonNames;
  return commonNames.length === 1 && commonName !== undefined
    ? { enrollmentId: commonName.slice('CN='.length), issuer: `/${cert.issuer.split('\n').join('/')}` }
    : undefined;
}

function fromFabricId(id: string): EnrolledIdentity | undefined {
  const match = /^x509::(.*?)::(.+)$/s.exec(id);
  const subject = match?.[1];
  const issuer = match?.[2];
  if (subject === undefined || issuer === undefined) return undefined;
  const commonNames = [...subject.matchAll(/(?:^|(?<!\\)\/)CN=((?:[^/\\]|\\.)*)/g)].map((m) => m[1] ?? '');
  const [commonName] = commonNames;
  return commonNames.length === 1 && commonName !== undefined && commonName !== ''
    ? { enrollmentId: commonName.replace(/\\\//g, '/'), issuer }
    : undefined;
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
