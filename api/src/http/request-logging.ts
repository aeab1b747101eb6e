/** Structured JSON request logs with a request id; credentials never reach a log line. */
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { authOf } from '../auth/request-auth';

const REQUEST_ID_HEADER = 'x-request-id';
// A caller's id is echoed into logs and headers, so only short, plain ids are accepted.
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Paths whose value is a credential, redacted even if a future serializer were to include them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'token',
  '*.token',
];

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : crypto.randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

export function createRequestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: requestId,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Only what an operator needs: no headers (they carry the token) and no bodies (they may carry PHI).
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (_req, res) => {
      const auth = authOf(res as unknown as Parameters<typeof authOf>[0]);
      return auth === undefined ? {} : { tokenId: auth.tokenId, participantId: auth.user.participantId };
    },
    customLogLevel: (_req, res, err) => (err !== undefined || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    quietReqLogger: true,
  });
}
