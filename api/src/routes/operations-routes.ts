import crypto from 'node:crypto';
import type { Registry } from 'prom-client';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type { PublicHandler } from '../http/operation-router';
import type { OpenApiDocument } from '../openapi/openapi-types';
import type { ReadinessCheck, ReadinessProbe } from '../ports';

export interface OperationsRouteOptions {
  readonly document: OpenApiDocument;
  readonly metrics: Registry;
  /** When set, /metrics requires it as a bearer token. */
  readonly metricsToken: string | undefined;
  readonly readiness: ReadinessProbe | undefined;
}

const sha256 = (text: string): Buffer => crypto.createHash('sha256').update(text, 'utf8').digest();

/** Compares hashes, so neither the token's length nor where it differs shows in the timing. */
function checkMetricsToken(expected: string | undefined, header: string | undefined): void {
  if (expected === undefined) return;
  const presented = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header ?? '')?.[1] ?? '';
  if (!crypto.timingSafeEqual(sha256(presented), sha256(expected))) {
    throw new ApiProblem(PROBLEMS.unauthenticated, 'Send the metrics token: "Authorization: Bearer <token>".', {
      code: 'INVALID_METRICS_TOKEN',
      headers: { 'www-authenticate': 'Bearer realm="medrec-metrics"' },
    });
  }
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
    getMetrics: async ({ req }) => {
      checkMetricsToken(options.metricsToken, req.headers.authorization);
      return { status: 200, body: await options.metrics.metrics(), contentType: options.metrics.contentType };
    },
  };
}
