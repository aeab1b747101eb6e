import { Command, Option } from 'commander';
import { createConsortium, type NetworkStatus } from './consortium';

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

export function buildCli(): Command {
  const program = new Command('medrec').description('MedRec on Hyperledger Fabric').showHelpAfterError();
  const network = program
    .command('network')
    .description('the local consortium network (3 Raft orderers, 3 peer organisations, 4 CAs)');

  network
    .command('up')
    .description('build what is missing and start the network; resumes a stopped network with its ledger')
    .action(async () => {
      const consortium = createConsortium();
      await consortium.up();
      printStatus(await consortium.status());
    });

  network
    .command('down')
    .description('stop the processes this project started (data kept)')
    .option('--purge', 'also delete all network data (ledgers, CAs, identities)')
    .action(async (opts: { purge?: boolean }) => {
      await createConsortium({ renderer: 'silent' }).down({ purge: opts.purge === true });
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
    .action(async (opts: { json?: boolean }) => {
      const status = await createConsortium({ renderer: 'silent' }).status();
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

  program
    .command('start')
    .description('bring up the network (and the services built on it) and print where they are')
    .addOption(new Option('--quiet', 'no task progress').default(false))
    .action(async (opts: { quiet: boolean }) => {
      const consortium = createConsortium({ renderer: opts.quiet ? 'silent' : 'default' });
      await consortium.up();
      printStatus(await consortium.status());
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
