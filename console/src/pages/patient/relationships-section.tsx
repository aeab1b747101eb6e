/** The organisations that admitted the patient; a new admission is accepted or rejected here. */
import { useCallback, useEffect, useState } from 'react';
import type { PatientSummary, Relationship } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { organisationName, when } from '../../logic/wording';
import { useSession } from '../../session/session-context';

const STATUS_WORDS: Readonly<Record<Relationship['status'], string>> = {
  new: 'waiting for your answer',
  accepted: 'accepted',
  rejected: 'rejected: its clinicians may add no records and have lost access',
};

export function RelationshipsSection({ patientId }: { readonly patientId: string }): React.JSX.Element {
  const { api } = useSession();
  const load = useAction();
  const decide = useAction();
  const { run } = load;
  const [relationships, setRelationships] = useState<readonly Relationship[] | undefined>(undefined);

  const refresh = useCallback(async () => {
    const summary = await run(() => api.get<PatientSummary>(`/v1/patients/${encodeURIComponent(patientId)}/summary`));
    if (summary !== undefined) setRelationships(summary.relationships);
  }, [api, patientId, run]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function answer(custodianMsp: string, verb: 'accept' | 'reject'): Promise<void> {
    const done = await decide.run(() =>
      api.send(
        'POST',
        `/v1/patients/${encodeURIComponent(patientId)}/relationships/${encodeURIComponent(custodianMsp)}/${verb}`,
      ),
    );
    if (done !== undefined) await refresh();
  }

  return (
    <section aria-labelledby="relationships-heading">
      <h2 id="relationships-heading">Organisations caring for me</h2>
      {load.busy ? <Progress label="Reading your relationships…" /> : null}
      <ProblemAlert problem={load.problem} />
      {relationships === undefined ? null : relationships.length === 0 ? (
        <p>No organisation has admitted you yet.</p>
      ) : (
        <ul className="cards">
          {relationships.map((r) => (
            <li key={r.custodianMsp} className="card" data-custodian={r.custodianMsp}>
              <p>
                <strong>{organisationName(r.custodianMsp)}</strong>: {STATUS_WORDS[r.status]} (since {when(r.updatedAt)}
                )
              </p>
              {r.status === 'new' ? (
                <p className="actions">
                  <button type="button" disabled={decide.busy} onClick={() => void answer(r.custodianMsp, 'accept')}>
                    Accept {organisationName(r.custodianMsp)}
                  </button>
                  <button
                    type="button"
                    className="danger"
                    disabled={decide.busy}
                    onClick={() => void answer(r.custodianMsp, 'reject')}
                  >
                    Reject {organisationName(r.custodianMsp)}
                  </button>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {decide.busy ? <Progress label="Recording your answer on the ledger…" /> : null}
      <ProblemAlert problem={decide.problem} />
    </section>
  );
}
