import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createMemoryBlockSource,
  exportBlockBundle,
  loadBlockBundle,
} from '../../../sdk/src/audit-export/block-source';
import type { ExportEntry, SignedManifest } from '../../../sdk/src/audit-export/export-types';
import {
  verifyExport,
  verifyExportText,
  type Discrepancy,
  type VerificationReport,
  type VerifyExportOptions,
} from '../../../sdk/src/audit-export/export-verifier';
import { createPrivateKeyManifestSigner, signManifest } from '../../../sdk/src/audit-export/manifest';
import { canonicalJson } from '../../../sdk/src/fhir/content-hash';
import { CLINICIAN_B_CERTIFICATE, CLINICIAN_B_PRIVATE_KEY } from '../gatekeeper/support/test-certificates';
import { EXPORTER, ledgerTrust, runExport, SIGNER } from './support/export-fixture';
import { createFakeLedger, makeEvents, type FakeLedger } from './support/fake-ledger';

interface Parsed {
  entries: ExportEntry[];
  manifest: SignedManifest;
}

function parseExport(text: string): Parsed {
  const lines = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event?: unknown; manifest?: SignedManifest });
  return { entries: lines.slice(0, -1) as ExportEntry[], manifest: lines.at(-1)!.manifest! };
}

function serialise(parsed: Parsed): string {
  return (
    [...parsed.entries.map((e) => canonicalJson(e)), canonicalJson({ manifest: parsed.manifest })].join('\n') + '\n'
  );
}

const kinds = (ds: readonly Discrepancy[]): string[] => [...new Set(ds.map((d) => d.kind))].sort();

describe('audit export: verifier', function () {
  let ledger: FakeLedger;
  let original: Parsed;
  const filters = { patientId: 'pat-1' };
  const verify = (text: string, extra: Partial<VerifyExportOptions> = {}): Promise<VerificationReport> =>
    verifyExportText(text, { blocks: createMemoryBlockSource(ledger.blocks), trust: ledgerTrust(ledger), ...extra });

  beforeEach(async function () {
    ledger = createFakeLedger(makeEvents(15));
    original = parseExport((await runExport(ledger, filters, 'json')).text);
  });

  it('reports a manifest without a ledger height (format 1), which bounds nothing', async function () {
    const legacy: Record<string, unknown> = { ...original.manifest, format: 'medrec-audit-export/1' };
    delete legacy.ledgerHeight;
    const report = await verify(serialise({ ...original, manifest: legacy as unknown as SignedManifest }));
    expect(report.valid).to.equal(false);
    expect(report.complete).to.equal(false);
    expect(report.discrepancies.find((d) => d.field === 'manifest.ledgerHeight')?.message).to.contain(
      'no ledger height',
    );
  });

  it('says loudly that an export the exporter cut short is incomplete, though what it holds is valid', async function () {
    const { text } = await runExport(ledger, filters, 'json', { maxEvents: 3 });
    const report = await verify(text);
    expect(report.valid).to.equal(true);
    expect(report.complete).to.equal(false);
    expect(report.warnings.join(' ')).to.match(/^INCOMPLETE: .*do not rely on it as the whole trail/);
    const whole = await verify(serialise(original));
    expect(whole).to.deep.include({ valid: true, complete: true, warnings: [] });
  });

  it('binds the signer: the certificate names the participant, whom the ledger binds to that enrolment', async function () {
    const resign = (generatedBy: Partial<SignedManifest['generatedBy']>): Promise<SignedManifest> =>
      signManifest({ ...original.manifest, generatedBy: { ...original.manifest.generatedBy, ...generatedBy } }, SIGNER);
    const impersonated = await verify(serialise({ ...original, manifest: await resign({ participantId: 'admin-1' }) }));
    expect(impersonated.valid).to.equal(false);
    expect(impersonated.discrepancies.map((d) => d.message).join(' ')).to.contain(
      'enrolled as participant comp-1, not admin-1',
    );
    const rebound = await verifyExportText(serialise(original), {
      blocks: createMemoryBlockSource(ledger.blocks),
      trust: ledgerTrust(ledger, [{ ...EXPORTER, enrollmentId: 'someone-else' }]),
    });
    expect(rebound.discrepancies.map((d) => d.message).join(' ')).to.contain(
      'the ledger binds comp-1 to enrolment someone-else',
    );
    const unknown = await verifyExportText(serialise(original), {
      blocks: createMemoryBlockSource(ledger.blocks),
      trust: ledgerTrust(ledger, []),
    });
    expect(unknown.discrepancies.map((d) => d.message)).to.deep.equal([
      'manifest: no participant comp-1 is registered on the ledger',
    ]);
    const deactivated = await verifyExportText(serialise(original), {
      blocks: createMemoryBlockSource(ledger.blocks),
      trust: ledgerTrust(ledger, [{ ...EXPORTER, status: 'inactive', deactivatedAt: '2030-01-01T00:00:00.000Z' }]),
    });
    expect(deactivated.discrepancies.map((d) => d.message).join(' ')).to.contain('was deactivated at');
    const laterDeactivated = await verifyExportText(serialise(original), {
      blocks: createMemoryBlockSource(ledger.blocks),
      trust: ledgerTrust(ledger, [{ ...EXPORTER, status: 'inactive', deactivatedAt: '2031-01-01T00:00:00.000Z' }]),
    });
    expect(laterDeactivated.discrepancies).to.deep.equal([]);
  });

  it('accepts an untouched export: every event, proof, hash, signature and completeness hold', async function () {
    const report = await verify(serialise(original));
    expect(report.discrepancies).to.deep.equal([]);
    expect(report.valid).to.be.true;
    expect(report.eventCount).to.equal(original.manifest.eventCount);
  });

  it('detects a changed field, naming event, field, expected and found', async function () {
    const target = original.entries[2]!;
    original.entries[2] = {
      ...target,
      event: { ...target.event, actor: { ...target.event.actor, role: 'compliance' } },
    };
    const report = await verify(serialise(original));
    expect(report.valid).to.be.false;
    const field = report.discrepancies.find((d) => d.kind === 'field-mismatch')!;
    expect(field).to.include({
      eventIndex: 2,
      txId: target.event.txId,
      field: 'actor.role',
      expected: '"clinician"',
      found: '"compliance"',
    });
    expect(field.message).to.equal(
      `event at index 2 (tx ${target.event.txId}): field actor.role differs: ledger has "clinician", export has "compliance"`,
    );
    expect(kinds(report.discrepancies)).to.deep.equal(['field-mismatch', 'hash-mismatch']);
  });

  it('detects a deleted row: count, hash, and the missing event named from the blocks', async function () {
    const removed = original.entries.splice(4, 1)[0]!;
    const report = await verify(serialise(original));
    expect(kinds(report.discrepancies)).to.deep.equal(['count-mismatch', 'hash-mismatch', 'missing-event']);
    const missing = report.discrepancies.find((d) => d.kind === 'missing-event')!;
    expect(missing.txId).to.equal(removed.event.txId);
    expect(missing.message).to.contain(`tx ${removed.event.txId}`).and.contain(`block ${removed.proof.blockNumber}`);
  });

  it('detects an inserted fake event that no transaction wrote', async function () {
    const template = original.entries[1]!;
    const fakeTx = 'f'.repeat(64);
    const fake: ExportEntry = {
      event: { ...template.event, eventId: fakeTx, txId: fakeTx, time: '2030-01-01T00:00:01.500Z' },
      proof: { ...template.proof, transactionId: fakeTx },
    };
    original.entries.splice(2, 0, fake);
    const report = await verify(serialise(original));
    expect(kinds(report.discrepancies)).to.deep.equal(['count-mismatch', 'hash-mismatch', 'not-on-ledger']);
    const notOnLedger = report.discrepancies.find((d) => d.kind === 'not-on-ledger')!;
    expect(notOnLedger).to.include({ eventIndex: 2, txId: fakeTx });
    expect(notOnLedger.message).to.contain(`block ${template.proof.blockNumber} holds no transaction ${fakeTx}`);
  });

  it('detects reordered events', async function () {
    const [a, b] = [original.entries[3]!, original.entries[4]!];
    original.entries[3] = b;
    original.entries[4] = a;
    const report = await verify(serialise(original));
    expect(kinds(report.discrepancies)).to.deep.equal(['hash-mismatch', 'out-of-order']);
    const order = report.discrepancies.find((d) => d.kind === 'out-of-order')!;
    expect(order).to.include({ eventIndex: 4, txId: a.event.txId });
    // Both positions in the message are 0-based, like eventIndex: the event at 4 follows the one at 3.
    expect(order.message).to.match(
      /^event at index 4 \(tx [0-9a-f]+\) at .* is out of order: it follows the event at index 3 at /,
    );
  });

  it('detects a forged manifest: altered after signing, or re-signed by an identity the CA roots did not issue', async function () {
    const altered = {
      ...original,
      manifest: { ...original.manifest, filters: { patientId: 'pat-1', eventTypes: ['AccessDecided'] } },
    };
    const report = await verify(serialise(altered));
    expect(report.discrepancies.map((d) => d.kind)).to.include('signature');
    expect(report.discrepancies.find((d) => d.kind === 'signature')!.message).to.contain('does not verify');

    const forger = createPrivateKeyManifestSigner(CLINICIAN_B_PRIVATE_KEY, CLINICIAN_B_CERTIFICATE);
    // signManifest replaces the old signature: the forger signs the same content with its own key.
    const forged = await signManifest(
      {
        ...original.manifest,
        generatedBy: { ...original.manifest.generatedBy, certificatePem: CLINICIAN_B_CERTIFICATE },
      },
      forger,
    );
    const report2 = await verify(serialise({ entries: original.entries, manifest: forged }));
    expect(report2.discrepancies.map((d) => d.kind)).to.deep.equal(['signature', 'signature', 'signature']);
    expect(report2.discrepancies[0]!.message).to.match(/not issued by any CA root of Hospital1MSP/);
    expect(report2.discrepancies[1]!.message).to.contain('no MedRec participant (no medrec.id attribute)');
  });

  it('detects a complete export missing one event of its filter, even when honestly hashed and signed', async function () {
    // An exporter that skips one event and signs what it wrote: hash, count and signature all hold.
    const skipped = ledger.events.filter((e) => e.patientId === 'pat-1')[6]!;
    const lying = {
      ...ledger,
      auditByPatient: async (q: Parameters<FakeLedger['auditByPatient']>[0]) => {
        const page = await ledger.auditByPatient(q);
        return { ...page, items: page.items.filter((e) => e.txId !== skipped.txId) };
      },
    };
    const { text } = await runExport(lying, filters, 'json');
    const report = await verify(text);
    expect(report.discrepancies).to.have.length(1);
    expect(report.discrepancies[0]).to.include({ kind: 'missing-event', txId: skipped.txId });
    // The same event committed at or after the export's height is not missing from it.
    const later = { ...ledger.qscc, getHeight: () => Promise.resolve(0 + 1) };
    const { text: early } = await runExport({ ...lying, qscc: later }, filters, 'json');
    const earlyReport = await verify(early);
    expect(earlyReport.discrepancies.filter((d) => d.kind === 'missing-event')).to.deep.equal([]);
  });

  it('reports a transaction the block marks invalid, and a block the bundle lacks', async function () {
    const entry = original.entries[0]!;
    original.entries[0] = { ...entry, proof: { ...entry.proof, validationCode: 'MVCC_READ_CONFLICT' } };
    const report = await verify(serialise(original));
    expect(report.discrepancies.find((d) => d.kind === 'invalid-transaction')).to.include({
      expected: 'VALID',
      found: 'MVCC_READ_CONFLICT',
    });
    const partial = new Map(ledger.blocks);
    partial.delete(6);
    const report2 = await verifyExportText(serialise(parseExport(serialise(original))), {
      blocks: createMemoryBlockSource(partial),
      trust: ledgerTrust(ledger),
    });
    expect(report2.discrepancies.filter((d) => d.kind === 'block-unavailable').map((d) => d.message)[0]).to.contain(
      'block 6',
    );
  });

  it('verifies offline from files: the export and a block bundle written alongside', async function () {
    const dir = mkdtempSync(path.join(tmpdir(), 'medrec-audit-'));
    try {
      const exportPath = path.join(dir, 'export.jsonl');
      const bundlePath = path.join(dir, 'blocks.jsonl');
      writeFileSync(exportPath, serialise(original));
      const range = original.manifest.blockRange!;
      const written = await exportBlockBundle(
        Array.from({ length: range.last - range.first + 1 }, (_, i) => range.first + i),
        ledger.qscc,
        bundlePath,
      );
      expect(written).to.equal(range.last - range.first + 1);
      const report = await verifyExport(exportPath, {
        blocks: await loadBlockBundle(bundlePath),
        trust: ledgerTrust(ledger),
      });
      expect(report.discrepancies).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
