import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditCommandError, csvManifestFile, verifyInputOf } from '../../../network/src/audit-commands';
import { csvHeader } from '../../../sdk/src/audit-export/csv-entry';

async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    expect(err).to.be.instanceOf(AuditCommandError);
    return (err as Error).message;
  }
  throw new Error('accepted input that should be refused');
}

describe('medrec audit verify: the export format and the CSV manifest', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'medrec-verify-input-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('detects each format; CSV takes the sidecar <file>.manifest.json by default, or --manifest', async () => {
    const json = path.join(dir, 'export.jsonl');
    writeFileSync(json, '{"manifest":{}}\n');
    expect(await verifyInputOf(json, {})).to.deep.equal({ format: 'json' });
    const fhir = path.join(dir, 'export.fhir.json');
    writeFileSync(fhir, '{"resourceType":"Bundle","type":"collection","entry":[\n');
    expect(await verifyInputOf(fhir, {})).to.deep.equal({ format: 'fhir' });
    const csv = path.join(dir, 'export.csv');
    writeFileSync(csv, csvHeader());
    writeFileSync(csvManifestFile(csv), '{}');
    expect(await verifyInputOf(csv, {})).to.deep.equal({ format: 'csv', manifestFile: `${csv}.manifest.json` });
    const elsewhere = path.join(dir, 'signed.json');
    writeFileSync(elsewhere, '{}');
    expect(await verifyInputOf(csv, { manifest: elsewhere })).to.deep.equal({ format: 'csv', manifestFile: elsewhere });
    // --format overrides detection.
    expect(await verifyInputOf(json, { format: 'csv', manifest: elsewhere })).to.include({ format: 'csv' });
  });

  it('refuses a CSV export without its manifest, and --manifest for a format that carries its own', async () => {
    const csv = path.join(dir, 'export.csv');
    writeFileSync(csv, csvHeader());
    expect(await refusal(() => verifyInputOf(csv, {})))
      .to.contain('--manifest')
      .and.contain('export.csv.manifest.json');
    expect(await refusal(() => verifyInputOf(csv, { manifest: path.join(dir, 'nope.json') }))).to.contain(
      'does not exist',
    );
    const json = path.join(dir, 'export.jsonl');
    writeFileSync(json, '{"manifest":{}}\n');
    expect(await refusal(() => verifyInputOf(json, { manifest: csv }))).to.contain('CSV exports only');
  });
});
