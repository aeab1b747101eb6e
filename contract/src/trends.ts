import { z } from 'zod';
import { amountSchema, MAX_VOTING_ORGANISATIONS, positiveAmountSchema, proposalIdSchema } from './incentive';
import { idSchema, isoTimeSchema, mspIdSchema, pageFields, txIdSchema } from './primitives';

/**
 * Trend analysis: a researcher's aggregate query, answered by every custodian over its own records with
 * differentially private noise, and combined on the ledger. Nothing here identifies a patient: a query names a
 * coded concept, a window and coarse strata; an answer carries noisy integers per cell.
 */

/** The code systems a query may name (FHIR system URIs as MedRec's records use them). */
export const CODE_SYSTEMS = [
  'http://loinc.org',
  'http://snomed.info/sct',
  'http://hl7.org/fhir/sid/icd-10-cm',
  'http://hl7.org/fhir/sid/icd-10',
  'http://www.nlm.nih.gov/research/umls/rxnorm',
  'http://hl7.org/fhir/sid/cvx',
] as const;

export const conceptSchema = z.strictObject({
  system: z.enum(CODE_SYSTEMS),
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,31}$/, 'must be a code of 1-32 letters, digits, dots or dashes'),
});
export type Concept = z.infer<typeof conceptSchema>;

/** Clamping bounds of an observation's value in its unit; whole numbers, so that noise stays over the integers. */
export const MAX_BOUND = 1_000_000;
const boundSchema = z.int().min(-MAX_BOUND).max(MAX_BOUND);

/** A quantile query's histogram: 2 to 50 bins, read for 1 to 9 quantiles. */
export const MIN_BINS = 2;
export const MAX_BINS = 50;
export const MAX_QUANTILES = 9;

export const statisticSchema = z.discriminatedUnion('kind', [
  /** Patients with a condition of this code first recorded in the cell's period (new cases). */
  z.strictObject({ kind: z.literal('count'), concept: conceptSchema }),
  /**
   * The mean of an observation of this code, each patient's values in a period averaged and clamped to
   * [lower, upper] first (one value per patient per period bounds what one patient can change).
   */
  z
    .strictObject({ kind: z.literal('mean'), concept: conceptSchema, lower: boundSchema, upper: boundSchema })
    .refine((s) => s.upper > s.lower, { message: 'upper must be greater than lower', path: ['upper'] }),
  /**
   * Quantiles of an observation of this code (each patient's values in a period averaged and clamped to
   * [lower, upper], as for the mean), estimated from a noisy histogram of `bins` equal-width bins over the bounds. The
   * histogram is released once; any number of quantiles read from it cost nothing more (post-processing).
   */
  z
    .strictObject({
      kind: z.literal('quantiles'),
      concept: conceptSchema,
      lower: boundSchema,
      upper: boundSchema,
      bins: z.int().min(MIN_BINS).max(MAX_BINS),
      /** The probabilities in thousandths, e.g. [250, 500, 750] for the quartiles; ascending, each once. */
      quantilesMilli: z
        .array(z.int().min(1).max(999))
        .min(1)
        .max(MAX_QUANTILES)
        .refine((q) => q.every((value, i) => i === 0 || value > (q[i - 1] ?? 0)), {
          message: 'quantiles must be ascending, each named once',
        }),
    })
    .refine((s) => s.upper > s.lower, { message: 'upper must be greater than lower', path: ['upper'] }),
]);
export type Statistic = z.infer<typeof statisticSchema>;

export const INTERVALS = ['week', 'month', 'total'] as const;
export const intervalSchema = z.enum(INTERVALS);
export type Interval = z.infer<typeof intervalSchema>;

/** A calendar day, UTC. */
export const daySchema = z.iso.date();

/** The longest window: a year and a bit, so that a weekly series has at most 53 periods. */
export const MAX_WINDOW_DAYS = 371;
export const MAX_PERIODS = 53;

export const windowSchema = z
  .strictObject({ from: daySchema, to: daySchema, interval: intervalSchema })
  .refine((w) => w.from <= w.to, { message: 'from must not be after to', path: ['to'] })
  .refine((w) => daysBetween(w.from, w.to) < MAX_WINDOW_DAYS, {
    message: `the window may span at most ${MAX_WINDOW_DAYS} days`,
    path: ['to'],
  });
export type TrendWindow = z.infer<typeof windowSchema>;

export const STRATA = ['ageBand', 'sex', 'custodian'] as const;
export const stratumSchema = z.enum(STRATA);
export type Stratum = z.infer<typeof stratumSchema>;

/** Coarse age bands (years at the start of the period); a patient without a birth date is 'unknown'. */
export const AGE_BANDS = ['0-17', '18-39', '40-64', '65+', 'unknown'] as const;
export const SEXES = ['female', 'male', 'other', 'unknown'] as const;

/** Bounds of a query's answer window: long enough for a custodian to compute, short enough to stay meaningful. */
export const MIN_ANSWER_SECONDS = 10;
export const MAX_ANSWER_SECONDS = 7 * 24 * 3600;

/** Epsilon in thousandths (an integer, so that budgets add up exactly): 0.001 to 10. */
export const MAX_EPSILON_MILLI = 10_000;
export const epsilonMilliSchema = z.int().min(1).max(MAX_EPSILON_MILLI);

export const trendQueryInputSchema = z.strictObject({
  statistic: statisticSchema,
  window: windowSchema,
  strata: z
    .array(stratumSchema)
    .max(STRATA.length)
    .refine((s) => new Set(s).size === s.length, { message: 'a stratum may be named once' })
    .default([]),
  epsilonMilli: epsilonMilliSchema,
  /**
   * Seconds the custodians have to answer, at most the consortium's answerSeconds (its value when absent). A
   * researcher who needs the result sooner accepts that a slow custodian is left out.
   */
  answerSeconds: z.int().min(MIN_ANSWER_SECONDS).max(MAX_ANSWER_SECONDS).optional(),
});
export type TrendQueryInput = z.input<typeof trendQueryInputSchema>;
export type TrendQuerySpec = z.output<typeof trendQueryInputSchema>;

/** Consortium settings of trend analysis (the chaincode's defaults until the consortium sets its own). */
export const trendSettingsSchema = z.strictObject({
  /** Epsilon (thousandths) one researcher may spend per accounting period. */
  budgetMilliPerPeriod: epsilonMilliSchema,
  /** Length of an accounting period in days, counted from 1970-01-01 UTC. */
  periodDays: z.int().min(1).max(366),
  /** Cells with fewer patients than this are suppressed by each custodian. */
  k: z.int().min(2).max(1000),
  /** Credits one query costs, plus per cell. */
  basePrice: positiveAmountSchema,
  pricePerCell: amountSchema,
  /** After this many seconds the query is combined with whichever custodians answered. */
  answerSeconds: z.int().min(MIN_ANSWER_SECONDS).max(MAX_ANSWER_SECONDS),
});
export type TrendSettings = z.infer<typeof trendSettingsSchema>;

export const DEFAULT_TREND_SETTINGS: TrendSettings = {
  budgetMilliPerPeriod: 10_000,
  periodDays: 30,
  k: 10,
  basePrice: '10',
  pricePerCell: '1',
  answerSeconds: 300,
};

/** One cell of a query: a period and the stratum values, in the order of the query's strata. */
export const cellKeySchema = z.strictObject({
  period: z
    .int()
    .min(0)
    .max(MAX_PERIODS - 1),
  // Age bands, sexes and MSP ids; never '|' (cellId joins with it).
  strata: z.array(z.string().regex(/^[A-Za-z0-9+][A-Za-z0-9.+_-]{0,63}$/)).max(STRATA.length),
});
export type CellKey = z.infer<typeof cellKeySchema>;

/** Noisy integers, as decimal strings (they may be negative: noise is symmetric). */
const noisyIntegerSchema = z.string().regex(/^-?(0|[1-9][0-9]{0,17})$/, 'must be an integer string');

/** One custodian's answer for one cell: suppressed (fewer than k patients), or noisy sums with their noise. */
export const answerCellSchema = z.discriminatedUnion('suppressed', [
  z.strictObject({ ...cellKeySchema.shape, suppressed: z.literal(true) }),
  z.strictObject({
    ...cellKeySchema.shape,
    suppressed: z.literal(false),
    /** Noisy number of patients in the cell. */
    count: noisyIntegerSchema,
    /** Half-width of the count's noise interval at the custodian's share of the confidence. */
    countHalfWidth: z.int().min(0),
    /** Noisy sum of the clamped values, offset by the lower bound (mean queries only). */
    sum: noisyIntegerSchema.optional(),
    sumHalfWidth: z.int().min(0).optional(),
    /**
     * Quantile queries: the noisy patient count of each bin, lowest bin first, and the half-width of each bin's noise.
     * `count` is then the sum of the bins and `countHalfWidth` bins × histogramHalfWidth (the chaincode checks both).
     */
    histogram: z.array(noisyIntegerSchema).max(MAX_BINS).optional(),
    histogramHalfWidth: z.int().min(0).optional(),
  }),
]);
export type AnswerCell = z.infer<typeof answerCellSchema>;

export const MAX_CELLS = 600;
/** The most noisy numbers one answer may carry (cells × bins for a quantile query), which bounds its size. */
export const MAX_ANSWER_VALUES = 6000;

export const trendAnswerInputSchema = z.strictObject({
  queryId: txIdSchema,
  cells: z.array(answerCellSchema).max(MAX_CELLS),
  /** The noise: the mechanism and its scales as exact rationals "num/den" (for the auditor). */
  mechanism: z.literal('discrete-laplace'),
  countScale: z.string().regex(/^[1-9][0-9]{0,20}\/[1-9][0-9]{0,20}$/),
  sumScale: z
    .string()
    .regex(/^[1-9][0-9]{0,20}\/[1-9][0-9]{0,20}$/)
    .optional(),
});
export type TrendAnswerInput = z.infer<typeof trendAnswerInputSchema>;

export const QUERY_STATUSES = ['open', 'combined'] as const;

export const quantileEstimateSchema = z.strictObject({
  /** The probability, e.g. "0.500" for the median. */
  probability: z.string(),
  value: z.string().nullable(),
  interval: z.tuple([z.string(), z.string()]).nullable(),
});
export type QuantileEstimate = z.infer<typeof quantileEstimateSchema>;

/** A combined cell: the sums over the custodians that answered it, the mean for mean queries, a 95 % interval. */
export const resultCellSchema = z.strictObject({
  ...cellKeySchema.shape,
  /** Custodians that suppressed this cell (fewer than k patients there); their patients are not in the sums. */
  suppressedBy: z.array(mspIdSchema),
  count: noisyIntegerSchema.nullable(),
  countInterval: z.tuple([noisyIntegerSchema, noisyIntegerSchema]).nullable(),
  /** Mean queries: the mean and its 95 % interval, decimal strings with three decimals (null when not estimable). */
  mean: z.string().nullable().optional(),
  meanInterval: z.tuple([z.string(), z.string()]).nullable().optional(),
  /** Quantile queries: the combined noisy histogram (null when every custodian suppressed the cell). */
  histogram: z.array(noisyIntegerSchema).nullable().optional(),
  /**
   * Quantile queries: each asked quantile, its estimate and 95 % interval as decimal strings with three decimals (null
   * when not estimable: no patients left after the noise).
   */
  quantiles: z.array(quantileEstimateSchema).optional(),
});
export type ResultCell = z.infer<typeof resultCellSchema>;

export const trendQuerySchema = z.strictObject({
  queryId: txIdSchema,
  spec: trendQueryInputSchema,
  researcherId: idSchema,
  researcherMsp: mspIdSchema,
  /** Custodians asked to answer (every custodian organisation registered when the query was made). */
  custodians: z.array(mspIdSchema),
  price: positiveAmountSchema,
  k: z.int().min(2),
  periods: z.int().min(1).max(MAX_PERIODS),
  submittedAt: isoTimeSchema,
  deadline: isoTimeSchema,
  status: z.enum(QUERY_STATUSES),
  txId: txIdSchema,
});
export type TrendQuery = z.infer<typeof trendQuerySchema>;

export const trendAnswerSchema = trendAnswerInputSchema.extend({
  custodianMsp: mspIdSchema,
  answeredBy: idSchema,
  answeredAt: isoTimeSchema,
  txId: txIdSchema,
});
export type TrendAnswer = z.infer<typeof trendAnswerSchema>;

export const trendResultSchema = z.strictObject({
  queryId: txIdSchema,
  answeredBy: z.array(mspIdSchema),
  missing: z.array(mspIdSchema),
  /** The confidence of every interval, as a fraction (0.95). */
  confidence: z.literal('0.95'),
  cells: z.array(resultCellSchema),
  combinedAt: isoTimeSchema,
  /** Combined because every custodian answered, or because the deadline passed. */
  reason: z.enum(['all-answered', 'deadline']),
  txId: txIdSchema,
});
export type TrendResult = z.infer<typeof trendResultSchema>;

export const budgetSchema = z.strictObject({
  researcherId: idSchema,
  period: z.int().min(0),
  periodStart: isoTimeSchema,
  periodEnd: isoTimeSchema,
  spentMilli: z.int().min(0),
  budgetMilli: z.int().min(0),
});
export type Budget = z.infer<typeof budgetSchema>;

export const listTrendQueriesSchema = z.strictObject({ ...pageFields });

/**
 * An organisation's current vote for trend settings: each registered organisation's admin approves one complete set
 * of settings; identical settings approved by a strict majority take effect. `settingsId` is the SHA-256 of their
 * canonical JSON, so equal settings have equal ids.
 */
export const trendSettingsApprovalSchema = z.strictObject({
  mspId: mspIdSchema,
  settingsId: proposalIdSchema,
  settings: trendSettingsSchema,
  approvedBy: idSchema,
  approvedAt: isoTimeSchema,
  txId: txIdSchema,
});
export type TrendSettingsApproval = z.infer<typeof trendSettingsApprovalSchema>;

/** The vote as it stands: every current approval, the electorate and the majority it takes. */
export const trendSettingsVoteSchema = z.strictObject({
  /** The settings in effect now (after this call, when it completed a majority). */
  settings: trendSettingsSchema,
  /** True when this call's approval completed the majority and its settings took effect. */
  adopted: z.boolean(),
  organisations: z.int().min(1).max(MAX_VOTING_ORGANISATIONS),
  required: z.int().min(1).max(MAX_VOTING_ORGANISATIONS),
  approvals: z.array(trendSettingsApprovalSchema).max(MAX_VOTING_ORGANISATIONS),
});
export type TrendSettingsVote = z.infer<typeof trendSettingsVoteSchema>;

/** A patient's choice about research use of their records (absent: not opted out). */
export const researchOptOutSchema = z.strictObject({
  patientId: idSchema,
  optedOut: z.boolean(),
  updatedBy: idSchema,
  updatedAt: isoTimeSchema,
  txId: txIdSchema,
});
export type ResearchOptOut = z.infer<typeof researchOptOutSchema>;

export const researchChoiceSchema = z.strictObject({ patientId: idSchema, optedOut: z.boolean() });

export const listOptOutsQuerySchema = z.strictObject({ ...pageFields });

/** Whole days from `from` to `to` (calendar days, UTC). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The periods of a window: index 0 starts at `from`; a week is 7 days from `from`, a month a calendar month from
 * `from`'s day (the first month starts at `from`), 'total' one period. Each has [start, end) as ISO days.
 */
export function periodsOf(window: Readonly<TrendWindow>): { start: string; end: string }[] {
  const end = addDays(window.to, 1);
  if (window.interval === 'total') return [{ start: window.from, end }];
  const periods: { start: string; end: string }[] = [];
  let start = window.from;
  while (start < end) {
    const next = window.interval === 'week' ? addDays(start, 7) : addMonth(start);
    periods.push({ start, end: next < end ? next : end });
    start = next;
  }
  return periods;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function addMonth(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1, 1);
  return date.toISOString().slice(0, 10);
}

/** The values a stratum takes, in a fixed order (custodian: the query's custodians, in the query's order). */
export function stratumValues(stratum: Stratum, custodians: readonly string[]): readonly string[] {
  if (stratum === 'ageBand') return AGE_BANDS;
  if (stratum === 'sex') return SEXES;
  return custodians;
}

/**
 * Every cell of a query: each period, times each combination of the strata's values in the query's order. With
 * `answeringMsp`, only the cells that custodian answers (under a custodian stratum, its own column).
 */
export function queryGrid(
  spec: Readonly<{ window: Readonly<TrendWindow>; strata: readonly Stratum[] }>,
  custodians: readonly string[],
  answeringMsp?: string,
): CellKey[] {
  let combinations: string[][] = [[]];
  for (const stratum of spec.strata) {
    const values =
      stratum === 'custodian' && answeringMsp !== undefined ? [answeringMsp] : stratumValues(stratum, custodians);
    combinations = combinations.flatMap((prefix) => values.map((value) => [...prefix, value]));
  }
  const periods = periodsOf(spec.window).length;
  return Array.from({ length: periods }, (_, period) => combinations.map((strata) => ({ period, strata }))).flat();
}

/** A cell's identity as text, for maps and for comparing grids. */
export function cellId(cell: Readonly<CellKey>): string {
  return [String(cell.period), ...cell.strata].join('|');
}

/** An exact positive rational. */
export interface Ratio {
  readonly num: bigint;
  readonly den: bigint;
}

/**
 * The smallest noise scales (discrete Laplace, t = Δ/ε) an answer may use, so that each custodian's answer is ε-DP
 * for the query's epsilon. One patient changes at most one cell per period (strata are fixed per patient and period):
 * - count (new cases): a patient is a new case once, so Δ = 1 over the whole grid and the count gets all of ε;
 * - mean: a patient adds one clamped, lower-offset value and one to the count in each of P periods, so the count has
 *   Δ = P and the sum Δ = P·(upper − lower); each gets ε/2 (sequential composition);
 * - quantiles: a patient adds one to one bin in each of P periods, so the histogram has Δ = P and gets all of ε.
 */
export function requiredScales(spec: Readonly<Pick<TrendQuerySpec, 'statistic' | 'window' | 'epsilonMilli'>>): {
  count: Ratio;
  sum?: Ratio;
} {
  const milli = BigInt(spec.epsilonMilli);
  if (spec.statistic.kind === 'count') return { count: lowest({ num: 1000n, den: milli }) };
  const periods = BigInt(periodsOf(spec.window).length);
  // Quantiles: a patient is in one bin per period, so the histogram has Δ = P and gets all of ε; the count is the
  // histogram's sum (post-processing), and countScale is the scale of each bin's noise.
  if (spec.statistic.kind === 'quantiles') return { count: lowest({ num: periods * 1000n, den: milli }) };
  const range = BigInt(spec.statistic.upper - spec.statistic.lower);
  return {
    count: lowest({ num: periods * 2000n, den: milli }),
    sum: lowest({ num: periods * range * 2000n, den: milli }),
  };
}

/** A rational "num/den" as an answer declares a scale; undefined when it is not one. */
export function parseRatio(text: string): Ratio | undefined {
  const match = /^([1-9][0-9]*)\/([1-9][0-9]*)$/.exec(text);
  if (match === null) return undefined;
  return { num: BigInt(match[1] ?? '0'), den: BigInt(match[2] ?? '1') };
}

export function formatRatio(ratio: Readonly<Ratio>): string {
  return `${ratio.num.toString()}/${ratio.den.toString()}`;
}

/** a >= b for positive rationals, exactly. */
export function ratioAtLeast(a: Readonly<Ratio>, b: Readonly<Ratio>): boolean {
  return a.num * b.den >= b.num * a.den;
}

/**
 * The confidence each custodian's half-width is computed at, so that a combined interval (the sum of every
 * custodian's, for each statistic of the cell) holds with 95 % by the union bound: 1 − 0.05 / (custodians · statistics).
 */
export function answerConfidence(custodians: number, statisticsPerCell: number): Ratio {
  const parts = BigInt(Math.max(1, custodians) * statisticsPerCell);
  return { num: 20n * parts - 1n, den: 20n * parts };
}

/**
 * How many noisy numbers, each with its own interval, an answered cell carries: the union bound divides by it, and
 * cells × this is bounded by MAX_ANSWER_VALUES.
 */
export function statisticsPerCell(statistic: Readonly<Statistic>): number {
  if (statistic.kind === 'count') return 1;
  if (statistic.kind === 'mean') return 2;
  return statistic.bins;
}

function lowest(ratio: Ratio): Ratio {
  let [a, b] = [ratio.num, ratio.den];
  while (b !== 0n) [a, b] = [b, a % b];
  return { num: ratio.num / a, den: ratio.den / a };
}

/** Epsilon as people write it ("0.5", "2", "0.125") in thousandths; undefined unless 0.001 to 10 in steps of 0.001. */
export function epsilonMilliOf(text: string): number | undefined {
  const match = /^(\d{1,2})(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (match === null) return undefined;
  const milli = Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
  return epsilonMilliSchema.safeParse(milli).success ? milli : undefined;
}
