/** What happens to the patient's records as it is committed on the ledger, live, resuming after a dropped connection. */
import { useEffect, useState } from 'react';
import { followEvents, type LedgerEvent, type StreamState } from '../../api/event-stream';
import { useSession } from '../../session/session-context';

const SHOWN = 20;

function stateWords(state: StreamState): string {
  switch (state.kind) {
    case 'connecting':
      return 'Connecting…';
    case 'open':
      return 'Live: new events appear here as the ledger commits them.';
    case 'retrying':
      return `Connection lost (${state.why}); reconnecting${state.after === undefined ? '' : ' and resuming after the last event received'}…`;
    case 'ended':
      return `Stopped: ${state.why}`;
  }
}

export function LiveNotifications({ patientId }: { readonly patientId: string }): React.JSX.Element {
  const { api } = useSession();
  const [events, setEvents] = useState<readonly LedgerEvent[]>([]);
  const [state, setState] = useState<StreamState>({ kind: 'connecting' });

  useEffect(
    () =>
      followEvents(
        api,
        `/v1/patients/${encodeURIComponent(patientId)}/notifications`,
        (event) => {
          setEvents((previous) => [event, ...previous.filter((e) => e.id !== event.id)].slice(0, SHOWN));
        },
        setState,
      ),
    [api, patientId],
  );

  return (
    <section aria-labelledby="live-heading">
      <h2 id="live-heading">Live notifications</h2>
      <p className="muted" role="status" data-stream-state={state.kind}>
        {stateWords(state)}
      </p>
      {events.length === 0 ? null : (
        <ul className="live">
          {events.map((e) => (
            <li key={e.id}>
              <strong>{e.type}</strong>
              {e.payload.outcome === undefined ? null : (
                <span className={`badge ${e.payload.outcome}`}>
                  {e.payload.outcome === 'permit' ? 'permitted' : 'refused'}
                </span>
              )}{' '}
              <span className="muted">block {e.id.split(':')[0]}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
