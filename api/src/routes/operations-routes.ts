import type { Registry } from 'prom-client';
import type { PublicHandler } from '../http/operation-router';
import type { OpenApiDocument } from '../openapi/openapi-types';
import type { ReadinessCheck, ReadinessProbe } from '../ports';

export interface OperationsRouteOptions {
  readonly document: OpenApiDocument;
  readonly metrics: Registry;
  readonly readiness: ReadinessProbe | undefined;
}

async function runProbe(probe: ReadinessProbe | undefined): Promise<readonly ReadinessCheck[]> {
  if (probe === undefined) return [];
  try {
    return await probe();
  } catch {
    // A probe that throws is itself a failed check; its message could name internal hosts, so it is not shown.
    return [{ name: 'readiness', ok: false, detail: 'the readiness probe failed' }];
  }
}

export function operationsRoutes(options: OperationsRouteOptions): Readonly<Record<string, PublicHandler>> {
  // Serialised once: the document does not change while the server runs.
  const documentJson = JSON.stringify(options.document);
  return {
    getHealth: async () => {
      const checks = await runProbe(options.readiness);
      const ok = checks.every((c) => c.ok);
      return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'unavailable', checks } };
    },
    getOpenApiDocument: () => Promise.resolve({ status: 200, body: documentJson, contentType: 'application/json' }),
    getMetrics: async () => ({
      status: 200,
      body: await options.metrics.metrics(),
      contentType: options.metrics.contentType,
    }),
  };
}
