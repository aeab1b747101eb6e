/**
 * The content hash recorded on the ledger: SHA-256 (lowercase hex) of the RFC 8785 (JCS) canonical JSON of a resource.
 * Canonical form makes the hash independent of key order and whitespace, so the custodian and the requester agree on it
 * without sharing serialiser settings. Note that JSON numbers go through IEEE-754 doubles: a FHIR decimal such as 1.50
 * hashes as 1.5, which is why the hash is defined on the parsed value rather than on the stored text.
 */
import canonicalize from 'canonicalize';
import crypto from 'node:crypto';
import { NonCanonicalContentError } from './fhir-errors';

const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

/** RFC 8785 canonical JSON text of `value`. */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (error) {
    throw new NonCanonicalContentError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (text === undefined) throw new NonCanonicalContentError('the value is undefined or a function');
  return text;
}

/** SHA-256 (64 lowercase hex characters) of the canonical JSON of `value`. */
export function contentHash(value: unknown): string {
  return crypto.createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

/** SHA-256 of the canonical form of JSON text (parsed first, so formatting and key order do not matter). */
export function contentHashOfJson(jsonText: string): string {
  let value: unknown;
  try {
    value = JSON.parse(jsonText);
  } catch (error) {
    throw new NonCanonicalContentError('the text is not valid JSON', { cause: error });
  }
  return contentHash(value);
}

/** True when `value` hashes to `expectedHash` (compared in constant time; a malformed expectation is a mismatch). */
export function hasContentHash(value: unknown, expectedHash: string): boolean {
  if (!SHA256_HEX_PATTERN.test(expectedHash)) return false;
  return crypto.timingSafeEqual(Buffer.from(contentHash(value), 'hex'), Buffer.from(expectedHash, 'hex'));
}
