/**
 * The ledger's content hash of a record, computed again here in the browser: SHA-256 of the RFC 8785 canonical JSON
 * of the resource (as sdk/src/fhir/content-hash.ts defines it), compared with the hash the ticket carries from the
 * ledger. The API has checked it already; checking here too means the person need not trust the API for it.
 */
import canonicalize from 'canonicalize';

export type HashCheck =
  | { readonly kind: 'match'; readonly hash: string }
  | { readonly kind: 'mismatch'; readonly hash: string; readonly expected: string }
  | { readonly kind: 'unavailable'; readonly why: string };

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function checkContentHash(resource: unknown, expected: string | undefined): Promise<HashCheck> {
  if (expected === undefined) return { kind: 'unavailable', why: 'the ticket carries no content hash' };
  const subtle = globalThis.crypto.subtle as SubtleCrypto | undefined;
  // Web Crypto exists only in secure contexts (https, or http on localhost).
  if (subtle === undefined) return { kind: 'unavailable', why: 'this page is not a secure context (use https)' };
  const text = canonicalize(resource);
  if (text === undefined) return { kind: 'unavailable', why: 'the content is not JSON' };
  const hash = hex(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return hash === expected ? { kind: 'match', hash } : { kind: 'mismatch', hash, expected };
}
