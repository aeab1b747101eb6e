/** The patient's choice about research use of their records: opted out, the trend queries leave them out. */
import { useCallback, useEffect, useState } from 'react';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { useSession } from '../../session/session-context';

interface ResearchChoice {
  readonly optedOut: boolean;
}

export function ResearchChoiceSection({ patientId }: { readonly patientId: string }): React.JSX.Element {
  const { api } = useSession();
  const action = useAction();
  const { run } = action;
  const [optedOut, setOptedOut] = useState<boolean | undefined>(undefined);
  const path = `/v1/patients/${encodeURIComponent(patientId)}/research-choice`;

  const load = useCallback(async () => {
    const choice = await run(() => api.get<ResearchChoice>(path));
    if (choice !== undefined) setOptedOut(choice.optedOut);
  }, [api, path, run]);

  useEffect(() => {
    void load();
  }, [load]);

  async function choose(out: boolean): Promise<void> {
    const done = await action.run(() => api.send('PUT', path, { optedOut: out }));
    if (done !== undefined) setOptedOut(out);
  }

  return (
    <section aria-labelledby="research-choice-heading">
      <h2 id="research-choice-heading">Research use</h2>
      {optedOut === undefined ? null : (
        <p data-research-choice={optedOut ? 'out' : 'in'}>
          {optedOut
            ? 'You opted out: hospitals leave your records out of every trend query.'
            : 'Your records may count, anonymously and with noise added, in trend queries by researchers.'}
        </p>
      )}
      <button
        type="button"
        className="secondary"
        disabled={action.busy || optedOut === undefined}
        onClick={() => void choose(optedOut !== true)}
      >
        {optedOut === true ? 'Opt back in to research use' : 'Opt out of research use'}
      </button>
      {action.busy ? <Progress label="Recording your choice on the ledger…" /> : null}
      <ProblemAlert problem={action.problem} />
    </section>
  );
}
