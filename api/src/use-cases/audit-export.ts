/** The compliance audit export and its verification, as the caller. */
import {
  openExportText,
  type ExportFilters,
  type ExportFormat,
  type ExportSink,
  type SignedManifest,
  type VerificationReport,
} from '@medrec/sdk';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type { AuditExporter, LedgerGateway, UserContext } from '../ports';

/** An export to verify as the API receives it: CSV's signed manifest comes base64-encoded, as the export's trailer. */
export interface AuditVerifyInput {
  readonly format: ExportFormat;
  readonly text: string;
  /** CSV only: the X-Medrec-Manifest header, base64 of the signed manifest's JSON. */
  readonly manifestBase64?: string;
}

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
  verify(user: UserContext, input: Readonly<AuditVerifyInput>): Promise<VerificationReport>;
}

function validation(message: string, detail: string): ApiProblem {
  return new ApiProblem(PROBLEMS.validation, detail, {
    code: 'VALIDATION_FAILED',
    errors: [{ in: 'query', path: '/', message }],
  });
}

function bodyProblem(where: 'body' | 'header', message: string, detail: string): ApiProblem {
  return new ApiProblem(PROBLEMS.validation, detail, {
    code: 'VALIDATION_FAILED',
    errors: [{ in: where, path: where === 'body' ? '/' : '/x-medrec-manifest', message }],
  });
}

/** The signed manifest's JSON text of a CSV export; refused when the format does not take one, or it is missing. */
function manifestTextOf(input: Readonly<AuditVerifyInput>): string | undefined {
  if (input.format !== 'csv') {
    if (input.manifestBase64 !== undefined) {
      throw bodyProblem(
        'header',
        'only a text/csv export takes a separate manifest',
        'JSON Lines and FHIR exports carry their own signed manifest: send them without the X-Medrec-Manifest header.',
      );
    }
    return undefined;
  }
  if (input.manifestBase64 === undefined) {
    throw bodyProblem(
      'header',
      'a text/csv export needs its signed manifest',
      "A CSV export's signed manifest is separate: send it in the X-Medrec-Manifest header, base64 of its JSON, as " +
        "the export's X-Medrec-Manifest trailer gave it (or the base64 of the sidecar <export>.manifest.json).",
    );
  }
  return Buffer.from(input.manifestBase64, 'base64').toString('utf8');
}

/** The manifest's filters (the subject the caller must be allowed to read), or the reason the export has none. */
async function manifestFilters(
  input: Readonly<AuditVerifyInput>,
  manifestText: string | undefined,
): Promise<{ readonly filters: ExportFilters } | { readonly missing: string }> {
  const read = await openExportText(input.text, {
    format: input.format,
    ...(manifestText === undefined ? {} : { manifestText }),
  }).manifest();
  return 'manifest' in read ? { filters: read.manifest.filters } : read;
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

    async verify(user, input) {
      if (user.role !== 'compliance' && user.role !== 'patient') {
        throw new ApiProblem(
          PROBLEMS.forbidden,
          'Only compliance officers, and patients for their own trail, verify audit exports.',
          {
            code: 'MEDREC_FORBIDDEN',
          },
        );
      }
      const manifestText = manifestTextOf(input);
      const read = await manifestFilters(input, manifestText);
      const filters = 'filters' in read ? read.filters : undefined;
      if (user.role === 'patient' && filters?.patientId !== user.participantId) {
        throw new ApiProblem(
          PROBLEMS.forbidden,
          "A patient may verify exports of their own trail only (the manifest's filters.patientId must be theirs).",
          { code: 'MEDREC_FORBIDDEN' },
        );
      }
      if ('missing' in read) {
        throw bodyProblem(
          'body',
          'no manifest',
          `The export has no signed manifest naming its subject (${read.missing}); verify the whole export as it was produced.`,
        );
      }
      // Verification reports the trail's events (types, times, transaction ids): only someone who may read that
      // trail may verify it. The ledger decides, by the same query an export of that subject would make.
      const { patientId, actorId } = read.filters;
      const client = await ledger.clientFor(user);
      if (patientId !== undefined) await client.auditByPatient({ patientId, pageSize: 1 });
      else if (actorId !== undefined) await client.auditByActor({ actorId, pageSize: 1 });
      else {
        throw new ApiProblem(PROBLEMS.forbidden, "The export's manifest names neither a patient nor an actor.", {
          code: 'MEDREC_FORBIDDEN',
        });
      }
      return auditExporter.verify(user, {
        format: input.format,
        text: input.text,
        ...(manifestText === undefined ? {} : { manifestText }),
      });
    },
  };
}
