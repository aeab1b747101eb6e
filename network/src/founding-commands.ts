/**
 * Founding a consortium whose organisations are on separate hosts, each with its own MEDREC_HOME holding only its
 * own keys: `medrec org init` (its CA, identities and public definition), `medrec org import` (the others'
 * definitions), `medrec channel genesis` (one creates the block, the others verify and import it) and `medrec org
 * found` (its nodes join, the chaincode is approved and committed by a majority, its MedRec services start).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Command } from 'commander';
import { createConsortium } from './consortium';
import { definitionFingerprint, isFoundingDefinition } from './founding-definition';
import { mspIdOfDefinition } from './org-membership';

/* eslint-disable no-console -- this is the command-line interface: the terminal is its output. */

const progress = (message: string): void => {
  console.error(`› ${message}`);
};

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new Error(`${file} is not a readable JSON definition (${String(err)}); ask its organisation for it again`);
  }
}

export function foundingCommands(): Command[] {
  const init = new Command('init')
    .description(
      "founding from separate hosts, on the organisation's own host and MEDREC_HOME: start its CA, enrol its admin " +
        "and nodes, and write its public definition (CA root, its orderers' TLS certificates) for the other founders",
    )
    .requiredOption('--org <name>', 'this host’s organisation (as named in the consortium file)')
    .requiredOption('--out <file>', 'where to write the definition (JSON)')
    .option(
      '--consortium <file>',
      'the consortium file every founder uses (default: MEDREC_CONSORTIUM, else local.yaml)',
    )
    .action(async (opts: { org: string; out: string; consortium?: string }) => {
      const consortium = createConsortium({
        renderer: 'silent',
        ...(opts.consortium === undefined ? {} : { consortiumFile: opts.consortium }),
      });
      const definition = await consortium.initOrganisation(opts.org, progress);
      fs.writeFileSync(opts.out, `${JSON.stringify(definition, null, 2)}\n`, { flag: 'w' });
      if (isFoundingDefinition(definition)) {
        console.log(
          `${definition.mspId} definition written to ${opts.out}\nfingerprint ${definitionFingerprint(definition)}\n` +
            'give the file to the other founders, and read them the fingerprint over another channel',
        );
      } else {
        console.log(
          `${mspIdOfDefinition(definition)} channel definition written to ${opts.out}\nfingerprint ` +
            `${createHash('sha256').update(JSON.stringify(definition)).digest('hex')}\ngive it to a member's admin ` +
            "to propose (`medrec channel propose-member`); import the founders' definitions and the genesis block " +
            'here, then run `medrec org join` once a majority has admitted you',
        );
      }
    });
  const importCommand = new Command('import')
    .description(
      "keep other founders' definitions (from `medrec org init`), after checking each against the consortium file: " +
        'its MSP id, a self-signed CA root, orderer TLS certificates that root issued; prints each fingerprint to ' +
        'compare with its admin',
    )
    .argument('<files...>', 'definition files')
    .action((files: string[]) => {
      const consortium = createConsortium({ renderer: 'silent' });
      for (const file of files) {
        const { definition, added } = consortium.importDefinition(readJson(file));
        console.log(
          `${definition.mspId} ${added ? 'imported' : 'already imported'} from ${file}   fingerprint ` +
            definitionFingerprint(definition),
        );
      }
    });
  const found = new Command('found')
    .description(
      "on a founder's host, once the genesis block is here: its orderers and peers join the channel, it approves " +
        'the chaincode (whoever completes a majority commits it), and its gatekeeper, API and miner start',
    )
    .requiredOption('--org <name>', 'this host’s organisation')
    .action(async (opts: { org: string }) => {
      const consortium = createConsortium({ renderer: 'silent' });
      await consortium.foundOrganisation(opts.org, progress);
      console.log(`${opts.org} is up in the consortium; \`medrec org status --org ${opts.org}\` shows its processes`);
    });
  const upgrade = new Command('upgrade-chaincode')
    .description(
      "on an organisation's own host: its part of the chaincode's next sequence (the current build): install, " +
        'approve for itself, commit once a majority has approved, then its chaincode server runs the new package',
    )
    .requiredOption('--org <name>', 'this host’s organisation')
    .action(async (opts: { org: string }) => {
      const definition = await createConsortium({ renderer: 'silent' }).upgradeOrganisationChaincode(
        opts.org,
        progress,
      );
      console.log(`${opts.org} runs ${definition.name} sequence ${String(definition.sequence)}`);
    });
  return [init, importCommand, found, upgrade];
}

export function genesisCommand(): Command {
  return new Command('genesis')
    .description(
      "founding: with --out, create the channel genesis block from every founder's definition (all imported); with " +
        '--import, verify a block another founder created against the definitions here, then keep it',
    )
    .option('--out <file>', 'create the block and write a copy here')
    .option('--import <file>', 'a block received from the founder who created it')
    .action(async (opts: { out?: string; import?: string }) => {
      if ((opts.out === undefined) === (opts.import === undefined)) {
        throw new Error('give exactly one of --out <file> (create the block) or --import <file> (verify and keep one)');
      }
      const consortium = createConsortium({ renderer: 'silent' });
      if (opts.out !== undefined) {
        const block = await consortium.createFoundingGenesis();
        fs.copyFileSync(block, opts.out);
        console.log(`genesis block written to ${opts.out}   sha256 ${sha256(opts.out)}`);
      } else if (opts.import !== undefined) {
        await consortium.importFoundingGenesis(opts.import);
        console.log(`genesis block from ${opts.import} verified and kept   sha256 ${sha256(opts.import)}`);
      }
    });
}
