/**
 * Every /v1 response may carry PHI (records, FHIR content, consents, audit trails, notifications) or reveal it (a
 * problem naming a patient): no browser, proxy or CDN may keep a copy. Set before any handler runs, so problems and
 * unknown-path answers carry it too.
 */
import type { RequestHandler } from 'express';

export function createNoStore(): RequestHandler {
  return (_req, res, next): void => {
    res.setHeader('cache-control', 'no-store');
    // For HTTP/1.0 caches, which ignore Cache-Control.
    res.setHeader('pragma', 'no-cache');
    next();
  };
}
