/** One participant of this organisation: look up, its tokens (issue a new one, revoke), deactivate, admit a patient. */
import { useState } from 'react';
import type { IssuedToken, Participant, TokenInfo } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { ROLE_WORDS, organisationName, when } from '../../logic/wording';
import { useSession } from '../../session/session-context';

interface Found {
  readonly participant: Participant;
  /** undefined: the participant belongs to another organisation, whose tokens this server does not hold. */
  readonly tokens: readonly TokenInfo[] | undefined;
}

export function ParticipantSection(): React.JSX.Element {
  const { api, me } = useSession();
  const find = useAction();
  const change = useAction();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found | undefined>(undefined);
  const [issued, setIssued] = useState<IssuedToken | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);

  async function load(participantId: string): Promise<Found> {
    const id = encodeURIComponent(participantId);
    const participant = await api.get<Participant>(`/v1/participants/${id}`);
    const tokens =
      participant.mspId === me.mspId
        ? (await api.get<{ items: TokenInfo[] }>(`/v1/participants/${id}/tokens`)).items
        : undefined;
    return { participant, tokens };
  }

  async function lookUp(event: React.SyntheticEvent): Promise<void> {
    event.preventDefault();
    setFound(undefined);
    setIssued(undefined);
    setDone(undefined);
    const value = query.trim();
    const result = await find.run(async () => {
      try {
        return await load(value);
      } catch {
        // Not a participant id: try it as this organisation's own identifier (an MRN).
        const byExternal = await api.get<Participant>(`/v1/participants?externalId=${encodeURIComponent(value)}`);
        return load(byExternal.participantId);
      }
    });
    if (result !== undefined) setFound(result);
  }

  async function act(what: string, work: () => Promise<unknown>): Promise<void> {
    if (found === undefined) return;
    setDone(undefined);
    const ok = await change.run(async () => {
      await work();
      return true;
    });
    if (ok === true) {
      setDone(what);
      const again = await find.run(() => load(found.participant.participantId));
      if (again !== undefined) setFound(again);
    }
  }

  const p = found?.participant;
  const id = p === undefined ? '' : encodeURIComponent(p.participantId);
  return (
    <section aria-labelledby="participant-heading">
      <h2 id="participant-heading">Participants and tokens</h2>
      <form onSubmit={(e) => void lookUp(e)} className="row">
        <label>
          Participant id or your identifier (MRN)
          <input
            name="participant"
            value={query}
            spellCheck={false}
            onChange={(e) => {
              setQuery(e.target.value);
            }}
          />
        </label>
        <button type="submit" disabled={find.busy || query.trim() === ''}>
          Look up
        </button>
      </form>
      {find.busy ? <Progress label="Reading the participant from the ledger…" /> : null}
      <ProblemAlert problem={find.problem} />
      {found === undefined || p === undefined ? null : (
        <div className="card" data-participant-id={p.participantId}>
          <p>
            <span className="mono">{p.participantId}</span>: {ROLE_WORDS[p.role]} at {organisationName(p.mspId)},{' '}
            <strong>{p.status}</strong>, registered {when(p.registeredAt)}.
          </p>
          {found.tokens === undefined ? (
            <p className="muted">Their tokens are held by {organisationName(p.mspId)}'s API.</p>
          ) : (
            <>
              <ul>
                {found.tokens.map((t) => (
                  <li key={t.tokenId}>
                    Token <span className="mono">{t.tokenId}</span>, expires {when(t.expiresAt)}
                    {t.revokedAt === null ? (
                      <button
                        type="button"
                        className="secondary"
                        disabled={change.busy}
                        aria-label={`Revoke token ${t.tokenId}`}
                        onClick={() =>
                          void act(`Revoked token ${t.tokenId}.`, () =>
                            api.send('DELETE', `/v1/tokens/${encodeURIComponent(t.tokenId)}`),
                          )
                        }
                      >
                        Revoke
                      </button>
                    ) : (
                      ` (revoked ${when(t.revokedAt)})`
                    )}
                  </li>
                ))}
              </ul>
              <p className="actions">
                <button
                  type="button"
                  disabled={change.busy || p.status !== 'active'}
                  onClick={() =>
                    void act('Issued a new token.', async () => {
                      setIssued(await api.send<IssuedToken>('POST', `/v1/participants/${id}/tokens`));
                    })
                  }
                >
                  Issue a new token
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={change.busy || p.status !== 'active'}
                  onClick={() => void act('Deactivated.', () => api.send('DELETE', `/v1/participants/${id}`))}
                >
                  Deactivate
                </button>
              </p>
            </>
          )}
          {p.role === 'patient' ? (
            <button
              type="button"
              className="secondary"
              disabled={change.busy}
              onClick={() =>
                void act(`Admitted to ${organisationName(me.mspId)}.`, () =>
                  api.send('POST', `/v1/patients/${id}/admission`),
                )
              }
            >
              Admit to {organisationName(me.mspId)}
            </button>
          ) : null}
        </div>
      )}
      {change.busy ? <Progress label="Recording the change…" /> : null}
      <ProblemAlert problem={change.problem} />
      {done === undefined ? null : (
        <p role="status" className="ok">
          {done}
        </p>
      )}
      {issued === undefined ? null : (
        <p className="ok">
          New token, shown only now:{' '}
          <output className="mono token" aria-label="Issued API token">
            {issued.token}
          </output>
        </p>
      )}
    </section>
  );
}
