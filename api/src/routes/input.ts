/** Typed reads of inputs the request validator has already checked against the document. */
import type { PageQuery } from '@medrec/sdk';
import type { ValidatedInput } from '../openapi/request-validator';

export function pathParam(input: ValidatedInput, name: string): string {
  const value = input.params[name];
  // Unreachable for a documented path parameter: the router only matches paths that contain it.
  if (value === undefined) throw new Error(`path parameter ${name} is missing`);
  return value;
}

/** A query parameter the document declares as a string (or a string enum). */
export function optionalQuery(input: ValidatedInput, name: string): string | undefined {
  const value = input.query[name];
  return typeof value === 'string' ? value : undefined;
}

export function pageQuery(input: ValidatedInput): PageQuery {
  // Coerced to an integer by the validator.
  const pageSize = typeof input.query.pageSize === 'number' ? input.query.pageSize : undefined;
  const bookmark = optionalQuery(input, 'bookmark');
  return { ...(pageSize === undefined ? {} : { pageSize }), ...(bookmark === undefined ? {} : { bookmark }) };
}

/** A query parameter the document declares as required: the validator has refused requests without it. */
export function requiredQuery(input: ValidatedInput, name: string): string {
  const value = optionalQuery(input, name);
  if (value === undefined) throw new Error(`query parameter ${name} is missing`);
  return value;
}
