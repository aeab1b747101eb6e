/** The patient's consents, said in plain words, each active one revocable; and the form to grant another. */
import { useCallback, useEffect, useState } from 'react';
import { allPages } from '../../api/paging';
import type { Consent, ConsentResult, Organisation } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { describeConsent } from '../../logic/consent-form';
import { when } from '../../logic/wording';
import { useSession } from '../../session/session-context';
import { GrantConsentForm } from './grant-consent-form';

export function ConsentsSection({ patientId }: { readonly patientId: string }): React.JSX.Element {
  const { api } = useSession();
  const load = useAction();
  const revoke = useAction();
  const { run } = load;
  const [consents, setConsents] = useState<readonly Consent[] | undefined>(undefined);
  const [organisations, setOrganisations] = useState<readonly Organisation[]>([]);

  const refresh = useCallback(async () => {
    const result = await run(() =>
      Promise.all([
        allPages<Consent>(api, `/v1/patients/${encodeURIComponent(patientId)}/consents`),
        allPages<Organisation>(api, '/v1/organisations'),
      ]),
    );
    if (result !== undefined) {
      setConsents(result[0].sort((a, b) => b.grantedAt.localeCompare(a.grantedAt)));
      setOrganisations(result[1]);
    }
  }, [api, patientId, run]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function revokeConsent(consentId: string): Promise<void> {
    const done = await revoke.run(() =>
      api.send<ConsentResult>('DELETE', `/v1/consents/${encodeURIComponent(consentId)}`),
    );
    if (done !== undefined) await refresh();
  }

  return (
    <section aria-labelledby="consents-heading">
      <h2 id="consents-heading">Consents</h2>
      {load.busy ? <Progress label="Reading your consents…" /> : null}
      <ProblemAlert problem={load.problem} />
      {consents === undefined ? null : consents.length === 0 ? (
        <p>You have not granted any consent.</p>
      ) : (
        <ul className="cards">
          {consents.map((c) => (
            <li key={c.consentId} className={`card consent ${c.status}`} data-consent-id={c.consentId}>
              <p>{describeConsent(c)}</p>
              <p className="muted">
                {c.status === 'active'
                  ? `Active, granted ${when(c.grantedAt)}.`
                  : `Revoked ${c.revokedAt === undefined ? '' : when(c.revokedAt)}.`}{' '}
                Consent <span className="mono">{c.consentId}</span>
              </p>
              {c.status === 'active' ? (
                <button
                  type="button"
                  className="danger"
                  disabled={revoke.busy}
                  onClick={() => void revokeConsent(c.consentId)}
                  aria-label={`Revoke consent ${c.consentId}`}
                >
                  Revoke
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {revoke.busy ? <Progress label="Revoking on the ledger…" /> : null}
      <ProblemAlert problem={revoke.problem} />
      {organisations.length > 0 ? (
        <GrantConsentForm patientId={patientId} organisations={organisations} onGranted={() => void refresh()} />
      ) : null}
    </section>
  );
}
