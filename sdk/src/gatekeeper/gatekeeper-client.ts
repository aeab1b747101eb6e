/**
 * The client side of the gatekeeper's HTTPS: one request to an organisation's gatekeeper, trusting ONLY the CA roots
 * given (the custodian organisation's own CA roots, pinned), never the system's public roots, and never plain HTTP.
 */
import https from 'node:https';
import net from 'node:net';
import { RecordRetrievalError } from '../record-retrieval-errors';

export type GatekeeperTransportFailure = 'insecure-url' | 'no-trust-roots' | 'tls' | 'network' | 'timeout' | 'response';

/** The gatekeeper could not be reached safely, or its answer could not be read. Nothing was served. */
export class GatekeeperTransportError extends RecordRetrievalError {
  readonly code = 'GATEKEEPER_UNREACHABLE';
  readonly reason: GatekeeperTransportFailure;

  constructor(props: Readonly<{ reason: GatekeeperTransportFailure; message: string; cause?: unknown }>) {
    super(props.message, props);
    this.reason = props.reason;
  }
}

export interface GatekeeperCall {
  /** The organisation's gatekeeperUrl (https). */
  readonly baseUrl: string;
  readonly path: string;
  readonly method: 'GET' | 'POST';
  /** JSON text to send. */
  readonly body?: string;
  /** PEM CA roots the gatekeeper's TLS certificate must chain to; nothing else is trusted. */
  readonly trustedCaPem: readonly string[];
  readonly timeoutMs?: number;
}

export interface GatekeeperAnswer {
  readonly status: number;
  /** The parsed JSON body. */
  readonly body: unknown;
}

/**
 * Connections to gatekeepers are kept open and reused: a TLS handshake (ECDHE and a certificate chain check on both
 * sides) per read cost more CPU than the read itself. Node keys pooled sockets by host, port and every TLS option
 * (ca, servername, minVersion), so a connection verified against one set of pinned roots is never reused for a call
 * that pins others. Idle sockets do not keep a process alive.
 */
// An idle socket is dropped after 4 s, before a Node server's default 5 s keep-alive timeout closes it under a request.
const KEEP_ALIVE_AGENT = new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 4_000 });

// A FHIR resource can be large (attachments inline); bound it so a misbehaving server cannot exhaust memory.
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

// Node's TLS errors carry OpenSSL-style codes; these say the certificate (not the network) is what failed.
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

function target(call: Readonly<GatekeeperCall>): URL {
  let url: URL;
  try {
    url = new URL(call.path, call.baseUrl);
  } catch (cause) {
    throw new GatekeeperTransportError({
      reason: 'insecure-url',
      message: `the gatekeeper URL ${call.baseUrl} is not a URL; the organisation must register an https gatekeeperUrl`,
      cause,
    });
  }
  if (url.protocol !== 'https:') {
    throw new GatekeeperTransportError({
      reason: 'insecure-url',
      message:
        `the gatekeeper URL ${call.baseUrl} is not https; records are never fetched over plain HTTP. ` +
        'The organisation must register its gatekeeper with an https gatekeeperUrl.',
    });
  }
  if (call.trustedCaPem.length === 0) {
    throw new GatekeeperTransportError({
      reason: 'no-trust-roots',
      message: `no CA root to verify the gatekeeper at ${url.origin} with; the organisation must register its CA roots`,
    });
  }
  return url;
}

function failureOf(err: unknown, url: URL): GatekeeperTransportError {
  const code = (err as { code?: unknown } | null)?.code;
  const text = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && TLS_CODES.has(code)) {
    return new GatekeeperTransportError({
      reason: 'tls',
      message: `the gatekeeper at ${url.origin} did not present a certificate from its organisation's CA (${code}); nothing was fetched`,
      cause: err,
    });
  }
  return new GatekeeperTransportError({
    reason: 'network',
    message: `could not reach the gatekeeper at ${url.origin} (${text}); retry later`,
    cause: err,
  });
}

/** Sends one request and resolves with the status and JSON body, whatever the status. */
export function callGatekeeper(call: Readonly<GatekeeperCall>): Promise<GatekeeperAnswer> {
  let url: URL;
  try {
    url = target(call);
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise<GatekeeperAnswer>((resolve, reject) => {
    const req = https.request(
      {
        host: hostname,
        port: url.port === '' ? 443 : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: call.method,
        agent: KEEP_ALIVE_AGENT,
        ca: [...call.trustedCaPem],
        // SNI carries host names only; for an IP address Node checks the certificate's IP SANs instead.
        ...(net.isIP(hostname) === 0 ? { servername: hostname } : {}),
        minVersion: 'TLSv1.2',
        headers: {
          accept: 'application/json',
          ...(call.body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(call.body) }),
        },
        timeout: call.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            res.destroy();
            reject(
              new GatekeeperTransportError({
                reason: 'response',
                message: `the gatekeeper at ${url.origin} answered with more than ${MAX_RESPONSE_BYTES} bytes`,
              }),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err) => {
          reject(failureOf(err, url));
        });
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (cause) {
            reject(
              new GatekeeperTransportError({
                reason: 'response',
                message: `the gatekeeper at ${url.origin} answered ${res.statusCode ?? 0} without a JSON body`,
                cause,
              }),
            );
          }
        });
      },
    );
    req.on('timeout', () => {
      req.destroy(
        new GatekeeperTransportError({
          reason: 'timeout',
          message: `the gatekeeper at ${url.origin} did not answer in time; retry later`,
        }),
      );
    });
    req.on('error', (err) => {
      reject(err instanceof GatekeeperTransportError ? err : failureOf(err, url));
    });
    req.end(call.body);
  });
}
