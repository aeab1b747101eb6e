/** Where the authentication outcome of a request is kept: typed access to res.locals, set only by authenticate(). */
import type { Response } from 'express';
import type { ApiProblem } from '../http/problem';
import type { ResolvedToken } from '../ports';

const AUTH = Symbol('medrec.auth');
const AUTH_FAILURE = Symbol('medrec.authFailure');

interface Locals {
  [AUTH]?: ResolvedToken;
  [AUTH_FAILURE]?: ApiProblem;
}

export function setAuth(res: Response, auth: ResolvedToken): void {
  (res.locals as Locals)[AUTH] = auth;
}

/** The request's resolved token, or undefined before authentication (or on public routes). */
export function authOf(res: Pick<Response, 'locals'>): ResolvedToken | undefined {
  return (res.locals as Locals)[AUTH];
}

/** Records why authentication failed; the 401 is sent once the failed-login limiter has counted the attempt. */
export function setAuthFailure(res: Response, problem: ApiProblem): void {
  (res.locals as Locals)[AUTH_FAILURE] = problem;
}

/** Why the request's authentication failed, or undefined if it succeeded or has not run. */
export function authFailureOf(res: Pick<Response, 'locals'>): ApiProblem | undefined {
  return (res.locals as Locals)[AUTH_FAILURE];
}
