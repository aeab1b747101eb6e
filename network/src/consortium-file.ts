/**
 * Reads a consortium file (docs/consortium-file.md): YAML, checked against its shape and then its rules, with every
 * problem reported at once, each with its place in the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { consortiumProblems, type ConsortiumProblem } from './consortium-rules';
import { consortiumSchema, type ConsortiumSpec } from './consortium-schema';
import { DEFAULT_CONSORTIUM_FILE } from './paths';

export interface ConsortiumFile {
  /** The file it was read from (absolute), or the label a test gave the text. */
  readonly source: string;
  readonly spec: ConsortiumSpec;
  /** The base its relative ports are added to: the override if given, else the file's portBase. */
  readonly portBase: number;
}

/** A consortium file that cannot be run; the message lists every problem with its place in the file. */
export class ConsortiumFileError extends Error {
  readonly problems: readonly ConsortiumProblem[];

  constructor(source: string, problems: readonly ConsortiumProblem[]) {
    super(
      `consortium file ${source} is not valid; fix these and try again:\n` +
        problems.map((p) => `  - ${p.path === '' ? '(top level)' : p.path}: ${p.message}`).join('\n'),
    );
    this.name = 'ConsortiumFileError';
    this.problems = problems;
  }
}

/** organisations[1].peers[0].port, as the operator sees the file. */
function issuePath(keys: readonly PropertyKey[]): string {
  return keys
    .map((key, i) => (typeof key === 'number' ? `[${String(key)}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function shapeProblems(error: z.ZodError): ConsortiumProblem[] {
  return error.issues.flatMap((issue): ConsortiumProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      // One problem per unknown key, so each reads as a place to delete or correct.
      return issue.keys.map((key) => ({
        path: issuePath([...issue.path, key]),
        message: 'is not a field of a consortium file (misspelt?); remove or correct it',
      }));
    }
    return [{ path: issuePath(issue.path), message: issue.message }];
  });
}

/** Parses and checks consortium file text; `portBase` (MEDREC_PORT_BASE, or a saved network's) replaces the file's. */
export function parseConsortiumFile(text: string, source: string, portBase?: number): ConsortiumFile {
  let document: unknown;
  try {
    document = YAML.parse(text);
  } catch (err) {
    throw new ConsortiumFileError(source, [
      { path: '', message: `is not valid YAML: ${err instanceof Error ? err.message : String(err)}` },
    ]);
  }
  const parsed = consortiumSchema.safeParse(document);
  if (!parsed.success) throw new ConsortiumFileError(source, shapeProblems(parsed.error));
  const base = portBase ?? parsed.data.portBase;
  const problems = consortiumProblems(parsed.data, base);
  if (problems.length > 0) throw new ConsortiumFileError(source, problems);
  return { source, spec: parsed.data, portBase: base };
}

export function readConsortiumFile(file: string, portBase?: number): ConsortiumFile {
  const source = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(source, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `cannot read the consortium file ${source} (${reason}); check the path given by --consortium or MEDREC_CONSORTIUM`,
    );
  }
  return parseConsortiumFile(text, source, portBase);
}

/** MEDREC_CONSORTIUM if set, else the one-machine default. */
export function consortiumFileFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.MEDREC_CONSORTIUM;
  return chosen === undefined || chosen === '' ? DEFAULT_CONSORTIUM_FILE : path.resolve(chosen);
}
