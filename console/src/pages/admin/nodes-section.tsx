/** The consortium's nodes (GET /v1/network): each peer and orderer, up or not, its height, its chaincode definitions. */
import { useCallback, useEffect, useState } from 'react';
import type { NetworkView } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { nodeRows } from '../../logic/node-rows';
import { organisationName, when } from '../../logic/wording';
import { useSession } from '../../session/session-context';

export function NodesSection(): React.JSX.Element {
  const { api } = useSession();
  const action = useAction();
  const { run } = action;
  const [view, setView] = useState<NetworkView | undefined>(undefined);

  const refresh = useCallback(async () => {
    const found = await run(() => api.get<NetworkView>('/v1/network'));
    if (found !== undefined) setView(found);
  }, [api, run]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const summary = view === undefined ? undefined : nodeRows(view);
  return (
    <section aria-labelledby="nodes-heading">
      <h2 id="nodes-heading">Nodes</h2>
      <button type="button" className="secondary" onClick={() => void refresh()} disabled={action.busy}>
        Refresh nodes
      </button>
      {action.busy ? <Progress label="Asking this organisation's peer and every orderer…" /> : null}
      <ProblemAlert problem={action.problem} />
      {view === undefined || summary === undefined ? null : (
        <>
          <p className={summary.healthy ? 'ok' : 'problem'} role="status" aria-label="Nodes summary">
            Channel <span className="mono">{view.channel}</span> at block height {summary.tip}: {summary.sentence}{' '}
            Observed {when(view.observedAt)}.
          </p>
          <div className="table-wrap">
            <table>
              <caption>Peers and orderers of the consortium</caption>
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  <th scope="col">Organisation</th>
                  <th scope="col">Kind</th>
                  <th scope="col">State</th>
                  <th scope="col">Height</th>
                  <th scope="col">Behind</th>
                  <th scope="col">Chaincode</th>
                  <th scope="col">Note</th>
                </tr>
              </thead>
              <tbody>
                {summary.rows.map((row) => (
                  <tr key={row.key} data-node={row.endpoint}>
                    <td className="mono" title={row.endpoint}>
                      {row.name}
                    </td>
                    <td title={row.mspId}>{organisationName(row.mspId)}</td>
                    <td>{row.kind}</td>
                    <td>
                      <strong>{row.up ? 'up' : 'down'}</strong>
                    </td>
                    <td>{row.height ?? '–'}</td>
                    <td>{row.behind ?? '–'}</td>
                    <td className="mono">{row.chaincodes}</td>
                    <td>{row.note}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
