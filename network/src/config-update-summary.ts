/**
 * What a configuration update changes, read from its read set and write set (a decoded common.ConfigUpdate), so
 * that an admin sees what they sign and can refuse an envelope that does more than it was said to do: a proposer
 * could otherwise slip a policy change into "add hospital3".
 */

export interface ConfigChange {
  readonly kind: 'adds' | 'modifies' | 'removes';
  /** Like Fabric's paths: /Channel/Application/Hospital3MSP, /Channel/Application/Policies/Admins. */
  readonly path: string;
}

interface Element {
  readonly version?: unknown;
}

interface Group extends Element {
  readonly groups?: Readonly<Record<string, Group>>;
  readonly values?: Readonly<Record<string, Element>>;
  readonly policies?: Readonly<Record<string, Element>>;
}

/** configtxlator writes versions as decimal strings ("0", "3"); absent means 0. */
function versionOf(element: Element | undefined): string {
  const version = element?.version;
  return typeof version === 'string' || typeof version === 'number' ? String(version) : '0';
}

function walk(path: string, written: Group, read: Group | undefined, into: ConfigChange[]): void {
  if (read === undefined) {
    into.push({ kind: 'adds', path });
    return; // everything below a new group is new with it
  }
  if (versionOf(written) !== versionOf(read)) into.push({ kind: 'modifies', path });
  for (const [name, group] of Object.entries(written.groups ?? {})) {
    walk(`${path}/${name}`, group, read.groups?.[name], into);
  }

  for (const [section, key] of [
    ['values', 'Values'],
    ['policies', 'Policies'],
  ] as const) {
    for (const [name, element] of Object.entries(written[section] ?? {})) {
      // compute_update writes a changed value or policy at its old version + 1 and leaves it out of the read set;
      // a new one is written at version 0 (configtxlator's computeValuesMapUpdate).
      const before = read[section]?.[name];
      if (before === undefined) {
        into.push({ kind: versionOf(element) === '0' ? 'adds' : 'modifies', path: `${path}/${key}/${name}` });
      } else if (versionOf(element) !== versionOf(before)) {
        into.push({ kind: 'modifies', path: `${path}/${key}/${name}` });
      }
    }
  }
}

/** Every element the update adds or whose version it raises, outermost first. */
export function summariseConfigUpdate(update: unknown): ConfigChange[] {
  const { read_set: read, write_set: written } = (update ?? {}) as { read_set?: Group; write_set?: Group };
  if (written === undefined || read === undefined) {
    throw new Error('this is not a configuration update (no read_set / write_set)');
  }
  const changes: ConfigChange[] = [];
  walk('/Channel', written, read, changes);
  return changes;
}

/**
 * The changes that adding one application organisation makes, and nothing else: the new group, and the
 * application group's own version (its set of member groups changed).
 */
export function onlyAddsMember(changes: readonly ConfigChange[], mspId: string): boolean {
  const expected = [
    { kind: 'modifies', path: '/Channel/Application' },
    { kind: 'adds', path: `/Channel/Application/${mspId}` },
  ];
  return (
    changes.length === expected.length &&
    expected.every((want) => changes.some((c) => c.kind === want.kind && c.path === want.path))
  );
}

/**
 * The members an update removes. Its read and write sets do not name a removed group: the application group's write
 * set lists every member it keeps, so a removal shows only against the channel's current members.
 */
export function removedMembers(update: unknown, currentMembers: readonly string[]): ConfigChange[] {
  const written = (update as { write_set?: Group } | null)?.write_set?.groups?.Application;
  if (written?.groups === undefined) return [];
  const kept = written.groups;
  return currentMembers
    .filter((mspId) => !(mspId in kept))
    .map((mspId) => ({ kind: 'removes', path: `/Channel/Application/${mspId}` }));
}

/** The changes that removing one application organisation makes, and nothing else. */
export function onlyRemovesMember(changes: readonly ConfigChange[], mspId: string): boolean {
  return (
    changes.length === 2 &&
    changes.some((c) => c.kind === 'modifies' && c.path === '/Channel/Application') &&
    changes.some((c) => c.kind === 'removes' && c.path === `/Channel/Application/${mspId}`)
  );
}

/** The values of the ordering service's batching parameters; an update that touches only these changes no policy. */
const BATCHING_VALUES = ['/Channel/Orderer/Values/BatchTimeout', '/Channel/Orderer/Values/BatchSize'];

/** True when the update modifies the batching parameters (one or both) and nothing else. */
export function onlyChangesBatching(changes: readonly ConfigChange[]): boolean {
  return changes.length > 0 && changes.every((c) => c.kind === 'modifies' && BATCHING_VALUES.includes(c.path));
}

/** A batching field the update sets to something other than the channel has: `BatchSize.max_message_count`. */
export interface BatchingChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

/**
 * Every batching field an update sets to another value than the channel's current configuration (both decoded),
 * so the signer reads each one, absolute_max_bytes included, and not only the two this project changes.
 */
export function batchingChanges(update: unknown, current: unknown): BatchingChange[] {
  const written = ordererValues((update as { write_set?: Group } | null)?.write_set);
  const now = ordererValues((current as { channel_group?: Group } | null)?.channel_group);
  return ['BatchTimeout', 'BatchSize'].flatMap((name) => {
    const to = written[name]?.value;
    return to === undefined ? [] : fieldChanges(name, now[name]?.value ?? {}, to);
  });
}

type ValueMap = Readonly<Record<string, { value?: Readonly<Record<string, unknown>> } | undefined>>;

function ordererValues(channel: Group | undefined): ValueMap {
  return (channel?.groups?.Orderer?.values ?? {}) as ValueMap;
}

function fieldChanges(
  name: string,
  from: Readonly<Record<string, unknown>>,
  to: Readonly<Record<string, unknown>>,
): BatchingChange[] {
  return [...new Set([...Object.keys(to), ...Object.keys(from)])]
    .filter((field) => JSON.stringify(to[field]) !== JSON.stringify(from[field]))
    .map((field) => ({ field: `${name}.${field}`, from: from[field], to: to[field] }));
}

/** The fields `medrec network ordering` and `channel propose-ordering` change; nothing else may differ. */
const ADJUSTABLE_BATCHING = ['BatchTimeout.timeout', 'BatchSize.max_message_count'];

/**
 * What `--expect-ordering` accepts: an update that modifies only the batching values, and of their fields only the
 * batch timeout and the transactions per block (`batching` from batchingChanges, read against the current channel).
 */
export function onlyAdjustsBatching(changes: readonly ConfigChange[], batching: readonly BatchingChange[]): boolean {
  return onlyChangesBatching(changes) && batching.every((change) => ADJUSTABLE_BATCHING.includes(change.field));
}

export function describeChanges(changes: readonly ConfigChange[]): string {
  return changes.length === 0 ? 'changes nothing' : changes.map((c) => `${c.kind} ${c.path}`).join('; ');
}
