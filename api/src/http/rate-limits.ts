/** Per-token request limits, and a per-address limit on failed authentications (against token guessing). */
import type { RequestHandler } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import { authOf } from '../auth/request-auth';
import type { RateLimitConfig } from '../config';
import { ApiProblem, PROBLEMS } from './problem';

const exceeded: Options['handler'] = (req, _res, next) => {
  const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  const seconds = reset === undefined ? 60 : Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000));
  next(
    new ApiProblem(PROBLEMS.rateLimited, `Too many requests; retry in ${seconds} s.`, {
      code: 'RATE_LIMITED',
      headers: { 'retry-after': String(seconds) },
    }),
  );
};

/** After authentication: each token has its own budget, so one integrator cannot starve the others. */
export function createTokenRateLimit(config: RateLimitConfig): RequestHandler {
  return rateLimit({
    windowMs: config.windowMs,
    limit: config.perToken,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (_req, res) => `token:${authOf(res)?.tokenId ?? 'none'}`,
    handler: exceeded,
  });
}

/** Before authentication: only requests answered 401 count, so valid traffic from a shared address is unaffected. */
export function createAuthFailureRateLimit(config: RateLimitConfig): RequestHandler {
  return rateLimit({
    windowMs: config.windowMs,
    limit: config.authFailuresPerIp,
    standardHeaders: false,
    legacyHeaders: false,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    skipSuccessfulRequests: true,
    handler: exceeded,
  });
}
