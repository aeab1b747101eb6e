/**
 * Membership as a Fabric MSP decides it (fabric msp/mspimpl.go, mspimplvalidate.go), for an auditor outside the
 * consortium: an identity belongs to an organisation when its certificate chains to one of the root certificates the
 * channel configuration names for that MSP (through its intermediates), and its role comes from the node OU
 * classification (client, peer, admin, orderer) or the MSP's admin list. Revocation lists are not consulted.
 */
import crypto, { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { msp } from '@hyperledger/fabric-protos';

export type MspRole = 'member' | 'admin' | 'client' | 'peer' | 'orderer';

/** What the channel configuration says about one organisation's MSP. */
export interface MspDefinition {
  readonly mspId: string;
  readonly roots: readonly X509Certificate[];
  readonly intermediates: readonly X509Certificate[];
  readonly admins: readonly string[];
  /** Node OU names by role, when node OUs are enabled. */
  readonly nodeOus: Readonly<Partial<Record<'client' | 'peer' | 'admin' | 'orderer', string>>> | undefined;
}

export interface VerifiedIdentity {
  readonly mspId: string;
  readonly certificatePem: string;
  readonly certificate: X509Certificate;
  readonly roles: ReadonlySet<MspRole>;
}

const MAX_CHAIN_DEPTH = 5;

function certificatesOf(list: readonly Uint8Array[]): X509Certificate[] {
  const certificates: X509Certificate[] = [];
  for (const bytes of list) {
    try {
      certificates.push(new X509Certificate(Buffer.from(bytes)));
    } catch {
      // A configuration entry that is not a certificate trusts nothing.
    }
  }
  return certificates;
}

/** The MSP definition in a channel configuration's MSP value (msp.MSPConfig of type FABRIC). */
export function mspDefinitionOf(configBytes: Uint8Array): MspDefinition | undefined {
  const mspConfig = msp.MSPConfig.deserializeBinary(configBytes);
  if (mspConfig.getType() !== 0) return undefined;
  const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
  const ous = fabric.getFabricNodeOus();
  const ouName = (identifier: msp.FabricOUIdentifier | undefined): string | undefined =>
    identifier === undefined || identifier.getOrganizationalUnitIdentifier() === ''
      ? undefined
      : identifier.getOrganizationalUnitIdentifier();
  const nodeOus =
    ous?.getEnable() === true
      ? {
          client: ouName(ous.getClientOuIdentifier()),
          peer: ouName(ous.getPeerOuIdentifier()),
          admin: ouName(ous.getAdminOuIdentifier()),
          orderer: ouName(ous.getOrdererOuIdentifier()),
        }
      : undefined;
  return {
    mspId: fabric.getName(),
    roots: certificatesOf(fabric.getRootCertsList_asU8()),
    intermediates: certificatesOf(fabric.getIntermediateCertsList_asU8()),
    admins: certificatesOf(fabric.getAdminsList_asU8()).map((c) => c.fingerprint256),
    nodeOus: nodeOus && Object.fromEntries(Object.entries(nodeOus).filter(([, v]) => v !== undefined)),
  };
}

function issues(issuer: X509Certificate, certificate: X509Certificate): boolean {
  try {
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** True when the certificate chains to one of the MSP's roots through its intermediates. */
export function chainsToRoot(certificate: X509Certificate, definition: MspDefinition): boolean {
  let current = certificate;
  for (let depth = 0; depth < MAX_CHAIN_DEPTH; depth += 1) {
    if (definition.roots.some((root) => issues(root, current))) return true;
    const next = definition.intermediates.find((ca) => ca !== current && issues(ca, current));
    if (next === undefined) return false;
    current = next;
  }
  return false;
}

/** The values of one attribute type of the subject, e.g. every OU (a multi-valued RDN is split). */
export function subjectValues(certificate: X509Certificate, type: 'CN' | 'OU'): string[] {
  return certificate.subject
    .split('\n')
    .flatMap((rdn) => rdn.split('+'))
    .filter((attribute) => attribute.startsWith(`${type}=`))
    .map((attribute) => attribute.slice(type.length + 1));
}

/** The subject's OU values. */
export function organisationalUnits(certificate: X509Certificate): string[] {
  return subjectValues(certificate, 'OU');
}

/** Why the identity is not a member of the MSP, or its roles. */
export function classifyIdentity(
  certificate: X509Certificate,
  definition: MspDefinition,
): { readonly roles: ReadonlySet<MspRole> } | { readonly problem: string } {
  if (!chainsToRoot(certificate, definition)) {
    return { problem: `its certificate is not issued by a CA of ${definition.mspId} in the channel configuration` };
  }
  const roles = new Set<MspRole>(['member']);
  if (definition.admins.includes(certificate.fingerprint256)) roles.add('admin');
  if (definition.nodeOus !== undefined) {
    const ous = new Set(organisationalUnits(certificate));
    const nodeRoles = (['client', 'peer', 'admin', 'orderer'] as const).filter((role) => {
      const ou = definition.nodeOus?.[role];
      return ou !== undefined && ous.has(ou);
    });
    // With node OUs enabled an identity must carry exactly one of them (fabric mspimplvalidate.go).
    if (nodeRoles.length !== 1) {
      return {
        problem: `its certificate carries ${nodeRoles.length} node OUs of ${definition.mspId} (exactly one of client, peer, admin, orderer is required)`,
      };
    }
    for (const role of nodeRoles) roles.add(role);
  }
  return { roles };
}

/** Decodes a serialized msp.SerializedIdentity; undefined when it is not one or holds no certificate. */
export function decodeSerializedIdentity(
  bytes: Uint8Array,
): { readonly mspId: string; readonly certificatePem: string; readonly certificate: X509Certificate } | undefined {
  try {
    const identity = msp.SerializedIdentity.deserializeBinary(bytes);
    const certificatePem = Buffer.from(identity.getIdBytes_asU8()).toString('utf8');
    return { mspId: identity.getMspid(), certificatePem, certificate: new X509Certificate(certificatePem) };
  } catch {
    return undefined;
  }
}

// secp256r1 group order / 2: Fabric refuses ECDSA signatures whose S is above it (fabric bccsp/sw/ecdsa.go).
const P256_HALF_ORDER = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551') >> 1n;

function isLowS(signature: Uint8Array): boolean {
  const parsed = asn1js.fromBER(signature);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) return false;
  const [, s] = parsed.result.valueBlock.value;
  if (!(s instanceof asn1js.Integer)) return false;
  return s.toBigInt() <= P256_HALF_ORDER;
}

/** An ECDSA-SHA256 signature as Fabric accepts it: valid and low-S. */
export function verifiesFabricSignature(
  certificate: X509Certificate,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return isLowS(signature) && crypto.verify('sha256', message, certificate.publicKey, signature);
  } catch {
    return false;
  }
}
