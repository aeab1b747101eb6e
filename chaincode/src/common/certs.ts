import { X509Certificate, createHash } from 'node:crypto';

/**
 * X.509 checks that every endorsing peer computes identically: they depend only on the certificate bytes and
 * the roots on the ledger, never on the clock or on the peer's own trust store.
 *
 * Parsing and signature checks are pure functions of those bytes, so their results are kept (bounded, oldest
 * dropped first): the same few certificates (a requester's, its organisation's roots) come with every transaction,
 * and parsing them was the chaincode's largest CPU cost under load.
 */
const CACHE_LIMIT = 512;
const parsed = new Map<string, X509Certificate | undefined>();
const issued = new Map<string, boolean>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(key, value);
  return value;
}

export function parseCertificate(bytes: string | Uint8Array): X509Certificate | undefined {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('latin1');
  if (parsed.has(text)) return parsed.get(text);
  let cert: X509Certificate | undefined;
  try {
    cert = new X509Certificate(typeof bytes === 'string' ? bytes : Buffer.from(bytes));
  } catch {
    cert = undefined;
  }
  return remember(parsed, text, cert);
}

/** True when `root`'s subject is `cert`'s issuer and `root`'s key verifies `cert`'s signature. */
export function issuedBy(cert: X509Certificate, root: X509Certificate): boolean {
  const pair = `${cert.fingerprint256}>${root.fingerprint256}`;
  const known = issued.get(pair);
  if (known !== undefined) return known;
  let result: boolean;
  try {
    result = cert.checkIssued(root) && cert.verify(root.publicKey);
  } catch {
    result = false;
  }
  return remember(issued, pair, result);
}

/** True when the certificate is issued directly by one of the PEM roots (unparseable roots never match). */
export function chainsToAnyRoot(cert: X509Certificate, rootsPem: readonly string[]): boolean {
  return rootsPem.some((pem) => {
    const root = parseCertificate(pem);
    return root !== undefined && issuedBy(cert, root);
  });
}

/** The subject's OU values, including those of multi-valued RDNs (OU=peer+OU=org1). */
export function organizationalUnits(cert: X509Certificate): string[] {
  return cert.subject
    .split('\n')
    .flatMap((rdn) => rdn.split('+'))
    .map((attribute) => attribute.trim())
    .filter((attribute) => attribute.startsWith('OU='))
    .map((attribute) => attribute.slice(3));
}

/**
 * Whether `isoTime` (a transaction time from the ledger, not the clock) lies within the certificate's validity
 * period, bounds included, as RFC 5280 defines it.
 */
export function validAt(cert: X509Certificate, isoTime: string): boolean {
  const at = Date.parse(isoTime);
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return !Number.isNaN(at) && !Number.isNaN(from) && !Number.isNaN(to) && from <= at && at <= to;
}

/** SHA-256 of the certificate's DER, lowercase hex. */
export function certificateSha256(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}
