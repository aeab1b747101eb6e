import canonicalize from 'canonicalize';
import type { z } from 'zod';
import { internal } from './errors';

/**
 * The one serialisation for state, events and results: RFC 8785 canonical JSON, so every peer endorses
 * byte-identical writes and two peers answer the same query with the same bytes.
 */
export function toJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) {
    throw internal('value cannot be serialised as JSON');
  }
  return text;
}

export function marshal(value: unknown): Buffer {
  return Buffer.from(toJson(value), 'utf8');
}

/** Parses bytes read from the ledger and re-validates them: stored data is trusted no more than arguments. */
export function unmarshal<S extends z.ZodType>(bytes: Uint8Array, schema: S, what: string): z.output<S> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw internal(`stored ${what} is not valid JSON`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    throw internal(`stored ${what} does not match its schema`);
  }
  return result.data;
}
