/** Audit search: a patient's or an actor's events in a window, in time order, as a table. */
import { useState } from 'react';
import { allPages } from '../../api/paging';
import type { AuditEvent } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { auditQuery, type AuditFilters } from '../../logic/audit-filters';
import { ROLE_WORDS, organisationName, when } from '../../logic/wording';
import { useSession } from '../../session/session-context';
import { AuditFilterFields } from './audit-filter-fields';

const EMPTY: AuditFilters = { subject: 'patientId', id: '', from: '', to: '', organisation: '' };

export function AuditSearch(): React.JSX.Element {
  const { api } = useSession();
  const action = useAction();
  const [filters, setFilters] = useState<AuditFilters>(EMPTY);
  const [events, setEvents] = useState<readonly AuditEvent[] | undefined>(undefined);

  async function search(event: React.SyntheticEvent): Promise<void> {
    event.preventDefault();
    setEvents(undefined);
    const found = await action.run(() =>
      allPages<AuditEvent>(api, `/v1/audit/events?${auditQuery(filters, false).toString()}`),
    );
    if (found !== undefined) setEvents(found);
  }

  return (
    <section aria-labelledby="search-heading">
      <h2 id="search-heading">Search the audit trail</h2>
      <form onSubmit={(e) => void search(e)}>
        <AuditFilterFields idPrefix="search" filters={filters} onChange={setFilters} withOrganisation={false} />
        <button type="submit" disabled={action.busy || filters.id.trim() === ''}>
          Search
        </button>
      </form>
      {action.busy ? <Progress label="Searching the ledger's audit index…" /> : null}
      <ProblemAlert problem={action.problem} />
      {events === undefined ? null : (
        <div className="table-wrap">
          <table>
            <caption>{events.length} events</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Actor</th>
                <th scope="col">Outcome</th>
                <th scope="col">Subject</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.eventId}>
                  <td>
                    <time dateTime={e.time}>{when(e.time)}</time>
                  </td>
                  <td>{e.type}</td>
                  <td>
                    <span className="mono">{e.actor.participantId}</span> ({ROLE_WORDS[e.actor.role]},{' '}
                    {organisationName(e.actor.mspId)})
                  </td>
                  <td>
                    {e.outcome ?? ''}
                    {e.reason === undefined ? '' : ` (${e.reason})`}
                  </td>
                  <td>
                    {e.subject.kind} <span className="mono">{e.subject.id}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
