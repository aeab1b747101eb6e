/**
 * Channel membership changes as configuration mutations: adding a peer organisation's definition to the
 * application group, and who must sign that (the application group's Admins policy: MAJORITY of its members'
 * admins).
 */
import { at, type ChannelConfigJson, type ConfigMutation } from './channel-update';
import type { OrgKey, Topology } from './topology';

const APPLICATION_GROUPS = ['channel_group', 'groups', 'Application', 'groups'] as const;

function applicationGroups(config: ChannelConfigJson): Record<string, unknown> {
  const groups = at(config, APPLICATION_GROUPS);
  if (groups === null || typeof groups !== 'object' || Array.isArray(groups)) {
    throw new Error('the channel config has no Application group; is this an application channel config?');
  }
  return groups as Record<string, unknown>;
}

/** The MSP ids of the channel's application organisations, sorted. */
export function applicationMembers(config: ChannelConfigJson): string[] {
  return Object.keys(applicationGroups(config)).sort();
}

/** The MSP id an organisation's definition (configtxgen -printOrg) names: values.MSP.value.config.name. */
export function mspIdOfDefinition(definition: unknown): string {
  const name = at(definition, ['values', 'MSP', 'value', 'config', 'name']);
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/.test(name)) {
    throw new Error(
      'this is not an organisation definition (no values.MSP.value.config.name); export one with `medrec org prepare`',
    );
  }
  return name;
}

/** Adds an organisation's definition (configtxgen -printOrg) to the application group; refuses one already there. */
export function withApplicationOrganisation(mspId: string, definition: Record<string, unknown>): ConfigMutation {
  return (config) => {
    const groups = applicationGroups(config);
    if (mspId in groups) throw new Error(`${mspId} is already a member of the channel`);
    groups[mspId] = structuredClone(definition);
  };
}

/**
 * Removes an organisation from the application group: its certificates no longer satisfy any channel policy (it
 * neither reads, writes nor endorses); what it wrote stays on the ledger. Refuses an absent one and the last one.
 */
export function withoutApplicationOrganisation(mspId: string): ConfigMutation {
  return (config) => {
    const groups = applicationGroups(config);
    if (!(mspId in groups)) throw new Error(`${mspId} is not a member of the channel`);
    if (Object.keys(groups).length === 1) throw new Error(`${mspId} is the channel's last member; it cannot leave`);
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the group is keyed by the MSP id
    delete groups[mspId];
  };
}

/** How many of n members' admins a MAJORITY policy needs (Fabric: more than half). */
export function majorityOf(members: number): number {
  return Math.floor(members / 2) + 1;
}

/**
 * The organisations (of this topology) whose admins sign an application-group change: a majority of the current
 * members, in the file's order. Throws when the topology does not know enough of them.
 */
export function applicationSigners(
  topology: Topology,
  memberMspIds: readonly string[],
  except: readonly OrgKey[] = [],
): OrgKey[] {
  // `except`: an organisation being removed is not asked to sign its own removal.
  const known = topology.organisations
    .filter((org) => memberMspIds.includes(org.mspId) && !except.includes(org.key))
    .map((org) => org.key);
  const needed = majorityOf(memberMspIds.length);
  if (known.length < needed) {
    throw new Error(
      `a change to the channel's members needs the admins of ${String(needed)} of its ${String(memberMspIds.length)} ` +
        `members; this machine holds the admins of only ${known.join(', ') || 'none'}`,
    );
  }
  return known.slice(0, needed);
}
