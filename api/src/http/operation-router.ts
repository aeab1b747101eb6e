/**
 * Registers exactly the operations of the OpenAPI document: each gets request validation and its handler, and a
 * handler without an operation (or an operation without a handler) stops the server from being created.
 */
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { authOf } from '../auth/request-auth';
import { operationsOf, type OpenApiDocument } from '../openapi/openapi-types';
import type { RequestValidatorFactory, ValidatedInput } from '../openapi/request-validator';
import type { ResolvedToken } from '../ports';
import { setRouteLabel } from './metrics';

export interface PublicContext {
  readonly req: Request;
  readonly res: Response;
  readonly input: ValidatedInput;
}

export interface OperationContext extends PublicContext {
  /** The token the request authenticated with, and the enrolled user it acts as. */
  readonly auth: ResolvedToken;
}

/** What to send; `contentType` when the body is already text (e.g. Prometheus metrics). */
export interface OperationResult {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
}

/** Returns undefined when it has written the response itself (event streams). */
export type OperationHandler = (context: OperationContext) => Promise<OperationResult | undefined>;
export type PublicHandler = (context: PublicContext) => Promise<OperationResult>;

export interface OperationRouterOptions {
  readonly document: OpenApiDocument;
  readonly validators: RequestValidatorFactory;
  readonly publicHandlers: Readonly<Record<string, PublicHandler>>;
  readonly handlers: Readonly<Record<string, OperationHandler>>;
  /** Run before validation on operations that need a token (authentication, then rate limiting). */
  readonly secured: readonly RequestHandler[];
}

/** "/v1/patients/{patientId}/records" -> "/v1/patients/:patientId/records" */
export function expressPath(template: string): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

function send(res: Response, result: OperationResult): void {
  res.status(result.status);
  if (result.contentType === undefined) {
    res.json(result.body);
  } else {
    res.type(result.contentType).send(result.body);
  }
}

export function createOperationRouter(options: Readonly<OperationRouterOptions>): Router {
  const router = express.Router();
  const operations = operationsOf(options.document);
  const documented = new Set(operations.map((o) => o.operation.operationId));
  const implemented = [...Object.keys(options.publicHandlers), ...Object.keys(options.handlers)];
  const undocumented = implemented.filter((id) => !documented.has(id));
  if (undocumented.length > 0)
    throw new Error(`handlers without an operation in the document: ${undocumented.join(', ')}`);

  for (const { path, method, operation } of operations) {
    const id = operation.operationId;
    const validate = options.validators.forOperation(operation);
    const label: RequestHandler = (_req, res, next) => {
      setRouteLabel(res, path);
      next();
    };
    const isPublic = operation.security?.length === 0;
    const publicHandler = options.publicHandlers[id];
    const handler = options.handlers[id];
    if (isPublic ? publicHandler === undefined : handler === undefined) {
      throw new Error(`operation ${id} (${method.toUpperCase()} ${path}) has no ${isPublic ? 'public ' : ''}handler`);
    }
    const run: RequestHandler = async (req, res): Promise<void> => {
      const input = validate(req);
      if (isPublic && publicHandler) {
        send(res, await publicHandler({ req, res, input }));
        return;
      }
      const auth = authOf(res);
      if (auth === undefined || handler === undefined) throw new Error(`operation ${id} ran without authentication`);
      const result = await handler({ req, res, input, auth });
      if (result !== undefined) send(res, result);
    };
    router[method](expressPath(path), label, ...(isPublic ? [] : options.secured), run);
  }
  return router;
}
