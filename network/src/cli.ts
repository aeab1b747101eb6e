import { Command, Option } from 'commander';
import { createConsortium, type Consortium, type NetworkStatus } from './consortium';
import { finishOrdererTls, proposeOrdererTls } from './tls-rotation';
import { adminTokenFile, apiUrl, issueUserToken, registerUserWithToken } from './api-process';
import { seedNetwork } from './seed-network';
import { trendsCommand } from './trend-commands';
import { calendarDay } from './cli-options';
import { auditCommand } from './audit-commands';
import { channelCommand, orgPrepareCommand } from './channel-commands';
import { foundingCommands } from './founding-commands';
import fs from 'node:fs';
import path from 'node:path';
import { hostsCommand } from './host-commands';
import { organisationProcessUnits, writeOrganisationUnits } from './organisation-units';
import { renderUnits, targetName } from './systemd-units';
import {
  dueForRenewal,
  mergeExpiry,
  organisationCertificateExpiry,
  walletCertificateExpiry,
  type CertificateExpiry,
} from './certificate-expiry';
import { openOrgWallet } from './user-provisioning';
import { walletDirectory } from './wallet-secret';
import { incentiveCommand, minerCommand } from './miner-commands';
import { ROLES, type Role } from '@medrec/contract';
import { idOption, PEER_ORG_HELP, peerOrg, role, wholeNumber } from './cli-options';
import { newParticipantId } from '@medrec/sdk';
import { firstPeers, organisation, type OrgKey, type PeerOrgKey, type Topology } from './topology';

/* eslint-disable no-console -- this is the command-line interface: the terminal is its output. */

function printStatus(status: NetworkStatus): void {
  console.log(
    `MEDREC_HOME ${status.home}   channel ${status.channel}` +
      (status.chaincode
        ? `   chaincode ${status.chaincode.name} v${status.chaincode.version} sequence ${status.chaincode.sequence}`
        : ''),
  );
  for (const node of status.nodes) {
    const height = node.blockHeight === undefined ? '' : `  height ${node.blockHeight}`;
    console.log(
      `  ${node.up ? 'up  ' : 'DOWN'}  ${node.kind.padEnd(9)} ${node.name.padEnd(20)} ${node.org.padEnd(10)} ${node.address}${height}`,
    );
  }
  for (const api of status.apis) console.log(`  api       ${api.org.padEnd(20)} ${api.url}`);
}

/** The expiry report as a table: days left, state, kind, owner, end of validity. */
function printCertificateExpiry(report: readonly CertificateExpiry[]): void {
  for (const entry of report) {
    const days = entry.state === 'unreadable' ? '?' : String(entry.daysLeft);
    console.log(
      `  ${days.padStart(6)} days  ${entry.state.padEnd(10)} ${entry.kind.padEnd(13)} ${entry.owner.padEnd(20)} ` +
        (entry.notAfter === '' ? entry.file : entry.notAfter),
    );
  }
}

/** An organisation of the network's consortium file (any, with or without peers); refuses others, naming them. */
function organisationKey(topology: Topology, name: string): OrgKey {
  return organisation(topology, name).key;
}

/** The status lines of one organisation's processes. */
function onlyOrganisation(status: NetworkStatus, org: OrgKey): NetworkStatus {
  return {
    ...status,
    nodes: status.nodes.filter((node) => node.org === org),
    apis: status.apis.filter((api) => api.org === org),
  };
}

interface SeedCommandOptions {
  seed: number;
  patients: number;
  clinicians: number;
  recordsPerPatient: number;
  ironWeeks: number;
  ironEnd?: string;
}

/** --consortium <file>: which consortium file to run (docs/consortium-file.md). */
/** `org rotate-tls --orderer`: the file-exchange form, on the operator's own host (its admin signs; others follow). */
async function rotateOrdererTlsByFiles(
  consortium: Consortium,
  org: OrgKey,
  opts: { orderer: string; out?: string | undefined; finish?: boolean | undefined },
  progress: (message: string) => void,
): Promise<void> {
  const orderer = consortium.topology.orderers.find((o) => o.name === opts.orderer);
  if (orderer?.org !== org) throw new Error(`${opts.orderer} is not an orderer that ${org} operates`);
  const ctx = { layout: consortium.layout, bin: await consortium.binaries(), topology: consortium.topology };
  if (opts.finish === true) {
    if (opts.out !== undefined)
      throw new Error('--finish takes no --out: it restarts the orderer once the update is in');
    await finishOrdererTls(ctx, orderer.name, progress);
    return;
  }
  if (opts.out === undefined) {
    throw new Error('--orderer needs --out <file> (to propose a new certificate) or --finish (once it is submitted)');
  }
  await proposeOrdererTls(ctx, orderer.name, opts.out, progress);
  console.log(
    `next: the other orderer operators' admins run \`medrec channel sign ${opts.out} --as <org> --expect-consenter ` +
      `${orderer.name}\` until a majority of the operators has signed, one submits it (\`medrec channel submit\`), ` +
      `then \`medrec org rotate-tls --org ${org} --orderer ${orderer.name} --finish\` here`,
  );
}

function consortiumOption(): Option {
  return new Option(
    '--consortium <file>',
    'consortium file (default: the one the network was created with, else MEDREC_CONSORTIUM, else ' +
      'network/consortium/local.yaml)',
  );
}

/** createConsortium's options for a command that takes --consortium. */
function chosenFile(opts: { consortium?: string }): { consortiumFile?: string } {
  return opts.consortium === undefined ? {} : { consortiumFile: opts.consortium };
}

export function buildCli(): Command {
  const program = new Command('medrec').description('MedRec on Hyperledger Fabric').showHelpAfterError();
  const network = program
    .command('network')
    .description(
      'the consortium network its consortium file describes (by default 3 Raft orderers, 3 peer organisations and ' +
        '4 CAs on this machine)',
    );

  network
    .command('up')
    .description('build what is missing and start the network; resumes a stopped network with its ledger')
    .addOption(consortiumOption())
    .action(async (opts: { consortium?: string }) => {
      const consortium = createConsortium(chosenFile(opts));
      await consortium.up();
      printStatus(await consortium.status());
    });

  network
    .command('down')
    .description('stop the processes this project started (data kept)')
    .option('--purge', 'also delete all network data (ledgers, CAs, identities)')
    .addOption(consortiumOption())
    .action(async (opts: { purge?: boolean; consortium?: string }) => {
      await createConsortium({ renderer: 'silent', ...chosenFile(opts) }).down({ purge: opts.purge === true });
      console.log(
        opts.purge === true
          ? 'network stopped and its data removed'
          : 'network stopped (data kept; `medrec network up` resumes it)',
      );
    });

  network
    .command('status')
    .description('every node: up/down, address, block height; and each organisation API URL')
    .option('--json', 'machine-readable output')
    .addOption(consortiumOption())
    .action(async (opts: { json?: boolean; consortium?: string }) => {
      const status = await createConsortium({ renderer: 'silent', ...chosenFile(opts) }).status();
      if (opts.json === true) console.log(JSON.stringify(status, null, 2));
      else printStatus(status);
    });

  network
    .command('upgrade-chaincode')
    .description('deploy the current build of the chaincode as the next lifecycle sequence')
    .action(async () => {
      const definition = await createConsortium().upgradeChaincode();
      console.log(`chaincode ${definition.name} now at sequence ${definition.sequence}`);
    });

  network
    .command('ordering')
    .description(
      "show the channel's batching parameters; with options, change them by a configuration update signed by the " +
        'orderer organisations (docs/benchmarks.md has the measured trade-off)',
    )
    .option('--batch-timeout <duration>', 'how long an orderer waits before cutting a block, e.g. 250ms or 1s')
    .option('--max-messages <n>', 'transactions that fill a block (1-10000)', wholeNumber('--max-messages', 1, 10_000))
    .action(async (opts: { batchTimeout?: string; maxMessages?: number }) => {
      const consortium = createConsortium({ renderer: 'silent' });
      if (opts.batchTimeout !== undefined || opts.maxMessages !== undefined) {
        const changed = await consortium.setOrderingParameters(
          {
            ...(opts.batchTimeout === undefined ? {} : { batchTimeout: opts.batchTimeout }),
            ...(opts.maxMessages === undefined ? {} : { maxMessageCount: opts.maxMessages }),
          },
          (message) => {
            console.error(`› ${message}`);
          },
        );
        if (!changed) console.error('› no change');
      }
      const current = await consortium.orderingParameters();
      console.log(`batch timeout ${current.batchTimeout}   max messages per block ${String(current.maxMessageCount)}`);
    });

  for (const verb of ['stop-node', 'start-node'] as const) {
    network
      .command(`${verb} <name>`)
      .description(`${verb === 'stop-node' ? 'stop' : 'start'} one peer or orderer (fault drills)`)
      .action(async (name: string) => {
        const consortium = createConsortium({ renderer: 'silent' });
        if (verb === 'stop-node') await consortium.stopNode(name);
        else await consortium.startNode(name);
      });
  }

  program.addCommand(hostsCommand());

  const org = program
    .command('org')
    .description('organisations of the consortium: found, run, join and leave the channel');
  org.addCommand(orgPrepareCommand());
  for (const command of foundingCommands()) org.addCommand(command);
  org
    .command('up')
    .description(
      "start one organisation's processes on the host it runs on (its CA, the orderers it operates, its peers and " +
        'chaincode server, gatekeeper, API and miner), once `medrec network up` has created the network; the other ' +
        'organisations are not touched',
    )
    .requiredOption('--org <name>', 'the organisation (as named in the consortium file)')
    .action(async (opts: { org: string }) => {
      const consortium = createConsortium({ renderer: 'silent' });
      await consortium.startOrganisation(organisationKey(consortium.topology, opts.org), (message) => {
        console.error(`› ${message}`);
      });
      printStatus(onlyOrganisation(await consortium.status(), opts.org));
    });
  org
    .command('units')
    .description(
      "write systemd units for one organisation's processes on this host (the commands `org up` runs), a target " +
        "that starts them together, and each one's environment in a file of its own (0600: it holds secrets)",
    )
    .requiredOption('--org <name>', 'the organisation (as named in the consortium file)')
    .option('--out <dir>', 'where to write them (default: $MEDREC_HOME/units/<org>)')
    .option('--user <name>', 'the account the services run as; it must own MEDREC_HOME', 'medrec')
    .action(async (opts: { org: string; out?: string; user: string }) => {
      const consortium = createConsortium({ renderer: 'silent' });
      const org = organisationKey(consortium.topology, opts.org);
      const out = path.resolve(opts.out ?? path.join(consortium.layout.home, 'units', org));
      const units = organisationProcessUnits(consortium.layout, await consortium.binaries(), consortium.topology, org);
      const files = renderUnits(units, {
        org,
        user: opts.user,
        home: consortium.layout.home,
        environmentDir: out,
      });
      for (const file of writeOrganisationUnits(out, files)) console.log(file);
      console.error(
        `› install: cp ${out}/*.service ${out}/*.target /etc/systemd/system/ && systemctl daemon-reload && ` +
          `systemctl enable --now ${targetName(org)}`,
      );
    });
  org
    .command('rotate-tls')
    .description(
      "new TLS certificates from the organisation's CA for its peers and the orderers it operates, one node at a " +
        'time: a peer restarts with its new certificate; an orderer first gets it into the Raft consenter set by a ' +
        "configuration update the orderer organisations' admins sign, then restarts; the old keys are deleted",
    )
    .requiredOption('--org <name>', 'the organisation (as named in the consortium file)')
    .option(
      '--orderer <name>',
      "on the operator's own host, one of its orderers: with --out, a new certificate and the update naming it for " +
        'the other operators to sign; with --finish, once that update is submitted, the restart with it',
    )
    .option('--out <file>', 'with --orderer: where to write the consenter-set update (signed by this organisation)')
    .option('--finish', 'with --orderer: restart the orderer with its new certificate once the channel names it')
    .action(async (opts: { org: string; orderer?: string; out?: string; finish?: boolean }) => {
      const consortium = createConsortium({ renderer: 'silent' });
      const org = organisationKey(consortium.topology, opts.org);
      const progress = (message: string): void => {
        console.error(`› ${message}`);
      };
      if (opts.orderer === undefined) {
        if (opts.out !== undefined || opts.finish === true) throw new Error('--out and --finish go with --orderer');
        await consortium.rotateTls(org, progress);
      } else {
        await rotateOrdererTlsByFiles(
          consortium,
          org,
          { orderer: opts.orderer, out: opts.out, finish: opts.finish },
          progress,
        );
      }
      printStatus(onlyOrganisation(await consortium.status(), opts.org));
    });
  org
    .command('renew-enrollment')
    .description(
      "new enrollment (signing) certificates from the organisation's CA for every identity it holds here: its " +
        'admin, CA admin, nodes, gatekeeper and users, with the same enrollment ids and attributes; nodes restart ' +
        'one at a time, then its gatekeeper, API and miner; the old keys are deleted (no channel update is needed)',
    )
    .requiredOption('--org <name>', 'the organisation (as named in the consortium file)')
    .action(async (opts: { org: string }) => {
      const consortium = createConsortium({ renderer: 'silent' });
      const org = organisationKey(consortium.topology, opts.org);
      const renewed = await consortium.renewEnrollments(org, (message) => {
        console.error(`› ${message}`);
      });
      console.error(`✔ ${String(renewed.identities.length)} certificates of ${org}'s directory renewed`);
      printStatus(onlyOrganisation(await consortium.status(), opts.org));
      if (renewed.wallet !== undefined) {
        const { renewed: users, failed } = renewed.wallet;
        console.error(`✔ ${String(users.length)} users of ${org}'s API wallet re-enrolled`);
        if (failed.length > 0) {
          for (const { label, reason } of failed) console.error(`  ${label}: ${reason}`);
          console.error(
            `✖ the CA refused to re-enroll ${String(failed.length)} wallet users (above): a revoked user needs nothing; ` +
              'for the others, run this command again (renewed ones get another certificate, which does no harm)',
          );
          process.exitCode = 1;
        }
      }
    });
  org
    .command('certificates')
    .description(
      "when each certificate of the organisation's directory expires (CA root and server, every identity's " +
        'enrollment and TLS certificate), soonest first, with what renews it; exits with 1 when one has expired or ' +
        'expires within the renewal window, so a scheduled check can alert',
    )
    .requiredOption('--org <name>', 'the organisation (as named in the consortium file)')
    .option(
      '--within <days>',
      'the renewal window: warn about certificates with fewer days left (0-3650)',
      wholeNumber('--within', 0, 3650),
      30,
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: { org: string; within: number; json?: boolean }) => {
      const consortium = createConsortium({ renderer: 'silent' });
      const org = organisationKey(consortium.topology, opts.org);
      const within = opts.within;
      const options = { now: new Date(), renewWithinDays: within };
      const files = organisationCertificateExpiry(consortium.layout, org, options);
      const walletDir = walletDirectory(consortium.layout, org);
      const report =
        files.length > 0 && fs.existsSync(walletDir)
          ? mergeExpiry(
              files,
              await walletCertificateExpiry(await openOrgWallet(consortium, org), walletDir, org, options),
            )
          : files;
      if (report.length === 0) {
        throw new Error(`${consortium.layout.home} holds no certificates of ${org}: run this on its own host`);
      }
      if (opts.json === true) console.log(JSON.stringify(report, null, 2));
      else printCertificateExpiry(report);
      const due = dueForRenewal(report);
      if (due.length > 0) {
        console.error(
          `✖ ${String(due.length)} of ${String(report.length)} certificates of ${org} need renewal ` +
            `(expired, unreadable or fewer than ${String(within)} days left): ${[...new Set(due.map((d) => d.action))].join('; ')}`,
        );
        process.exitCode = 1;
      }
    });
  org
    .command('down')
    .description("stop one organisation's processes (services first, then its nodes); its data stays")
    .requiredOption('--org <name>', 'the organisation (as named in the consortium file)')
    .action(async (opts: { org: string }) => {
      const consortium = createConsortium({ renderer: 'silent' });
      await consortium.stopOrganisation(organisationKey(consortium.topology, opts.org), (message) => {
        console.error(`› ${message}`);
      });
    });
  org
    .command('status')
    .description("one organisation's processes: up/down, address, block height")
    .requiredOption('--org <name>', 'the organisation (as named in the consortium file)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { org: string; json?: boolean }) => {
      const consortium = createConsortium({ renderer: 'silent' });
      const status = onlyOrganisation(await consortium.status(), organisationKey(consortium.topology, opts.org));
      if (opts.json === true) console.log(JSON.stringify(status, null, 2));
      else printStatus(status);
    });
  org
    .command('remove')
    .description(
      'remove an organisation from the running consortium: its miner, API and gatekeeper stop, a channel ' +
        "configuration update signed by other members' admins, as many as a majority of all members, drops it (its certificates no " +
        'longer read, write or endorse), its nodes stop; its records and their history stay on the ledger',
    )
    .requiredOption('--org <name>', 'the organisation to remove (as named in the consortium file)')
    .addOption(consortiumOption())
    .action(async (opts: { org: string; consortium?: string }) => {
      await createConsortium({ renderer: 'silent', ...chosenFile(opts) }).removeOrganisation(opts.org, (message) => {
        console.error(`› ${message}`);
      });
      printStatus(await createConsortium({ renderer: 'silent', ...chosenFile(opts) }).status());
    });
  org
    .command('join')
    .description(
      'bring an organisation the consortium file lists under channel.joining into the running consortium: its CA, ' +
        "a channel configuration update signed by a majority of the members' admins, its peers, the chaincode " +
        'approved for it, its gatekeeper, API and miner (no other organisation restarts; a failed join resumes)',
    )
    .requiredOption('--org <name>', 'the organisation to join (as named in the consortium file)')
    .addOption(consortiumOption())
    .action(async (opts: { org: string; consortium?: string }) => {
      const consortium = createConsortium(chosenFile(opts));
      await consortium.joinOrganisation(opts.org);
      printStatus(await createConsortium({ renderer: 'silent', ...chosenFile(opts) }).status());
    });

  const user = program
    .command('user')
    .description('users of an organisation (CA identity, wallet, participant, API token)');
  user
    .command('register')
    .description('register a user at an organisation: its CA, its wallet, the ledger, and an API token (shown once)')
    .requiredOption('--org <org>', PEER_ORG_HELP, peerOrg)
    .requiredOption('--role <role>', ROLES.join(' | '), role)
    .action(async (opts: { org: PeerOrgKey; role: Role }) => {
      const consortium = createConsortium({ renderer: 'silent' });
      // Generated, never typed in: an operator cannot put an MRN or a name on the ledger as an id.
      const id = newParticipantId(opts.role);
      const token = await registerUserWithToken(consortium, opts.org, opts.role, id);
      console.log(`registered ${id} (${opts.role}) at ${opts.org}; transaction ${token.transactionId}`);
      console.log(`API token (store it now, it is not shown again): ${token.token}`);
    });
  user
    .command('token')
    .description('issue a new API token to a participant already registered at an organisation (lost or expired token)')
    .requiredOption('--org <org>', PEER_ORG_HELP, peerOrg)
    .requiredOption('--id <participantId>', 'the participant id', idOption('--id'))
    .action(async (opts: { org: PeerOrgKey; id: string }) => {
      const issued = await issueUserToken(createConsortium({ renderer: 'silent' }), opts.org, opts.id);
      console.log(`API token for ${opts.id} at ${opts.org}, valid until ${issued.expiresAt}`);
      console.log(`(store it now, it is not shown again): ${issued.token}`);
    });

  program
    .command('seed')
    .description('register deterministic synthetic patients, clinicians and FHIR records on the running network')
    .option('--seed <n>', 'random seed (same seed, same data)', wholeNumber('--seed', 0, 2 ** 32 - 1), 42)
    .option('--patients <n>', 'number of patients', wholeNumber('--patients', 1, 10_000), 240)
    .option('--clinicians <n>', 'number of clinicians', wholeNumber('--clinicians', 1, 1_000), 4)
    .option('--records-per-patient <n>', 'random records per patient', wholeNumber('--records-per-patient', 1, 100), 5)
    .option(
      '--iron-weeks <n>',
      'weeks of weekly serum iron (LOINC 2498-4) per patient, 0 for none',
      wholeNumber('--iron-weeks', 0, 104),
      8,
    )
    .option(
      '--iron-end <YYYY-MM-DD>',
      'last day of the last iron week (default: today, UTC)',
      calendarDay('--iron-end'),
    )
    .action(async (opts: SeedCommandOptions) => {
      const { ironEnd, ...counts } = opts;
      const ironEndDate = ironEnd ?? new Date().toISOString().slice(0, 10);
      const summary = await seedNetwork(createConsortium({ renderer: 'silent' }), { ...counts, ironEndDate });
      const iron = counts.ironWeeks > 0 ? `, ${counts.ironWeeks} weeks of serum iron to ${ironEndDate}` : '';
      console.log(
        `seeded ${summary.patients} patients, ${summary.clinicians} clinicians and ${summary.records} records (seed ${opts.seed}${iron})`,
      );
    });

  program.addCommand(channelCommand());
  program.addCommand(auditCommand());
  program.addCommand(minerCommand());
  program.addCommand(trendsCommand());
  program.addCommand(incentiveCommand());

  program
    .command('start')
    .description('bring up the network (and the services built on it) and print where they are')
    .addOption(new Option('--quiet', 'no task progress').default(false))
    .addOption(consortiumOption())
    .action(async (opts: { quiet: boolean; consortium?: string }) => {
      const consortium = createConsortium({ renderer: opts.quiet ? 'silent' : 'default', ...chosenFile(opts) });
      await consortium.up();
      printStatus(await consortium.status());
      console.log('\nREST APIs (OpenAPI at /openapi.json, interactive docs at /docs/):');
      for (const peer of firstPeers(consortium.topology)) {
        console.log(
          `  ${peer.org.padEnd(10)} ${apiUrl(peer)}   admin token: ${adminTokenFile(consortium.layout, peer)}`,
        );
      }
      console.log('Walkthrough: bash docs/walkthrough.sh   Stop: npm stop (data kept)');
    });
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildCli().parseAsync([...argv]);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
