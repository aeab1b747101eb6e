import crypto, { X509Certificate, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../fhir/content-hash';
import type { ExportEntry, ExportManifest, SignedManifest } from './export-types';

/** Incremental SHA-256 of exported content, as defined on {@link ExportManifest.contentSha256}. */
export interface ContentHasher {
  add(entry: Readonly<ExportEntry>): void;
  digest(): string;
}

export function createContentHasher(): ContentHasher {
  const hash = crypto.createHash('sha256');
  return {
    add: (entry) => {
      hash.update(`${canonicalJson({ event: entry.event, proof: entry.proof })}\n`, 'utf8');
    },
    digest: () => hash.digest('hex'),
  };
}

/** Signs manifests with the exporter's Fabric identity (ECDSA P-256). */
export interface ManifestSigner {
  readonly certificatePem: string;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A signer over a PEM (PKCS#8) private key or a KeyObject, with the matching certificate. */
export function createPrivateKeyManifestSigner(privateKey: string | KeyObject, certificatePem: string): ManifestSigner {
  const key = typeof privateKey === 'string' ? crypto.createPrivateKey(privateKey) : privateKey;
  return {
    certificatePem,
    sign: (message) => Promise.resolve(crypto.sign('sha256', message, key)),
  };
}

function signedBytes(manifest: Readonly<ExportManifest>): Buffer {
  const unsigned: Record<string, unknown> = { ...manifest };
  delete unsigned.signature;
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}

export async function signManifest(
  manifest: Readonly<ExportManifest>,
  signer: ManifestSigner,
): Promise<SignedManifest> {
  const signature = await signer.sign(signedBytes(manifest));
  return { ...manifest, signature: Buffer.from(signature).toString('base64') };
}

/** The manifest's signing certificate, or undefined when generatedBy.certificatePem is not one. */
export function manifestCertificate(manifest: Readonly<SignedManifest>): X509Certificate | undefined {
  try {
    return new X509Certificate(manifest.generatedBy.certificatePem);
  } catch {
    return undefined;
  }
}

/**
 * Problems with a manifest's signature and certificate; empty when it is signed by a certificate the roots issued.
 * Without roots (`undefined`) only the signature is checked: the caller establishes membership another way.
 */
export function manifestSignatureProblems(
  manifest: Readonly<SignedManifest>,
  caRootsByMsp: Readonly<Record<string, readonly string[]>> | undefined,
): string[] {
  const certificate = manifestCertificate(manifest);
  if (certificate === undefined) {
    return ['manifest: generatedBy.certificatePem is not an X.509 certificate'];
  }
  const problems: string[] = [];
  const valid = crypto.verify(
    'sha256',
    signedBytes(manifest),
    certificate.publicKey,
    Buffer.from(manifest.signature, 'base64'),
  );
  if (!valid) {
    problems.push(
      'manifest: the signature does not verify with generatedBy.certificatePem over the canonical JSON of the ' +
        'manifest: the manifest was altered after signing or forged',
    );
  }
  if (caRootsByMsp === undefined) return problems;
  const mspId = manifest.generatedBy.mspId;
  const roots = caRootsByMsp[mspId] ?? [];
  if (roots.length === 0) {
    problems.push(`manifest: no CA roots were provided for ${mspId}; obtain that organisation's CA root certificates`);
  } else if (!roots.some((pem) => issuedBy(certificate, pem))) {
    problems.push(
      `manifest: the signing certificate (subject ${certificate.subject.replace(/\n/g, ', ')}) is not issued by any ` +
        `CA root of ${mspId}`,
    );
  }
  return problems;
}

function issuedBy(certificate: X509Certificate, rootPem: string): boolean {
  try {
    const root = new X509Certificate(rootPem);
    return certificate.checkIssued(root) && certificate.verify(root.publicKey);
  } catch {
    return false;
  }
}
