/**
 * `medrec audit export | verify | accounting`: the compliance audit trail (sdk/src/audit-export) from the command line.
 *
 * CA roots for manifest verification: online (`--org`), the ledger's organisation records (Registrar
 * ListOrganisations, `caRootCertsPem`); offline, a roots file given with `--ca-roots` (written by `audit export
 * --ca-roots`), else the network's CA certificates in MEDREC_HOME (`cas/<org>/ca-cert.pem`, the same certificates
 * the organisations registered on the ledger).
 */
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
import { idOption, isoTimeOption, mspIdOption, peerOrg } from './cli-options';
import { createConsortium, type Consortium } from './consortium';
import { CHANNEL_NAME, type PeerOrgKey } from './topology';
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

/** CA roots by MSP id from the network's CA certificate files in MEDREC_HOME. */
function networkCaRoots(consortium: Consortium): Record<string, string[]> {
  const roots: Record<string, string[]> = {};
  for (const org of consortium.topology.organisations) {
    const file = consortium.layout.caCert(org.key);
    if (existsSync(file)) roots[org.mspId] = [readFileSync(file, 'utf8')];
  }
  return roots;
}

function readCaRootsFile(file: string): Record<string, string[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AuditCommandError(
      'AUDIT_CLI_USAGE',
      `--ca-roots ${file} is not readable JSON (${error instanceof Error ? error.message : String(error)}); ` +
        'give the file `medrec audit export --ca-roots` wrote: {"<mspId>": ["<PEM>", ...]}',
    );
  }
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    Object.values(parsed).every((v) => Array.isArray(v) && v.every((pem) => typeof pem === 'string'));
  if (!valid) {
    throw new AuditCommandError(
      'AUDIT_CLI_USAGE',
      `--ca-roots ${file} must be {"<mspId>": ["<PEM>", ...]}, as \`medrec audit export --ca-roots\` writes it`,
    );
  }
  return parsed as Record<string, string[]>;
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
  readonly caRoots?: string;
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
          title: `Block bundle for offline verification`,
          skip: () => opts.bundle === undefined && 'no --bundle',
          task: async (_ctx, task) => {
            const range = manifest?.blockRange;
            const numbers = range
              ? Array.from({ length: range.last - range.first + 1 }, (_, i) => range.first + i)
              : [];
            blocks = await exportBlockBundle(numbers, qscc, opts.bundle ?? '');
            task.title = `Wrote ${blocks} blocks to ${opts.bundle ?? ''}`;
          },
        },
        {
          title: 'CA roots of the organisations (from the ledger)',
          skip: () => opts.caRoots === undefined && 'no --ca-roots',
          task: async () => {
            const roots = await ledgerCaRoots(exporter.client);
            await writeFile(opts.caRoots ?? '', `${JSON.stringify(roots, null, 2)}\n`, 'utf8');
          },
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
  readonly org?: PeerOrgKey;
  readonly as?: string;
  readonly caRoots?: string;
}

/** The report as lines of text: the verdict, then every discrepancy with its event, field, expected and found. */
export function formatReport(file: string, report: VerificationReport): string[] {
  const m = report.manifest;
  const head = report.valid
    ? `VALID: ${file}: ${report.eventCount} events, all as committed on the ledger; manifest hash and signature hold`
    : `INVALID: ${file}: ${report.discrepancies.length} discrepanc${report.discrepancies.length === 1 ? 'y' : 'ies'} in ${report.eventCount} events`;
  const lines = [head];
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
  if (opts.org === undefined && opts.bundle === undefined) {
    throw new AuditCommandError(
      'AUDIT_CLI_USAGE',
      'give --org <org> to read the blocks from that organisation’s peer, or --bundle FILE (the block bundle ' +
        'exported with it) to verify offline',
    );
  }
  const consortium = createConsortium({ renderer: 'silent' });
  let connection: GatewayConnection | undefined;
  try {
    let blocks: BlockSource;
    let caRoots: Record<string, string[]>;
    if (opts.org !== undefined) {
      connection =
        opts.as === undefined
          ? consortium.connectAdmin(opts.org)
          : (await openExporter(consortium, opts.org, opts.as)).connection;
      const client = createMedrecClient(connection.gateway);
      caRoots = opts.caRoots === undefined ? await ledgerCaRoots(client) : readCaRootsFile(opts.caRoots);
      blocks =
        opts.bundle === undefined
          ? createQsccBlockSource(createGatewayQscc(connection.gateway, CHANNEL_NAME))
          : await loadBlockBundle(opts.bundle);
    } else {
      caRoots = opts.caRoots === undefined ? networkCaRoots(consortium) : readCaRootsFile(opts.caRoots);
      blocks = await loadBlockBundle(opts.bundle ?? '');
    }
    const report = await verifyExport(file, { blocks, caRoots }, input);
    for (const line of formatReport(file, report)) console.log(line);
    if (!report.valid) process.exitCode = 1;
  } finally {
    connection?.close();
  }
}

interface AccountingOptions {
  readonly org: PeerOrgKey;
  readonly as: string;
  readonly patient: string;
  readonly from?: string;
  readonly to?: string;
  readonly format: 'html' | 'csv';
  readonly out: string;
}

async function runAccounting(opts: AccountingOptions): Promise<void> {
  const consortium = createConsortium({ renderer: 'silent' });
  const exporter = await openExporter(consortium, opts.org, opts.as);
  try {
    const report = await buildAccountingOfDisclosures({
      patientId: opts.patient,
      source: createLedgerAuditEventSource(exporter.client),
      lookups: exporter.client,
      ...(opts.from === undefined ? {} : { from: opts.from }),
      ...(opts.to === undefined ? {} : { to: opts.to }),
    });
    const text = opts.format === 'html' ? renderAccountingHtml(report) : renderAccountingCsv(report);
    await writeFile(opts.out, text, { encoding: 'utf8', mode: 0o600 });
    const disclosures = report.entries.reduce((n, e) => n + e.count, 0);
    console.log(
      `accounting of disclosures for ${opts.patient} (${report.from} to ${report.to}): ${disclosures} disclosures in ` +
        `${report.entries.length} entries written to ${opts.out}`,
    );
  } finally {
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
    .requiredOption('--org <org>', 'hospital1 | hospital2 | research: the wallet and peer of the exporter', peerOrg)
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
    .option('--bundle <file>', 'also write the blocks of the export (JSON Lines) for an auditor outside the consortium')
    .option('--ca-roots <file>', "also write the organisations' CA roots from the ledger, for offline verification")
    .addOption(new Option('--quiet', 'no progress').default(false))
    .action((opts: ExportOptions) => runExport(opts));

  audit
    .command('verify <file>')
    .description(
      'verify an export (json, csv or fhir) against the ledger: every event as committed by a valid transaction, ' +
        'the manifest hash and signature, completeness (fhir: and that the AuditEvents show what they embed); exits ' +
        'non-zero when invalid',
    )
    .addOption(
      new Option('--format <format>', "the export's format (default: detected from its beginning)").choices([
        'json',
        'csv',
        'fhir',
      ]),
    )
    .option('--manifest <file>', "csv: the export's signed manifest (default: <file>.manifest.json)")
    .option('--bundle <file>', 'read the blocks from this bundle (offline) instead of a peer')
    .option('--org <org>', "read the blocks and CA roots through this organisation's peer (online)", peerOrg)
    .option(
      '--as <participantId>',
      "with --org: query as this wallet identity (default: the organisation's admin)",
      idOption('--as'),
    )
    .option(
      '--ca-roots <file>',
      "CA roots {mspId: [PEM]} (default: the ledger's organisation records with --org, else MEDREC_HOME's CA certificates)",
    )
    .action((file: string, opts: VerifyOptions) => runVerify(file, opts));

  audit
    .command('accounting')
    .description('HIPAA 45 CFR 164.528 accounting of disclosures for one patient (default window: six years)')
    .requiredOption('--org <org>', 'hospital1 | hospital2 | research', peerOrg)
    .requiredOption('--as <participantId>', 'compliance officer, or the patient, in that wallet', idOption('--as'))
    .requiredOption('--patient <id>', 'the patient', idOption('--patient'))
    .option('--from <iso>', 'inclusive start, UTC ISO 8601 (default: six years before --to)', isoTimeOption('--from'))
    .option('--to <iso>', 'exclusive end, UTC ISO 8601 (default, and at most: now)', isoTimeOption('--to'))
    .addOption(new Option('--format <format>', 'html | csv').choices(['html', 'csv']).makeOptionMandatory())
    .requiredOption('--out <file>', 'where to write it')
    .action((opts: AccountingOptions) => runAccounting(opts));
  return audit;
}
