/** Where the authenticated token of a request is kept: typed access to res.locals, set only by authenticate(). */
import type { Response } from 'express';
import type { ResolvedToken } from '../ports';

const AUTH = Symbol('medrec.auth');

interface Locals {
  [AUTH]?: ResolvedToken;
}

export function setAuth(res: Response, auth: ResolvedToken): void {
  (res.locals as Locals)[AUTH] = auth;
}

/** The request's resolved token, or undefined before authentication (or on public routes). */
export function authOf(res: Pick<Response, 'locals'>): ResolvedToken | undefined {
  return (res.locals as Locals)[AUTH];
}
