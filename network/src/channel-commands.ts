/**
 * `medrec org prepare` and `medrec channel propose-member | sign | submit`: admitting an organisation when the
 * admins who must sign are on different hosts. Every step takes and leaves a file: the joining organisation's
 * definition, then the update envelope that collects signatures until the channel's admin policy is met.
 */
import fs from 'node:fs';
import { Command } from 'commander';
import {
  proposeConfigUpdate,
  readChannelConfig,
  readConfigUpdate,
  signConfigUpdate,
  submitConfigUpdate,
  type ChannelUpdateContext,
} from './channel-update';
import {
  describeChanges,
  onlyAddsMember,
  onlyRemovesMember,
  removedMembers,
  summariseConfigUpdate,
} from './config-update-summary';
import { createConsortium } from './consortium';
import { genesisCommand } from './founding-commands';
import {
  applicationMembers,
  mspIdOfDefinition,
  withApplicationOrganisation,
  withoutApplicationOrganisation,
} from './org-membership';
import { organisation } from './topology';

/* eslint-disable no-console -- this is the command-line interface: the terminal is its output. */

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
  const current = applicationMembers(await readChannelConfig(ctx, ctx.asKnown(expected.as)));
  const changes = [...summariseConfigUpdate(update), ...removedMembers(update, current)];
  console.error(`› this update ${describeChanges(changes)}`);
  const { expectMember, expectRemoval } = expected;
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
    .command('sign <envelope>')
    .description(
      "add an admin's signature to an update envelope (in place), after showing what it changes; with " +
        '--expect-member, refuse an envelope that does anything but add that organisation',
    )
    .requiredOption('--as <org>', 'the member whose admin signs')
    .option('--expect-member <mspId>', 'sign only an update that adds exactly this organisation and nothing else')
    .option('--expect-removal <mspId>', 'sign only an update that removes exactly this organisation and nothing else')
    .action(async (envelope: string, opts: { as: string } & Expectation) => {
      const ctx = await contextOf();
      await checkedUpdate(ctx, envelope, opts);
      await signConfigUpdate(ctx, ctx.asKnown(opts.as), envelope);
      console.log(`${envelope} signed by the admin of ${opts.as}`);
    });
  channel
    .command('submit <envelope>')
    .description(
      'sign once more and submit an update envelope to an orderer, after showing what it changes; it is refused, ' +
        'naming the policy, until enough admins have signed',
    )
    .requiredOption('--as <org>', 'the member whose admin submits')
    .option('--expect-member <mspId>', 'submit only an update that adds exactly this organisation and nothing else')
    .option('--expect-removal <mspId>', 'submit only an update that removes exactly this organisation and nothing else')
    .action(async (envelope: string, opts: { as: string } & Expectation) => {
      const ctx = await contextOf();
      await checkedUpdate(ctx, envelope, opts);
      await submitConfigUpdate(ctx, ctx.asKnown(opts.as), envelope);
      console.log(`${envelope} submitted; the orderers accepted it`);
    });
  channel.addCommand(genesisCommand());
  return channel;
}
