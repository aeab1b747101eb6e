import crypto from 'node:crypto';

/**
 * Parsed certificates and issuance checks, kept per process (bounded, oldest dropped first). Both are pure
 * functions of the PEM bytes, and the same few certificates (a requester's, its organisation's CA roots) come with
 * every read: parsing them again was the gatekeeper's largest CPU cost per read under load.
 */
const LIMIT = 512;
const parsed = new Map<string, crypto.X509Certificate>();
const issued = new Map<string, boolean>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(key, value);
  return value;
}

/** The certificate in `pem`; throws as crypto.X509Certificate does for anything else (failures are not kept). */
export function parsedCertificate(pem: string): crypto.X509Certificate {
  return parsed.get(pem) ?? remember(parsed, pem, new crypto.X509Certificate(pem));
}

/** Whether `certificate` was issued by the root in `rootPem` (its subject and its signature); false if unparseable. */
export function issuedByRoot(certificate: crypto.X509Certificate, rootPem: string): boolean {
  const key = `${certificate.fingerprint256}>${rootPem}`;
  const known = issued.get(key);
  if (known !== undefined) return known;
  let result: boolean;
  try {
    const root = parsedCertificate(rootPem);
    result = certificate.checkIssued(root) && certificate.verify(root.publicKey);
  } catch {
    result = false;
  }
  return remember(issued, key, result);
}
