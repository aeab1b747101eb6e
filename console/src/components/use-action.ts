/** Runs one user action at a time: busy while it runs (for the progress indicator), its problem when it fails. */
import { useCallback, useState } from 'react';
import { asProblem } from '../api/api-error';
import type { Problem } from '../api/types';

export interface Action {
  readonly busy: boolean;
  readonly problem: Problem | undefined;
  /** Runs `work`; resolves to its value, or undefined when it failed (the problem is then shown). */
  readonly run: <T>(work: () => Promise<T>) => Promise<T | undefined>;
  readonly clear: () => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | undefined>(undefined);
  const run = useCallback(async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setProblem(undefined);
    try {
      return await work();
    } catch (err) {
      setProblem(asProblem(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => {
    setProblem(undefined);
  }, []);
  return { busy, problem, run, clear };
}
