/**
 * One query followed until combined, then its result: a chart (recharts) with 95 % intervals as error bars and the
 * suppressed cells marked, and the same numbers as a table for reading and for screen readers.
 */
import { periodsOf } from '@medrec/contract';
import { useEffect, useState } from 'react';
import {
  CartesianGrid,
  ComposedChart,
  ErrorBar,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { TrendOutcome, TrendQuery } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Progress } from '../../components/progress';
import { useAction } from '../../components/use-action';
import { trendChart, type TrendChart } from '../../logic/trend-chart';
import { organisationName, when } from '../../logic/wording';
import { useSession } from '../../session/session-context';

const COLOURS = ['#0b5cad', '#a4161a', '#146c2e', '#7a3e00', '#5b2a86', '#00606b'] as const;

function colour(i: number): string {
  return COLOURS[i % COLOURS.length] ?? '#0b5cad';
}
const POLL_MS = 2000;

/** A cross where every custodian suppressed the cell; nothing elsewhere. */
function SuppressedMark(props: {
  cx?: number | undefined;
  cy?: number | undefined;
  value?: unknown;
  stroke?: string | undefined;
  index?: number | undefined;
}): React.JSX.Element {
  const { cx, cy, value, stroke, index } = props;
  if (cx === undefined || cy === undefined || value === null || value === undefined)
    return <g key={`none-${String(index)}`} />;
  return (
    <path
      key={`mark-${String(index)}`}
      className="suppressed-mark"
      d={`M${String(cx - 6)},${String(cy - 6)}L${String(cx + 6)},${String(cy + 6)}M${String(cx - 6)},${String(cy + 6)}L${String(cx + 6)},${String(cy - 6)}`}
      stroke={stroke}
      strokeWidth={3}
    />
  );
}

function chartData(chart: TrendChart, labels: readonly string[]): Record<string, unknown>[] {
  return chart.rows.map((row) => {
    const entry: Record<string, unknown> = { label: labels[row.period] ?? `period ${String(row.period + 1)}` };
    chart.series.forEach((name, i) => {
      const point = row.points[name];
      entry[`v${String(i)}`] = point?.value ?? null;
      entry[`e${String(i)}`] = point?.error ?? null;
      // Fully suppressed cells sit on the axis, marked, instead of silently missing from the line.
      entry[`s${String(i)}`] = point?.value === null ? 0 : null;
    });
    return entry;
  });
}

function ResultView({
  query,
  outcome,
}: {
  readonly query: TrendQuery;
  readonly outcome: TrendOutcome;
}): React.JSX.Element {
  const result = outcome.result;
  if (result === null) return <p>No result yet.</p>;
  const measure = query.spec.statistic.kind === 'mean' ? 'mean' : 'count';
  const chart = trendChart(result, measure);
  const labels = periodsOf(query.spec.window).map((p) => p.start);
  const data = chartData(chart, labels);
  return (
    <>
      <p>
        Combined {when(result.combinedAt)} (
        {result.reason === 'all-answered' ? 'every custodian answered' : 'at the deadline'}
        ); answered by {result.answeredBy.map(organisationName).join(', ') || 'nobody'}
        {result.missing.length === 0 ? '' : `; missing ${result.missing.map(organisationName).join(', ')}`}. Intervals
        are {Number(result.confidence) * 100} %.
      </p>
      <figure className="chart-figure">
        <figcaption>
          {measure === 'mean' ? 'Mean' : 'New cases'} of {query.spec.statistic.concept.code} per{' '}
          {query.spec.window.interval}, with 95 % intervals; × marks a cell every custodian suppressed (fewer than{' '}
          {query.k} patients).
        </figcaption>
        <div className="chart">
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={data} margin={{ top: 10, right: 20, bottom: 10, left: 0 }}>
              <CartesianGrid stroke="#c9d1db" />
              <XAxis dataKey="label" allowDuplicatedCategory={false} padding={{ left: 24, right: 24 }} />
              <YAxis />
              <Tooltip />
              <Legend />
              {chart.series.map((name, i) => (
                <Line
                  key={name}
                  type="monotone"
                  dataKey={`v${String(i)}`}
                  name={name}
                  stroke={colour(i)}
                  connectNulls={false}
                  isAnimationActive={false}
                >
                  <ErrorBar dataKey={`e${String(i)}`} width={6} stroke={colour(i)} />
                </Line>
              ))}
              {chart.series.map((name, i) => (
                <Line
                  key={`${name}-suppressed`}
                  dataKey={`s${String(i)}`}
                  name={`${name}: suppressed`}
                  stroke={colour(i)}
                  strokeWidth={0}
                  legendType="cross"
                  dot={SuppressedMark}
                  activeDot={false}
                  isAnimationActive={false}
                />
              ))}
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <div className="table-wrap">
        <table>
          <caption>The result, cell by cell</caption>
          <thead>
            <tr>
              <th scope="col">Period from</th>
              <th scope="col">Series</th>
              <th scope="col">{measure === 'mean' ? 'Mean' : 'Count'}</th>
              <th scope="col">95 % interval</th>
              <th scope="col">Suppressed by</th>
            </tr>
          </thead>
          <tbody>
            {chart.rows.flatMap((row) =>
              chart.series.map((name) => {
                const point = row.points[name];
                return (
                  <tr
                    key={`${String(row.period)}-${name}`}
                    className={point?.value === null ? 'suppressed' : undefined}
                  >
                    <td>{labels[row.period]}</td>
                    <td>{name}</td>
                    <td>{point?.value === null || point === undefined ? 'suppressed' : point.value}</td>
                    <td>
                      {point?.interval == null ? '' : `${String(point.interval[0])} to ${String(point.interval[1])}`}
                    </td>
                    <td>{point === undefined ? '' : point.suppressedBy.map(organisationName).join(', ')}</td>
                  </tr>
                );
              }),
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function QueryResult({ query }: { readonly query: TrendQuery }): React.JSX.Element {
  const { api } = useSession();
  const action = useAction();
  const { run } = action;
  const [outcome, setOutcome] = useState<TrendOutcome | undefined>(undefined);

  // Polls until the ledger has combined the answers (every custodian answered, or the deadline passed).
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      const found = await run(() =>
        api.get<TrendOutcome>(`/v1/trends/queries/${encodeURIComponent(query.queryId)}/result`),
      );
      if (stopped || found === undefined) return;
      setOutcome(found);
      if (found.status !== 'combined') timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, query.queryId, run]);

  return (
    <section aria-labelledby="result-heading" data-query-id={query.queryId}>
      <h2 id="result-heading">Result of query {query.queryId.slice(0, 12)}…</h2>
      <p className="muted">
        Price {query.price} credits, ε {query.spec.epsilonMilli / 1000}; asked{' '}
        {query.custodians.map(organisationName).join(', ')}; deadline {when(query.deadline)}.
      </p>
      {outcome?.status === 'combined' ? null : (
        <Progress label={`Waiting for the custodians' answers (at the latest by ${when(query.deadline)})…`} />
      )}
      <ProblemAlert problem={action.problem} />
      {outcome?.status === 'combined' ? <ResultView query={query} outcome={outcome} /> : null}
    </section>
  );
}
