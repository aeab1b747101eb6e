import type { Request, Response } from 'express';
import { createStreamSink, type ExportFilters, type ExportFormat } from '@medrec/sdk';
import type { OperationHandler } from '../http/operation-router';
import type { AuditExportUseCases } from '../use-cases/audit-export';
import { optionalQuery } from './input';

/** The media type of each export format (documented on GET /v1/audit/export). */
export const AUDIT_EXPORT_CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  json: 'application/x-ndjson',
  csv: 'text/csv',
  fhir: 'application/fhir+json',
};

const EXTENSIONS: Readonly<Record<ExportFormat, string>> = { json: 'jsonl', csv: 'csv', fhir: 'fhir.json' };

/**
 * The format of an export sent to POST /v1/audit/verify, by its content type (the request validator has already
 * refused any other type).
 */
function verifyFormatOf(req: Request): ExportFormat {
  const format = (['csv', 'fhir', 'json'] as const).find((f) => req.is(AUDIT_EXPORT_CONTENT_TYPES[f]) !== false);
  return format ?? 'json';
}

/** HTTP trailer carrying the signed manifest (base64 of its JSON), so that CSV exports can be verified too. */
export const MANIFEST_TRAILER = 'X-Medrec-Manifest';

function filtersOf(query: (name: string) => string | undefined): ExportFilters {
  const patientId = query('patientId');
  const actorId = query('actorId');
  const organisation = query('organisation');
  const eventType = query('eventType');
  const from = query('from');
  const to = query('to');
  return {
    ...(patientId === undefined ? {} : { patientId }),
    ...(actorId === undefined ? {} : { actorId }),
    ...(organisation === undefined ? {} : { organisation }),
    ...(eventType === undefined ? {} : { eventTypes: eventType.split(',') }),
    // The ledger compares UTC ISO times: normalise any RFC 3339 offset the validator accepted.
    ...(from === undefined ? {} : { from: new Date(from).toISOString() }),
    ...(to === undefined ? {} : { to: new Date(to).toISOString() }),
  };
}

async function streamExport(
  res: Response,
  format: ExportFormat,
  run: (res: Response) => Promise<string>,
): Promise<void> {
  res.status(200);
  res.setHeader('content-type', AUDIT_EXPORT_CONTENT_TYPES[format]);
  res.setHeader('content-disposition', `attachment; filename="audit-export.${EXTENSIONS[format]}"`);
  res.setHeader('trailer', MANIFEST_TRAILER);
  try {
    const manifest = await run(res);
    res.addTrailers({ [MANIFEST_TRAILER]: manifest });
    res.end();
  } catch (error) {
    // The status line is sent: the client sees a truncated body (no manifest), which verification rejects.
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

export function auditRoutes(useCases: AuditExportUseCases): Readonly<Record<string, OperationHandler>> {
  return {
    exportAuditTrail: async ({ auth, input, res }) => {
      const format = (optionalQuery(input, 'format') ?? 'json') as ExportFormat;
      const filters = filtersOf((name) => optionalQuery(input, name));
      await useCases.authoriseExport(auth.user, filters);
      await streamExport(res, format, async (stream) => {
        const manifest = await useCases.exportTrail(auth.user, { filters, format, sink: createStreamSink(stream) });
        return Buffer.from(JSON.stringify(manifest), 'utf8').toString('base64');
      });
      return undefined;
    },
    verifyAuditExport: async ({ auth, req, input }) => {
      // A CSV export's manifest comes back the way the export sent it: base64 JSON in X-Medrec-Manifest.
      const manifestBase64 = input.headers[MANIFEST_TRAILER.toLowerCase()];
      const report = await useCases.verify(auth.user, {
        format: verifyFormatOf(req),
        text: input.body as string,
        ...(manifestBase64 === undefined ? {} : { manifestBase64 }),
      });
      return { status: 200, body: report };
    },
  };
}
