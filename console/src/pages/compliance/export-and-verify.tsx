/**
 * Export an audit trail (signed with the officer's own identity) and verify an export against the ledger. The CSV
 * format's signed manifest travels in an HTTP trailer, which browsers do not expose: verifying a CSV here needs its
 * manifest file (the CLI writes it), so JSON Lines or FHIR are the formats to export and verify in the console.
 */
import { useState } from 'react';
import type { VerificationReport } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { saveDownload } from '../../components/save-download';
import { useAction } from '../../components/use-action';
import {
  EXPORT_FORMATS,
  auditQuery,
  formatOfFile,
  type AuditFilters,
  type ExportFormat,
} from '../../logic/audit-filters';
import { useSession } from '../../session/session-context';
import { AuditFilterFields } from './audit-filter-fields';

const EMPTY: AuditFilters = { subject: 'patientId', id: '', from: '', to: '', organisation: '' };

function Report({ report }: { readonly report: VerificationReport }): React.JSX.Element {
  return (
    <div className={report.valid ? 'ok' : 'problem'} role="status" aria-label="Verification report">
      <p>
        <strong>{report.valid ? 'Valid' : 'Not valid'}</strong>: {report.eventCount} events;{' '}
        {report.complete === true ? 'complete up to the export’s ledger height' : 'completeness not established'}.
      </p>
      {report.warnings === undefined || report.warnings.length === 0 ? null : (
        <ul>
          {report.warnings.map((w) => (
            <li key={w}>Warning: {w}</li>
          ))}
        </ul>
      )}
      {report.discrepancies.length === 0 ? null : (
        <>
          <p>{report.discrepancies.length} discrepancies:</p>
          <ol className="discrepancies">
            {report.discrepancies.map((d, i) => (
              <li key={`${d.kind}-${String(i)}`}>
                <strong>{d.kind}</strong>
                {d.eventIndex === undefined ? '' : ` (event at index ${String(d.eventIndex)})`}: {d.message}
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

export function ExportAndVerify(): React.JSX.Element {
  const { api } = useSession();
  const exporting = useAction();
  const verifying = useAction();
  const [filters, setFilters] = useState<AuditFilters>(EMPTY);
  const [format, setFormat] = useState<ExportFormat>('json');
  const [exported, setExported] = useState<string | undefined>(undefined);
  const [file, setFile] = useState<File | undefined>(undefined);
  const [manifest, setManifest] = useState<File | undefined>(undefined);
  const [report, setReport] = useState<VerificationReport | undefined>(undefined);

  async function exportTrail(event: React.SyntheticEvent): Promise<void> {
    event.preventDefault();
    setExported(undefined);
    const query = auditQuery(filters, true);
    query.set('format', format);
    const download = await exporting.run(() => api.download(`/v1/audit/export?${query.toString()}`));
    if (download !== undefined) {
      const name = `audit-${filters.id.trim()}.${EXPORT_FORMATS[format].extension}`;
      saveDownload(download, name);
      setExported(`Exported ${String(download.blob.size)} bytes as ${name}.`);
    }
  }

  async function verify(event: React.SyntheticEvent): Promise<void> {
    event.preventDefault();
    setReport(undefined);
    if (file === undefined) return;
    const fileFormat = formatOfFile(file.name);
    const result = await verifying.run(async () => {
      const headers: Record<string, string> = {};
      if (fileFormat === 'csv') {
        if (manifest === undefined) throw new Error('A CSV export is verified with its manifest file: choose it too.');
        // The header carries the manifest exactly as the export's trailer did: base64 of its JSON.
        headers['x-medrec-manifest'] = btoa((await manifest.text()).trim());
      }
      return api.sendText<VerificationReport>(
        '/v1/audit/verify',
        await file.text(),
        EXPORT_FORMATS[fileFormat].contentType,
        headers,
      );
    });
    if (result !== undefined) setReport(result);
  }

  return (
    <section aria-labelledby="export-heading">
      <h2 id="export-heading">Export and verify</h2>
      <form onSubmit={(e) => void exportTrail(e)} className="panel">
        <h3>Export a trail</h3>
        <AuditFilterFields idPrefix="export" filters={filters} onChange={setFilters} withOrganisation />
        <label>
          Format
          <select
            name="format"
            value={format}
            onChange={(e) => {
              setFormat(e.target.value as ExportFormat);
            }}
          >
            {(Object.keys(EXPORT_FORMATS) as ExportFormat[]).map((f) => (
              <option key={f} value={f}>
                {EXPORT_FORMATS[f].label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={exporting.busy || filters.id.trim() === ''}>
          Export and download
        </button>
        {exporting.busy ? <Progress label="Exporting with ledger proofs and signing the manifest…" /> : null}
        <ProblemAlert problem={exporting.problem} />
        {exported === undefined ? null : (
          <p role="status" className="ok">
            {exported}
          </p>
        )}
      </form>
      <form onSubmit={(e) => void verify(e)} className="panel">
        <h3>Verify an export</h3>
        <p>
          Upload an export (.jsonl, FHIR .json, or .csv with its manifest): every event is checked against its block on
          the ledger, and the manifest's hash and signature.
        </p>
        <label className="block">
          Export file
          <input
            type="file"
            name="export-file"
            accept=".jsonl,.json,.csv,.ndjson"
            onChange={(e) => {
              setFile(e.target.files?.[0]);
            }}
          />
        </label>
        {file !== undefined && formatOfFile(file.name) === 'csv' ? (
          <label className="block">
            Its manifest file (JSON)
            <input
              type="file"
              name="manifest-file"
              accept=".json"
              onChange={(e) => {
                setManifest(e.target.files?.[0]);
              }}
            />
          </label>
        ) : null}
        <button type="submit" disabled={verifying.busy || file === undefined}>
          Verify
        </button>
        {verifying.busy ? <Progress label="Reading the blocks and checking every event…" /> : null}
        <ProblemAlert problem={verifying.problem} />
        {report === undefined ? null : <Report report={report} />}
      </form>
    </section>
  );
}
