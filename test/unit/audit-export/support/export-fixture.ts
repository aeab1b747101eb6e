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
import type { LedgerTrust } from '../../../../sdk/src/audit-export/export-verifier';
import type { Participant } from '../../../../sdk/src/chaincode-types';
import { ChaincodeError } from '../../../../sdk/src/errors';
import { COMPLIANCE_CERTIFICATE, COMPLIANCE_PRIVATE_KEY } from './compliance-certificate';
import { CHANNEL, type FakeLedger } from './fake-ledger';

export const SIGNER = createPrivateKeyManifestSigner(COMPLIANCE_PRIVATE_KEY, COMPLIANCE_CERTIFICATE);
export const CA_ROOTS = { Hospital1MSP: [COMPLIANCE_CERTIFICATE] };
/** The ledger's record of the exporter, bound to the enrolment of COMPLIANCE_CERTIFICATE. */
export const EXPORTER: Participant = {
  participantId: 'comp-1',
  role: 'compliance',
  enrollmentId: 'comp-1-enrol',
  mspId: 'Hospital1MSP',
  enrollmentIssuer: '/C=US/O=Hospital1/OU=client/CN=comp-1-enrol',
  status: 'active',
  registeredBy: 'admin-1',
  registeredAt: '2029-01-01T00:00:00.000Z',
  txId: 'tx-register-comp-1',
};

/** Trust in the fake ledger as a member's peer gives it: its roots, its participant records, its audit index. */
export function ledgerTrust(
  ledger: FakeLedger,
  participants: readonly Participant[] = [EXPORTER],
  caRoots: LedgerTrust['caRoots'] = CA_ROOTS,
): LedgerTrust {
  return {
    kind: 'ledger',
    caRoots,
    participants: {
      getParticipant: (id) => {
        const found = participants.find((p) => p.participantId === id);
        return found
          ? Promise.resolve(found)
          : Promise.reject(new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: `no participant ${id}` }));
      },
    },
    source: createLedgerAuditEventSource(ledger),
    proofs: createQsccProofSource(ledger.qscc),
  };
}
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
    ledgerHeight: () => ledger.qscc.getHeight(),
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
