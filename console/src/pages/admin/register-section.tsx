/**
 * Registering a person: the API generates the pseudonymous participant id, enrolls the identity, registers it on the
 * ledger and issues the first token, shown here once to hand over.
 */
import { useState } from 'react';
import type { ParticipantRegistered, Role } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { ROLE_WORDS, organisationName, when } from '../../logic/wording';
import { useSession } from '../../session/session-context';

const REGISTRABLE: readonly Role[] = ['patient', 'clinician', 'compliance', 'researcher', 'registrar', 'admin'];

export function RegisterSection(): React.JSX.Element {
  const { api, me } = useSession();
  const action = useAction();
  const [role, setRole] = useState<Role>('patient');
  const [externalId, setExternalId] = useState('');
  const [registered, setRegistered] = useState<ParticipantRegistered | undefined>(undefined);

  async function submit(event: React.SyntheticEvent): Promise<void> {
    event.preventDefault();
    setRegistered(undefined);
    const body = externalId.trim() === '' ? { role } : { role, externalId: externalId.trim() };
    const result = await action.run(() => api.send<ParticipantRegistered>('POST', '/v1/participants', body));
    if (result !== undefined) {
      setRegistered(result);
      setExternalId('');
    }
  }

  return (
    <section aria-labelledby="register-heading">
      <h2 id="register-heading">Register a person at {organisationName(me.mspId)}</h2>
      <form onSubmit={(e) => void submit(e)} className="row">
        <label>
          Role
          <select
            name="role"
            value={role}
            onChange={(e) => {
              setRole(e.target.value as Role);
            }}
          >
            {REGISTRABLE.map((r) => (
              <option key={r} value={r}>
                {ROLE_WORDS[r]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Your identifier for them (MRN, staff number; optional)
          <input
            name="external-id"
            value={externalId}
            spellCheck={false}
            onChange={(e) => {
              setExternalId(e.target.value);
            }}
          />
        </label>
        <button type="submit" disabled={action.busy}>
          Register
        </button>
      </form>
      {action.busy ? <Progress label="Enrolling at the CA and registering on the ledger (a few seconds)…" /> : null}
      <ProblemAlert problem={action.problem} />
      {registered === undefined ? null : (
        <div className="ok" role="status" aria-label="Registered participant">
          <p>
            Registered {ROLE_WORDS[registered.participant.role]}{' '}
            <span className="mono">{registered.participant.participantId}</span>.
          </p>
          <p>Their API token, shown only now: hand it over securely (it expires {when(registered.token.expiresAt)}).</p>
          <p>
            <output className="mono token" aria-label="New API token">
              {registered.token.token}
            </output>
          </p>
        </div>
      )}
    </section>
  );
}
