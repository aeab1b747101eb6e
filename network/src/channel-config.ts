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

/** Writes configtx.yaml and produces the channel's genesis block with configtxgen. */
export async function createGenesisBlock(layout: Layout, bin: FabricBinaries, topology: Topology): Promise<string> {
  const dir = layout.channelDir;
  fs.mkdirSync(dir, { recursive: true });
  const block = path.join(dir, `${CHANNEL_NAME}.genesis.block`);
  if (fs.existsSync(block)) return block;
  fs.writeFileSync(path.join(dir, 'configtx.yaml'), YAML.stringify(channelConfig(layout, topology)));
  await runCommand(
    bin.path('configtxgen'),
    ['-profile', PROFILE, '-channelID', CHANNEL_NAME, '-outputBlock', block, '-configPath', dir],
    { step: 'create the channel genesis block', env: { PATH: process.env.PATH, FABRIC_CFG_PATH: dir } },
  );
  return block;
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
