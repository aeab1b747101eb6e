import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import { REPO_ROOT } from '../../network/src/paths';
import { CHANNEL_NAME } from '../../network/src/topology';
import { connectUser, openOrgWallet } from '../../network/src/user-provisioning';
import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import {
  createContentHasher,
  createGatewayQscc,
  createPrivateKeyManifestSigner,
  decodeBlock,
  signManifest,
  type ExportEntry,
  type ManifestSigner,
  type SignedManifest,
} from '../../sdk/src/audit-export';
import { canonicalJson } from '../../sdk/src/fhir/content-hash';
import {
  COMPLIANCE_CERTIFICATE as OUTSIDER_CERTIFICATE,
  COMPLIANCE_PRIVATE_KEY as OUTSIDER_PRIVATE_KEY,
} from '../unit/audit-export/support/compliance-certificate';
import { createMedrecClient } from '../../sdk/src/medrec-client';
import { send } from '../unit/api/support/conformance';
import { api, treatmentConsentForHospital2, bearer, condition, register, type Registered } from './support/rest-api';
import { consortium } from './support/shared-network';

const execFileAsync = promisify(execFile);

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `medrec <args>` from the build as a user would, and returns its exit code and output. */
async function medrec(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'medrec.js'), ...args],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          MEDREC_HOME: consortium().layout.home,
          MEDREC_PORT_BASE: String(consortium().topology.portBase),
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('audit export on the real network (CLI and API)', function () {
  let dir: string;
  let patient: Registered;
  let doc: Registered;
  let compliance: Registered;
  let jsonFile: string;
  let bundleFile: string;
  let genesisFile: string;

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-audit-'));
    patient = await register('hospital1', 'patient', 'audit-');
    doc = await register('hospital1', 'clinician', 'audit-');
    compliance = await register('hospital1', 'compliance', 'audit-');
    const created = await send(
      api('hospital1')
        .post(`/v1/patients/${patient.participantId}/records`)
        .set(...bearer(doc.token))
        .send(condition(patient.participantId, { code: 'E11.9', display: 'Type 2 diabetes mellitus' })),
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const recordId = (created.body as { record: { recordId: string } }).record.recordId;
    const consent = await send(
      api('hospital1')
        .post(`/v1/patients/${patient.participantId}/consents`)
        .set(...bearer(patient.token))
        .send(treatmentConsentForHospital2()),
    );
    expect(consent.status, JSON.stringify(consent.body)).to.equal(201);
    const read = await send(
      api('hospital1')
        .get(`/v1/records/${recordId}`)
        .query({ purpose: 'TREAT' })
        .set(...bearer(doc.token)),
    );
    expect(read.status, JSON.stringify(read.body)).to.equal(200);
    jsonFile = path.join(dir, 'trail.jsonl');
    bundleFile = path.join(dir, 'trail.blocks.jsonl');
    genesisFile = path.join(dir, 'medrec.genesis.block');
  });

  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const exportArgs = (format: string, out: string, ...extra: string[]): string[] => [
    'audit',
    'export',
    '--org',
    'hospital1',
    '--as',
    compliance.participantId,
    '--patient',
    patient.participantId,
    '--format',
    format,
    '--out',
    out,
    '--quiet',
    ...extra,
  ];

  it("allows qscc GetBlockByTxID, GetTransactionByID and GetBlockByNumber for the exporter's identity", async function () {
    const identity = await (await openOrgWallet(consortium(), 'hospital1')).get(compliance.participantId);
    expect(identity, 'the compliance identity is in the hospital1 wallet').to.not.equal(undefined);
    if (!identity) return;
    const connection = connectUser(consortium(), 'hospital1', identity);
    try {
      const qscc = createGatewayQscc(connection.gateway, CHANNEL_NAME);
      const client = createMedrecClient(connection.gateway);
      const page = await client.auditByPatient({ patientId: patient.participantId, pageSize: 1 });
      const txId = page.items[0]?.txId ?? '';
      const block = decodeBlock(await qscc.getBlockByTxId(txId));
      expect(block.transactions.map((t) => t.txId)).to.include(txId);
      expect((await qscc.getTransactionById(txId)).length).to.be.above(0);
      expect(decodeBlock(await qscc.getBlockByNumber(block.number)).number).to.equal(block.number);
    } finally {
      connection.close();
    }
  });

  it('exports as compliance in JSON (with the chain as a block bundle), CSV and FHIR', async function () {
    const json = await medrec(...exportArgs('json', jsonFile, '--bundle', bundleFile));
    expect(json.code, json.stderr + json.stdout).to.equal(0);
    expect(json.stdout).to.match(/exported \d+ events/);
    const lines = fs.readFileSync(jsonFile, 'utf8').trim().split('\n');
    const manifest = (
      JSON.parse(lines.at(-1) ?? '{}') as { manifest: { eventCount: number; complete: boolean; ledgerHeight: number } }
    ).manifest;
    expect(manifest.eventCount).to.equal(lines.length - 1);
    expect(manifest.eventCount).to.be.at.least(4);
    expect(manifest.complete).to.equal(true);
    const types = lines.slice(0, -1).map((l) => (JSON.parse(l) as { event: { type: string } }).event.type);
    expect(types).to.include.members(['RecordRegistered', 'ConsentGranted']);
    // The read above is in the trail as the disclosure it was (decided and recorded in one transaction).
    expect(types).to.include('DisclosureConfirmed');
    // The bundle is the chain from block 0 up to the export's height: an outsider verifies it from genesis.
    const bundled = fs
      .readFileSync(bundleFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { blockNumber: number }).blockNumber);
    expect(bundled[0]).to.equal(0);
    expect(bundled.length).to.be.at.least(manifest.ledgerHeight);

    const csvFile = path.join(dir, 'trail.csv');
    const csv = await medrec(...exportArgs('csv', csvFile));
    expect(csv.code, csv.stderr + csv.stdout).to.equal(0);
    const rows: string[][] = parseCsv(fs.readFileSync(csvFile, 'utf8'));
    expect(rows.length - 1).to.equal(manifest.eventCount);
    expect(fs.existsSync(`${csvFile}.manifest.json`)).to.equal(true);

    const fhirFile = path.join(dir, 'trail.fhir.json');
    const fhir = await medrec(...exportArgs('fhir', fhirFile));
    expect(fhir.code, fhir.stderr + fhir.stdout).to.equal(0);
    const bundle = JSON.parse(fs.readFileSync(fhirFile, 'utf8')) as {
      resourceType: string;
      entry: { resource: { resourceType: string } }[];
    };
    expect(bundle.resourceType).to.equal('Bundle');
    expect(bundle.entry).to.have.length(manifest.eventCount);
    expect(bundle.entry.every((e) => e.resource.resourceType === 'AuditEvent')).to.equal(true);
  });

  it('verifies the JSON export online through a peer and offline with its bundle', async function () {
    const online = await medrec('audit', 'verify', jsonFile, '--org', 'hospital1', '--as', compliance.participantId);
    expect(online.code, online.stderr + online.stdout).to.equal(0);
    expect(online.stdout).to.match(/^VALID/);
    const genesis = await medrec('audit', 'genesis', '--org', 'hospital2', '--out', genesisFile);
    expect(genesis.code, genesis.stderr + genesis.stdout).to.equal(0);
    const offline = await medrec('audit', 'verify', jsonFile, '--bundle', bundleFile, '--genesis', genesisFile);
    expect(offline.code, offline.stderr + offline.stdout).to.equal(0);
    expect(offline.stdout).to.match(/^VALID: .*checked against the chain from its genesis block/);
    // It says up to which block, made when, the export is complete.
    expect(offline.stdout).to.match(/none missing up to the export's height \(block \d+, \d{4}-\d\d-\d\dT[\d:.]+Z\)/);
    // A bundle alone proves nothing: offline verification refuses to run without the genesis block.
    const noGenesis = await medrec('audit', 'verify', jsonFile, '--bundle', bundleFile);
    expect(noGenesis.code).to.not.equal(0);
    expect(noGenesis.stderr + noGenesis.stdout).to.contain('offline verification needs --genesis');
  });

  describe('what an auditor outside the consortium catches offline, from the genesis block', function () {
    interface Line {
      event?: { txId: string; time: string };
      proof?: { blockNumber: number };
      manifest?: SignedManifest;
    }
    const read = (): Line[] =>
      fs
        .readFileSync(jsonFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
    const bundle = (): Map<number, Uint8Array> =>
      new Map(
        fs
          .readFileSync(bundleFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { blockNumber: number; block: string })
          .map((b) => [b.blockNumber, Buffer.from(b.block, 'base64')]),
      );
    const writeBundle = (blocks: Map<number, Uint8Array>, file: string): void => {
      fs.writeFileSync(
        file,
        [...blocks]
          .map(([n, b]) => JSON.stringify({ blockNumber: n, block: Buffer.from(b).toString('base64') }))
          .join('\n') + '\n',
      );
    };
    /** The compliance officer (an insider) signs a manifest over the lines as they now are. */
    const resign = async (
      lines: Line[],
      change: (m: SignedManifest) => SignedManifest = (m) => m,
      signer?: ManifestSigner,
    ): Promise<string> => {
      const identity = await (await openOrgWallet(consortium(), 'hospital1')).get(compliance.participantId);
      if (!identity) throw new Error('no compliance identity');
      const entries = lines.filter((l) => l.event !== undefined) as ExportEntry[];
      const hasher = createContentHasher();
      for (const e of entries) hasher.add(e);
      const old = lines.find((l) => l.manifest !== undefined)?.manifest;
      if (!old) throw new Error('no manifest');
      const manifest = await signManifest(
        change({ ...old, eventCount: entries.length, contentSha256: hasher.digest() }),
        signer ?? createPrivateKeyManifestSigner(identity.privateKey, identity.certificate),
      );
      const file = path.join(dir, `forged-${String(Math.random()).slice(2)}.jsonl`);
      fs.writeFileSync(file, [...entries.map((e) => canonicalJson(e)), canonicalJson({ manifest })].join('\n') + '\n');
      return file;
    };
    const verifyOffline = (
      file: string,
      bundleAt = bundleFile,
    ): Promise<{ code: number; stdout: string; stderr: string }> =>
      medrec('audit', 'verify', file, '--bundle', bundleAt, '--genesis', genesisFile);

    it("an insider's edit of an event in both the export and its block: the block's data hash, then the chain and the orderers' signature", async function () {
      const lines = read();
      const target = lines[0]!;
      const blockNumber = target.proof!.blockNumber;
      const edited = target.event!.time.replace(/\d(?=Z$)/, (d) => String((Number(d) + 1) % 10));
      const forgedExport = await resign(
        lines.map((l) => (l === target ? { ...l, event: { ...l.event!, time: edited } } : l)),
      );
      const blocks = bundle();
      const original = Buffer.from(blocks.get(blockNumber)!);
      const tampered = Buffer.from(
        original.toString('latin1').replace(`"time":"${target.event!.time}"`, `"time":"${edited}"`),
        'latin1',
      );
      expect(tampered.equals(original), 'the event is in its block').to.equal(false);
      blocks.set(blockNumber, tampered);
      const dataEdited = path.join(dir, 'bundle-data-edited.jsonl');
      writeBundle(blocks, dataEdited);
      const a = await verifyOffline(forgedExport, dataEdited);
      expect(a.code).to.equal(1);
      expect(a.stdout).to.contain('[data-hash]');
      expect(a.stdout).to.contain(`block ${blockNumber} do not hash`);

      // The forger also recomputes the header's data hash: the orderers' signature and the next block's link break.
      const block = common.Block.deserializeBinary(tampered);
      const hash = createHash('sha256');
      for (const d of block.getData()!.getDataList_asU8()) hash.update(d);
      block.getHeader()!.setDataHash(hash.digest());
      blocks.set(blockNumber, block.serializeBinary());
      const headerEdited = path.join(dir, 'bundle-header-edited.jsonl');
      writeBundle(blocks, headerEdited);
      const b = await verifyOffline(forgedExport, headerEdited);
      expect(b.code).to.equal(1);
      expect(b.stdout).to.not.contain('[data-hash]');
      expect(b.stdout).to.contain(`[orderer-signature] block ${blockNumber} is not signed`);
      expect(b.stdout).to.contain(`[chain-broken] block ${blockNumber + 1} does not name block ${blockNumber}`);
    });

    it('a validation flag altered to hide a transaction, or to pass one off as valid', async function () {
      const lines = read();
      const target = lines[0]!;
      const blockNumber = target.proof!.blockNumber;
      const blocks = bundle();
      const block = common.Block.deserializeBinary(blocks.get(blockNumber)!);
      const decoded = decodeBlock(blocks.get(blockNumber)!);
      const index = decoded.transactions.findIndex((t) => t.txId === target.event!.txId);
      const metadata = block.getMetadata()!.getMetadataList_asU8();
      const filter = Uint8Array.from(metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER]!);
      filter[index] = peer.TxValidationCode.MVCC_READ_CONFLICT;
      metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = filter;
      block.getMetadata()!.setMetadataList(metadata);
      blocks.set(blockNumber, block.serializeBinary());
      const flagged = path.join(dir, 'bundle-flag-edited.jsonl');
      writeBundle(blocks, flagged);
      const r = await verifyOffline(jsonFile, flagged);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.contain(
        `[validation-flag] transaction ${target.event!.txId} (block ${blockNumber}, position ${index}) is marked MVCC_READ_CONFLICT but passes that check`,
      );
    });

    it("a manifest signed with an outsider's own CA, or by an insider in another participant's name", async function () {
      // A certificate of the outsider's own CA, naming the compliance officer in its attributes, signs correctly.
      const outsider = createPrivateKeyManifestSigner(OUTSIDER_PRIVATE_KEY, OUTSIDER_CERTIFICATE);
      const outsiderFile = await resign(
        read(),
        (m) => ({ ...m, generatedBy: { ...m.generatedBy, certificatePem: OUTSIDER_CERTIFICATE } }),
        outsider,
      );
      const o = await verifyOffline(outsiderFile);
      expect(o.code).to.equal(1);
      expect(o.stdout).to.contain('[signature] manifest: the signing certificate is not a member');

      const impersonated = await resign(read(), (m) => ({
        ...m,
        generatedBy: { ...m.generatedBy, participantId: doc.participantId },
      }));
      const i = await verifyOffline(impersonated);
      expect(i.code).to.equal(1);
      expect(i.stdout).to.contain(`enrolled as participant ${compliance.participantId}, not ${doc.participantId}`);
      const online = await medrec(
        'audit',
        'verify',
        impersonated,
        '--org',
        'hospital1',
        '--as',
        compliance.participantId,
      );
      expect(online.code).to.equal(1);
      expect(online.stdout).to.contain(`enrolled as participant ${compliance.participantId}, not ${doc.participantId}`);
    });

    it('an event dropped from a complete export and re-signed, and an export that says it is incomplete', async function () {
      const lines = read();
      const dropped = lines.filter((l) => l.event !== undefined).at(-1)!;
      const shrunk = await resign(
        lines.filter((l) => l !== dropped),
        (m) => ({ ...m, blockRange: m.blockRange && { first: m.blockRange.first, last: m.blockRange.first } }),
      );
      for (const r of [
        await verifyOffline(shrunk),
        await medrec('audit', 'verify', shrunk, '--org', 'hospital1', '--as', compliance.participantId),
      ]) {
        expect(r.code).to.equal(1);
        expect(r.stdout).to.contain('[missing-event]');
        expect(r.stdout).to.contain(dropped.event!.txId);
      }
      const partial = await resign(lines, (m) => ({ ...m, complete: false }));
      const p = await verifyOffline(partial);
      expect(p.code, p.stdout + p.stderr).to.equal(3);
      expect(p.stdout).to.match(/^VALID BUT INCOMPLETE/);
      expect(p.stdout).to.contain('WARNING INCOMPLETE');
    });
  });

  it('reports a changed field and a deleted line precisely and exits non-zero', async function () {
    const lines = fs.readFileSync(jsonFile, 'utf8').trim().split('\n');
    const first = JSON.parse(lines[0] ?? '{}') as { event: { type: string; txId: string } };
    const changed = path.join(dir, 'changed.jsonl');
    fs.writeFileSync(
      changed,
      [JSON.stringify({ ...first, event: { ...first.event, type: 'Tampered' } }), ...lines.slice(1)].join('\n') + '\n',
    );
    const c = await medrec('audit', 'verify', changed, '--bundle', bundleFile, '--genesis', genesisFile);
    expect(c.code).to.not.equal(0);
    expect(c.stdout).to.match(/^INVALID/);
    expect(c.stdout).to.contain('[field-mismatch]');
    expect(c.stdout).to.contain(`field type`);
    expect(c.stdout).to.contain(first.event.txId);
    expect(c.stdout).to.contain('[hash-mismatch]');

    const deleted = path.join(dir, 'deleted.jsonl');
    const removed = JSON.parse(lines[1] ?? '{}') as { event: { txId: string } };
    fs.writeFileSync(deleted, [lines[0], ...lines.slice(2)].join('\n') + '\n');
    const d = await medrec('audit', 'verify', deleted, '--org', 'hospital1', '--as', compliance.participantId);
    expect(d.code).to.not.equal(0);
    expect(d.stdout).to.contain('[count-mismatch]');
    expect(d.stdout).to.contain('[missing-event]');
    expect(d.stdout).to.contain(removed.event.txId);
  });

  it('writes the HIPAA accounting of disclosures as HTML and CSV', async function () {
    for (const format of ['html', 'csv']) {
      const out = path.join(dir, `accounting.${format}`);
      const r = await medrec(
        'audit',
        'accounting',
        '--org',
        'hospital1',
        '--as',
        compliance.participantId,
        '--patient',
        patient.participantId,
        '--format',
        format,
        '--out',
        out,
      );
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      expect(fs.readFileSync(out, 'utf8')).to.contain(format === 'html' ? '<table>' : 'recipientName');
    }
  });

  it('exports through the API as compliance and verifies the export there (valid, then tampered)', async function () {
    const exported = await send(
      api('hospital1')
        .get('/v1/audit/export')
        .query({ patientId: patient.participantId, format: 'json' })
        .set(...bearer(compliance.token))
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => {
            done(null, text);
          });
        }),
    );
    expect(exported.status).to.equal(200);
    expect(exported.headers['content-type']).to.match(/^application\/x-ndjson/);
    const text = exported.body as string;
    const lines = text.trim().split('\n');
    expect(lines.length).to.be.at.least(5);
    const verified = await send(
      api('hospital1')
        .post('/v1/audit/verify')
        .set(...bearer(compliance.token))
        .set('content-type', 'application/x-ndjson')
        .send(text),
    );
    expect(verified.status, JSON.stringify(verified.body)).to.equal(200);
    expect(verified.body).to.include({ valid: true, eventCount: lines.length - 1 });

    const tampered = [lines[0], ...lines.slice(2)].join('\n') + '\n';
    const refused = await send(
      api('hospital1')
        .post('/v1/audit/verify')
        .set(...bearer(compliance.token))
        .set('content-type', 'application/x-ndjson')
        .send(tampered),
    );
    expect(refused.status).to.equal(200);
    const report = refused.body as { valid: boolean; discrepancies: { kind: string }[] };
    expect(report.valid).to.equal(false);
    expect(report.discrepancies.map((d) => d.kind)).to.include.members(['count-mismatch', 'hash-mismatch']);
  });
});
