/**
 * The rules of a consortium file that span fields: what its shape (consortium-schema.ts) cannot say. Each problem
 * names where in the file it is and what to change, so an operator can fix a file without reading this code.
 */
import type { ConsortiumSpec, OrganisationSpec } from './consortium-schema';

export interface ConsortiumProblem {
  /** Where in the file, e.g. organisations[1].peers[0].port. */
  readonly path: string;
  readonly message: string;
}

interface Listener {
  readonly path: string;
  readonly host: string;
  readonly port: number;
}

/** Every port an organisation's processes listen on, with where each is written. */
function organisationListeners(org: OrganisationSpec, at: string): Listener[] {
  const listen = (path: string, port: number | undefined): Listener[] =>
    port === undefined ? [] : [{ path: `${at}.${path}`, host: org.host, port }];
  return [
    ...listen('ca.port', org.ca.port),
    ...listen('ca.operationsPort', org.ca.operationsPort),
    ...org.peers.flatMap((peer, i) => [
      ...listen(`peers[${i}].port`, peer.port),
      ...listen(`peers[${i}].chaincodeListenPort`, peer.chaincodeListenPort),
      ...listen(`peers[${i}].operationsPort`, peer.operationsPort),
    ]),
    ...listen('chaincodeServerPort', org.chaincodeServerPort),
    ...listen('apiPort', org.apiPort),
    ...listen('gatekeeperPort', org.gatekeeperPort),
  ];
}

function listeners(spec: ConsortiumSpec): Listener[] {
  const hostOf = new Map(spec.organisations.map((o) => [o.name, o.host]));
  return [
    ...spec.organisations.flatMap((org, i) => organisationListeners(org, `organisations[${i}]`)),
    ...spec.orderers.flatMap((orderer, i) => {
      const host = hostOf.get(orderer.operator);
      if (host === undefined) return []; // reported as an unknown operator
      const at = `orderers[${i}]`;
      return [
        { path: `${at}.port`, host, port: orderer.port },
        { path: `${at}.adminPort`, host, port: orderer.adminPort },
        { path: `${at}.operationsPort`, host, port: orderer.operationsPort },
      ];
    }),
  ];
}

/** Values that must be unique: a problem at every repeat, naming where the value first appeared. */
function duplicates(entries: readonly { path: string; value: string }[], what: string): ConsortiumProblem[] {
  const first = new Map<string, string>();
  const problems: ConsortiumProblem[] = [];
  for (const { path, value } of entries) {
    const earlier = first.get(value);
    if (earlier === undefined) first.set(value, path);
    else
      problems.push({ path, message: `${what} "${value}" is already used at ${earlier}; give each a different one` });
  }
  return problems;
}

function uniquenessProblems(spec: ConsortiumSpec): ConsortiumProblem[] {
  const orgs = spec.organisations;
  // Peers, orderers and CAs share one namespace: pid files, logs and ledger directories are named after them.
  const nodes = [
    ...orgs.map((o, i) => ({ path: `organisations[${i}].name`, value: `ca.${o.name}` })),
    ...orgs.flatMap((o, i) => o.peers.map((p, j) => ({ path: `organisations[${i}].peers[${j}].name`, value: p.name }))),
    ...spec.orderers.map((o, i) => ({ path: `orderers[${i}].name`, value: o.name })),
  ];
  return [
    ...duplicates(
      orgs.map((o, i) => ({ path: `organisations[${i}].name`, value: o.name })),
      'organisation name',
    ),
    ...duplicates(
      orgs.map((o, i) => ({ path: `organisations[${i}].mspId`, value: o.mspId })),
      'mspId',
    ),
    ...duplicates(nodes, 'node name'),
    ...duplicates(channelEntries(spec), 'channel member'),
  ];
}

function ordererProblems(spec: ConsortiumSpec): ConsortiumProblem[] {
  const names = new Set(spec.organisations.map((o) => o.name));
  const problems: ConsortiumProblem[] = spec.orderers.flatMap((orderer, i) =>
    names.has(orderer.operator)
      ? []
      : [
          {
            path: `orderers[${i}].operator`,
            message: `"${orderer.operator}" is not an organisation of this file; name one of ${[...names].join(', ')}`,
          },
        ],
  );
  // Raft commits with a majority: an even count tolerates no more faults than one orderer fewer, and splits evenly.
  if (spec.orderers.length % 2 === 0) {
    problems.push({
      path: 'orderers',
      message:
        `lists ${spec.orderers.length} orderers; Raft needs an odd number (1, 3, 5, ...) so a majority always ` +
        'exists: add or remove one',
    });
  }
  return problems;
}

/** The founding members and the organisations that join later, each with its path in the file. */
function channelEntries(spec: ConsortiumSpec): { path: string; value: string }[] {
  return [
    ...spec.channel.members.map((value, i) => ({ path: `channel.members[${String(i)}]`, value })),
    ...spec.channel.joining.map((value, i) => ({ path: `channel.joining[${String(i)}]`, value })),
  ];
}

/**
 * Channel members (founding or joining) run peers and the services on them; an organisation without peers only
 * operates orderers.
 */
function membershipProblems(spec: ConsortiumSpec): ConsortiumProblem[] {
  const problems: ConsortiumProblem[] = [];
  const byName = new Map(spec.organisations.map((o, i) => [o.name, { org: o, at: `organisations[${i}]` }]));
  channelEntries(spec).forEach(({ path: entryPath, value: member }) => {
    const found = byName.get(member);
    if (found === undefined) {
      problems.push({
        path: entryPath,
        message: `"${member}" is not an organisation of this file; name one listed under organisations`,
      });
    } else if (found.org.peers.length === 0) {
      problems.push({
        path: `${found.at}.peers`,
        message: `${member} is a channel member but runs no peer; give it at least one peer or remove it from channel.members`,
      });
    }
  });
  const members = new Set(channelEntries(spec).map((entry) => entry.value));
  for (const { org, at } of byName.values()) {
    const services = (['chaincodeServerPort', 'apiPort', 'gatekeeperPort'] as const).filter(
      (field) => org[field] === undefined,
    );
    if (members.has(org.name)) {
      for (const field of services) {
        problems.push({ path: `${at}.${field}`, message: `is missing: ${org.name} is a channel member and runs it` });
      }
    } else if (org.peers.length > 0) {
      problems.push({
        path: `${at}.peers`,
        message:
          `${org.name} runs peers but is not a channel member; add it to channel.members (or channel.joining) or ` +
          'remove its peers',
      });
    } else if (services.length < 3) {
      problems.push({
        path: at,
        message:
          `${org.name} runs no peer, so no chaincode server, API or gatekeeper either; remove chaincodeServerPort, ` +
          'apiPort and gatekeeperPort',
      });
    }
  }
  return problems;
}

function portProblems(spec: ConsortiumSpec, portBase: number): ConsortiumProblem[] {
  const all = listeners(spec);
  const outOfRange = all.flatMap(({ path, port }) => {
    const actual = portBase + port;
    return actual >= 1 && actual <= 65535
      ? []
      : [
          {
            path,
            message:
              `${port} + port base ${portBase} = ${actual}, not a port (1-65535); with portBase 0 write the absolute ` +
              'port, otherwise the offset from the base',
          },
        ];
  });
  const taken = duplicates(
    all.map(({ path, host, port }) => ({ path, value: `${host}:${portBase + port}` })),
    'host:port',
  );
  return [...outOfRange, ...taken];
}

/** Every rule a consortium file breaks with this port base; none means it can be run. */
export function consortiumProblems(spec: ConsortiumSpec, portBase: number): ConsortiumProblem[] {
  return [
    ...uniquenessProblems(spec),
    ...ordererProblems(spec),
    ...membershipProblems(spec),
    ...portProblems(spec, portBase),
  ];
}
