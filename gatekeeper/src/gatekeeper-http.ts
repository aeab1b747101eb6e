import type http from 'node:http';
import https from 'node:https';
import {
  GatekeeperError,
  HEALTH_PATH,
  isPurposeOfUse,
  ProofError,
  READ_PATH,
  ReplayCacheFullError,
  RETRIEVE_PATH,
} from '@medrec/sdk';
import type { Gatekeeper, RetrievalRequest } from './gatekeeper';
import { readBoundedBody } from './request-body';

export const MAX_BODY_BYTES = 16 * 1024;

/** The gatekeeper's TLS server key pair, issued by its organisation's Fabric CA (PEM). */
export interface GatekeeperTlsCredentials {
  readonly key: string;
  readonly cert: string;
}

export interface GatekeeperHttpOptions {
  readonly gatekeeper: Gatekeeper;
  /** Called for every refusal (code, status, reason) so operators can see denied attempts. */
  readonly onRefusal?: (refusal: Readonly<{ code: string; status: number; message: string }>) => void;
}

// Every response may carry PHI or say something about a ticket: no cache (browser, proxy) may keep any of them.
const NO_STORE = { 'cache-control': 'no-store' } as const;

/** RFC 9457 problem details, the same shape the REST API uses. */
function problem(res: http.ServerResponse, status: number, code: string, detail: string, transactionId?: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...NO_STORE });
  res.end(
    JSON.stringify({
      type: `urn:medrec:problem:${code.toLowerCase()}`,
      title: code,
      status,
      detail,
      code,
      ...(transactionId === undefined ? {} : { transactionId }),
    }),
  );
}

const SHAPE = 'the body must be a JSON object {ticketId, recordId, purpose, proof}';

function parseRequest(bytes: Buffer): RetrievalRequest {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new GatekeeperError('GATEKEEPER_BAD_REQUEST', `${SHAPE}; it is not JSON`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatekeeperError('GATEKEEPER_BAD_REQUEST', SHAPE);
  }
  const { ticketId, recordId, purpose, proof } = body as Record<string, unknown>;
  if (typeof ticketId !== 'string' || typeof recordId !== 'string' || ticketId.length > 128 || recordId.length > 128) {
    throw new GatekeeperError(
      'GATEKEEPER_BAD_REQUEST',
      'ticketId and recordId must be strings of at most 128 characters',
    );
  }
  if (!isPurposeOfUse(purpose)) {
    throw new GatekeeperError(
      'GATEKEEPER_BAD_REQUEST',
      'purpose must be the HL7 PurposeOfUse code you read for: TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH or PUBHLTH',
    );
  }
  return { ticketId, recordId, purpose, proof };
}

/**
 * POST /v1/read: {request, minHeight?}; the request itself is checked by the gatekeeper (form first, then signature).
 * minHeight is only a hint of how far the requester's peer was: a wrong one costs at most the bounded wait.
 */
function parseReadBody(bytes: Buffer): { request: unknown; minHeight?: number } {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new GatekeeperError('GATEKEEPER_BAD_REQUEST', 'the body must be a JSON object {request}; it is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Object.hasOwn(body, 'request')) {
    throw new GatekeeperError(
      'GATEKEEPER_BAD_REQUEST',
      'the body must be a JSON object {request}, as createReadRequest makes it',
    );
  }
  const { request, minHeight } = body as { request: unknown; minHeight?: unknown };
  if (minHeight === undefined) return { request };
  if (typeof minHeight !== 'number' || !Number.isSafeInteger(minHeight) || minHeight < 0) {
    throw new GatekeeperError('GATEKEEPER_BAD_REQUEST', 'minHeight must be a whole number of blocks, or absent');
  }
  return { request, minHeight };
}

function readWith(
  gatekeeper: Gatekeeper,
  body: { request: unknown; minHeight?: number },
): ReturnType<Gatekeeper['read']> {
  return body.minHeight === undefined
    ? gatekeeper.read(body.request)
    : gatekeeper.read(body.request, { minHeight: body.minHeight });
}

function refusalOf(err: unknown): [status: number, code: string, message: string, transactionId?: string | undefined] {
  if (err instanceof GatekeeperError) return [err.status, err.code, err.message, err.transactionId];
  // A full replay cache is the gatekeeper's condition, not the caller's fault: retry later.
  if (err instanceof ReplayCacheFullError) return [503, err.code, err.message];
  if (err instanceof ProofError) return [401, err.code, err.message];
  return [500, 'GATEKEEPER_INTERNAL', 'the gatekeeper failed unexpectedly; retry, and report it if it persists'];
}

/**
 * The request handler: POST /v1/read, POST /v1/retrieve and GET /healthz. Plain node:http types: three routes need no
 * framework.
 */
export function createGatekeeperRequestHandler(
  options: Readonly<GatekeeperHttpOptions>,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (req.method === 'GET' && req.url === HEALTH_PATH) {
      res.writeHead(200, { 'content-type': 'application/json', ...NO_STORE });
      res.end('{"status":"ok"}');
      return;
    }
    if (req.method !== 'POST' || (req.url !== RETRIEVE_PATH && req.url !== READ_PATH)) {
      problem(
        res,
        404,
        'GATEKEEPER_NOT_FOUND',
        `no route ${String(req.method)} ${String(req.url)}; use POST ${READ_PATH} or POST ${RETRIEVE_PATH}`,
      );
      return;
    }
    try {
      const body = await readBoundedBody(req, MAX_BODY_BYTES);
      if (body.kind === 'too-large') {
        // An undrained body cannot be followed by another request on this connection.
        if (!body.drained) res.setHeader('connection', 'close');
        throw new GatekeeperError(
          'GATEKEEPER_PAYLOAD_TOO_LARGE',
          `the request body is over ${MAX_BODY_BYTES} bytes; send only the request the route documents`,
        );
      }
      const disclosure =
        req.url === READ_PATH
          ? await readWith(options.gatekeeper, parseReadBody(body.bytes))
          : await options.gatekeeper.retrieve(parseRequest(body.bytes));
      res.writeHead(200, { 'content-type': 'application/json', ...NO_STORE });
      res.end(JSON.stringify(disclosure));
    } catch (err) {
      const [status, code, message, transactionId] = refusalOf(err);
      options.onRefusal?.({ code, status, message });
      problem(res, status, code, message, transactionId);
    }
  };
  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) problem(res, 500, 'GATEKEEPER_INTERNAL', 'the gatekeeper failed unexpectedly');
    });
  };
}

/**
 * The gatekeeper's HTTPS server. There is deliberately no plain-HTTP variant: clinical content never crosses the
 * network in clear. The certificate is issued by the organisation's Fabric CA, whose root the REST APIs pin.
 */
export function createGatekeeperHttpsServer(
  options: Readonly<GatekeeperHttpOptions & { tls: GatekeeperTlsCredentials }>,
): https.Server {
  return https.createServer(
    { key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' },
    createGatekeeperRequestHandler(options),
  );
}
