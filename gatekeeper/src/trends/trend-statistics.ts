/**
 * The true (noise-free) statistic of a trend query over one custodian's own records. It never leaves the custodian:
 * trend-answer.ts adds the noise, and only noisy numbers go on the ledger.
 */
import {
  cellId,
  periodsOf,
  queryGrid,
  type CellKey,
  type Concept,
  type Stratum,
  type TrendQuerySpec,
} from '@medrec/contract';

/** One registered record as the responder reads it from its store. */
export interface TrendRecord {
  readonly recordId: string;
  readonly patientId: string;
  readonly resourceJson: string;
  /** When the custodian stored it: the date of a record whose content names none. */
  readonly storedAt: Date;
  /** The record this one amends (its newer version replaces it). */
  readonly supersedes: string | undefined;
}

/** What a custodian knows about a patient for coarse strata; anything unknown is 'unknown'. */
export interface Demographics {
  readonly birthDate?: string;
  readonly sex?: 'female' | 'male' | 'other';
}

export interface CellTotals {
  readonly cell: CellKey;
  /** Patients in the cell. */
  readonly count: bigint;
  /** Mean queries: the sum of each patient's clamped value minus the lower bound (so every term is in [0, range]). */
  readonly sum: bigint;
  /** Quantile queries: the patients in each bin of the clamped values, lowest bin first (empty otherwise). */
  readonly histogram: readonly bigint[];
}

/** A query's spec as read from the ledger (read-only). */
export type QuerySpec = Readonly<Omit<TrendQuerySpec, 'strata'>> & { readonly strata: readonly Stratum[] };

export interface TrendInput {
  readonly spec: QuerySpec;
  readonly custodians: readonly string[];
  readonly custodianMsp: string;
  readonly records: Iterable<TrendRecord>;
  /** Patients who opted out of research use: their records are left out entirely. */
  readonly optedOut: ReadonlySet<string>;
  readonly demographicsOf?: (patientId: string) => Demographics | undefined;
}

interface Finding {
  readonly patientId: string;
  /** The clinical date of the finding, YYYY-MM-DD. */
  readonly day: string;
  /** Observation value (mean queries). */
  readonly value?: number;
}

/** Totals for every cell this custodian answers (cells without patients are there with zeros). */
export function trendTotals(input: Readonly<TrendInput>): CellTotals[] {
  const { spec } = input;
  const findings = currentFindings(input);
  const periods = periodsOf(spec.window);
  const periodOf = (day: string): number => periods.findIndex((p) => p.start <= day && day < p.end);
  const bins = spec.statistic.kind === 'quantiles' ? spec.statistic.bins : 0;
  const totals = new Map<string, { cell: CellKey; count: bigint; sum: bigint; histogram: bigint[] }>();
  for (const cell of queryGrid(spec, input.custodians, input.custodianMsp)) {
    totals.set(cellId(cell), { cell, count: 0n, sum: 0n, histogram: Array.from({ length: bins }, () => 0n) });
  }
  const add = (patientId: string, period: number, value: bigint, bin?: number): void => {
    const start = periods[period]?.start ?? spec.window.from;
    const strata = spec.strata.map((stratum) =>
      stratumOf(stratum, input.custodianMsp, input.demographicsOf?.(patientId), start),
    );
    const entry = totals.get(cellId({ period, strata }));
    if (entry === undefined) return;
    entry.count += 1n;
    entry.sum += value;
    if (bin !== undefined) entry.histogram[bin] = (entry.histogram[bin] ?? 0n) + 1n;
  };
  if (spec.statistic.kind === 'count') {
    // New cases: a patient counts once, in the period of their earliest finding, if that lies in the window.
    const first = new Map<string, string>();
    for (const f of findings) {
      const known = first.get(f.patientId);
      if (known === undefined || f.day < known) first.set(f.patientId, f.day);
    }
    for (const [patientId, day] of first) {
      const period = periodOf(day);
      if (period >= 0) add(patientId, period, 0n);
    }
  } else {
    const { statistic } = spec;
    const { lower, upper } = statistic;
    // One value per patient and period: the mean of their values there, clamped, so one patient moves a cell by at
    // most (upper - lower) and its count (or one bin of its histogram) by one.
    const values = new Map<string, { patientId: string; period: number; total: number; n: number }>();
    for (const f of findings) {
      const period = periodOf(f.day);
      if (period < 0 || f.value === undefined) continue;
      const k = `${f.patientId}|${String(period)}`;
      const entry = values.get(k) ?? { patientId: f.patientId, period, total: 0, n: 0 };
      entry.total += f.value;
      entry.n += 1;
      values.set(k, entry);
    }
    for (const { patientId, period, total, n } of values.values()) {
      if (statistic.kind === 'quantiles') {
        add(patientId, period, 0n, binOf(total / n, statistic));
        continue;
      }
      const clamped = Math.min(upper, Math.max(lower, Math.round(total / n)));
      add(patientId, period, BigInt(clamped - lower));
    }
  }
  return [...totals.values()];
}

/**
 * The bin of a value clamped to [lower, upper]: floor((v − lower)·bins / (upper − lower)), the upper bound itself in
 * the last bin (the chaincode reads bin i as [e_i, e_{i+1}] with e_i = lower + (upper − lower)·i / bins).
 */
export function binOf(value: number, bounds: Readonly<{ lower: number; upper: number; bins: number }>): number {
  const { lower, upper, bins } = bounds;
  const clamped = Math.min(upper, Math.max(lower, value));
  return Math.min(bins - 1, Math.floor(((clamped - lower) * bins) / (upper - lower)));
}

/** The findings of the query's concept in the current version of each record of patients who did not opt out. */
function currentFindings(input: Readonly<TrendInput>): Finding[] {
  const records = [...input.records];
  const replaced = new Set(records.flatMap((r) => (r.supersedes === undefined ? [] : [r.supersedes])));
  const { statistic } = input.spec;
  const findings: Finding[] = [];
  for (const record of records) {
    if (replaced.has(record.recordId) || input.optedOut.has(record.patientId)) continue;
    const resource = parse(record.resourceJson);
    if (resource === undefined || !hasCoding(resource, statistic.concept)) continue;
    const day = clinicalDay(resource) ?? record.storedAt.toISOString().slice(0, 10);
    if (statistic.kind === 'count') {
      findings.push({ patientId: record.patientId, day });
      continue;
    }
    const value = quantityValue(resource);
    if (value !== undefined) findings.push({ patientId: record.patientId, day, value });
  }
  return findings;
}

function parse(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function hasCoding(resource: Record<string, unknown>, concept: Readonly<Concept>): boolean {
  const code = resource.code as { coding?: unknown } | undefined;
  const codings = Array.isArray(code?.coding) ? (code.coding as unknown[]) : [];
  return codings.some((c) => {
    const coding = c as { system?: unknown; code?: unknown } | null;
    return coding?.system === concept.system && coding.code === concept.code;
  });
}

/** The date the finding is about: onset or recording for a condition, the effective time for an observation. */
function clinicalDay(resource: Record<string, unknown>): string | undefined {
  const period = resource.effectivePeriod as { start?: unknown } | undefined;
  const candidates = [
    resource.effectiveDateTime,
    period?.start,
    resource.onsetDateTime,
    resource.recordedDate,
    resource.issued,
  ];
  const text = candidates.find((c): c is string => typeof c === 'string' && /^\d{4}-\d{2}-\d{2}/.test(c));
  return text?.slice(0, 10);
}

function quantityValue(resource: Record<string, unknown>): number | undefined {
  const quantity = resource.valueQuantity as { value?: unknown } | undefined;
  return typeof quantity?.value === 'number' && Number.isFinite(quantity.value) ? quantity.value : undefined;
}

function stratumOf(
  stratum: Stratum,
  custodianMsp: string,
  demographics: Demographics | undefined,
  periodStart: string,
): string {
  if (stratum === 'custodian') return custodianMsp;
  if (stratum === 'sex') return demographics?.sex ?? 'unknown';
  return ageBand(demographics?.birthDate, periodStart);
}

/** Whole years between a birth date and a day, as a coarse band. */
function ageBand(birthDate: string | undefined, day: string): string {
  if (birthDate === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) return 'unknown';
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const age = y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
  if (age < 0) return 'unknown';
  if (age < 18) return '0-17';
  if (age < 40) return '18-39';
  if (age < 65) return '40-64';
  return '65+';
}
