/** Validates a request's path parameters, query and body against its operation in the OpenAPI document. */
import type { Request } from 'express';
import { ApiProblem, PROBLEMS, type ProblemFieldError } from '../http/problem';
import type { JsonSchema, OpenApiDocument, OperationObject, ParameterObject } from './openapi-types';
import { createSchemaCompiler, describeErrors } from './schema-compiler';

/** The request's inputs after validation: parameters coerced to their declared types, defaults applied. */
export interface ValidatedInput {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  /** The header parameters the operation declares, by lower-case name (other headers are not inputs). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export type RequestValidator = (req: Request) => ValidatedInput;

function parameterObject(parameters: readonly ParameterObject[], location: 'path' | 'query'): JsonSchema {
  const selected = parameters.filter((p) => p.in === location);
  return {
    type: 'object',
    properties: Object.fromEntries(selected.map((p) => [p.name, p.schema])),
    required: selected.filter((p) => p.required === true).map((p) => p.name),
    // Unknown query parameters are refused: a misspelt filter must not silently widen a query.
    additionalProperties: false,
  };
}

/** Header names are case-insensitive; Node gives them in lower case. */
function headerObject(parameters: readonly ParameterObject[]): JsonSchema {
  const selected = parameters.filter((p) => p.in === 'header');
  return {
    type: 'object',
    properties: Object.fromEntries(selected.map((p) => [p.name.toLowerCase(), p.schema])),
    required: selected.filter((p) => p.required === true).map((p) => p.name.toLowerCase()),
  };
}

function declaredHeaders(req: Request, parameters: readonly ParameterObject[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const p of parameters) {
    const name = p.name.toLowerCase();
    const value = p.in === 'header' ? req.headers[name] : undefined;
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

export interface RequestValidatorFactory {
  forOperation(operation: OperationObject): RequestValidator;
}

export function createRequestValidatorFactory(doc: OpenApiDocument): RequestValidatorFactory {
  const coercing = createSchemaCompiler(doc, { coerce: true });
  const strict = createSchemaCompiler(doc, { coerce: false });
  return {
    forOperation(operation) {
      const parameters = operation.parameters ?? [];
      const validatePath = coercing.compile(parameterObject(parameters, 'path'));
      const validateQuery = coercing.compile(parameterObject(parameters, 'query'));
      const validateHeaders = strict.compile(headerObject(parameters));
      const content = operation.requestBody?.content ?? {};
      const bodySchema = content['application/json']?.schema;
      const validateBody = bodySchema === undefined ? undefined : strict.compile(bodySchema);
      // An operation documented with non-JSON media types only (e.g. application/x-ndjson, text/csv) takes its body as
      // text, in any of them.
      const textTypes = bodySchema === undefined ? Object.keys(content) : [];
      return (req) => {
        const errors: ProblemFieldError[] = [];
        // Copies: Ajv coerces in place, and Express 5 re-parses req.query on every access.
        const params: Record<string, string> = { ...req.params } as Record<string, string>;
        const query: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
        if (!validatePath(params)) errors.push(...describeErrors(validatePath.errors).map(at('path')));
        if (!validateQuery(query)) errors.push(...describeErrors(validateQuery.errors).map(at('query')));
        const headers = declaredHeaders(req, parameters);
        if (!validateHeaders(headers)) errors.push(...describeErrors(validateHeaders.errors).map(at('header')));
        const body: unknown = req.body;
        if (validateBody !== undefined) {
          checkBody(req, validateBody, body, errors);
        } else if (textTypes.length > 0) {
          checkTextBody(req, textTypes, body, errors);
        } else if (hasBody(req)) {
          errors.push({ in: 'body', path: '/', message: 'this operation takes no request body' });
        }
        if (errors.length > 0) {
          throw new ApiProblem(PROBLEMS.validation, summarise(errors), { code: 'VALIDATION_FAILED', errors });
        }
        return { params, query, headers, body };
      };
    },
  };
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function checkBody(
  req: Request,
  validate: ReturnType<ReturnType<typeof createSchemaCompiler>['compile']>,
  body: unknown,
  errors: ProblemFieldError[],
): void {
  if (hasBody(req) && req.is(['application/json', 'application/*+json']) === false) {
    throw new ApiProblem(PROBLEMS.unsupportedMediaType, 'Send the body as application/json.', {
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  }
  if (body === undefined) {
    errors.push({ in: 'body', path: '/', message: 'a JSON request body is required' });
  } else if (!validate(body)) {
    errors.push(...describeErrors(validate.errors).map(at('body')));
  }
}

function checkTextBody(req: Request, types: readonly string[], body: unknown, errors: ProblemFieldError[]): void {
  if (hasBody(req) && req.is([...types]) === false) {
    throw new ApiProblem(PROBLEMS.unsupportedMediaType, `Send the body as ${types.join(' or ')}.`, {
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  }
  if (typeof body !== 'string' || body.trim() === '') {
    errors.push({ in: 'body', path: '/', message: `a ${types.join(' or ')} request body is required` });
  }
}

function at(location: ProblemFieldError['in']): (e: { path: string; message: string }) => ProblemFieldError {
  return (e) => ({ in: location, path: e.path, message: e.message });
}

function summarise(errors: readonly ProblemFieldError[]): string {
  const first = errors.slice(0, 5).map((e) => `${e.in} ${e.path}: ${e.message}`);
  const more = errors.length > 5 ? ` (and ${errors.length - 5} more)` : '';
  return `The request does not match the API document: ${first.join('; ')}${more}. See /openapi.json.`;
}
