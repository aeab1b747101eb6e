/** Bearer-token authentication: the request then acts as the token's enrolled user. */
import type { RequestHandler } from 'express';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type { UserDirectory } from '../ports';
import { setAuth } from './request-auth';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

export function createAuthenticate(users: UserDirectory): RequestHandler {
  return async (req, res, next): Promise<void> => {
    const header = req.headers.authorization;
    if (header === undefined || header === '') {
      throw unauthenticated('Send an API token in the Authorization header: "Authorization: Bearer mrk_…".', false);
    }
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) {
      throw unauthenticated('The Authorization header must use the Bearer scheme.', true);
    }
    const resolved = await users.resolve(token);
    if (resolved === undefined) {
      throw unauthenticated(
        'The API token is not valid: it is unknown, revoked or expired. Ask an admin of your organisation for a new ' +
          'one (POST /v1/participants/{id}/tokens).',
        true,
      );
    }
    setAuth(res, resolved);
    next();
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
