/**
 * `medrec org prepare` and `medrec channel propose-member | propose-removal | propose-ordering | sign | submit`:
 * channel configuration updates when the admins who must sign are on different hosts. Every step takes and leaves a
 * file: the joining organisation's definition, then the update envelope that collects signatures until the policy
 * is met. Each signer sees what the update changes, read against the channel as it fetches it, and with an
 * --expect-… option refuses anything else (`org rotate-tls --orderer` writes the consenter-set envelopes).
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { classifyIdentity, type ChannelTrust, type VerifiedIdentity } from '@medrec/sdk';
import {
  proposeConfigUpdate,
  readChannelConfigBlock,
  readConfigUpdate,
  signConfigUpdate,
  submitConfigUpdate,
  type ChannelConfigJson,
  type ChannelUpdateContext,
} from './channel-update';

import { checkConsenterChange, ordererOrgTlsRoots } from './consenter-certificates';
import { describeSignatures, envelopeSignatures, trustOfConfigBlock } from './config-update-signatures';
import { ORG_ADMIN } from './nodes';
import {
  batchingChanges,
  describeChanges,
  onlyAddsMember,
  onlyAdjustsBatching,
  onlyRemovesMember,
  removedMembers,
  summariseConfigUpdate,
  type ConfigChange,
} from './config-update-summary';
import { createConsortium } from './consortium';
import { genesisCommand } from './founding-commands';
import {
  applicationMembers,
  mspIdOfDefinition,
  withApplicationOrganisation,
  withoutApplicationOrganisation,
} from './org-membership';
import { withOrderingParameters } from './ordering-parameters';
import { mspCertificateFile } from './msp';
import { CHANNEL_NAME, ordererOrganisations, organisation } from './topology';
import { wholeNumber } from './cli-options';

/* eslint-disable no-console -- this is the command-line interface: the terminal is its output. */

/** Where the Raft consenter set lives in a channel configuration. */
const CONSENSUS_TYPE_PATH = '/Channel/Orderer/Values/ConsensusType';

async function contextOf(): Promise<ChannelUpdateContext & { asKnown: (org: string) => string }> {
  const consortium = createConsortium({ renderer: 'silent' });
  const topology = consortium.topology;
  return {
    layout: consortium.layout,
    bin: await consortium.binaries(),
    topology,
    // Refuses an organisation this network does not hold the admin of, naming the ones it does.
    asKnown: (org) => organisation(topology, org).key,
  };
}

interface Expectation {
  readonly expectMember?: string;
  readonly expectRemoval?: string;
  readonly expectOrdering?: boolean;
  readonly expectConsenter?: string;
}

/**
 * Shows what the envelope's update changes (a removed member read against the channel's current members, as this
 * admin fetches them); with an expected addition or removal, refuses anything else.
 */
async function checkedUpdate(
  ctx: ChannelUpdateContext & { asKnown: (org: string) => string },
  envelope: string,
  expected: Expectation & { as: string },
): Promise<void> {
  const update = await readConfigUpdate(ctx, envelope);
  const as = ctx.asKnown(expected.as);
  const { config, block } = await readChannelConfigBlock(ctx, as);
  const changes = [...summariseConfigUpdate(update), ...removedMembers(update, applicationMembers(config))];
  console.error(`› this update ${describeChanges(changes)}`);
  reportSignatures(ctx, envelope, as, trustOfConfigBlock(CHANNEL_NAME, block), changes);
  const batching = batchingChanges(update, config);
  for (const { field, from, to } of batching) {
    console.error(`›   ${field}: ${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
  }
  const { expectMember, expectRemoval, expectOrdering, expectConsenter } = expected;
  if (expectConsenter !== undefined) checkConsenterRotation(ctx, envelope, update, config, changes, expectConsenter);
  if (expectOrdering === true && !onlyAdjustsBatching(changes, batching)) {
    throw new Error(
      `${envelope} does not only change the batch timeout or the transactions per block: it ` +
        `${describeChanges(changes)}${batching.length === 0 ? '' : ` (${batching.map((c) => c.field).join(', ')})`}; ` +
        'do not sign it, ask the proposer for an update that changes those and nothing else',
    );
  }
  if (expectMember !== undefined && !onlyAddsMember(changes, expectMember)) {
    throw new Error(
      `${envelope} does not only add ${expectMember}: it ${describeChanges(changes)}; do not sign it, ask the ` +
        'proposer for an update that adds the organisation and nothing else',
    );
  }
  if (expectRemoval !== undefined && !onlyRemovesMember(changes, expectRemoval)) {
    throw new Error(
      `${envelope} does not only remove ${expectRemoval}: it ${describeChanges(changes)}; do not sign it, ask the ` +
        'proposer for an update that removes the organisation and nothing else',
    );
  }
}

/**
 * Shows who has signed the envelope (each signature verified against the channel's MSPs) and whether the policies
 * governing its changes are met once this host's admin signs too; refuses an envelope whose signature does not
 * verify, since it was changed after someone signed it.
 */
function reportSignatures(
  ctx: ChannelUpdateContext,
  envelope: string,
  as: string,
  trust: ChannelTrust,
  changes: readonly ConfigChange[],
): void {
  const signatures = envelopeSignatures(fs.readFileSync(envelope), trust);
  const own = ownAdmin(ctx, as, trust);
  const report = describeSignatures(signatures, trust, changes, own === undefined ? [] : [own]);
  for (const line of report.lines) console.error(`› ${line}`);
  if (report.forged) {
    throw new Error(
      `${envelope} carries a signature that does not verify over the update it holds: it was changed after it was ` +
        'signed. Do not sign or submit it; ask the proposer for a fresh envelope',
    );
  }
}

/** This host's admin of `org` as the channel classifies it (the identity about to sign). */
function ownAdmin(ctx: ChannelUpdateContext, org: string, trust: ChannelTrust): VerifiedIdentity | undefined {
  const mspId = organisation(ctx.topology, org).mspId;
  const definition = trust.msps.get(mspId);
  const file = mspCertificateFile(path.join(ctx.layout.identityDir(org, ORG_ADMIN), 'msp'));
  if (definition === undefined || !fs.existsSync(file)) return undefined;
  const certificatePem = fs.readFileSync(file, 'utf8');
  const certificate = new X509Certificate(certificatePem);
  const classified = classifyIdentity(certificate, definition);
  return 'problem' in classified ? undefined : { mspId, certificatePem, certificate, roles: classified.roles };
}

/** `--expect-consenter`: only the named orderer's certificate in the consenter set, issued by its operator's TLS CA. */
function checkConsenterRotation(
  ctx: ChannelUpdateContext,
  envelope: string,
  update: unknown,
  config: ChannelConfigJson,
  changes: readonly ConfigChange[],
  ordererName: string,
): void {
  const orderer = ctx.topology.orderers.find((o) => o.name === ordererName);
  if (orderer === undefined) throw new Error(`no orderer ${ordererName} in the consortium file`);
  const refuse = (why: string): Error =>
    new Error(
      `${envelope} does not only give ${ordererName} a new TLS certificate: ${why}; do not sign it, ask its ` +
        'operator for an update that changes that certificate and nothing else',
    );
  const onlyConsensusType =
    changes.length === 1 && changes[0]?.kind === 'modifies' && changes[0].path === CONSENSUS_TYPE_PATH;
  if (!onlyConsensusType) throw refuse(`it ${describeChanges(changes)}`);
  const mspId = organisation(ctx.topology, orderer.org).mspId;
  try {
    console.error(`› ${checkConsenterChange(update, config, orderer, ordererOrgTlsRoots(config, mspId)).description}`);
  } catch (err) {
    throw refuse(err instanceof Error ? err.message : String(err));
  }
}

export function orgPrepareCommand(): Command {
  return new Command('prepare')
    .description(
      'for an organisation listed under channel.joining: start its CA, enrol its admin and nodes, and write its ' +
        "channel definition (MSP with CA and TLS roots, policies, anchor peer) for a member's admin to propose",
    )
    .requiredOption('--org <name>', 'the joining organisation')
    .requiredOption('--out <file>', 'where to write the definition (JSON)')
    .action(async (opts: { org: string; out: string }) => {
      const definition = await createConsortium({ renderer: 'silent' }).prepareOrganisation(opts.org, (message) => {
        console.error(`› ${message}`);
      });
      fs.writeFileSync(opts.out, `${JSON.stringify(definition, null, 2)}\n`);
      console.log(`${mspIdOfDefinition(definition)} definition written to ${opts.out}`);
    });
}

export function channelCommand(): Command {
  const channel = new Command('channel').description(
    "channel configuration updates exchanged as files between the members' admins",
  );
  channel
    .command('propose-member')
    .description(
      "as a member's admin: compute the update that adds the organisation of a definition file (from `medrec org " +
        'prepare`) to the channel, and write it as an envelope for the other admins to sign',
    )
    .requiredOption('--definition <file>', 'the joining organisation’s definition (JSON)')
    .requiredOption('--as <org>', 'the member whose admin proposes')
    .requiredOption('--out <file>', 'where to write the update envelope')
    .action(async (opts: { definition: string; as: string; out: string }) => {
      const ctx = await contextOf();
      const definition = JSON.parse(fs.readFileSync(opts.definition, 'utf8')) as Record<string, unknown>;
      const mspId = mspIdOfDefinition(definition);
      const basedOn = await proposeConfigUpdate(
        ctx,
        ctx.asKnown(opts.as),
        withApplicationOrganisation(mspId, definition),
        opts.out,
      );
      console.log(
        basedOn === undefined
          ? `nothing to propose: ${mspId} is already a member`
          : `update adding ${mspId} (on config sequence ${String(basedOn)}) written to ${opts.out}; unsigned: ` +
              "collect a majority of the members' admins with `medrec channel sign`, then `medrec channel submit`",
      );
    });
  channel
    .command('propose-removal')
    .description(
      "as a member's admin: compute the update that removes an organisation from the channel (its certificates no " +
        'longer read, write or endorse; what it wrote stays), and write it as an envelope for the other admins to sign',
    )
    .requiredOption('--member <mspId>', 'the organisation to remove')
    .requiredOption('--as <org>', 'the member whose admin proposes')
    .requiredOption('--out <file>', 'where to write the update envelope')
    .action(async (opts: { member: string; as: string; out: string }) => {
      const ctx = await contextOf();
      const basedOn = await proposeConfigUpdate(
        ctx,
        ctx.asKnown(opts.as),
        withoutApplicationOrganisation(opts.member),
        opts.out,
      );
      console.log(
        basedOn === undefined
          ? `nothing to propose: ${opts.member} is not a member`
          : `update removing ${opts.member} (on config sequence ${String(basedOn)}) written to ${opts.out}; ` +
              "unsigned: collect the signatures of other members' admins, as many as a majority of all members " +
              '(the one removed does not sign), with `medrec channel sign ' +
              `--expect-removal ${opts.member}\`, then \`medrec channel submit\`; afterwards each admin approves its ` +
              `retirement in MedRec's registrar (POST /v1/organisations/${opts.member}/retirement)`,
      );
    });
  channel
    .command('propose-ordering')
    .description(
      "as an orderer operator's admin: compute the update that changes the channel's batching parameters and write " +
        'it as an envelope for the other operators to sign (the Orderer group: a majority of their admins)',
    )
    .option('--batch-timeout <duration>', 'how long an orderer waits before cutting a block, e.g. 250ms or 1s')
    .option('--max-messages <n>', 'transactions that fill a block (1-10000)', wholeNumber('--max-messages', 1, 10_000))
    .requiredOption('--as <org>', 'the orderer operator whose admin proposes')
    .requiredOption('--out <file>', 'where to write the update envelope')
    .action(async (opts: { batchTimeout?: string; maxMessages?: number; as: string; out: string }) => {
      if (opts.batchTimeout === undefined && opts.maxMessages === undefined) {
        throw new Error('nothing to propose: give --batch-timeout, --max-messages or both');
      }
      const ctx = await contextOf();
      const proposer = ctx.asKnown(opts.as);
      const operators = ordererOrganisations(ctx.topology).map((org) => org.key);
      if (!operators.includes(proposer)) {
        throw new Error(
          `${proposer} operates no orderer; the admin of one that does (${operators.join(', ')}) proposes`,
        );
      }
      const basedOn = await proposeConfigUpdate(
        ctx,
        proposer,
        withOrderingParameters({
          ...(opts.batchTimeout === undefined ? {} : { batchTimeout: opts.batchTimeout }),
          ...(opts.maxMessages === undefined ? {} : { maxMessageCount: opts.maxMessages }),
        }),
        opts.out,
      );
      console.log(
        basedOn === undefined
          ? 'nothing to propose: the channel already has these parameters'
          : `update of the batching parameters (on config sequence ${String(basedOn)}) written to ${opts.out}; ` +
              "unsigned: collect a majority of the orderer operators' admins with `medrec channel sign " +
              `${opts.out} --as <org> --expect-ordering\`, then \`medrec channel submit ${opts.out} --as <org> ` +
              '--expect-ordering`',
      );
    });
  channel
    .command('sign <envelope>')
    .description(
      "add an admin's signature to an update envelope (in place), after showing what it changes, who has signed it " +
        '(each signature verified) and whether the policy is met with this one; an --expect-… option refuses an ' +
        'envelope that does anything else, and an envelope whose signature does not verify is refused',
    )
    .requiredOption('--as <org>', 'the member whose admin signs')
    .option('--expect-member <mspId>', 'sign only an update that adds exactly this organisation and nothing else')
    .option('--expect-removal <mspId>', 'sign only an update that removes exactly this organisation and nothing else')
    .option('--expect-ordering', 'sign only an update that changes the batch timeout or block size and nothing else')
    .option(
      '--expect-consenter <orderer>',
      'sign only an update that gives this orderer a new TLS certificate (from its operator’s CA) and nothing else',
    )
    .action(async (envelope: string, opts: { as: string } & Expectation) => {
      const ctx = await contextOf();
      await checkedUpdate(ctx, envelope, opts);
      await signConfigUpdate(ctx, ctx.asKnown(opts.as), envelope);
      console.log(`${envelope} signed by the admin of ${opts.as}`);
    });
  channel
    .command('submit <envelope>')
    .description(
      'sign once more and submit an update envelope to an orderer, after showing what it changes and who has ' +
        'signed it (verified); the orderer refuses it, naming the policy, until enough admins have signed',
    )
    .requiredOption('--as <org>', 'the member whose admin submits')
    .option('--expect-member <mspId>', 'submit only an update that adds exactly this organisation and nothing else')
    .option('--expect-removal <mspId>', 'submit only an update that removes exactly this organisation and nothing else')
    .option('--expect-ordering', 'submit only an update that changes the batch timeout or block size and nothing else')
    .option(
      '--expect-consenter <orderer>',
      'submit only an update that gives this orderer a new TLS certificate (from its operator’s CA) and nothing else',
    )
    .action(async (envelope: string, opts: { as: string } & Expectation) => {
      const ctx = await contextOf();
      await checkedUpdate(ctx, envelope, opts);
      await submitConfigUpdate(ctx, ctx.asKnown(opts.as), envelope);
      console.log(`${envelope} submitted; the orderers accepted it`);
    });
  channel.addCommand(genesisCommand());
  return channel;
}
