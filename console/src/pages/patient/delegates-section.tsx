/** Delegates: people who act for the patient (a guardian, a carer); appointed, accepted or removed here. */
import { useCallback, useEffect, useState } from 'react';
import { allPages } from '../../api/paging';
import type { Delegate } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { useSession } from '../../session/session-context';

export function DelegatesSection({ patientId }: { readonly patientId: string }): React.JSX.Element {
  const { api } = useSession();
  const load = useAction();
  const change = useAction();
  const { run } = load;
  const [delegates, setDelegates] = useState<readonly Delegate[] | undefined>(undefined);
  const [delegateId, setDelegateId] = useState('');
  const base = `/v1/patients/${encodeURIComponent(patientId)}/delegates`;

  const refresh = useCallback(async () => {
    const found = await run(() => allPages<Delegate>(api, base));
    if (found !== undefined) setDelegates(found);
  }, [api, base, run]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function act(work: () => Promise<unknown>): Promise<void> {
    const done = await change.run(async () => {
      await work();
      return true;
    });
    if (done === true) await refresh();
  }

  return (
    <section aria-labelledby="delegates-heading">
      <h2 id="delegates-heading">People acting for me</h2>
      {load.busy ? <Progress label="Reading your delegates from the ledger…" /> : null}
      <ProblemAlert problem={load.problem} />
      {delegates === undefined ? null : delegates.length === 0 ? (
        <p>Nobody acts for you.</p>
      ) : (
        <ul className="cards">
          {delegates.map(({ delegateId: id, status }) => (
            <li key={id} className="card" data-delegate-id={id}>
              <span className="mono">{id}</span>:{' '}
              {status === 'active' ? 'acts for you' : 'proposed by your registrar, waiting for your answer'}{' '}
              {status === 'proposed' ? (
                <button
                  type="button"
                  disabled={change.busy}
                  onClick={() => void act(() => api.send('POST', `${base}/${encodeURIComponent(id)}/accept`))}
                >
                  Accept {id}
                </button>
              ) : null}
              <button
                type="button"
                className="danger"
                disabled={change.busy}
                onClick={() => void act(() => api.send('DELETE', `${base}/${encodeURIComponent(id)}`))}
              >
                Remove {id}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void act(() => api.send('POST', base, { delegateId: delegateId.trim() })).then(() => {
            setDelegateId('');
          });
        }}
      >
        <label>
          Patient id of the person to appoint
          <input
            name="delegate-id"
            value={delegateId}
            spellCheck={false}
            onChange={(e) => {
              setDelegateId(e.target.value);
            }}
          />
        </label>
        <button type="submit" disabled={change.busy || delegateId.trim() === ''}>
          Appoint
        </button>
      </form>
      {change.busy ? <Progress label="Recording on the ledger…" /> : null}
      <ProblemAlert problem={change.problem} />
    </section>
  );
}
