/**
 * What one founding organisation hands the others before the channel exists: its name, MSP id, CA root (the root of
 * its identities and of its TLS certificates) and the TLS certificates of the orderers it operates (the Raft
 * consenter set names them). Public material only: each organisation creates its keys on its own host, exports this
 * file, and imports the others' files, so no host ever holds another organisation's private keys.
 */
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { certificateNamesHost } from './certificate-host';
import type { Layout } from './layout';
import { writeOrgMsp } from './msp';
import { organisation, type OrgKey, type Topology } from './topology';

export const FOUNDING_DEFINITION_FORMAT = 'medrec.founding-definition/1';

const pem = z
  .string()
  .max(16_384)
  .regex(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?$/, 'must be one PEM certificate');

const definitionSchema = z.strictObject({
  format: z.literal(FOUNDING_DEFINITION_FORMAT),
  organisation: z.string().max(31),
  mspId: z.string().max(64),
  caCertPem: pem,
  orderers: z.array(z.strictObject({ name: z.string().max(63), tlsCertPem: pem })).max(16),
});

export type FoundingDefinition = z.infer<typeof definitionSchema>;

/** A founding definition (as `org init` writes for a founder), not a joining organisation's channel definition. */
export function isFoundingDefinition(value: unknown): value is FoundingDefinition {
  return definitionSchema.safeParse(value).success;
}

/** The TLS certificate an orderer serves and presents to the other consenters. */
function ordererTlsCert(layout: Layout, org: OrgKey, name: string): string {
  return path.join(layout.identityDir(org, name), 'tls', 'server.crt');
}

/** The organisation's definition, from its own enrolled material (after `org init` has enrolled it). */
export function exportFoundingDefinition(layout: Layout, topology: Topology, org: OrgKey): FoundingDefinition {
  const own = organisation(topology, org);
  return {
    format: FOUNDING_DEFINITION_FORMAT,
    organisation: own.key,
    mspId: own.mspId,
    caCertPem: fs.readFileSync(layout.caCert(org), 'utf8'),
    orderers: topology.orderers
      .filter((orderer) => orderer.org === org)
      .map((orderer) => ({
        name: orderer.name,
        tlsCertPem: fs.readFileSync(ordererTlsCert(layout, org, orderer.name), 'utf8'),
      })),
  };
}

/**
 * SHA-256 over the definition's fields in a fixed order: what two admins compare out of band (read aloud, or over
 * a second channel) so a definition swapped in transit is noticed before anyone imports it.
 */
export function definitionFingerprint(definition: FoundingDefinition): string {
  const canonical = JSON.stringify([
    definition.format,
    definition.organisation,
    definition.mspId,
    definition.caCertPem.trim(),
    definition.orderers.map((o) => [o.name, o.tlsCertPem.trim()]),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function certificate(pemText: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pemText);
  } catch (err) {
    throw new Error(`${what} is not a readable X.509 certificate (${String(err)}); ask for the file again`);
  }
}

function assertCurrent(cert: X509Certificate, what: string, now: Date): void {
  if (Date.parse(cert.validFrom) > now.getTime() || Date.parse(cert.validTo) < now.getTime()) {
    throw new Error(`${what} is not valid now (valid ${cert.validFrom} to ${cert.validTo}); ask for a current one`);
  }
}

/**
 * Parses and checks a definition file against this host's consortium file: a founding organisation it lists (not
 * this host's own), under the MSP id the file gives it; a self-signed CA root in force; for each orderer the file
 * says it operates (exactly those), a TLS certificate that this root issued, in force, naming the orderer's host.
 */
export function checkFoundingDefinition(
  raw: unknown,
  topology: Topology,
  owner: OrgKey,
  now: Date = new Date(),
): FoundingDefinition {
  const parsed = definitionSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `this is not a MedRec founding definition (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); ` +
        'the organisation writes one with `medrec org init --org <name> --out <file>`',
    );
  }
  const definition = parsed.data;
  const expected = topology.organisations.find((org) => org.key === definition.organisation);
  if (expected === undefined || topology.joining.includes(definition.organisation)) {
    throw new Error(
      `${definition.organisation} is not a founding organisation in ${topology.source}; a definition is imported ` +
        'only for an organisation the consortium file lists (a joining one is admitted with `medrec org prepare`)',
    );
  }
  if (definition.organisation === owner) {
    throw new Error(`this host is ${owner}'s: its own definition is not imported (it was created here)`);
  }
  if (definition.mspId !== expected.mspId) {
    throw new Error(
      `the definition says ${definition.organisation} is ${definition.mspId}, the consortium file says ${expected.mspId}; ` +
        'do not import it: the two files disagree about who this is',
    );
  }
  const ca = certificate(definition.caCertPem, `${definition.organisation}'s CA root`);
  if (!ca.ca || !ca.checkIssued(ca) || !ca.verify(ca.publicKey)) {
    throw new Error(`${definition.organisation}'s CA root is not a self-signed CA certificate; ask for the file again`);
  }
  assertCurrent(ca, `${definition.organisation}'s CA root`, now);
  checkOrdererCertificates(definition, ca, topology, now);
  return definition;
}

/** Exactly the orderers the file says the organisation operates, each with a current TLS certificate its root issued. */
function checkOrdererCertificates(
  definition: FoundingDefinition,
  ca: X509Certificate,
  topology: Topology,
  now: Date,
): void {
  const operated = topology.orderers.filter((orderer) => orderer.org === definition.organisation);
  const given = definition.orderers.map((o) => o.name).sort();
  const wanted = operated.map((o) => o.name).sort();
  if (JSON.stringify(given) !== JSON.stringify(wanted)) {
    throw new Error(
      `the definition gives TLS certificates for orderers [${given.join(', ')}], but the consortium file says ` +
        `${definition.organisation} operates [${wanted.join(', ')}]; the two files must agree`,
    );
  }
  for (const orderer of operated) {
    const entry = definition.orderers.find((o) => o.name === orderer.name);
    const what = `${orderer.name}'s TLS certificate`;
    const tls = certificate(entry?.tlsCertPem ?? '', what);
    if (!tls.checkIssued(ca) || !tls.verify(ca.publicKey) || tls.ca) {
      throw new Error(`${what} was not issued by ${definition.organisation}'s CA root; do not import this definition`);
    }
    assertCurrent(tls, what, now);
    if (!certificateNamesHost(tls, orderer.host)) {
      throw new Error(`${what} does not name ${orderer.host}, the host the consortium file gives it`);
    }
  }
}

/** The files an imported definition becomes, relative to MEDREC_HOME: the same paths the organisation's own host uses. */
function importedFiles(layout: Layout, definition: FoundingDefinition): Map<string, string> {
  const files = new Map<string, string>([[layout.caCert(definition.organisation), definition.caCertPem]]);
  for (const orderer of definition.orderers) {
    files.set(ordererTlsCert(layout, definition.organisation, orderer.name), orderer.tlsCertPem);
  }
  return files;
}

/**
 * Writes a checked definition into this host's state: the CA root, the MSP the channel configuration is built from,
 * the consenters' TLS certificates. Importing the same definition again changes nothing; a different one for an
 * organisation already imported is refused (a substitution would change whom the channel trusts).
 * Returns false when it was already imported.
 */
export function importFoundingDefinition(layout: Layout, definition: FoundingDefinition): boolean {
  const files = importedFiles(layout, definition);
  const present = [...files.entries()].filter(([file]) => fs.existsSync(file));
  if (present.length > 0) {
    const same =
      present.length === files.size && present.every(([file, text]) => fs.readFileSync(file, 'utf8') === text);
    if (same) return false;
    throw new Error(
      `a different definition of ${definition.organisation} was imported before (${layout.caCert(definition.organisation)}); ` +
        'a definition is imported once, before the channel is created: compare the fingerprints with its admin',
    );
  }
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, { flag: 'wx' });
  }
  writeOrgMsp(layout.orgMsp(definition.organisation), layout.caCert(definition.organisation));
  return true;
}

/** The founding organisations this host has neither created nor imported yet. */
export function missingDefinitions(layout: Layout, topology: Topology): OrgKey[] {
  return topology.organisations
    .filter((org) => !topology.joining.includes(org.key) && !fs.existsSync(layout.caCert(org.key)))
    .map((org) => org.key);
}
