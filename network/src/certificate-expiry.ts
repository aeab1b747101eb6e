/**
 * When each certificate an organisation's directory holds stops being valid, and what renews it. Fabric CA issues
 * enrollment and TLS certificates for a year by default and its own root for fifteen: a node whose certificate has
 * expired no longer starts, endorses or connects, so an operator needs to see the dates before they pass. Only what
 * this directory holds is read (its files, and its API's wallet); another organisation's certificates are that
 * organisation's to watch.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Wallet } from '@medrec/sdk';
import type { Layout } from './layout';
import { caServerTlsCertificate } from './certificate-authority';
import { mspCertificateFile } from './msp';
import type { OrgKey } from './topology';

export type CertificateKind = 'CA root' | 'CA server TLS' | 'enrollment' | 'TLS' | 'wallet user';

/** A certificate file of the organisation's directory and whose it is. */
export interface HeldCertificate {
  /** The identity it belongs to: a node, a user, "CA" or "CA registrar". */
  readonly owner: string;
  readonly kind: CertificateKind;
  readonly file: string;
}

export type ExpiryState = 'valid' | 'renew' | 'expired' | 'unreadable';

export interface CertificateExpiry extends HeldCertificate {
  readonly subject: string;
  /** ISO 8601; empty when the file is not a certificate. */
  readonly notAfter: string;
  /** Whole days from now until notAfter, negative once it has passed. */
  readonly daysLeft: number;
  readonly state: ExpiryState;
  /** What to run or read to renew it. */
  readonly action: string;
}

export interface ExpiryOptions {
  readonly now: Date;
  /** A certificate with fewer days than this left is due for renewal. */
  readonly renewWithinDays: number;
}

const DAY_MS = 86_400_000;

/** Every certificate file of one organisation in this directory: its CA's root and server certificate, and each identity's. */
export function heldCertificates(layout: Layout, org: OrgKey): HeldCertificate[] {
  const held: HeldCertificate[] = [];
  const add = (owner: string, kind: CertificateKind, file: string): void => {
    if (fs.existsSync(file)) held.push({ owner, kind, file });
  };
  add('CA', 'CA root', layout.caCert(org));
  add('CA', 'CA server TLS', caServerTlsCertificate(layout, org));
  add('CA registrar', 'enrollment', mspCertificateFile(path.join(layout.caAdminHome(org), 'msp')));
  const identities = layout.identitiesDir(org);
  const names = fs.existsSync(identities) ? fs.readdirSync(identities).sort() : [];
  for (const name of names) {
    const dir = layout.identityDir(org, name);
    add(name, 'enrollment', mspCertificateFile(path.join(dir, 'msp')));
    add(name, 'TLS', path.join(dir, 'tls', 'server.crt'));
  }
  return held;
}

function renewal(held: HeldCertificate, org: OrgKey): string {
  switch (held.kind) {
    case 'CA root':
      return 'a new CA root has no command yet: see "Not yet" in docs/multi-host.md';
    case 'CA server TLS':
    case 'enrollment':
    case 'wallet user':
      return `medrec org renew-enrollment --org ${org}`;
    case 'TLS':
      return `medrec org rotate-tls --org ${org}`;
  }
}

/** The expiry of one certificate file as of `options.now`. */
export function certificateExpiry(
  held: HeldCertificate,
  pem: string,
  org: OrgKey,
  options: Readonly<ExpiryOptions>,
): CertificateExpiry {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return {
      ...held,
      subject: '',
      notAfter: '',
      daysLeft: Number.NEGATIVE_INFINITY,
      state: 'unreadable',
      action: `${held.file} is not a PEM certificate: enroll ${held.owner} again`,
    };
  }
  const notAfter = new Date(certificate.validTo);
  const daysLeft = Math.floor((notAfter.getTime() - options.now.getTime()) / DAY_MS);
  const state: ExpiryState =
    notAfter.getTime() <= options.now.getTime() ? 'expired' : daysLeft < options.renewWithinDays ? 'renew' : 'valid';
  return {
    ...held,
    subject: certificate.subject.replace(/\n/g, ', '),
    notAfter: notAfter.toISOString(),
    daysLeft,
    state,
    action: renewal(held, org),
  };
}

const soonestFirst = (a: CertificateExpiry, b: CertificateExpiry): number =>
  a.daysLeft - b.daysLeft || a.owner.localeCompare(b.owner) || a.kind.localeCompare(b.kind);

/** Every certificate of the organisation's directory with its expiry, soonest first. */
export function organisationCertificateExpiry(
  layout: Layout,
  org: OrgKey,
  options: Readonly<ExpiryOptions>,
): CertificateExpiry[] {
  return heldCertificates(layout, org)
    .map((held) => certificateExpiry(held, fs.readFileSync(held.file, 'utf8'), org, options))
    .sort(soonestFirst);
}

/** The certificates of the users an API wallet holds (file: the wallet directory), soonest first. */
export async function walletCertificateExpiry(
  wallet: Wallet,
  directory: string,
  org: OrgKey,
  options: Readonly<ExpiryOptions>,
): Promise<CertificateExpiry[]> {
  const report: CertificateExpiry[] = [];
  for (const label of await wallet.list()) {
    const identity = await wallet.get(label);
    if (identity === undefined) continue; // removed since the listing
    report.push(
      certificateExpiry({ owner: label, kind: 'wallet user', file: directory }, identity.certificate, org, options),
    );
  }
  return report.sort(soonestFirst);
}

/** Two reports as one, soonest first. */
export function mergeExpiry(...reports: readonly (readonly CertificateExpiry[])[]): CertificateExpiry[] {
  return reports.flat().sort(soonestFirst);
}

/** The certificates that need the operator now: expired, unreadable, or inside the renewal window. */
export function dueForRenewal(report: readonly CertificateExpiry[]): CertificateExpiry[] {
  return report.filter((entry) => entry.state !== 'valid');
}
