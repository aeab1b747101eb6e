/** Composing a trend query, with its price, budget and credits worked out before it is submitted. */
import { CODE_SYSTEMS, epsilonMilliOf, type Stratum, type TrendWindow } from '@medrec/contract';
import { useState } from 'react';
import type { Organisation, TrendAccount, TrendQuery } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { estimateTrendQuery, formatEpsilon } from '../../logic/trend-estimate';
import { useSession } from '../../session/session-context';

const STRATA: readonly { readonly id: Stratum; readonly label: string }[] = [
  { id: 'ageBand', label: 'age band' },
  { id: 'sex', label: 'sex' },
  { id: 'custodian', label: 'hospital' },
];

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

export function QueryForm({
  account,
  organisations,
  onSubmitted,
}: {
  readonly account: TrendAccount;
  readonly organisations: readonly Organisation[];
  readonly onSubmitted: (query: TrendQuery) => void;
}): React.JSX.Element {
  const { api, me } = useSession();
  const action = useAction();
  const [kind, setKind] = useState<'count' | 'mean'>('count');
  const [system, setSystem] = useState<(typeof CODE_SYSTEMS)[number]>('http://hl7.org/fhir/sid/icd-10-cm');
  const [code, setCode] = useState('');
  const [lower, setLower] = useState('0');
  const [upper, setUpper] = useState('300');
  const [window, setWindow] = useState<TrendWindow>({ from: daysAgo(55), to: daysAgo(0), interval: 'week' });
  const [strata, setStrata] = useState<Stratum[]>([]);
  const [epsilonText, setEpsilonText] = useState('1');

  const epsilonMilli = epsilonMilliOf(epsilonText) ?? 0;
  const custodians = organisations.map((o) => o.mspId).filter((msp) => msp !== me.mspId);
  const estimate = estimateTrendQuery({
    window,
    strata,
    epsilonMilli,
    custodians,
    settings: account.settings,
    balance: account.balance.amount,
    budget: account.budget,
  });
  const blockers = [...(code.trim() === '' ? ['a code'] : []), ...estimate.blockers];

  async function submit(event: React.SyntheticEvent): Promise<void> {
    event.preventDefault();
    const concept = { system, code: code.trim() };
    const statistic =
      kind === 'count' ? { kind, concept } : { kind, concept, lower: Number(lower), upper: Number(upper) };
    const submitted = await action.run(() =>
      api.send<{ query: TrendQuery }>('POST', '/v1/trends/queries', { statistic, window, strata, epsilonMilli }),
    );
    if (submitted !== undefined) onSubmitted(submitted.query);
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="panel" aria-labelledby="compose-heading">
      <h2 id="compose-heading">Ask a trend question</h2>
      <div className="row">
        <label>
          Statistic
          <select
            name="kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as 'count' | 'mean');
            }}
          >
            <option value="count">new cases of a condition (count)</option>
            <option value="mean">mean of an observation</option>
          </select>
        </label>
        <label>
          Code system
          <select
            name="system"
            value={system}
            onChange={(e) => {
              setSystem(e.target.value as (typeof CODE_SYSTEMS)[number]);
            }}
          >
            {CODE_SYSTEMS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Code
          <input
            name="code"
            value={code}
            spellCheck={false}
            onChange={(e) => {
              setCode(e.target.value);
            }}
          />
        </label>
        {kind === 'mean' ? (
          <>
            <label>
              Lower bound
              <input
                name="lower"
                type="number"
                value={lower}
                onChange={(e) => {
                  setLower(e.target.value);
                }}
              />
            </label>
            <label>
              Upper bound
              <input
                name="upper"
                type="number"
                value={upper}
                onChange={(e) => {
                  setUpper(e.target.value);
                }}
              />
            </label>
          </>
        ) : null}
      </div>
      <div className="row">
        <label>
          From
          <input
            name="from"
            type="date"
            value={window.from}
            onChange={(e) => {
              setWindow({ ...window, from: e.target.value });
            }}
          />
        </label>
        <label>
          To (included)
          <input
            name="to"
            type="date"
            value={window.to}
            onChange={(e) => {
              setWindow({ ...window, to: e.target.value });
            }}
          />
        </label>
        <label>
          Per
          <select
            name="interval"
            value={window.interval}
            onChange={(e) => {
              setWindow({ ...window, interval: e.target.value as TrendWindow['interval'] });
            }}
          >
            <option value="week">week</option>
            <option value="month">month</option>
            <option value="total">whole window</option>
          </select>
        </label>
        <label>
          Privacy ε (0.001-10)
          <input
            name="epsilon"
            inputMode="decimal"
            value={epsilonText}
            onChange={(e) => {
              setEpsilonText(e.target.value);
            }}
          />
        </label>
      </div>
      <fieldset>
        <legend>Split by</legend>
        {STRATA.map((s) => (
          <label key={s.id}>
            <input
              type="checkbox"
              checked={strata.includes(s.id)}
              onChange={(e) => {
                setStrata(e.target.checked ? [...strata, s.id] : strata.filter((x) => x !== s.id));
              }}
            />
            {s.label}
          </label>
        ))}
      </fieldset>
      <p className="preview" aria-live="polite" aria-label="Cost before submitting">
        {estimate.cells} cells: costs <strong>{estimate.price.toString()}</strong> credits (balance{' '}
        {account.balance.amount} → {estimate.balanceAfter.toString()}); spends ε {formatEpsilon(epsilonMilli)} of the{' '}
        {formatEpsilon(estimate.budgetLeftMilli)} left this period (→ {formatEpsilon(estimate.budgetAfterMilli)}).
      </p>
      {blockers.length === 0 ? null : <p className="muted">Before submitting: {blockers.join('; ')}.</p>}
      <button type="submit" disabled={action.busy || blockers.length > 0}>
        Submit the query
      </button>
      {action.busy ? <Progress label="Submitting: the ledger checks the budget and charges the credits…" /> : null}
      <ProblemAlert problem={action.problem} />
    </form>
  );
}
