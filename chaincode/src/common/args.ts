import type { z } from 'zod';
import { invalidArgument } from './errors';

/** JSON arguments above this size are refused before parsing: arguments are stored in every block. */
export const MAX_JSON_ARGUMENT_BYTES = 131_072;

/** Validates a plain string argument (an id) and says which argument is wrong and how. */
export function parseArg<S extends z.ZodType>(schema: S, raw: unknown, name: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw invalidArgument(describeIssues(name, result.error));
  }
  return result.data;
}

/** Parses a JSON-text argument safely, then validates it against a strict schema. */
export function parseJsonArg<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  name: string,
  maxBytes: number = MAX_JSON_ARGUMENT_BYTES,
): z.output<S> {
  if (typeof raw !== 'string') {
    throw invalidArgument(`${name}: must be a JSON text`);
  }
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw invalidArgument(`${name}: must be at most ${maxBytes} bytes of JSON`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidArgument(`${name}: is not valid JSON`);
  }
  return parseArg(schema, parsed, name);
}

function describeIssues(name: string, error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
      return `${name}${path}: ${issue.message}`;
    })
    .join('; ');
}
