/**
 * `medrec trends query | list | result | account`: a researcher's trend queries from the command line, signed with the
 * researcher's own identity from its organisation's wallet (the same rules as the REST API: the chaincode's); and
 * `medrec trends settings show | approve`, as an organisation's admin.
 */
import { Command, InvalidArgumentError } from 'commander';
import {
  CODE_SYSTEMS,
  INTERVALS,
  MAX_BINS,
  MIN_BINS,
  STRATA,
  epsilonMilliOf,
  periodsOf,
  trendSettingsSchema,
  type Stratum,
  type TrendQueryInput,
} from '@medrec/contract';
import { createMedrecClient, type MedrecClient, type TrendQuery, type TrendResult } from '@medrec/sdk';
import type { z } from 'zod';
import { amountOption, calendarDay, idOption, peerOrg, wholeNumber } from './cli-options';
import { createConsortium } from './consortium';
import type { PeerOrgKey } from './topology';
import { connectUser, openOrgWallet } from './user-provisioning';

/* eslint-disable no-console -- this is the command-line interface: the terminal is its output. */

const SYSTEM_ALIASES: Readonly<Record<string, (typeof CODE_SYSTEMS)[number]>> = {
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  'icd-10-cm': 'http://hl7.org/fhir/sid/icd-10-cm',
  'icd-10': 'http://hl7.org/fhir/sid/icd-10',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  cvx: 'http://hl7.org/fhir/sid/cvx',
};

function codeSystem(value: string): (typeof CODE_SYSTEMS)[number] {
  const system = SYSTEM_ALIASES[value] ?? CODE_SYSTEMS.find((s) => s === value);
  if (system === undefined) {
    throw new InvalidArgumentError(`--system must be one of ${Object.keys(SYSTEM_ALIASES).join(', ')}, not "${value}"`);
  }
  return system;
}

function epsilon(value: string): number {
  const milli = epsilonMilliOf(value);
  if (milli === undefined) throw new InvalidArgumentError(`--epsilon must be 0.001 to 10 (e.g. 0.5), not "${value}"`);
  return milli;
}

function bound(flag: string): (value: string) => number {
  return (value) => {
    if (!/^-?\d{1,7}$/.test(value)) throw new InvalidArgumentError(`${flag} must be a whole number, not "${value}"`);
    return Number(value);
  };
}

/** "0.25,0.5,0.75" (or "25%,50%") as thousandths, ascending, each once; the contract checks the rest. */
export function quantilesOption(value: string): number[] {
  const milli = value.split(',').map((part) => {
    const text = part.trim();
    const percent = /^(\d{1,2}(?:\.\d)?)%$/.exec(text);
    const fraction = /^0?\.(\d{1,3})$/.exec(text);
    const found =
      percent !== null
        ? Math.round(Number(percent[1]) * 10)
        : fraction !== null
          ? Number((fraction[1] ?? '').padEnd(3, '0'))
          : undefined;
    if (found === undefined || found < 1 || found > 999) {
      throw new InvalidArgumentError(`--quantiles takes probabilities such as 0.25,0.5,0.75 or 50%,90%; not "${text}"`);
    }
    return found;
  });
  if (milli.some((m, i) => i > 0 && m <= (milli[i - 1] ?? 0))) {
    throw new InvalidArgumentError('--quantiles must be ascending, each named once');
  }
  return milli;
}

function strata(value: string): Stratum[] {
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.find((n) => !(STRATA as readonly string[]).includes(n));
  if (unknown !== undefined) throw new InvalidArgumentError(`--strata takes ${STRATA.join(', ')}, not "${unknown}"`);
  return names as Stratum[];
}

function interval(value: string): (typeof INTERVALS)[number] {
  const found = INTERVALS.find((i) => i === value);
  if (found === undefined) throw new InvalidArgumentError(`--interval must be ${INTERVALS.join(', ')}, not "${value}"`);
  return found;
}

/** Runs `work` as the researcher `participantId` of `org`, closing the connection afterwards. */
async function asResearcher<T>(
  org: PeerOrgKey,
  participantId: string,
  work: (c: MedrecClient) => Promise<T>,
): Promise<T> {
  const consortium = createConsortium({ renderer: 'silent' });
  const identity = await (await openOrgWallet(consortium, org)).get(participantId);
  if (identity === undefined) {
    throw new Error(
      `no identity ${participantId} in the ${org} wallet; register a researcher first (\`medrec user register ` +
        `--org ${org} --role researcher\` prints its id) or give the --org it was registered at`,
    );
  }
  const connection = connectUser(consortium, org, identity);
  try {
    return await work(createMedrecClient(connection.gateway));
  } finally {
    connection.close();
  }
}

/** The combined result as a text table: one line per cell, suppressed cells marked. */
export function renderTrendResult(query: TrendQuery, result: TrendResult): string {
  const periods = periodsOf(query.spec.window);
  const { statistic } = query.spec;
  const mean = statistic.kind === 'mean';
  const quantileNames =
    statistic.kind === 'quantiles' ? statistic.quantilesMilli.map((m) => `q${(m / 1000).toString()}`) : [];
  const lines = [
    `query ${query.queryId}: ${query.spec.statistic.kind} of ${query.spec.statistic.concept.code}, ` +
      `epsilon ${(query.spec.epsilonMilli / 1000).toString()}, ${result.reason === 'deadline' ? 'combined at the deadline' : 'every custodian answered'}`,
    `answered by ${result.answeredBy.join(', ') || 'nobody'}${result.missing.length > 0 ? `; missing ${result.missing.join(', ')}` : ''}`,
    `intervals: ${String(Number(result.confidence) * 100)} %`,
    '',
    [
      'period',
      ...query.spec.strata,
      'count',
      'count interval',
      ...(mean ? ['mean', 'mean interval'] : []),
      ...quantileNames.flatMap((name) => [name, `${name} interval`]),
      'note',
    ].join('\t'),
  ];
  for (const cell of result.cells) {
    const period = periods[cell.period];
    const note = cell.suppressedBy.length === 0 ? '' : `suppressed by ${cell.suppressedBy.join(', ')} (fewer than k)`;
    lines.push(
      [
        period === undefined ? String(cell.period) : `${period.start}..${period.end}`,
        ...cell.strata,
        cell.count ?? '-',
        cell.countInterval === null ? '-' : `[${cell.countInterval.join(', ')}]`,
        ...(mean ? [cell.mean ?? '-', cell.meanInterval ? `[${cell.meanInterval.join(', ')}]` : '-'] : []),
        ...(cell.quantiles ?? []).flatMap((q) => [q.value ?? '-', q.interval ? `[${q.interval.join(', ')}]` : '-']),
        note,
      ].join('\t'),
    );
  }
  return lines.join('\n');
}

interface QueryOptions {
  org: PeerOrgKey;
  as: string;
  kind: 'count' | 'mean' | 'quantiles';
  system: (typeof CODE_SYSTEMS)[number];
  code: string;
  from: string;
  to: string;
  interval: (typeof INTERVALS)[number];
  lower?: number;
  upper?: number;
  bins?: number;
  quantiles?: number[];
  strata?: Stratum[];
  epsilon: number;
}

function queryInput(opts: QueryOptions): TrendQueryInput {
  const concept = { system: opts.system, code: opts.code };
  const window = { from: opts.from, to: opts.to, interval: opts.interval };
  const common = { window, strata: opts.strata ?? [], epsilonMilli: opts.epsilon };
  if (opts.kind === 'count') return { statistic: { kind: 'count', concept }, ...common };
  if (opts.lower === undefined || opts.upper === undefined) {
    throw new InvalidArgumentError(`a ${opts.kind} query needs --lower and --upper: the clamping bounds of the value`);
  }
  const bounds = { lower: opts.lower, upper: opts.upper };
  if (opts.kind === 'mean') return { statistic: { kind: 'mean', concept, ...bounds }, ...common };
  const quantilesMilli = opts.quantiles ?? [500];
  return { statistic: { kind: 'quantiles', concept, ...bounds, bins: opts.bins ?? 20, quantilesMilli }, ...common };
}

export function trendsCommand(): Command {
  const trends = new Command('trends').description(
    "a researcher's differentially private trend queries: submit, list, read results, see budget and credits",
  );
  trends
    .command('query')
    .description('submit a query (pays its price in credits and spends epsilon from the budget)')
    .requiredOption('--org <org>', "the researcher's organisation", peerOrg)
    .requiredOption('--as <participantId>', 'the researcher, an identity in that wallet', idOption('--as'))
    .requiredOption('--kind <kind>', 'count (new cases of a condition) | mean | quantiles (of an observation)', (v) => {
      if (v !== 'count' && v !== 'mean' && v !== 'quantiles') {
        throw new InvalidArgumentError(`--kind must be count, mean or quantiles, not "${v}"`);
      }
      return v;
    })
    .requiredOption('--system <system>', 'code system: loinc, snomed, icd-10-cm, icd-10, rxnorm, cvx', codeSystem)
    .requiredOption('--code <code>', 'the code, e.g. 2498-4 (serum iron)')
    .requiredOption('--from <day>', 'first day of the window (YYYY-MM-DD)', calendarDay('--from'))
    .requiredOption('--to <day>', 'last day of the window (YYYY-MM-DD)', calendarDay('--to'))
    .option('--interval <interval>', 'week | month | total', interval, 'total')
    .option('--lower <n>', 'mean, quantiles: lower clamping bound', bound('--lower'))
    .option('--upper <n>', 'mean, quantiles: upper clamping bound', bound('--upper'))
    .option(
      '--bins <n>',
      `quantiles: equal-width histogram bins over the bounds (${String(MIN_BINS)}-${String(MAX_BINS)}, default 20)`,
      wholeNumber('--bins', MIN_BINS, MAX_BINS),
    )
    .option(
      '--quantiles <list>',
      'quantiles: probabilities, e.g. 0.25,0.5,0.75 or 50%,90% (default 0.5)',
      quantilesOption,
    )
    .option('--strata <list>', `comma-separated: ${STRATA.join(', ')}`, strata)
    .requiredOption('--epsilon <e>', 'privacy loss to spend, 0.001 to 10', epsilon)
    .option('--wait', 'wait for the combined result and print it')
    .action(async (opts: QueryOptions & { wait?: boolean }) => {
      const input = queryInput(opts);
      await asResearcher(opts.org, opts.as, async (client) => {
        const { value: query } = await client.submitTrendQuery(input);
        console.log(`query ${query.queryId} submitted: price ${query.price} credits, deadline ${query.deadline}`);
        console.log(`custodians asked: ${query.custodians.join(', ')}`);
        if (opts.wait !== true) return;
        const result = await waitForResult(client, query);
        console.log(renderTrendResult(query, result));
      });
    });
  trends
    .command('list')
    .description("the researcher's queries, newest first")
    .requiredOption('--org <org>', "the researcher's organisation", peerOrg)
    .requiredOption('--as <participantId>', 'the researcher', idOption('--as'))
    .action(async (opts: { org: PeerOrgKey; as: string }) => {
      await asResearcher(opts.org, opts.as, async (client) => {
        let bookmark = '';
        do {
          const page = await client.listTrendQueries({ pageSize: 50, ...(bookmark === '' ? {} : { bookmark }) });
          for (const q of page.items) {
            console.log(
              `${q.queryId}\t${q.submittedAt}\t${q.status}\t${q.spec.statistic.kind} ${q.spec.statistic.concept.code}\t` +
                `${q.spec.window.from}..${q.spec.window.to} ${q.spec.window.interval}\tepsilon ${(q.spec.epsilonMilli / 1000).toString()}\t${q.price} credits`,
            );
          }
          bookmark = page.bookmark;
        } while (bookmark !== '');
      });
    });
  trends
    .command('result')
    .description('the combined result of a query, or "still open"')
    .argument('<queryId>', 'the query id (its transaction id)')
    .requiredOption('--org <org>', "the researcher's organisation", peerOrg)
    .requiredOption('--as <participantId>', 'the researcher', idOption('--as'))
    .option('--wait', 'wait until every custodian answered (or close it once the deadline passed)')
    .action(async (queryId: string, opts: { org: PeerOrgKey; as: string; wait?: boolean }) => {
      await asResearcher(opts.org, opts.as, async (client) => {
        const query = await client.getTrendQuery(queryId);
        const result = opts.wait === true ? await waitForResult(client, query) : await client.getTrendResult(queryId);
        console.log(
          result === undefined
            ? `query ${queryId} is still open until ${query.deadline}`
            : renderTrendResult(query, result),
        );
      });
    });
  trends
    .command('account')
    .description("the researcher's epsilon budget this period and its organisation's credits")
    .requiredOption('--org <org>', "the researcher's organisation", peerOrg)
    .requiredOption('--as <participantId>', 'the researcher', idOption('--as'))
    .action(async (opts: { org: PeerOrgKey; as: string }) => {
      await asResearcher(opts.org, opts.as, async (client) => {
        const budget = await client.getTrendBudget();
        const who = await client.whoAmI();
        const balance = await client.getBalance({ kind: 'organisation', mspId: who.mspId });
        console.log(
          `epsilon spent ${(budget.spentMilli / 1000).toString()} of ${(budget.budgetMilli / 1000).toString()} ` +
            `(period ${budget.periodStart} to ${budget.periodEnd}); ${who.mspId} holds ${balance.amount} credits`,
        );
      });
    });
  trends.addCommand(settingsCommand());
  return trends;
}

/** A whole-number setting, within the bounds the contract's settings schema gives that field. */
function settingOption(flag: string, field: z.ZodNumber): (value: string) => number {
  return wholeNumber(flag, field.minValue ?? 0, field.maxValue ?? Number.MAX_SAFE_INTEGER);
}

interface SettingsOptions {
  readonly org: PeerOrgKey;
  readonly budget?: number;
  readonly periodDays?: number;
  readonly k?: number;
  readonly basePrice?: string;
  readonly pricePerCell?: string;
  readonly answerSeconds?: number;
}

/** `medrec trends settings show | approve`: the consortium's settings and the admins' vote on new ones. */
function settingsCommand(): Command {
  const fields = trendSettingsSchema.shape;
  const settings = new Command('settings').description(
    "the consortium's trend settings; organisation admins change them by a strict majority of identical approvals",
  );
  settings
    .command('show')
    .description('the settings in effect and the approvals of new ones')
    .requiredOption('--org <org>', "whose admin asks (any organisation's)", peerOrg)
    .action(async (opts: { org: PeerOrgKey }) => {
      await asAdmin(opts.org, async (client) => {
        console.log(JSON.stringify(await client.getTrendSettingsVote(), null, 2));
      });
    });
  settings
    .command('approve')
    .description(
      "approve, as the organisation's admin, the settings in effect changed by the options given; they take effect " +
        'once a strict majority of the organisations approve identical settings',
    )
    .requiredOption('--org <org>', 'the organisation whose admin approves', peerOrg)
    .option('--budget <epsilon>', 'epsilon per researcher per period, 0.001 to 10', epsilon)
    .option(
      '--period-days <n>',
      'length of an accounting period in days',
      settingOption('--period-days', fields.periodDays),
    )
    .option('--k <n>', 'suppression threshold (patients)', settingOption('--k', fields.k))
    .option('--base-price <credits>', 'credits per query', amountOption('--base-price'))
    .option('--price-per-cell <credits>', 'credits per cell', amountOption('--price-per-cell'))
    .option(
      '--answer-seconds <n>',
      'time the custodians have to answer',
      settingOption('--answer-seconds', fields.answerSeconds),
    )
    .action(async (opts: SettingsOptions) => {
      await asAdmin(opts.org, async (client) => {
        const current = await client.getTrendSettings();
        const wanted = trendSettingsSchema.safeParse({
          budgetMilliPerPeriod: opts.budget ?? current.budgetMilliPerPeriod,
          periodDays: opts.periodDays ?? current.periodDays,
          k: opts.k ?? current.k,
          basePrice: opts.basePrice ?? current.basePrice,
          pricePerCell: opts.pricePerCell ?? current.pricePerCell,
          answerSeconds: opts.answerSeconds ?? current.answerSeconds,
        });
        if (!wanted.success) {
          throw new Error(
            `these settings are out of bounds: ${wanted.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          );
        }
        const { value } = await client.approveTrendSettings(wanted.data);
        const mspId = (await client.whoAmI()).mspId;
        const mine = value.approvals.find((a) => a.mspId === mspId);
        const supporters = value.approvals.filter((a) => a.settingsId === mine?.settingsId);
        console.log(
          value.adopted
            ? `in effect now: ${JSON.stringify(value.settings)}`
            : `approved by ${opts.org}; ${String(supporters.length)} of ${String(value.required)} approvals needed ` +
                `(${String(value.organisations)} organisations): ${JSON.stringify(wanted.data)}`,
        );
      });
    });
  return settings;
}

/** Runs `work` as the organisation's admin. */
async function asAdmin<T>(org: PeerOrgKey, work: (c: MedrecClient) => Promise<T>): Promise<T> {
  const connection = createConsortium({ renderer: 'silent' }).connectAdmin(org);
  try {
    return await work(createMedrecClient(connection.gateway));
  } finally {
    connection.close();
  }
}

/** Polls for the result (progress on stderr); closes the query itself once its deadline has passed. */
async function waitForResult(client: MedrecClient, query: TrendQuery): Promise<TrendResult> {
  for (;;) {
    const result = await client.getTrendResult(query.queryId);
    if (result !== undefined) return result;
    if (Date.now() > Date.parse(query.deadline)) return (await client.closeTrendQuery(query.queryId)).value;
    process.stderr.write(`waiting for the custodians' answers (deadline ${query.deadline})...\n`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
