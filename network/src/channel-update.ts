/**
 * Channel configuration updates, in the steps Fabric documents ("Updating a channel configuration"): fetch the
 * newest config block from an orderer, decode it with configtxlator, change the decoded config, compute the update,
 * wrap it in an envelope, collect the signatures its modification policies require, submit it to an orderer.
 * Proposing, signing and submitting each take and leave one envelope file, so that admins on other hosts can pass
 * it on as a file; on one machine `applyConfigUpdate` runs all three.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { runCommand } from './command';
import type { FabricBinaries } from './fabric-binaries';
import type { Layout } from './layout';
import { portOpen } from './health';
import { adminCliEnv, assertAdminsHere } from './nodes';
import { CHANNEL_NAME, type OrdererNode, type OrgKey, type Topology } from './topology';

export interface ChannelUpdateContext {
  readonly layout: Layout;
  readonly bin: FabricBinaries;
  readonly topology: Topology;
}

/** configtxlator's JSON of a common.Config: only the paths this project changes are typed. */
export type ChannelConfigJson = Record<string, unknown>;

/** A change to the decoded config; it mutates its argument (a private deep copy). */
export type ConfigMutation = (config: ChannelConfigJson) => void;

/** The header type of a CONFIG_UPDATE envelope (common.HeaderType). */
const CONFIG_UPDATE = 2;

function orderingFlags(ctx: ChannelUpdateContext, orderer: OrdererNode): string[] {
  return ['-o', `${orderer.host}:${String(orderer.port)}`, '--tls', '--cafile', ctx.layout.caCert(orderer.org)];
}

/**
 * The first orderer that accepts connections: a configuration change must not need one particular orderer to be up
 * (the Raft leader may be the one that is down; a follower forwards to the leader). Only reachability picks the
 * orderer: a refusal by the one reached (a policy not met) is the answer, not a reason to ask the next.
 */
async function reachableOrderer(ctx: ChannelUpdateContext): Promise<OrdererNode> {
  for (const orderer of ctx.topology.orderers) {
    if (await portOpen(orderer.host, orderer.port)) return orderer;
  }
  throw new Error(
    `no orderer of ${CHANNEL_NAME} accepts connections (${ctx.topology.orderers.map((o) => `${o.host}:${String(o.port)}`).join(', ')}); ` +
      'start the ordering service (`medrec network up`) and try again',
  );
}

async function translate(ctx: ChannelUpdateContext, verb: string, args: readonly string[]): Promise<void> {
  await runCommand(ctx.bin.path('configtxlator'), [verb, ...args], {
    step: `configtxlator ${verb}`,
    env: { PATH: process.env.PATH },
    timeoutMs: 30_000,
  });
}

function workDir(ctx: ChannelUpdateContext): string {
  fs.mkdirSync(ctx.layout.channelDir, { recursive: true });
  return fs.mkdtempSync(path.join(ctx.layout.channelDir, 'update-'));
}

/** The channel's current configuration, decoded, as the given organisation's admin fetches it from an orderer. */
export async function readChannelConfig(ctx: ChannelUpdateContext, asOrg: OrgKey): Promise<ChannelConfigJson> {
  return (await readChannelConfigBlock(ctx, asOrg)).config;
}

/** The same, with the config block's bytes as fetched (for checks that need the protobuf, such as signatures). */
export async function readChannelConfigBlock(
  ctx: ChannelUpdateContext,
  asOrg: OrgKey,
): Promise<{ config: ChannelConfigJson; block: Uint8Array }> {
  const dir = workDir(ctx);
  try {
    const block = path.join(dir, 'config.block');
    const orderer = await reachableOrderer(ctx);
    await runCommand(
      ctx.bin.path('peer'),
      ['channel', 'fetch', 'config', block, '-c', CHANNEL_NAME, ...orderingFlags(ctx, orderer)],
      {
        step: `fetch the config block of ${CHANNEL_NAME} from ${orderer.name}`,
        env: adminCliEnv(ctx.layout, ctx.bin, ctx.topology, asOrg),
        timeoutMs: 20_000,
      },
    );
    const decoded = path.join(dir, 'config.block.json');
    await translate(ctx, 'proto_decode', ['--input', block, '--type', 'common.Block', '--output', decoded]);
    return { config: configOfBlock(JSON.parse(fs.readFileSync(decoded, 'utf8'))), block: fs.readFileSync(block) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** data.data[0].payload.data.config of a decoded config block. */
export function configOfBlock(block: unknown): ChannelConfigJson {
  const config = at(block, ['data', 'data', 0, 'payload', 'data', 'config']);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new Error('the fetched block is not a config block (no data.data[0].payload.data.config)');
  }
  return config as ChannelConfigJson;
}

/** Reads a path through decoded protobuf JSON; undefined where it does not exist. */
export function at(value: unknown, pathParts: readonly (string | number)[]): unknown {
  let current: unknown = value;
  for (const part of pathParts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/** The config's sequence number: it grows by one with every configuration update the channel applies. */
export function configSequence(config: ChannelConfigJson): number {
  const sequence = Number(at(config, ['sequence']) ?? 0);
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new Error('the channel config has no valid sequence');
  return sequence;
}

/**
 * Writes the envelope of a configuration update that turns the current config into mutate(config), and returns the
 * sequence of the config it is based on. Returns undefined, writing nothing, when the mutation changes nothing
 * (configtxlator would refuse an empty update).
 */
export async function proposeConfigUpdate(
  ctx: ChannelUpdateContext,
  asOrg: OrgKey,
  mutate: ConfigMutation,
  envelopeFile: string,
): Promise<number | undefined> {
  const original = await readChannelConfig(ctx, asOrg);
  const updated = structuredClone(original);
  mutate(updated);
  if (isDeepStrictEqual(original, updated)) return undefined;
  const dir = workDir(ctx);
  try {
    const file = (name: string): string => path.join(dir, name);
    fs.writeFileSync(file('original.json'), JSON.stringify(original));
    fs.writeFileSync(file('updated.json'), JSON.stringify(updated));
    for (const name of ['original', 'updated']) {
      await translate(ctx, 'proto_encode', [
        '--input',
        file(`${name}.json`),
        '--type',
        'common.Config',
        '--output',
        file(`${name}.pb`),
      ]);
    }
    await translate(ctx, 'compute_update', [
      '--channel_id',
      CHANNEL_NAME,
      '--original',
      file('original.pb'),
      '--updated',
      file('updated.pb'),
      '--output',
      file('update.pb'),
    ]);
    await translate(ctx, 'proto_decode', [
      '--input',
      file('update.pb'),
      '--type',
      'common.ConfigUpdate',
      '--output',
      file('update.json'),
    ]);
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: CHANNEL_NAME, type: CONFIG_UPDATE } },
        data: { config_update: JSON.parse(fs.readFileSync(file('update.json'), 'utf8')) as unknown },
      },
    };
    fs.writeFileSync(file('envelope.json'), JSON.stringify(envelope));
    await translate(ctx, 'proto_encode', [
      '--input',
      file('envelope.json'),
      '--type',
      'common.Envelope',
      '--output',
      envelopeFile,
    ]);
    return configSequence(original);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The configuration update an envelope carries (decoded common.ConfigUpdate), to show or check before signing. */
export async function readConfigUpdate(ctx: ChannelUpdateContext, envelopeFile: string): Promise<unknown> {
  const dir = workDir(ctx);
  try {
    const decoded = path.join(dir, 'envelope.json');
    await translate(ctx, 'proto_decode', ['--input', envelopeFile, '--type', 'common.Envelope', '--output', decoded]);
    const update = at(JSON.parse(fs.readFileSync(decoded, 'utf8')), ['payload', 'data', 'config_update']);
    if (update === undefined) throw new Error(`${envelopeFile} is not a configuration update envelope`);
    return update;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Adds the organisation admin's signature to the update envelope (in place). */
export async function signConfigUpdate(ctx: ChannelUpdateContext, org: OrgKey, envelopeFile: string): Promise<void> {
  await runCommand(ctx.bin.path('peer'), ['channel', 'signconfigtx', '-f', envelopeFile], {
    step: `sign the configuration update as the admin of ${org}`,
    env: adminCliEnv(ctx.layout, ctx.bin, ctx.topology, org),
    timeoutMs: 20_000,
  });
}

/** Submits the update (signed once more by the submitting admin) to an orderer, which checks its policies. */
export async function submitConfigUpdate(ctx: ChannelUpdateContext, org: OrgKey, envelopeFile: string): Promise<void> {
  const orderer = await reachableOrderer(ctx);
  await runCommand(
    ctx.bin.path('peer'),
    ['channel', 'update', '-f', envelopeFile, '-c', CHANNEL_NAME, ...orderingFlags(ctx, orderer)],
    {
      step:
        `submit the configuration update to ${orderer.name} as the admin of ${org} (a refusal names the ` +
        'policy whose admins have not all signed yet)',
      env: adminCliEnv(ctx.layout, ctx.bin, ctx.topology, org),
      timeoutMs: 30_000,
    },
  );
}

/**
 * Proposes, signs and submits an update on one machine that holds every signer's admin identity. The last signer
 * submits; the others sign first. Waits until an orderer serves the config the update made.
 */
export async function applyConfigUpdate(
  ctx: ChannelUpdateContext,
  signers: readonly OrgKey[],
  mutate: ConfigMutation,
  progress: (message: string) => void,
): Promise<boolean> {
  const submitter = signers.at(-1);
  if (submitter === undefined) throw new Error('a configuration update needs at least one signing organisation');
  // Before anything is computed or signed: a founder's own directory holds no other organisation's admin.
  assertAdminsHere(ctx.layout, signers);
  const dir = workDir(ctx);
  try {
    const envelope = path.join(dir, 'update.envelope.pb');
    progress('computing the configuration update');
    const basedOn = await proposeConfigUpdate(ctx, submitter, mutate, envelope);
    if (basedOn === undefined) {
      progress('the channel already has this configuration; nothing to update');
      return false;
    }
    for (const org of signers.slice(0, -1)) {
      progress(`signing as the admin of ${org}`);
      await signConfigUpdate(ctx, org, envelope);
    }
    progress(`submitting as the admin of ${submitter}`);
    await submitConfigUpdate(ctx, submitter, envelope);
    // The orderer validated and ordered it; an orderer serves the new config once the block is cut.
    const deadline = Date.now() + 60_000;
    while (configSequence(await readChannelConfig(ctx, submitter)) <= basedOn) {
      if (Date.now() > deadline) {
        throw new Error('the configuration update was submitted but no config block with it appeared within 60 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return true;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
