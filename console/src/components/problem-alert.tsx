/** An API problem shown to a person: what went wrong (the problem+json detail) and what to do about it. */
import type { Problem } from '../api/types';
import { adviceFor } from '../logic/problem-advice';

export function ProblemAlert({ problem }: { readonly problem: Problem | undefined }): React.JSX.Element | null {
  if (problem === undefined) return null;
  return (
    <div role="alert" className="problem">
      <p>
        <strong>{problem.title}</strong>
        {problem.status > 0 ? ` (HTTP ${String(problem.status)})` : ''}
      </p>
      <p>{problem.detail}</p>
      {problem.errors !== undefined && problem.errors.length > 0 ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.in}${e.path}${e.message}`}>
              {e.in} {e.path}: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="advice">What to do: {adviceFor(problem)}</p>
      {problem.requestId === undefined ? null : <p className="muted">Request id: {problem.requestId}</p>}
    </div>
  );
}
