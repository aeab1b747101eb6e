/** Checks a response against the OpenAPI document: its status must be documented and its body match the schema. */
import { expect } from 'chai';
import type { Response } from 'supertest';
import { openApiDocument } from '../../../../api/src/openapi/document';
import { operationsOf, type OperationObject } from '../../../../api/src/openapi/openapi-types';
import { createSchemaCompiler } from '../../../../api/src/openapi/schema-compiler';

const compiler = createSchemaCompiler(openApiDocument, { coerce: false });
const operations = operationsOf(openApiDocument).map((o) => ({
  ...o,
  pattern: new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));
const problemSchema = compiler.compile({ $ref: '#/components/schemas/Problem' });

/** Operation ids whose responses the tests have checked, with the statuses seen. */
export const checkedResponses = new Map<string, Set<number>>();

function find(method: string, path: string): OperationObject | undefined {
  return operations.find((o) => o.method === method.toLowerCase() && o.pattern.test(path))?.operation;
}

export function assertConforms(res: Response): void {
  const req = (res as unknown as { req: { method: string; path: string } }).req;
  const path = req.path.split('?')[0] ?? req.path;
  const contentType = res.headers['content-type']?.split(';')[0]?.trim();
  const operation = find(req.method, path);
  if (operation === undefined) {
    // Outside the document (unknown paths, /docs): errors must still be problems.
    if (res.status >= 400) {
      expect(contentType, `${req.method} ${path}`).to.equal('application/problem+json');
      expect(problemSchema(res.body), JSON.stringify(problemSchema.errors)).to.be.true;
    }
    return;
  }
  const documented = operation.responses[String(res.status)];
  expect(documented, `${operation.operationId}: status ${res.status} is not documented`).to.not.equal(undefined);
  const media = contentType === undefined ? undefined : documented?.content?.[contentType];
  expect(media, `${operation.operationId} ${res.status}: content type ${contentType} is not documented`).to.not.equal(
    undefined,
  );
  if (contentType === 'application/json' || contentType === 'application/problem+json') {
    const validate = compiler.compile(media?.schema ?? {});
    expect(validate(res.body), `${operation.operationId} ${res.status}: ${JSON.stringify(validate.errors)}`).to.be.true;
  }
  const seen = checkedResponses.get(operation.operationId) ?? new Set<number>();
  seen.add(res.status);
  checkedResponses.set(operation.operationId, seen);
}

/** Awaits a supertest request and checks its response against the document. */
export async function send(test: PromiseLike<Response>): Promise<Response> {
  const res = await test;
  assertConforms(res);
  return res;
}
