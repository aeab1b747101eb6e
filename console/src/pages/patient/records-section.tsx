/**
 * The patient's records on the ledger, wherever they are held, each with its access timeline: every request, read,
 * refusal and emergency access, from the patient's audit trail.
 */
import { useCallback, useEffect, useState } from 'react';
import { allPages, mapLimited } from '../../api/paging';
import type { AuditEvent, RecordPointer, Ticket } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import {
  eventWords,
  reasonWords,
  ticketIdsOf,
  timelineByRecord,
  type TimelineEntry,
} from '../../logic/access-timeline';
import { CATEGORY_WORDS, PURPOSE_WORDS, ROLE_WORDS, capitalised, organisationName, when } from '../../logic/wording';
import { useSession } from '../../session/session-context';

interface Loaded {
  readonly records: readonly RecordPointer[];
  readonly timelines: ReadonlyMap<string, readonly TimelineEntry[]>;
}

function Timeline({ entries }: { readonly entries: readonly TimelineEntry[] }): React.JSX.Element {
  if (entries.length === 0) return <p>No one has accessed this record.</p>;
  return (
    <ol className="timeline">
      {entries.map((e) => (
        <li key={e.txId} className={`${e.outcome ?? 'info'}${e.breakGlass ? ' break-glass' : ''}`}>
          <time dateTime={e.time} title={e.time}>
            {when(e.time)}
          </time>{' '}
          <span className="mono">{e.actorId}</span> ({ROLE_WORDS[e.actorRole]} at {organisationName(e.actorMsp)}){' '}
          {eventWords(e.type)}
          {e.purpose === undefined ? '' : ` for ${PURPOSE_WORDS[e.purpose]}`}
          {e.outcome === undefined ? null : (
            <strong className={`badge ${e.outcome}`}>{e.outcome === 'permit' ? 'permitted' : 'refused'}</strong>
          )}
          {e.breakGlass ? <strong className="badge break-glass">break-glass</strong> : null}
          {e.reason === undefined ? null : <span className="muted"> ({reasonWords(e.reason)})</span>}
        </li>
      ))}
    </ol>
  );
}

export function RecordsSection({ patientId }: { readonly patientId: string }): React.JSX.Element {
  const { api } = useSession();
  const action = useAction();
  const { run } = action;
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);

  const load = useCallback(async () => {
    const result = await run(async () => {
      const id = encodeURIComponent(patientId);
      const [records, events] = await Promise.all([
        allPages<RecordPointer>(api, `/v1/patients/${id}/records`),
        allPages<AuditEvent>(api, `/v1/audit/events?patientId=${id}`),
      ]);
      const tickets = await mapLimited(ticketIdsOf(events), 4, (ticketId) =>
        api.get<Ticket>(`/v1/tickets/${encodeURIComponent(ticketId)}`),
      );
      return { records, timelines: timelineByRecord(events, new Map(tickets.map((t) => [t.ticketId, t]))) };
    });
    if (result !== undefined) setLoaded(result);
  }, [api, patientId, run]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="records-heading">
      <h2 id="records-heading">Records and who accessed them</h2>
      <button type="button" className="secondary" onClick={() => void load()} disabled={action.busy}>
        Refresh
      </button>
      {action.busy ? <Progress label="Reading your records and audit trail from the ledger…" /> : null}
      <ProblemAlert problem={action.problem} />
      {loaded === undefined ? null : loaded.records.length === 0 ? (
        <p>No records yet.</p>
      ) : (
        <ul className="cards">
          {loaded.records.map((r) => (
            <li key={r.recordId} className="card" data-record-id={r.recordId}>
              <h3>
                {capitalised(CATEGORY_WORDS[r.category])} held by {organisationName(r.custodianMsp)}
              </h3>
              <p>
                Added <time dateTime={r.registeredAt}>{when(r.registeredAt)}</time>, version {r.version}
                {r.supersededBy === null ? '' : ' (replaced by a newer version)'}. Record{' '}
                <span className="mono">{r.recordId}</span>
              </p>
              <details>
                <summary>Access timeline ({(loaded.timelines.get(r.recordId) ?? []).length} events)</summary>
                <Timeline entries={loaded.timelines.get(r.recordId) ?? []} />
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
