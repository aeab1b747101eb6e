/**
 * Bearer-token authentication: the request then acts as the token's enrolled user. It runs in two steps around the
 * failed-login limiter (http/rate-limits.ts): createAuthenticate resolves the token and records a failure without
 * answering, the limiter counts only those failures, and createRequireAuthentication answers them with 401. A request
 * with a valid token is therefore never counted or refused by the limiter, however busy its address is.
 */
import type { RequestHandler } from 'express';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type { UserDirectory } from '../ports';
import { authFailureOf, authOf, setAuth, setAuthFailure } from './request-auth';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

export function createAuthenticate(users: UserDirectory): RequestHandler {
  return async (req, res, next): Promise<void> => {
    const header = req.headers.authorization;
    if (header === undefined || header === '') {
      setAuthFailure(
        res,
        unauthenticated('Send an API token in the Authorization header: "Authorization: Bearer mrk_…".', false),
      );
      next();
      return;
    }
    const token = BEARER.exec(header)?.[1];
    const resolved = token === undefined ? undefined : await users.resolve(token);
    if (resolved === undefined) {
      setAuthFailure(
        res,
        token === undefined
          ? unauthenticated('The Authorization header must use the Bearer scheme.', true)
          : unauthenticated(
              'The API token is not valid: it is unknown, revoked or expired. Ask an admin of your organisation for ' +
                'a new one (POST /v1/participants/{id}/tokens).',
              true,
            ),
      );
      next();
      return;
    }
    setAuth(res, resolved);
    next();
  };
}

/** Answers a request whose authentication failed with its 401 problem; lets authenticated requests through. */
export function createRequireAuthentication(): RequestHandler {
  return (_req, res, next): void => {
    if (authOf(res) !== undefined) {
      next();
      return;
    }
    throw authFailureOf(res) ?? unauthenticated('Send a valid API token in the Authorization header.', false);
  };
}

function unauthenticated(detail: string, invalidToken: boolean): ApiProblem {
  // RFC 6750 §3: the challenge says why, without echoing the token.
  const challenge = invalidToken ? 'Bearer realm="medrec", error="invalid_token"' : 'Bearer realm="medrec"';
  return new ApiProblem(PROBLEMS.unauthenticated, detail, {
    code: invalidToken ? 'INVALID_TOKEN' : 'MISSING_TOKEN',
    headers: { 'www-authenticate': challenge },
  });
}
