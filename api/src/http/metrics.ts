/** Prometheus metrics: request counts and durations by route template and status (never by concrete ids). */
import type { RequestHandler, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const ROUTE = Symbol('medrec.route');

/** Records the OpenAPI path template of the matched operation, the only route label metrics may carry. */
export function setRouteLabel(res: Response, template: string): void {
  (res.locals as Record<symbol, unknown>)[ROUTE] = template;
}

function routeLabel(res: Response): string {
  const value = (res.locals as Record<symbol, unknown>)[ROUTE];
  return typeof value === 'string' ? value : 'unmatched';
}

export interface HttpMetrics {
  readonly registry: Registry;
  readonly middleware: RequestHandler;
}

export function createHttpMetrics(): HttpMetrics {
  // A registry per server: several servers in one process (tests, one API per organisation) keep separate counts.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'medrec_api_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'medrec_api_http_request_duration_seconds',
    help: 'HTTP request duration (for event streams: how long the stream stayed open)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    // 'close' fires both after a normal finish and when the client goes away (an SSE stream ends that way).
    res.once('close', () => {
      const labels = { method: req.method, route: routeLabel(res), status: String(res.statusCode) };
      requests.inc(labels);
      durations.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
  return { registry, middleware };
}
