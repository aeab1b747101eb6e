/** The consortium's member organisations from the ledger, and this organisation's API health (peer, gatekeeper, store). */
import { useCallback, useEffect, useState } from 'react';
import { allPages } from '../../api/paging';
import type { Health, Organisation } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { when } from '../../logic/wording';
import { useSession } from '../../session/session-context';

/** /healthz answers 503 with the same body when a check fails: both are an answer to show, not an error. */
async function readHealth(): Promise<Health> {
  const res = await fetch('/healthz', { cache: 'no-store' });
  return (await res.json()) as Health;
}

export function ConsortiumSection(): React.JSX.Element {
  const { api } = useSession();
  const action = useAction();
  const { run } = action;
  const [organisations, setOrganisations] = useState<readonly Organisation[] | undefined>(undefined);
  const [health, setHealth] = useState<Health | undefined>(undefined);

  const refresh = useCallback(async () => {
    const result = await run(() => Promise.all([allPages<Organisation>(api, '/v1/organisations'), readHealth()]));
    if (result !== undefined) {
      setOrganisations(result[0]);
      setHealth(result[1]);
    }
  }, [api, run]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <section aria-labelledby="consortium-heading">
      <h2 id="consortium-heading">The consortium</h2>
      <button type="button" className="secondary" onClick={() => void refresh()} disabled={action.busy}>
        Refresh
      </button>
      {action.busy ? <Progress label="Reading the organisations and this API's health…" /> : null}
      <ProblemAlert problem={action.problem} />
      {health === undefined ? null : (
        <p className={health.status === 'ok' ? 'ok' : 'problem'}>
          This organisation's API is <strong>{health.status === 'ok' ? 'up' : 'degraded'}</strong>:{' '}
          {health.checks
            .map((c) => `${c.name} ${c.ok ? 'up' : 'down'}${c.detail === undefined ? '' : ` (${c.detail})`}`)
            .join('; ')}
          .
        </p>
      )}
      {organisations === undefined ? null : (
        <div className="table-wrap">
          <table>
            <caption>{organisations.length} organisations registered on the ledger</caption>
            <thead>
              <tr>
                <th scope="col">Organisation</th>
                <th scope="col">MSP id</th>
                <th scope="col">Gatekeeper</th>
                <th scope="col">Registered</th>
                <th scope="col">Member</th>
              </tr>
            </thead>
            <tbody>
              {organisations.map((o) => (
                <tr key={o.mspId}>
                  <td>{o.legalName ?? o.displayName}</td>
                  <td className="mono">{o.mspId}</td>
                  <td className="mono">{o.gatekeeperUrl}</td>
                  <td>{when(o.registeredAt)}</td>
                  <td>{o.retirement === undefined ? 'yes' : `left ${when(o.retirement.retiredAt)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
