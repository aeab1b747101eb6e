/**
 * The web console: the static build of console/ served at /console/ on the API's own origin, so it uses the same
 * tokens and endpoints as any other client and needs no CORS. Its Content-Security-Policy is stricter than the one
 * the rest of the API sends (Swagger UI needs inline styles): every fetch, script, style and image from this origin
 * only, no inline script or style, no framing.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { ApiProblem, PROBLEMS } from './problem';

export const CONSOLE_CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
} as const;

/** Without a build the route answers 503 with what to do, instead of a bare 404 a person cannot act on. */
function notBuilt(directory: string): RequestHandler {
  return (_req, _res, next): void => {
    const index = path.join(directory, 'index.html');
    if (fs.existsSync(index)) {
      next();
      return;
    }
    next(
      new ApiProblem(
        PROBLEMS.serviceUnavailable,
        `The web console is not built (no ${index}): run "npm run build" in the repository, then reload.`,
      ),
    );
  };
}

export function createConsoleRouter(directory: string | undefined): Router {
  const router = express.Router();
  if (directory === undefined) return router;
  router.use('/console', helmet.contentSecurityPolicy(CONSOLE_CONTENT_SECURITY_POLICY));
  // index.html names the hashed asset files of the current build: it must be fetched again after an upgrade.
  router.use(
    '/console',
    express.static(directory, {
      index: 'index.html',
      redirect: true,
      setHeaders: (res, file) => {
        res.setHeader('cache-control', file.endsWith('.html') ? 'no-cache' : 'public, max-age=3600');
      },
    }),
  );
  router.use('/console', notBuilt(directory));
  return router;
}
