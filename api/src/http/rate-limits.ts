/** Per-token request limits, and a per-address limit on failed authentications (against token guessing). */
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Options } from 'express-rate-limit';
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

/**
 * Between createAuthenticate and createRequireAuthentication (auth/authenticate.ts): counts failed authentications
 * (missing, malformed, unknown, revoked or expired tokens) per client address, and answers them 429 beyond the limit.
 * A request whose token resolved is skipped: never counted, never refused, so valid traffic from a busy or shared
 * address (a proxy, a NAT) is unaffected however much guessing happens there. Counting happens on arrival and only
 * for failures, so concurrent valid requests cannot exhaust the budget the way counting every request and
 * un-counting the successful ones at the end did. The address is Express's req.ip, which honours only the configured
 * trusted proxies (MEDREC_API_TRUST_PROXY); IPv6 clients are keyed by their /56 subnet, as one host usually holds one.
 */
export function createAuthFailureRateLimit(config: RateLimitConfig): RequestHandler {
  return rateLimit({
    windowMs: config.windowMs,
    limit: config.authFailuresPerIp,
    standardHeaders: false,
    legacyHeaders: false,
    skip: (_req, res) => authOf(res) !== undefined,
    keyGenerator: (req) => `auth-failure:${ipKeyGenerator(req.ip ?? 'unknown-address')}`,
    handler: exceeded,
  });
}
