/** Compiles the document's JSON Schemas with Ajv (draft 2020-12, the dialect of OpenAPI 3.1). */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonSchema, OpenApiDocument } from './openapi-types';

const COMPONENTS_ID = 'medrec-components';
const COMPONENT_PREFIX = '#/components/schemas/';

/** The document's `#/components/schemas/X` references, re-pointed at the one schema Ajv holds the components in. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_PREFIX)
        ? `${COMPONENTS_ID}#/$defs/${value.slice(COMPONENT_PREFIX.length)}`
        : rebase(value),
    ]),
  );
}

export interface SchemaCompiler {
  compile(schema: JsonSchema): ValidateFunction;
}

/**
 * `coerce` is for path and query parameters, which arrive as strings; bodies are compiled without coercion so that
 * "5" is not accepted where the document says integer.
 */
export function createSchemaCompiler(doc: OpenApiDocument, options: Readonly<{ coerce: boolean }>): SchemaCompiler {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    allowUnionTypes: true,
    coerceTypes: options.coerce,
    useDefaults: options.coerce,
    logger: false,
  });
  addFormats(ajv);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: rebase(doc.components.schemas) as Record<string, unknown> });
  return { compile: (schema) => ajv.compile(rebase(schema) as JsonSchema) };
}

/** Ajv's errors as short sentences naming the offending field. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): { path: string; message: string }[] {
  return (errors ?? []).map((error) => {
    const params = error.params as Record<string, unknown>;
    const missing = typeof params.missingProperty === 'string' ? `/${params.missingProperty}` : '';
    const extra = typeof params.additionalProperty === 'string' ? ` (${params.additionalProperty})` : '';
    const allowed = Array.isArray(params.allowedValues) ? `: ${params.allowedValues.join(', ')}` : '';
    return {
      path: `${error.instancePath}${missing}` || '/',
      message: `${error.message ?? 'is not valid'}${extra}${allowed}`,
    };
  });
}
