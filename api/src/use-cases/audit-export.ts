/** The compliance audit export and its verification, as the caller. */
import type { ExportFilters, ExportFormat, ExportSink, SignedManifest, VerificationReport } from '@medrec/sdk';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type { AuditExporter, LedgerGateway, UserContext } from '../ports';

export interface AuditExportUseCases {
  /**
   * Checks, by a ledger read made as the caller, that they may read the trail the filters select (compliance: any;
   * a patient: their own), before anything is sent.
   */
  authoriseExport(user: UserContext, filters: Readonly<ExportFilters>): Promise<void>;
  exportTrail(
    user: UserContext,
    request: Readonly<{ filters: ExportFilters; format: ExportFormat; sink: ExportSink }>,
  ): Promise<SignedManifest>;
  verify(user: UserContext, exportText: string): Promise<VerificationReport>;
}

function validation(message: string, detail: string): ApiProblem {
  return new ApiProblem(PROBLEMS.validation, detail, {
    code: 'VALIDATION_FAILED',
    errors: [{ in: 'query', path: '/', message }],
  });
}

/** The manifest's filters of a JSON Lines export (its last `{"manifest"}` line), if it has one. */
function manifestFilters(exportText: string): ExportFilters | undefined {
  const lines = exportText.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    try {
      const value = JSON.parse(line) as { manifest?: { filters?: ExportFilters } };
      return value.manifest?.filters;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function createAuditExportUseCases(
  ports: Readonly<{ ledger: LedgerGateway; auditExporter: AuditExporter }>,
): AuditExportUseCases {
  const { ledger, auditExporter } = ports;
  return {
    async authoriseExport(user, filters) {
      const { patientId, actorId } = filters;
      if ((patientId === undefined) === (actorId === undefined)) {
        throw validation(
          'exactly one of patientId and actorId is required',
          'Give exactly one of the query parameters patientId and actorId.',
        );
      }
      if (filters.from !== undefined && filters.to !== undefined && filters.from >= filters.to) {
        throw validation('from must be before to', 'The window is [from, to): give a from before to.');
      }
      const client = await ledger.clientFor(user);
      if (patientId !== undefined) await client.auditByPatient({ patientId, pageSize: 1 });
      else await client.auditByActor({ actorId: actorId ?? '', pageSize: 1 });
    },

    exportTrail(user, request) {
      return auditExporter.export({ user, ...request });
    },

    async verify(user, exportText) {
      if (user.role !== 'compliance' && user.role !== 'patient') {
        throw new ApiProblem(
          PROBLEMS.forbidden,
          'Only compliance officers, and patients for their own trail, verify audit exports.',
          {
            code: 'MEDREC_FORBIDDEN',
          },
        );
      }
      const filters = manifestFilters(exportText);
      if (user.role === 'patient' && filters?.patientId !== user.participantId) {
        throw new ApiProblem(
          PROBLEMS.forbidden,
          "A patient may verify exports of their own trail only (the manifest's filters.patientId must be theirs).",
          { code: 'MEDREC_FORBIDDEN' },
        );
      }
      if (filters === undefined) {
        throw new ApiProblem(
          PROBLEMS.validation,
          'The export has no manifest line naming its subject; verify the whole export as it was produced.',
          { code: 'VALIDATION_FAILED', errors: [{ in: 'body', path: '/', message: 'no manifest line' }] },
        );
      }
      // Verification reports the trail's events (types, times, transaction ids): only someone who may read that
      // trail may verify it. The ledger decides, by the same query an export of that subject would make.
      const client = await ledger.clientFor(user);
      if (filters.patientId !== undefined) await client.auditByPatient({ patientId: filters.patientId, pageSize: 1 });
      else if (filters.actorId !== undefined) await client.auditByActor({ actorId: filters.actorId, pageSize: 1 });
      else {
        throw new ApiProblem(PROBLEMS.forbidden, "The export's manifest names neither a patient nor an actor.", {
          code: 'MEDREC_FORBIDDEN',
        });
      }
      return auditExporter.verify(user, exportText);
    },
  };
}
