import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { runCommand } from './command';
import type { FabricBinaries } from './fabric-binaries';
import type { Layout } from './layout';
import { DEFAULT_ORDERING } from './ordering-parameters';
import {
  CHANNEL_NAME,
  ordererOrganisations,
  peerOf,
  peerOrganisations,
  type Organisation,
  type Topology,
} from './topology';

const PROFILE = 'MedrecChannel';

function orgPolicies(mspId: string, memberRole: 'member' | 'peer'): Record<string, unknown> {
  const sig = (rule: string): Record<string, string> => ({ Type: 'Signature', Rule: rule });
  return {
    Readers: sig(`OR('${mspId}.member')`),
    Writers: sig(`OR('${mspId}.member')`),
    Admins: sig(`OR('${mspId}.admin')`),
    Endorsement: sig(`OR('${mspId}.${memberRole}')`),
  };
}

const implicit = (rule: string): Record<string, string> => ({ Type: 'ImplicitMeta', Rule: rule });

/**
 * A peer organisation as configtx.yaml describes it: its MSP, its policies (endorsement by its peers) and its anchor
 * peer. The genesis block takes it for the founding members, and an organisation joining later exports it.
 */
export function peerOrgSection(layout: Layout, topology: Topology, org: Organisation): Record<string, unknown> {
  // The first peer is the anchor: one peer per organisation for now.
  const peer = peerOf(topology, org.key);
  return {
    Name: org.mspId,
    ID: org.mspId,
    MSPDir: layout.orgMsp(org.key),
    Policies: orgPolicies(org.mspId, 'peer'),
    AnchorPeers: [{ Host: peer.host, Port: peer.port }],
  };
}

/**
 * The channel's configuration: Raft across the consortium's orderers, each operating organisation in the orderer
 * group with its orderers' endpoints, every peer organisation in the application group with an anchor peer, and
 * MAJORITY for both chaincode lifecycle and endorsement (any one peer may be down).
 */
export function channelConfig(layout: Layout, topology: Topology): Record<string, unknown> {
  const peerOrg = (org: Organisation): Record<string, unknown> => peerOrgSection(layout, topology, org);
  const ordererOrg = (org: Organisation): Record<string, unknown> => ({
    Name: org.mspId,
    ID: org.mspId,
    MSPDir: layout.orgMsp(org.key),
    Policies: orgPolicies(org.mspId, 'member'),
    OrdererEndpoints: topology.orderers.filter((o) => o.org === org.key).map((o) => `${o.host}:${o.port}`),
  });
  const tlsCert = (org: string, name: string): string => path.join(layout.identityDir(org, name), 'tls', 'server.crt');
  return {
    Organizations: [],
    Profiles: {
      [PROFILE]: {
        Policies: {
          Readers: implicit('ANY Readers'),
          Writers: implicit('ANY Writers'),
          Admins: implicit('MAJORITY Admins'),
        },
        Capabilities: { V2_0: true },
        Orderer: {
          OrdererType: 'etcdraft',
          Addresses: [],
          BatchTimeout: DEFAULT_ORDERING.batchTimeout,
          BatchSize: {
            MaxMessageCount: DEFAULT_ORDERING.maxMessageCount,
            AbsoluteMaxBytes: '10 MB',
            PreferredMaxBytes: '2 MB',
          },
          EtcdRaft: {
            Consenters: topology.orderers.map((o) => ({
              Host: o.host,
              Port: o.port,
              ClientTLSCert: tlsCert(o.org, o.name),
              ServerTLSCert: tlsCert(o.org, o.name),
            })),
            Options: {
              TickInterval: '500ms',
              ElectionTick: 10,
              HeartbeatTick: 1,
              MaxInflightBlocks: 5,
              SnapshotIntervalSize: '16 MB',
            },
          },
          Organizations: ordererOrganisations(topology).map(ordererOrg),
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            BlockValidation: implicit('ANY Writers'),
          },
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: peerOrganisations(topology).map(peerOrg),
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            LifecycleEndorsement: implicit('MAJORITY Endorsement'),
            Endorsement: implicit('MAJORITY Endorsement'),
          },
          Capabilities: { V2_5: true },
        },
      },
    },
  };
}

/** Writes configtx.yaml into `dir` and produces a genesis block there with configtxgen; returns the block's path. */
async function generateGenesisBlock(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  dir: string,
): Promise<string> {
  const block = path.join(dir, `${CHANNEL_NAME}.genesis.block`);
  fs.writeFileSync(path.join(dir, 'configtx.yaml'), YAML.stringify(channelConfig(layout, topology)));
  await runCommand(
    bin.path('configtxgen'),
    ['-profile', PROFILE, '-channelID', CHANNEL_NAME, '-outputBlock', block, '-configPath', dir],
    { step: 'create the channel genesis block', env: { PATH: process.env.PATH, FABRIC_CFG_PATH: dir } },
  );
  return block;
}

/** Where this host keeps the channel's genesis block. */
export function genesisBlockFile(layout: Layout): string {
  return path.join(layout.channelDir, `${CHANNEL_NAME}.genesis.block`);
}

/** The channel's genesis block: created once with configtxgen, then always that same file. */
export async function createGenesisBlock(layout: Layout, bin: FabricBinaries, topology: Topology): Promise<string> {
  const block = genesisBlockFile(layout);
  if (fs.existsSync(block)) return block;
  fs.mkdirSync(layout.channelDir, { recursive: true });
  return generateGenesisBlock(layout, bin, topology, layout.channelDir);
}

/**
 * The configuration a genesis block carries, decoded: what this host computes from the definitions it holds is
 * compared with what a block received from another founder says (configtxgen is deterministic in the
 * configuration; only the block's header, timestamp and nonce differ between two runs).
 */
async function decodedBlock(bin: FabricBinaries, block: string, dir: string): Promise<unknown> {
  const out = path.join(dir, `${path.basename(block)}.json`);
  await runCommand(
    bin.path('configtxlator'),
    ['proto_decode', '--input', block, '--type', 'common.Block', '--output', out],
    {
      step: 'decode a genesis block (configtxlator proto_decode)',
      env: { PATH: process.env.PATH },
      timeoutMs: 30_000,
    },
  );
  return JSON.parse(fs.readFileSync(out, 'utf8')) as unknown;
}

/** What a received genesis block says beside its configuration: block 0 of this channel. */
function headerOf(decoded: unknown): { number: string; channel: unknown } {
  const block = decoded as {
    header?: { number?: unknown };
    data?: { data?: { payload?: { header?: { channel_header?: { channel_id?: unknown } } } }[] };
  };
  const number = block.header?.number;
  return {
    number: typeof number === 'string' || typeof number === 'number' ? String(number) : '',
    channel: block.data?.data?.[0]?.payload?.header?.channel_header?.channel_id,
  };
}

/**
 * Checks a genesis block another founder created: block 0 of this channel whose configuration is exactly the one
 * this host computes from the definitions it created and imported. Throws naming the difference's place otherwise.
 */
export async function verifyGenesisBlock(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  received: string,
): Promise<void> {
  fs.mkdirSync(layout.channelDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(layout.channelDir, 'verify-'));
  try {
    const theirs = await decodedBlock(bin, received, dir);
    const header = headerOf(theirs);
    if (header.number !== '0' || header.channel !== CHANNEL_NAME) {
      throw new Error(
        `${received} is block ${header.number} of channel ${String(header.channel)}, not the genesis block of ` +
          `${CHANNEL_NAME}; ask the founder who created it for ${CHANNEL_NAME}.genesis.block`,
      );
    }
    const ours = await decodedBlock(bin, await generateGenesisBlock(layout, bin, topology, dir), dir);
    const difference = firstDifference(configOf(ours), configOf(theirs), 'config');
    if (difference !== undefined) {
      throw new Error(
        `${received} does not carry the configuration this host computes from the definitions it holds (first ` +
          `difference at ${difference}); do not join with it: compare the definitions' fingerprints with the other ` +
          'founders and create the block again',
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function configOf(decoded: unknown): unknown {
  return (decoded as { data?: { data?: { payload?: { data?: { config?: unknown } } }[] } }).data?.data?.[0]?.payload
    ?.data?.config;
}

/** The path of the first place two decoded JSON values differ (key order ignored), or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, where: string): string | undefined {
  if (a === b) return undefined;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  ) {
    return where;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  for (const key of keys) {
    const found = firstDifference(left[key], right[key], `${where}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A peer organisation's definition as a channel configuration group (configtxgen -printOrg): MSP with its CA and TLS
 * roots, policies, anchor peer. The organisation exports it; an existing member's admin proposes adding it.
 */
export async function printOrgDefinition(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  org: Organisation,
): Promise<Record<string, unknown>> {
  fs.mkdirSync(layout.channelDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(layout.channelDir, `definition-${org.key}-`));
  try {
    fs.writeFileSync(
      path.join(dir, 'configtx.yaml'),
      YAML.stringify({ Organizations: [peerOrgSection(layout, topology, org)] }),
    );
    const out = await runCommand(bin.path('configtxgen'), ['-printOrg', org.mspId, '-configPath', dir], {
      step: `export the channel definition of ${org.key} (configtxgen -printOrg)`,
      env: { PATH: process.env.PATH, FABRIC_CFG_PATH: dir },
    });
    return JSON.parse(out) as Record<string, unknown>;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
