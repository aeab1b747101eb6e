/**
 * Fabric policy evaluation over a set of verified signers, as the peer does it: signature policies by greedy
 * n-out-of matching where each signer satisfies at most one principal (fabric common/cauthdsl/cauthdsl.go), and
 * implicit-meta policies as ANY / ALL / MAJORITY of the same-named policy in every subgroup (fabric
 * common/policies/implicitmeta.go).
 */
import { common, msp } from '@hyperledger/fabric-protos';
import type { MspRole, VerifiedIdentity } from './msp-identity';
import { organisationalUnits } from './msp-identity';

export type PolicyNode =
  | { readonly kind: 'signature'; readonly envelope: common.SignaturePolicyEnvelope }
  | { readonly kind: 'implicit'; readonly threshold: number; readonly subPolicies: readonly PolicyNode[] }
  | { readonly kind: 'reject'; readonly why: string };

const ROLE_NAMES: Readonly<Record<number, MspRole>> = {
  [msp.MSPRole.MSPRoleType.MEMBER]: 'member',
  [msp.MSPRole.MSPRoleType.ADMIN]: 'admin',
  [msp.MSPRole.MSPRoleType.CLIENT]: 'client',
  [msp.MSPRole.MSPRoleType.PEER]: 'peer',
  [msp.MSPRole.MSPRoleType.ORDERER]: 'orderer',
};

/** The threshold of an implicit-meta rule over `count` subgroups. */
export function implicitThreshold(rule: number, count: number): number {
  if (rule === common.ImplicitMetaPolicy.Rule.ANY) return 1;
  if (rule === common.ImplicitMetaPolicy.Rule.ALL) return count;
  return Math.floor(count / 2) + 1;
}

function satisfies(identity: VerifiedIdentity, principal: msp.MSPPrincipal): boolean {
  const bytes = principal.getPrincipal_asU8();
  switch (principal.getPrincipalClassification()) {
    case msp.MSPPrincipal.Classification.ROLE: {
      const role = msp.MSPRole.deserializeBinary(bytes);
      const name = ROLE_NAMES[role.getRole()];
      return role.getMspIdentifier() === identity.mspId && name !== undefined && identity.roles.has(name);
    }
    case msp.MSPPrincipal.Classification.ORGANIZATION_UNIT: {
      const unit = msp.OrganizationUnit.deserializeBinary(bytes);
      return (
        unit.getMspIdentifier() === identity.mspId &&
        organisationalUnits(identity.certificate).includes(unit.getOrganizationalUnitIdentifier())
      );
    }
    case msp.MSPPrincipal.Classification.IDENTITY: {
      const serialized = msp.SerializedIdentity.deserializeBinary(bytes);
      return (
        serialized.getMspid() === identity.mspId &&
        Buffer.from(serialized.getIdBytes_asU8()).toString('utf8').trim() === identity.certificatePem.trim()
      );
    }
    default:
      return false;
  }
}

function evaluateRule(
  rule: common.SignaturePolicy,
  principals: readonly msp.MSPPrincipal[],
  signers: readonly VerifiedIdentity[],
  used: boolean[],
): boolean {
  if (rule.hasSignedBy()) {
    const principal = principals[rule.getSignedBy()];
    if (principal === undefined) return false;
    const index = signers.findIndex((signer, i) => used[i] !== true && satisfies(signer, principal));
    if (index === -1) return false;
    used[index] = true;
    return true;
  }
  const nOutOf = rule.getNOutOf();
  if (nOutOf === undefined) return false;
  let verified = 0;
  const saved = [...used];
  for (const child of nOutOf.getRulesList()) {
    const attempt = [...used];
    if (evaluateRule(child, principals, signers, attempt)) {
      verified += 1;
      attempt.forEach((value, i) => (used[i] = value));
    }
  }
  if (verified >= nOutOf.getN()) return true;
  saved.forEach((value, i) => (used[i] = value));
  return false;
}

/** True when the signers satisfy the policy. */
export function policySatisfied(policy: PolicyNode, signers: readonly VerifiedIdentity[]): boolean {
  switch (policy.kind) {
    case 'reject':
      return false;
    case 'implicit':
      return policy.subPolicies.filter((sub) => policySatisfied(sub, signers)).length >= policy.threshold;
    case 'signature': {
      const rule = policy.envelope.getRule();
      if (rule === undefined) return false;
      return evaluateRule(rule, policy.envelope.getIdentitiesList(), dedupe(signers), []);
    }
  }
}

function dedupe(signers: readonly VerifiedIdentity[]): VerifiedIdentity[] {
  const seen = new Set<string>();
  return signers.filter((signer) => {
    const key = `${signer.mspId}\u0000${signer.certificate.fingerprint256}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
