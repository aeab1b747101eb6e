/**
 * `medrec audit export | verify | genesis | accounting`: the compliance audit trail (sdk/src/audit-export) from the
 * command line.
 *
 * Trust for verification: online (`--org`), the member's own peer (organisation and participant records, the audit
 * index); offline (`--bundle` with `--genesis`), nothing but the channel's genesis block, which the auditor obtains
 * independently of the exporter (`medrec audit genesis` at any member): the chain, the orderers' and endorsers'
 * signatures and every MSP root are checked from it. No trust file travels with an export.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Listr } from 'listr2';
import {
  createGatewayQscc,
  createLedgerAuditEventSource,
  createPrivateKeyManifestSigner,
  createQsccBlockSource,
  createQsccProofSource,
  createStreamSink,
  detectExportFileFormat,
  exportBlockBundle,
  loadBlockBundle,
  verifyExport,
  writeAuditExport,
  buildAccountingOfDisclosures,
  describeExportedEvent,
  renderAccountingCsv,
  renderAccountingHtml,
  renderAccountingPdf,
  coveredEntityOf,
  type AccountingReport,
  type BlockSource,
  type ExportFileInput,
  type ExportFilters,
  type ExportFormat,
  type Qscc,
  type SignedManifest,
  type VerificationReport,
  type GatewayConnection,
  createMedrecClient,
  type MedrecClient,
  type WalletIdentity,
} from '@medrec/sdk';
import { createStoreRecordDescriber, openRecordStore } from '@medrec/gatekeeper';
import { idOption, isoTimeOption, mspIdOption, PEER_ORG_HELP, peerOrg } from './cli-options';
import { createConsortium, type Consortium } from './consortium';
import { recordStoreConfig } from './gatekeeper-process';
import { CHANNEL_NAME, peerOf, type PeerOrgKey } from './topology';
import { connectUser, openOrgWallet } from './user-provisioning';

/* eslint-disable no-console -- this is the command-line interface: the terminal is its output. */

/** A user-facing failure of an audit command; the message says what to do. */
export class AuditCommandError extends Error {
  readonly code: 'AUDIT_CLI_UNKNOWN_IDENTITY' | 'AUDIT_CLI_USAGE' | 'AUDIT_CLI_INVALID_EXPORT';

  constructor(code: AuditCommandError['code'], message: string) {
    super(message);
    this.name = 'AuditCommandError';
    this.code = code;
  }
}

function collect(value: string, previous: readonly string[] | undefined): string[] {
  if (!/^[A-Za-z]{1,64}$/.test(value)) {
    throw new InvalidArgumentError(`--type must be an audit event type such as RecordRegistered, not "${value}"`);
  }
  return [...(previous ?? []), value];
}

/** The exporter: a participant's identity from its organisation's wallet, connected through that org's peer. */
interface Exporter {
  readonly identity: WalletIdentity;
  readonly participantId: string;
  readonly connection: GatewayConnection;
  readonly client: MedrecClient;
}

async function openExporter(consortium: Consortium, org: PeerOrgKey, participantId: string): Promise<Exporter> {
  const wallet = await openOrgWallet(consortium, org);
  const identity = await wallet.get(participantId);
  if (!identity) {
    throw new AuditCommandError(
      'AUDIT_CLI_UNKNOWN_IDENTITY',
      `no identity ${participantId} in the ${org} wallet; register a compliance officer first (\`medrec user ` +
        `register --org ${org} --role compliance\` prints its id) or give the --org it was registered at`,
    );
  }
  const connection = connectUser(consortium, org, identity);
  return { identity, participantId, connection, client: createMedrecClient(connection.gateway) };
}

/** CA roots by MSP id from the ledger's organisation records. */
export async function ledgerCaRoots(client: MedrecClient): Promise<Record<string, string[]>> {
  const roots: Record<string, string[]> = {};
  let bookmark = '';
  do {
    const page = await client.listOrganisations({ pageSize: 100, bookmark });
    for (const org of page.items) roots[org.mspId] = [...org.caRootCertsPem];
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return roots;
}

interface ExportOptions {
  readonly org: PeerOrgKey;
  readonly as: string;
  readonly patient?: string;
  readonly actor?: string;
  readonly organisation?: string;
  readonly type?: string[];
  readonly from?: string;
  readonly to?: string;
  readonly format: ExportFormat;
  readonly out: string;
  readonly bundle?: string;
  readonly quiet: boolean;
}

function exportFilters(opts: ExportOptions): ExportFilters {
  if ((opts.patient === undefined) === (opts.actor === undefined)) {
    throw new AuditCommandError(
      'AUDIT_CLI_USAGE',
      'give exactly one of --patient <id> (a patient’s trail) and --actor <id> (what a participant did)',
    );
  }
  return {
    ...(opts.patient === undefined ? {} : { patientId: opts.patient }),
    ...(opts.actor === undefined ? {} : { actorId: opts.actor }),
    ...(opts.organisation === undefined ? {} : { organisation: opts.organisation }),
    ...(opts.type === undefined ? {} : { eventTypes: opts.type }),
    ...(opts.from === undefined ? {} : { from: opts.from }),
    ...(opts.to === undefined ? {} : { to: opts.to }),
  };
}

/** The file the CSV export's signed manifest is written to (CSV has no room for it). */
export function csvManifestFile(out: string): string {
  return `${out}.manifest.json`;
}

async function runExport(opts: ExportOptions): Promise<void> {
  const filters = exportFilters(opts);
  const consortium = createConsortium({ renderer: 'silent' });
  const exporter = await openExporter(consortium, opts.org, opts.as);
  try {
    const qscc = createGatewayQscc(exporter.connection.gateway, CHANNEL_NAME);
    let manifest: SignedManifest | undefined;
    let blocks = 0;
    await new Listr(
      [
        {
          title: `Exporting the audit trail (${opts.format}) to ${opts.out}`,
          task: async (_ctx, task) => {
            const stream = createWriteStream(opts.out, { encoding: 'utf8', mode: 0o600 });
            const closed = finished(stream);
            try {
              manifest = await writeAuditExportTo(exporter, qscc, filters, opts.format, stream, (n) => {
                task.output = `${n} events exported`;
              });
            } finally {
              stream.end();
              await closed;
            }
            task.title = `Exported ${manifest.eventCount} events (${opts.format}) to ${opts.out}`;
            if (opts.format === 'csv') {
              await writeFile(csvManifestFile(opts.out), `${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
            }
          },
          rendererOptions: { persistentOutput: false },
        },
        {
          title: `Block bundle for offline verification (the chain from block 0 to the export's height)`,
          skip: () => opts.bundle === undefined && 'no --bundle',
          task: async (_ctx, task) => {
            const numbers = bundleBlocks(manifest);
            blocks = await exportBlockBundle(numbers, qscc, opts.bundle ?? '', (written) => {
              task.output = `${written} of ${numbers.length} blocks written`;
            });
            task.title = `Wrote blocks 0-${blocks - 1} to ${opts.bundle ?? ''}`;
          },
          rendererOptions: { persistentOutput: false },
        },
      ],
      { renderer: opts.quiet ? 'silent' : 'default', fallbackRenderer: 'simple', exitOnError: true },
    ).run();
    if (!manifest) throw new Error('the export wrote no manifest');
    console.log(
      `exported ${manifest.eventCount} events to ${opts.out}` +
        (opts.format === 'csv' ? ` (signed manifest in ${csvManifestFile(opts.out)})` : '') +
        `; content SHA-256 ${manifest.contentSha256}; signed by ${manifest.generatedBy.participantId} (${manifest.generatedBy.mspId})`,
    );
  } finally {
    exporter.connection.close();
  }
}

/** The blocks an offline verifier needs: the whole chain up to the export's height (and its last event). */
export function bundleBlocks(manifest: SignedManifest | undefined): number[] {
  if (manifest === undefined) return [];
  const height = Math.max(manifest.ledgerHeight, (manifest.blockRange?.last ?? -1) + 1);
  return Array.from({ length: height }, (_, i) => i);
}

function writeAuditExportTo(
  exporter: Exporter,
  qscc: Qscc,
  filters: ExportFilters,
  format: ExportFormat,
  stream: Writable,
  onProgress: (n: number) => void,
): Promise<SignedManifest> {
  return writeAuditExport({
    source: createLedgerAuditEventSource(exporter.client),
    proofs: createQsccProofSource(qscc),
    ledgerHeight: () => qscc.getHeight(),
    filters,
    format,
    sink: createStreamSink(stream),
    signer: createPrivateKeyManifestSigner(exporter.identity.privateKey, exporter.identity.certificate),
    generatedBy: { participantId: exporter.participantId, mspId: exporter.identity.mspId },
    channel: CHANNEL_NAME,
    onProgress,
    fhirDetails: exporter.client,
  });
}

interface VerifyOptions {
  readonly format?: ExportFormat;
  readonly manifest?: string;
  readonly bundle?: string;
  readonly genesis?: string;
  readonly org?: PeerOrgKey;
  readonly as?: string;
}

/** Up to which block (and when) a complete export is complete: an auditor compares it with the period they want. */
function coverage(report: VerificationReport): string {
  const height = report.manifest?.ledgerHeight;
  if (height === undefined) return '';
  const time = report.chain?.ledgerHeightTime;
  return ` (block ${height - 1}${time === undefined ? '' : `, ${time}`})`;
}

/** The report as lines of text: the verdict, then every discrepancy with its event, field, expected and found. */
export function formatReport(file: string, report: VerificationReport): string[] {
  const m = report.manifest;
  const trusted =
    report.chain === undefined
      ? 'checked against a member peer'
      : `checked against the chain from its genesis block (${report.chain.height} blocks, ${report.chain.transactions} transactions)`;
  const head = !report.valid
    ? `INVALID: ${file}: ${report.discrepancies.length} discrepanc${report.discrepancies.length === 1 ? 'y' : 'ies'} in ${report.eventCount} events`
    : report.complete
      ? `VALID: ${file}: ${report.eventCount} events, all as committed on the ledger and none missing up to the export's height${coverage(report)}; manifest hash, signature and signer hold; ${trusted}`
      : `VALID BUT INCOMPLETE: ${file}: the ${report.eventCount} events it holds are as committed on the ledger, but it does not hold every event its filters select; ${trusted}`;
  const lines = [head, ...report.warnings.map((w) => `  WARNING ${w}`)];
  if (m) {
    lines.push(
      `  manifest: ${m.eventCount} events, complete ${String(m.complete)}, generated ${m.generatedAt} by ` +
        `${m.generatedBy.participantId} (${m.generatedBy.mspId}), filters ${JSON.stringify(m.filters)}`,
    );
  }
  for (const d of report.discrepancies) {
    const where = [
      d.eventIndex === undefined ? undefined : describeExportedEvent(d.eventIndex),
      d.txId === undefined ? undefined : `tx ${d.txId}`,
      d.field === undefined ? undefined : `field ${d.field}`,
      d.expected === undefined ? undefined : `expected ${d.expected}`,
      d.found === undefined ? undefined : `found ${d.found}`,
    ].filter((x) => x !== undefined);
    lines.push(`  [${d.kind}] ${d.message}${where.length > 0 ? ` {${where.join('; ')}}` : ''}`);
  }
  return lines;
}

/**
 * The export's format (`--format`, else detected from its beginning) and, for CSV, its signed manifest: `--manifest`,
 * else the sidecar `<file>.manifest.json` the export command wrote next to it.
 */
export async function verifyInputOf(
  file: string,
  opts: Pick<VerifyOptions, 'format' | 'manifest'>,
): Promise<ExportFileInput> {
  const format = opts.format ?? (await detectExportFileFormat(file));
  if (format !== 'csv') {
    if (opts.manifest !== undefined) {
      throw new AuditCommandError(
        'AUDIT_CLI_USAGE',
        `--manifest is for CSV exports only; ${file} is ${format === 'json' ? 'JSON Lines' : 'a FHIR Bundle'}, which ` +
          'carries its own signed manifest: leave --manifest out (or give --format csv if it is a CSV export)',
      );
    }
    return { format };
  }
  const manifestFile = opts.manifest ?? csvManifestFile(file);
  if (!existsSync(manifestFile)) {
    throw new AuditCommandError(
      'AUDIT_CLI_USAGE',
      opts.manifest === undefined
        ? `${file} is a CSV export, whose signed manifest is a separate file, by default ${manifestFile}, which does ` +
            'not exist: give the manifest the export wrote with --manifest FILE'
        : `--manifest ${manifestFile} does not exist; give the manifest file the CSV export wrote (<export>.manifest.json)`,
    );
  }
  return { format, manifestFile };
}

async function runVerify(file: string, opts: VerifyOptions): Promise<void> {
  if (!existsSync(file)) {
    throw new AuditCommandError('AUDIT_CLI_USAGE', `${file} does not exist; give the export to verify`);
  }
  const input = await verifyInputOf(file, opts);
  if ((opts.org === undefined) === (opts.bundle === undefined)) {
    throw new AuditCommandError(
      'AUDIT_CLI_USAGE',
      'give either --org <org> to verify against that organisation’s peer (a member), or --bundle FILE with ' +
        '--genesis FILE to verify offline (an auditor outside the consortium)',
    );
  }
  if (opts.bundle !== undefined && opts.genesis === undefined) {
    throw new AuditCommandError(
      'AUDIT_CLI_USAGE',
      'offline verification needs --genesis FILE: the channel’s block 0, obtained from a member independently of ' +
        'the exporter (`medrec audit genesis --org <org> --out FILE`); the bundle alone proves nothing',
    );
  }
  if (opts.org !== undefined && opts.as === undefined) {
    throw new AuditCommandError(
      'AUDIT_CLI_USAGE',
      'online verification re-reads the trail to check completeness: give --as <participantId>, a compliance ' +
        'officer (or the patient) in that organisation’s wallet who may read it',
    );
  }
  let connection: GatewayConnection | undefined;
  try {
    let report: VerificationReport;
    if (opts.org !== undefined) {
      const consortium = createConsortium({ renderer: 'silent' });
      connection = (await openExporter(consortium, opts.org, opts.as ?? '')).connection;
      const client = createMedrecClient(connection.gateway);
      const qscc = createGatewayQscc(connection.gateway, CHANNEL_NAME);
      report = await verifyExport(
        file,
        {
          blocks: createQsccBlockSource(qscc),
          trust: {
            kind: 'ledger',
            caRoots: await ledgerCaRoots(client),
            participants: client,
            source: createLedgerAuditEventSource(client),
            proofs: createQsccProofSource(qscc),
          },
        },
        input,
      );
    } else {
      const genesis = readFileSync(opts.genesis ?? '');
      const blocks = await loadBlockBundle(opts.bundle ?? '');
      report = await verifyWithProgress(file, blocks, genesis, input);
    }
    for (const line of formatReport(file, report)) console.log(line);
    if (!report.valid) process.exitCode = 1;
    else if (!report.complete) process.exitCode = 3;
  } finally {
    connection?.close();
  }
}

async function verifyWithProgress(
  file: string,
  blocks: BlockSource,
  genesis: Uint8Array,
  input: Readonly<ExportFileInput>,
): Promise<VerificationReport> {
  let report: VerificationReport | undefined;
  await new Listr(
    [
      {
        title: 'Verifying the chain from the genesis block, then the export against it',
        task: async (_ctx, task) => {
          report = await verifyExport(
            file,
            {
              blocks,
              trust: {
                kind: 'genesis',
                genesis,
                onProgress: (verified, height) => {
                  if (verified % 100 === 0 || verified === height)
                    task.output = `${verified} of ${height} blocks verified`;
                },
              },
            },
            input,
          );
        },
        rendererOptions: { persistentOutput: false },
      },
    ],
    { renderer: process.stderr.isTTY ? 'default' : 'silent', fallbackRenderer: 'simple', rendererOptions: {} },
  ).run();
  if (report === undefined) throw new Error('the verification produced no report');
  return report;
}

async function runGenesis(opts: { readonly org: PeerOrgKey; readonly out: string }): Promise<void> {
  const consortium = createConsortium({ renderer: 'silent' });
  const connection = consortium.connectAdmin(opts.org);
  try {
    const block = await createGatewayQscc(connection.gateway, CHANNEL_NAME).getBlockByNumber(0);
    await writeFile(opts.out, block);
    console.log(
      `wrote the ${CHANNEL_NAME} channel's genesis block (${block.length} bytes, SHA-256 ` +
        `${createHash('sha256').update(block).digest('hex')}) from ${opts.org}'s peer to ${opts.out}; compare the hash with another member's`,
    );
  } finally {
    connection.close();
  }
}

interface AccountingOptions {
  readonly org: PeerOrgKey;
  readonly as: string;
  readonly patient: string;
  readonly from?: string;
  readonly to?: string;
  readonly format: 'pdf' | 'html' | 'csv';
  readonly out: string;
}

async function renderAccounting(report: AccountingReport, format: AccountingOptions['format']): Promise<Buffer> {
  if (format === 'pdf') return renderAccountingPdf(report);
  return Buffer.from(format === 'html' ? renderAccountingHtml(report) : renderAccountingCsv(report), 'utf8');
}

async function runAccounting(opts: AccountingOptions): Promise<void> {
  const consortium = createConsortium({ renderer: 'silent' });
  const exporter = await openExporter(consortium, opts.org, opts.as);
  // The organisation's own store describes the records it holds ("Observation: Serum iron"); others by category.
  const store = await openRecordStore(recordStoreConfig(consortium.layout, peerOf(consortium.topology, opts.org)));
  try {
    const mspId = exporter.identity.mspId;
    const report = await buildAccountingOfDisclosures({
      patientId: opts.patient,
      coveredEntity: coveredEntityOf(await exporter.client.getOrganisation(mspId)),
      source: createLedgerAuditEventSource(exporter.client),
      lookups: exporter.client,
      describeRecord: createStoreRecordDescriber({ store, mspId }),
      ...(opts.from === undefined ? {} : { from: opts.from }),
      ...(opts.to === undefined ? {} : { to: opts.to }),
    });
    await writeFile(opts.out, await renderAccounting(report, opts.format), { mode: 0o600 });
    const count = (entries: AccountingReport['entries']): number => entries.reduce((n, e) => n + e.count, 0);
    console.log(
      `accounting of disclosures for ${opts.patient} (${report.from} to ${report.to}): ` +
        `${String(count(report.entries))} disclosures to account for, ${String(count(report.exemptEntries))} exempt; ` +
        `${opts.format} written to ${opts.out}`,
    );
  } finally {
    await store.close();
    exporter.connection.close();
  }
}

export function auditCommand(): Command {
  const audit = new Command('audit').description(
    'compliance: export the audit trail with ledger proofs, verify an export, HIPAA accounting of disclosures',
  );
  audit
    .command('export')
    .description(
      "export audit events with ledger proofs and a manifest signed with the exporter's own Fabric identity " +
        '(compliance: any patient or actor; a patient: their own trail)',
    )
    .requiredOption('--org <org>', `${PEER_ORG_HELP}: the wallet and peer of the exporter`, peerOrg)
    .requiredOption('--as <participantId>', "the exporter, an identity in that organisation's wallet", idOption('--as'))
    .option('--patient <id>', "the patient's trail", idOption('--patient'))
    .option('--actor <id>', 'what this participant did', idOption('--actor'))
    .option(
      '--organisation <mspId>',
      'only events whose actor is of this MSP, e.g. Hospital2MSP',
      mspIdOption('--organisation'),
    )
    .option('--type <eventType>', 'only this event type (repeatable), e.g. RecordRegistered', collect)
    .option('--from <iso>', 'inclusive start, UTC ISO 8601', isoTimeOption('--from'))
    .option('--to <iso>', 'exclusive end, UTC ISO 8601', isoTimeOption('--to'))
    .addOption(
      new Option('--format <format>', 'json (JSON Lines, lossless, verifiable) | csv | fhir (R4 Bundle of AuditEvent)')
        .choices(['json', 'csv', 'fhir'])
        .makeOptionMandatory(),
    )
    .requiredOption('--out <file>', 'where to write the export (csv: the signed manifest goes to <file>.manifest.json)')
    .option(
      '--bundle <file>',
      'also write the chain from block 0 to the export’s height (JSON Lines) for an auditor outside the consortium',
    )
    .addOption(new Option('--quiet', 'no progress').default(false))
    .action((opts: ExportOptions) => runExport(opts));

  audit
    .command('verify <file>')
    .description(
      'verify an export (json, csv or fhir): every event as committed by a valid transaction, the manifest hash, ' +
        'signature and signer, completeness up to the export’s height (fhir: and that the AuditEvents show what ' +
        'they embed); exit 1 when invalid, 3 when valid but incomplete',
    )
    .addOption(
      new Option('--format <format>', "the export's format (default: detected from its beginning)").choices([
        'json',
        'csv',
        'fhir',
      ]),
    )
    .option('--manifest <file>', "csv: the export's signed manifest (default: <file>.manifest.json)")
    .option('--bundle <file>', 'offline: the block bundle exported with it (needs --genesis)')
    .option(
      '--genesis <file>',
      'offline: the channel’s genesis block, obtained from a member independently of the exporter',
    )
    .option('--org <org>', "read the blocks and CA roots through this organisation's peer (online)", peerOrg)
    .option(
      '--as <participantId>',
      'with --org: verify as this wallet identity, one who may read the trail (compliance, or the patient)',
      idOption('--as'),
    )
    .action((file: string, opts: VerifyOptions) => runVerify(file, opts));

  audit
    .command('genesis')
    .description("write the channel's genesis block from an organisation's peer, for offline verification")
    .requiredOption('--org <org>', PEER_ORG_HELP, peerOrg)
    .requiredOption('--out <file>', 'where to write it')
    .action((opts: { readonly org: PeerOrgKey; readonly out: string }) => runGenesis(opts));

  audit
    .command('accounting')
    .description('HIPAA 45 CFR 164.528 accounting of disclosures for one patient (default window: six years)')
    .requiredOption('--org <org>', PEER_ORG_HELP, peerOrg)
    .requiredOption('--as <participantId>', 'compliance officer, or the patient, in that wallet', idOption('--as'))
    .requiredOption('--patient <id>', 'the patient', idOption('--patient'))
    .option('--from <iso>', 'inclusive start, UTC ISO 8601 (default: six years before --to)', isoTimeOption('--from'))
    .option('--to <iso>', 'exclusive end, UTC ISO 8601 (default, and at most: now)', isoTimeOption('--to'))
    .addOption(
      new Option('--format <format>', 'pdf (to hand to the patient) | html | csv')
        .choices(['pdf', 'html', 'csv'])
        .makeOptionMandatory(),
    )
    .requiredOption('--out <file>', 'where to write it')
    .action((opts: AccountingOptions) => runAccounting(opts));
  return audit;
}
