import { createLedgerAuditEventSource } from '../../../../sdk/src/audit-export/audit-event-source';
import { createMemorySink } from '../../../../sdk/src/audit-export/export-sink';
import type { ExportFilters, SignedManifest } from '../../../../sdk/src/audit-export/export-types';
import {
  writeAuditExport,
  type ExportFormat,
  type FhirDetailLookups,
} from '../../../../sdk/src/audit-export/export-writer';
import { createQsccProofSource } from '../../../../sdk/src/audit-export/ledger-proof-source';
import { createPrivateKeyManifestSigner } from '../../../../sdk/src/audit-export/manifest';
import { CLINICIAN_A_CERTIFICATE, CLINICIAN_A_PRIVATE_KEY } from '../../gatekeeper/support/test-certificates';
import { CHANNEL, type FakeLedger } from './fake-ledger';

export const SIGNER = createPrivateKeyManifestSigner(CLINICIAN_A_PRIVATE_KEY, CLINICIAN_A_CERTIFICATE);
export const CA_ROOTS = { Hospital1MSP: [CLINICIAN_A_CERTIFICATE] };
export const GENERATED_AT = new Date('2030-02-01T00:00:00.000Z');

export interface ExportResult {
  readonly text: string;
  readonly manifest: SignedManifest;
}

export async function runExport(
  ledger: FakeLedger,
  filters: ExportFilters,
  format: ExportFormat,
  extra: { readonly maxEvents?: number; readonly pageSize?: number; readonly fhirDetails?: FhirDetailLookups } = {},
): Promise<ExportResult> {
  const sink = createMemorySink();
  const manifest = await writeAuditExport({
    source: createLedgerAuditEventSource(ledger, { pageSize: extra.pageSize ?? 4 }),
    proofs: createQsccProofSource(ledger.qscc),
    filters,
    format,
    sink,
    signer: SIGNER,
    generatedBy: { participantId: 'comp-1', mspId: 'Hospital1MSP' },
    channel: CHANNEL,
    now: () => GENERATED_AT,
    ...(extra.maxEvents !== undefined ? { maxEvents: extra.maxEvents } : {}),
    ...(extra.fhirDetails !== undefined ? { fhirDetails: extra.fhirDetails } : {}),
  });
  return { text: sink.text(), manifest };
}
