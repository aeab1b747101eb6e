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
      const before = read[section]?.[name];
      if (before === undefined) into.push({ kind: 'adds', path: `${path}/${key}/${name}` });
      else if (versionOf(element) !== versionOf(before))
        into.push({ kind: 'modifies', path: `${path}/${key}/${name}` });
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

export function describeChanges(changes: readonly ConfigChange[]): string {
  return changes.length === 0 ? 'changes nothing' : changes.map((c) => `${c.kind} ${c.path}`).join('; ');
}
