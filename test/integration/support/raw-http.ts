/**
 * A minimal HTTP client for the attack suites: any method, path and body, an optional source address (so that
 * deliberate authentication failures can come from addresses of their own and never trip the per-address
 * failed-login limiter shared with other suites), and event streams closed as soon as their headers arrive.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { apiUrl } from '../../../network/src/api-process';
import { peerOf, type PeerOrgKey } from '../../../network/src/topology';
import { consortium } from './shared-network';

export interface RawRequest {
  readonly org: PeerOrgKey;
  readonly method: string;
  /** Path and query string. */
  readonly path: string;
  readonly token?: string | undefined;
  /** A JSON body (serialised here) or a text already serialised (`rawBody`, with its content type). */
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly contentType?: string;
  readonly localAddress?: string | undefined;
  readonly timeoutMs?: number;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** A random address of the loopback network 127.0.0.0/8 (never 127.0.0.1). */
export function freshLoopbackAddress(): string {
  const [a, b, c] = crypto.randomBytes(3);
  return `127.${1 + ((a ?? 0) % 250)}.${b ?? 0}.${1 + ((c ?? 0) % 250)}`;
}

function baseOf(org: PeerOrgKey): URL {
  return new URL(apiUrl(peerOf(consortium().topology, org)));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function rawRequest(request: RawRequest): Promise<RawResponse> {
  const base = baseOf(request.org);
  const payload =
    request.rawBody ?? (request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8'));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
  if (payload !== undefined) {
    headers['content-type'] = request.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise<RawResponse>((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.path,
        headers,
        ...(request.localAddress === undefined ? {} : { localAddress: request.localAddress }),
        timeout: request.timeoutMs ?? 120_000,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          // An open stream never ends by itself: its status and headers are the answer.
          req.destroy();
          resolve({ status, headers: res.headers, text: '', json: undefined });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status, headers: res.headers, text, json: parseJson(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${request.method} ${request.path}: no answer in time`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Where a refusal must be: a 4xx (never a 5xx) with an RFC 9457 problem body. Returns what is wrong, or undefined. */
export function refusalProblem(res: RawResponse): string | undefined {
  if (res.status >= 500) return `a server error ${res.status}: ${res.text.slice(0, 300)}`;
  if (res.status < 400) return undefined;
  const type = (res.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (type !== 'application/problem+json') return `a ${res.status} refusal with content type ${String(type)}`;
  const body = res.json as { status?: unknown; title?: unknown } | undefined;
  if (body?.status !== res.status || typeof body.title !== 'string') {
    return `a ${res.status} refusal whose body is not a problem: ${res.text.slice(0, 200)}`;
  }
  return undefined;
}
