import http from 'node:http';
import { GatekeeperError } from './gatekeeper-errors';
import type { Gatekeeper } from './gatekeeper';
import { ProofError } from './proof-errors';

export const RETRIEVE_PATH = '/v1/retrieve';
const MAX_BODY_BYTES = 16 * 1024;

export interface GatekeeperHttpOptions {
  readonly gatekeeper: Gatekeeper;
  /** Called for every refusal (requester, ticket, reason) so operators can see denied attempts. */
  readonly onRefusal?: (refusal: Readonly<{ code: string; status: number; message: string }>) => void;
}

/** RFC 9457 problem details, the same shape the REST API uses. */
function problem(res: http.ServerResponse, status: number, code: string, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ type: `urn:medrec:problem:${code.toLowerCase()}`, title: code, status, detail, code }));
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new GatekeeperError('GATEKEEPER_BAD_REQUEST', `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new GatekeeperError('GATEKEEPER_BAD_REQUEST', 'the body must be JSON {ticketId, recordId, proof}');
  }
}

function parseRequest(body: unknown): { ticketId: string; recordId: string; proof: unknown } {
  if (typeof body !== 'object' || body === null) {
    throw new GatekeeperError('GATEKEEPER_BAD_REQUEST', 'the body must be a JSON object {ticketId, recordId, proof}');
  }
  const { ticketId, recordId, proof } = body as Record<string, unknown>;
  if (typeof ticketId !== 'string' || typeof recordId !== 'string' || ticketId.length > 128 || recordId.length > 128) {
    throw new GatekeeperError(
      'GATEKEEPER_BAD_REQUEST',
      'ticketId and recordId must be strings of at most 128 characters',
    );
  }
  return { ticketId, recordId, proof };
}

/** The gatekeeper's HTTP face: POST /v1/retrieve and GET /healthz. Plain node:http: two routes need no framework. */
export function createGatekeeperHttpServer(options: Readonly<GatekeeperHttpOptions>): http.Server {
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return;
    }
    if (req.method !== 'POST' || req.url !== RETRIEVE_PATH) {
      problem(
        res,
        404,
        'GATEKEEPER_NOT_FOUND',
        `no route ${String(req.method)} ${String(req.url)}; use POST ${RETRIEVE_PATH}`,
      );
      return;
    }
    try {
      const disclosure = await options.gatekeeper.retrieve(parseRequest(await readJson(req)));
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(disclosure));
    } catch (err) {
      const [status, code, message] =
        err instanceof GatekeeperError
          ? [err.status, err.code, err.message]
          : err instanceof ProofError
            ? [401, err.code, err.message]
            : [500, 'GATEKEEPER_INTERNAL', 'the gatekeeper failed unexpectedly; retry, and report it if it persists'];
      options.onRefusal?.({ code, status, message });
      problem(res, status, code, message);
    }
  };
  return http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) problem(res, 500, 'GATEKEEPER_INTERNAL', 'the gatekeeper failed unexpectedly');
    });
  });
}
