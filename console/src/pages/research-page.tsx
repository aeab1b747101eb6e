/**
 * The researcher's page: compose a trend query with its cost, privacy budget and credits shown before submitting;
 * follow it until the custodians' answers are combined; the result as a chart with intervals and suppressed cells
 * marked; the history of the researcher's queries.
 */
import { useCallback, useEffect, useState } from 'react';
import { allPages } from '../api/paging';
import type { Organisation, TrendAccount, TrendQuery } from '../api/types';
import { ProblemAlert } from '../components/problem-alert';
import { Progress } from '../components/progress';
import { useAction } from '../components/use-action';
import { formatEpsilon } from '../logic/trend-estimate';
import { when } from '../logic/wording';
import { useSession } from '../session/session-context';
import { QueryForm } from './research/query-form';
import { QueryResult } from './research/query-result';

export function ResearchPage(): React.JSX.Element {
  const { api } = useSession();
  const load = useAction();
  const { run } = load;
  const [account, setAccount] = useState<TrendAccount | undefined>(undefined);
  const [organisations, setOrganisations] = useState<readonly Organisation[]>([]);
  const [history, setHistory] = useState<readonly TrendQuery[]>([]);
  const [shown, setShown] = useState<TrendQuery | undefined>(undefined);

  const refresh = useCallback(async () => {
    const result = await run(() =>
      Promise.all([
        api.get<TrendAccount>('/v1/trends/account'),
        allPages<Organisation>(api, '/v1/organisations'),
        allPages<TrendQuery>(api, '/v1/trends/queries', 2),
      ]),
    );
    if (result !== undefined) {
      setAccount(result[0]);
      setOrganisations(result[1]);
      setHistory([...result[2]].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt)));
    }
  }, [api, run]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <>
      <h1>Trend analysis</h1>
      {load.busy ? <Progress label="Reading your budget, credits and queries…" /> : null}
      <ProblemAlert problem={load.problem} />
      {account === undefined ? null : (
        <section aria-labelledby="account-heading">
          <h2 id="account-heading">Budget and credits</h2>
          <p>
            Privacy budget this period: ε {formatEpsilon(account.budget.budgetMilli - account.budget.spentMilli)} left
            of {formatEpsilon(account.budget.budgetMilli)}, until {when(account.budget.periodEnd)}. Your organisation
            holds <strong>{account.balance.amount}</strong> credits. A query costs {account.settings.basePrice} credits
            plus {account.settings.pricePerCell} per cell; cells with fewer than {account.settings.k} patients are
            suppressed.
          </p>
        </section>
      )}
      {account === undefined || organisations.length === 0 ? null : (
        <QueryForm
          account={account}
          organisations={organisations}
          onSubmitted={(query) => {
            setShown(query);
            void refresh();
          }}
        />
      )}
      {shown === undefined ? null : <QueryResult key={shown.queryId} query={shown} />}
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">My queries</h2>
        {history.length === 0 ? (
          <p>No queries yet.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Submitted</th>
                  <th scope="col">Question</th>
                  <th scope="col">ε</th>
                  <th scope="col">Price</th>
                  <th scope="col">Status</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {history.map((q) => (
                  <tr key={q.queryId}>
                    <td>{when(q.submittedAt)}</td>
                    <td>
                      {q.spec.statistic.kind} of {q.spec.statistic.concept.code}, {q.spec.window.from} to{' '}
                      {q.spec.window.to} by {q.spec.window.interval}
                    </td>
                    <td>{formatEpsilon(q.spec.epsilonMilli)}</td>
                    <td>{q.price}</td>
                    <td>{q.status}</td>
                    <td>
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`Show the result of query ${q.queryId}`}
                        onClick={() => {
                          setShown(q);
                        }}
                      >
                        Show
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
