/** Granting a consent in plain words: who, whose records, what kinds, why and for how long, read back before sending. */
import { useState } from 'react';
import type { Category, ConsentResult, Grantee, Organisation, Purpose } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import {
  DURATIONS,
  consentRequest,
  describeConsent,
  missingChoices,
  type ConsentChoice,
  type Duration,
} from '../../logic/consent-form';
import { CATEGORIES, CATEGORY_WORDS, PURPOSES, PURPOSE_WORDS, organisationName } from '../../logic/wording';
import { useSession } from '../../session/session-context';

type GranteeKind = Grantee['kind'];

function toggle<T>(list: readonly T[], item: T, on: boolean): T[] {
  return on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item);
}

export function GrantConsentForm({
  patientId,
  organisations,
  onGranted,
}: {
  readonly patientId: string;
  readonly organisations: readonly Organisation[];
  readonly onGranted: () => void;
}): React.JSX.Element {
  const { api } = useSession();
  const action = useAction();
  const firstOther = organisations[1]?.mspId ?? organisations[0]?.mspId ?? '';
  const [kind, setKind] = useState<GranteeKind>('role');
  const [participantId, setParticipantId] = useState('');
  const [granteeMsp, setGranteeMsp] = useState(firstOther);
  const [custodians, setCustodians] = useState<string[]>([]);
  const [categories, setCategories] = useState<Category[]>([]);
  const [purposes, setPurposes] = useState<Purpose[]>(['TREAT']);
  const [duration, setDuration] = useState<Duration>('week');
  const [granted, setGranted] = useState<string | undefined>(undefined);
  const [openedAt] = useState(() => Date.now());

  const grantee: Grantee =
    kind === 'participant'
      ? { kind, participantId }
      : kind === 'role'
        ? { kind, role: 'clinician', mspId: granteeMsp }
        : { kind, mspId: granteeMsp };
  const choice: ConsentChoice = { grantee, custodians, categories, purposes, duration };
  const missing = missingChoices(choice);
  // The preview's period starts when the form opened; the grant itself starts when it is sent.
  const preview = missing.length === 0 ? describeConsent(consentRequest(choice, openedAt)) : undefined;

  async function grant(event: React.SyntheticEvent): Promise<void> {
    event.preventDefault();
    setGranted(undefined);
    const result = await action.run(() =>
      api.send<ConsentResult>(
        'POST',
        `/v1/patients/${encodeURIComponent(patientId)}/consents`,
        consentRequest(choice, Date.now()),
      ),
    );
    if (result !== undefined) {
      setGranted(
        `Granted: consent ${result.consent.consentId} is on the ledger (transaction ${result.transactionId}).`,
      );
      onGranted();
    }
  }

  return (
    <form onSubmit={(e) => void grant(e)} aria-labelledby="grant-heading" className="panel">
      <h3 id="grant-heading">Grant a consent</h3>
      <fieldset>
        <legend>Who may see my records</legend>
        <label>
          <input
            type="radio"
            name="grantee"
            checked={kind === 'role'}
            onChange={() => {
              setKind('role');
            }}
          />
          Every clinician at an organisation
        </label>
        <label>
          <input
            type="radio"
            name="grantee"
            checked={kind === 'organisation'}
            onChange={() => {
              setKind('organisation');
            }}
          />
          Everyone at an organisation
        </label>
        <label>
          <input
            type="radio"
            name="grantee"
            checked={kind === 'participant'}
            onChange={() => {
              setKind('participant');
            }}
          />
          One person, by their id
        </label>
        {kind === 'participant' ? (
          <label className="block">
            Their participant id
            <input
              value={participantId}
              onChange={(e) => {
                setParticipantId(e.target.value);
              }}
              spellCheck={false}
            />
          </label>
        ) : (
          <label className="block">
            Organisation
            <select
              value={granteeMsp}
              onChange={(e) => {
                setGranteeMsp(e.target.value);
              }}
            >
              {organisations.map((o) => (
                <option key={o.mspId} value={o.mspId}>
                  {o.displayName}
                </option>
              ))}
            </select>
          </label>
        )}
      </fieldset>
      <fieldset>
        <legend>Records held by</legend>
        {organisations.map((o) => (
          <label key={o.mspId}>
            <input
              type="checkbox"
              name="custodian"
              value={o.mspId}
              checked={custodians.includes(o.mspId)}
              onChange={(e) => {
                setCustodians(toggle(custodians, o.mspId, e.target.checked));
              }}
            />
            {organisationName(o.mspId)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Kinds of record (none ticked: all kinds)</legend>
        <div className="columns">
          {CATEGORIES.map((c) => (
            <label key={c}>
              <input
                type="checkbox"
                name="category"
                value={c}
                checked={categories.includes(c)}
                onChange={(e) => {
                  setCategories(toggle(categories, c, e.target.checked));
                }}
              />
              {CATEGORY_WORDS[c]}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Only for</legend>
        {PURPOSES.map((p) => (
          <label key={p}>
            <input
              type="checkbox"
              name="purpose"
              value={p}
              checked={purposes.includes(p)}
              onChange={(e) => {
                setPurposes(toggle(purposes, p, e.target.checked));
              }}
            />
            {PURPOSE_WORDS[p]}
          </label>
        ))}
      </fieldset>
      <label className="block">
        For how long, starting now
        <select
          value={duration}
          onChange={(e) => {
            setDuration(e.target.value as Duration);
          }}
        >
          {(Object.keys(DURATIONS) as Duration[]).map((d) => (
            <option key={d} value={d}>
              {DURATIONS[d].label}
            </option>
          ))}
        </select>
      </label>
      {preview === undefined ? (
        <p className="muted">Still to choose: {missing.join('; ')}.</p>
      ) : (
        <p className="preview" aria-live="polite">
          {preview}
        </p>
      )}
      <button type="submit" disabled={action.busy || preview === undefined}>
        Grant consent
      </button>
      {action.busy ? <Progress label="Recording the consent on the ledger…" /> : null}
      <ProblemAlert problem={action.problem} />
      {granted === undefined ? null : (
        <p role="status" className="ok">
          {granted}
        </p>
      )}
    </form>
  );
}
