/** Emergency accesses waiting for review: each is judged justified or unjustified, on the ledger. */
import { useCallback, useEffect, useState } from 'react';
import { allPages } from '../../api/paging';
import type { Ticket, TicketIssued } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { CATEGORY_WORDS, organisationName, when } from '../../logic/wording';
import { useSession } from '../../session/session-context';
import { BREAK_GLASS_REASON_WORDS } from '../clinician/break-glass-reasons';

export function BreakGlassQueue(): React.JSX.Element {
  const { api } = useSession();
  const load = useAction();
  const review = useAction();
  const { run } = load;
  const [pending, setPending] = useState<readonly Ticket[] | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);

  const refresh = useCallback(async () => {
    const found = await run(() => allPages<Ticket>(api, '/v1/break-glass?reviewStatus=pending'));
    if (found !== undefined) setPending(found);
  }, [api, run]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function judge(ticketId: string, outcome: 'justified' | 'unjustified'): Promise<void> {
    setDone(undefined);
    const result = await review.run(() =>
      api.send<TicketIssued>('POST', `/v1/break-glass/${encodeURIComponent(ticketId)}/review`, { outcome }),
    );
    if (result !== undefined) {
      setDone(`Reviewed ${ticketId.slice(0, 12)}… as ${outcome}.`);
      await refresh();
    }
  }

  return (
    <section aria-labelledby="glass-heading">
      <h2 id="glass-heading">Break-glass review queue</h2>
      <button type="button" className="secondary" onClick={() => void refresh()} disabled={load.busy}>
        Refresh
      </button>
      {load.busy ? <Progress label="Reading pending emergency accesses…" /> : null}
      <ProblemAlert problem={load.problem} />
      {pending === undefined ? null : pending.length === 0 ? (
        <p>No emergency access waits for review.</p>
      ) : (
        <ul className="cards">
          {pending.map((t) => (
            <li key={t.ticketId} className="card" data-ticket-id={t.ticketId}>
              <p>
                <span className="mono">{t.requester.participantId}</span> ({organisationName(t.requester.mspId)}) opened{' '}
                {CATEGORY_WORDS[t.category]} of patient <span className="mono">{t.patientId}</span> held by{' '}
                {organisationName(t.custodianMsp)} on {when(t.issuedAt)}, until {when(t.expiresAt)}.
              </p>
              <p>
                Reason:{' '}
                <strong>{t.breakGlass === undefined ? 'none' : BREAK_GLASS_REASON_WORDS[t.breakGlass.reason]}</strong>
                {t.breakGlass?.incidentRef === undefined ? '' : ` (incident ${t.breakGlass.incidentRef})`}
              </p>
              <p className="actions">
                <button type="button" disabled={review.busy} onClick={() => void judge(t.ticketId, 'justified')}>
                  Justified
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={review.busy}
                  onClick={() => void judge(t.ticketId, 'unjustified')}
                >
                  Unjustified
                </button>
              </p>
            </li>
          ))}
        </ul>
      )}
      {review.busy ? <Progress label="Recording the review on the ledger…" /> : null}
      <ProblemAlert problem={review.problem} />
      {done === undefined ? null : (
        <p role="status" className="ok">
          {done}
        </p>
      )}
    </section>
  );
}
