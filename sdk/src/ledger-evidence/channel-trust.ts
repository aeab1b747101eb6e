/**
 * What a channel configuration makes trustworthy: each organisation's MSP (roots, intermediates, node OUs) and the
 * channel's policies by path (`/Channel/Orderer/BlockValidation`, `/Channel/Application/Endorsement`, ...). Read from
 * the genesis block and from every later configuration block, so trust follows the chain's own updates and never a
 * file an exporter provides.
 */
import { common } from '@hyperledger/fabric-protos';
import { mspDefinitionOf, type MspDefinition } from './msp-identity';
import { implicitThreshold, type PolicyNode } from './policies';

export interface ChannelTrust {
  readonly channel: string;
  readonly msps: ReadonlyMap<string, MspDefinition>;
  readonly ordererMsps: ReadonlySet<string>;
  readonly applicationMsps: ReadonlySet<string>;
  /** The application group of each application organisation's MSP (the group name need not be the MSP id). */
  readonly applicationGroups: ReadonlyMap<string, string>;
  /** The policy at an absolute path such as `/Channel/Application/Endorsement`; a reject policy when absent. */
  policy(path: string): PolicyNode;
}

function policyOf(group: common.ConfigGroup, name: string, path: string): PolicyNode {
  const configPolicy = group.getPoliciesMap().get(name);
  const policy = configPolicy?.getPolicy();
  if (policy === undefined) return { kind: 'reject', why: `no policy ${path}` };
  if (policy.getType() === common.Policy.PolicyType.SIGNATURE) {
    return { kind: 'signature', envelope: common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8()) };
  }
  if (policy.getType() === common.Policy.PolicyType.IMPLICIT_META) {
    const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
    const subgroups = [...group.getGroupsMap().entries()];
    return {
      kind: 'implicit',
      threshold: implicitThreshold(meta.getRule(), subgroups.length),
      subPolicies: subgroups.map(([subName, subgroup]) =>
        policyOf(
          subgroup,
          meta.getSubPolicy(),
          `${path.slice(0, path.lastIndexOf('/'))}/${subName}/${meta.getSubPolicy()}`,
        ),
      ),
    };
  }
  return { kind: 'reject', why: `policy ${path} has a type this verifier does not evaluate` };
}

function groupAt(root: common.ConfigGroup, path: readonly string[]): common.ConfigGroup | undefined {
  let group: common.ConfigGroup | undefined = root;
  for (const name of path) group = group?.getGroupsMap().get(name);
  return group;
}

function organisationMsps(group: common.ConfigGroup | undefined): (MspDefinition & { readonly group: string })[] {
  if (group === undefined) return [];
  const definitions: (MspDefinition & { readonly group: string })[] = [];
  for (const [name, org] of group.getGroupsMap().entries()) {
    const value = org.getValuesMap().get('MSP');
    if (value === undefined) continue;
    const definition = mspDefinitionOf(value.getValue_asU8());
    if (definition !== undefined) definitions.push({ ...definition, group: name });
  }
  return definitions;
}

/** The trust a channel configuration establishes. */
export function channelTrustOf(channel: string, config: common.Config): ChannelTrust {
  const root = config.getChannelGroup() ?? new common.ConfigGroup();
  const orderer = organisationMsps(groupAt(root, ['Orderer']));
  const application = organisationMsps(groupAt(root, ['Application']));
  const msps = new Map<string, MspDefinition>();
  for (const definition of [...orderer, ...application]) msps.set(definition.mspId, definition);
  const cache = new Map<string, PolicyNode>();
  return {
    channel,
    msps,
    ordererMsps: new Set(orderer.map((d) => d.mspId)),
    applicationMsps: new Set(application.map((d) => d.mspId)),
    applicationGroups: new Map(application.map((d) => [d.mspId, d.group])),
    policy(path) {
      const cached = cache.get(path);
      if (cached !== undefined) return cached;
      const parts = path.split('/').filter((p) => p !== '');
      const name = parts.pop();
      const group = parts[0] === 'Channel' ? groupAt(root, parts.slice(1)) : undefined;
      const policy: PolicyNode =
        name === undefined || group === undefined
          ? { kind: 'reject', why: `no policy ${path}` }
          : policyOf(group, name, path);
      cache.set(path, policy);
      return policy;
    },
  };
}

/** The configuration carried by a CONFIG envelope's payload data (common.ConfigEnvelope). */
export function configOfEnvelopeData(data: Uint8Array): common.Config | undefined {
  return common.ConfigEnvelope.deserializeBinary(data).getConfig();
}
