/** A refused or failed API call, carrying the problem+json the API answered with (or one describing the failure). */
import type { Problem } from './types';

export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(`${problem.title}: ${problem.detail}`);
    this.name = 'ApiError';
    this.problem = problem;
  }
}

/** The network failed before any answer: said as a problem so every error is shown the same way. */
export function unreachable(path: string, cause: unknown): ApiError {
  return new ApiError({
    type: 'about:blank',
    title: 'The API could not be reached',
    status: 0,
    detail: `${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
  });
}

/** A non-problem error body (e.g. a proxy's HTML page), kept short. */
export function unexpectedAnswer(path: string, status: number, text: string): ApiError {
  return new ApiError({
    type: 'about:blank',
    title: `Unexpected answer (HTTP ${String(status)})`,
    status,
    detail: `${path}: ${text.slice(0, 300)}`,
  });
}

export function asProblem(err: unknown): Problem {
  if (err instanceof ApiError) return err.problem;
  return {
    type: 'about:blank',
    title: 'Something went wrong in the console',
    status: 0,
    detail: err instanceof Error ? err.message : String(err),
  };
}
