/**
 * A hospital's own references (an incident number, a review case number) never reach the ledger as given: they
 * could be MRNs or names. The ledger gets a keyed hash instead, HMAC-SHA256 (RFC 2104) under a key only this
 * organisation holds, derived with HKDF-SHA256 (RFC 5869) from its API's wallet secret. The organisation recomputes
 * the pseudonym of its own reference to find it on the ledger; nobody without the key can reverse or test one.
 */
import crypto from 'node:crypto';

export type ReferenceKind = 'incident' | 'review';

export interface ReferencePseudonyms {
  /** `incident-<32 hex>`: the same reference always gives the same pseudonym at this organisation. */
  pseudonym(kind: ReferenceKind, reference: string): string;
}

const HKDF_INFO = 'medrec/reference-pseudonyms/v1';

export function createReferencePseudonyms(secret: string): ReferencePseudonyms {
  if (secret.length < 16) throw new RangeError('the pseudonym secret must be at least 16 characters');
  const key = Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.alloc(0), HKDF_INFO, 32));
  return {
    pseudonym(kind, reference) {
      const mac = crypto.createHmac('sha256', key).update(`${kind}\u0000${reference}`, 'utf8').digest('hex');
      // 128 bits are plenty against collisions among one organisation's references.
      return `${kind}-${mac.slice(0, 32)}`;
    },
  };
}
