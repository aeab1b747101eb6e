/** The building blocks of the OpenAPI document: parameters, bodies, responses and the problem statuses. */
import type { JsonSchema, OperationObject, ParameterObject, ResponseObject } from './openapi-types';
import { ID_PATTERN, ref } from './schemas';

export const JSON_TYPE = 'application/json';
export const PROBLEM_TYPE = 'application/problem+json';
export const NDJSON_TYPE = 'application/x-ndjson';

/** The largest export POST /v1/audit/verify accepts (an express/bytes size). */
export const AUDIT_VERIFY_BODY_LIMIT = '16mb';

/** The media types POST /v1/audit/verify accepts, one per export format (json, csv, fhir). */
export const AUDIT_VERIFY_CONTENT_TYPES = [NDJSON_TYPE, 'text/csv', 'application/fhir+json'] as const;

export function pathParam(
  name: string,
  description: string,
  schema: JsonSchema = { type: 'string', pattern: ID_PATTERN },
): ParameterObject {
  return { name, in: 'path', required: true, description, schema };
}

export function query(name: string, schema: JsonSchema, description: string, required = false): ParameterObject {
  return { name, in: 'query', required, description, schema };
}

export const pageParams: readonly ParameterObject[] = [
  query('pageSize', { type: 'integer', minimum: 1, maximum: 200, default: 50 }, 'Items per page.'),
  query('bookmark', { type: 'string', maxLength: 4096 }, 'The bookmark of the previous page; omit for the first.'),
];

export function body(schemaName: string, description: string): NonNullable<OperationObject['requestBody']> {
  return { required: true, description, content: { [JSON_TYPE]: { schema: ref(schemaName) } } };
}

export function json(description: string, schemaName: string): ResponseObject {
  return { description, content: { [JSON_TYPE]: { schema: ref(schemaName) } } };
}

const PROBLEM_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '400': 'The request is not valid (parameters or body), or the ledger refused an argument.',
  '401': 'No API token, or a token that is unknown, revoked or expired.',
  '403': "The caller's role or relationship does not allow this, or the ledger denied access.",
  '404': 'No such object on the ledger (or in this API).',
  '409': "The ledger's state does not allow this (e.g. an id reused with a different body).",
  '413': 'The request body exceeds the size limit.',
  '415': 'The request body is not UTF-8 JSON.',
  '422': 'The FHIR resource is not valid FHIR R4 for MedRec.',
  '429': 'Too many requests for this token; wait for the time in Retry-After.',
  '500': 'Unexpected failure; the detail is generic, the request id identifies it in the logs.',
  '502': "The custodian's gatekeeper failed or served content whose hash does not match the ledger.",
  '503': 'The Fabric network or a dependency is unavailable; retry later.',
};

export function problems(...statuses: readonly string[]): Readonly<Record<string, ResponseObject>> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem.',
        content: { [PROBLEM_TYPE]: { schema: ref('Problem') } },
      },
    ]),
  );
}

/** Every authenticated operation may answer these. */
export const COMMON = ['401', '429', '500', '503'] as const;
export const READ = ['400', '403', '404', '409', ...COMMON] as const;
export const WRITE = ['400', '403', '404', '409', '413', '415', ...COMMON] as const;
