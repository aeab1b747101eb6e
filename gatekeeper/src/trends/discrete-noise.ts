/**
 * Exact discrete noise for the custodian's trend responder, after Canonne, Kamath & Steinke, "The Discrete Gaussian for
 * Differential Privacy" (NeurIPS 2020, arXiv:2004.00010; "CKS20" below), Algorithms 1-3: the construction Google's
 * differential-privacy library and OpenDP use.
 *
 * The samplers use no floating point at all, only BigInt rationals and uniform integers from a RandomSource: textbook
 * floating-point Laplace noise leaks the true value through the low bits of its output (Mironov, "On significance of
 * the least significant bits for differential privacy", CCS 2012). Every loop ends with probability 1, as in the
 * paper, and none has a fixed cap (a cap would change the distribution); the expected work per sample is a small
 * constant whatever the scale, so scales of 10^6 and more cost no more than a scale of 1.
 *
 * The helpers that publish a half-width or a variance (discreteLaplaceHalfWidth, discreteLaplaceVariance) do use
 * floating point: they describe the mechanism, which is public, and never touch the noise or the data.
 */
import type { RandomSource } from './random-source';

/** An exact rational num/den; den must be a positive bigint. For example { num: 7n, den: 2n } is 3.5. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** Calibration of the discrete Laplace (geometric) mechanism; see discreteLaplaceScale. */
export interface DiscreteLaplaceScaleOptions {
  /** L1 sensitivity Δ of the integer-valued statistic: how far one person can move it; a bigint >= 1n. */
  readonly sensitivity: bigint;
  /** Privacy parameter ε > 0 as an exact rational, e.g. { num: 1n, den: 2n } for ε = 0.5. */
  readonly epsilon: Rational;
}

/**
 * Returns true with probability exactly exp(-gamma), for a rational gamma >= 0 (CKS20 Algorithm 1, with its
 * decomposition for gamma > 1). gamma = 0 always returns true and draws nothing.
 */
export function bernoulliExp(gamma: Readonly<Rational>, rng: RandomSource): boolean {
  const { num, den } = checkRational(gamma, 'gamma', 'nonnegative');
  return bernoulliExpUnchecked(num, den, rng);
}

/**
 * One draw from the discrete Laplace distribution with scale t > 0: P(X = x) ∝ exp(-|x| / t) for every integer x
 * (CKS20 Algorithm 2). With t from discreteLaplaceScale, adding it to an integer statistic is ε-DP.
 */
export function sampleDiscreteLaplace(scale: Readonly<Rational>, rng: RandomSource): bigint {
  const { num, den } = checkRational(scale, 'scale', 'positive');
  return discreteLaplaceUnchecked(num, den, rng);
}

/**
 * One draw from the discrete Gaussian with parameter sigma² > 0: P(X = x) ∝ exp(-x² / (2 sigma²)) for every integer x
 * (CKS20 Algorithm 3: discrete Laplace proposals with t = floor(sigma) + 1, each accepted with an exact Bernoulli).
 */
export function sampleDiscreteGaussian(sigmaSquared: Readonly<Rational>, rng: RandomSource): bigint {
  const { num, den } = checkRational(sigmaSquared, 'sigmaSquared', 'positive');
  // floor(sqrt(n/d)) = floor(sqrt(floor(n/d))), so the integer square root gives floor(sigma) exactly.
  const t = integerSqrt(num / den) + 1n;
  // Acceptance exponent (|Y| - sigma²/t)² / (2 sigma²) = (|Y|·d·t - n)² / (2·n·d·t²), kept exact.
  const acceptDen = 2n * num * den * t * t;
  for (;;) {
    const y = discreteLaplaceUnchecked(t, 1n, rng);
    const offset = (y < 0n ? -y : y) * den * t - num;
    if (bernoulliExpUnchecked(offset * offset, acceptDen, rng)) return y;
  }
}

/**
 * The discrete Laplace scale t = Δ/ε, reduced to lowest terms. Adding discrete Laplace noise of this scale to an
 * integer-valued statistic of L1 sensitivity Δ gives ε-differential privacy (the geometric mechanism of Ghosh,
 * Roughgarden & Sundararajan 2009; CKS20 Section 2).
 */
export function discreteLaplaceScale(options: Readonly<DiscreteLaplaceScaleOptions>): Rational {
  const sensitivity = checkPositiveInteger(options.sensitivity, 'sensitivity', 'e.g. 1n for a count');
  // ε = 0 would need infinite noise; the message says so by asking for ε > 0.
  const epsilon = checkRational(options.epsilon, 'epsilon', 'positive', '{ num: 1n, den: 2n } for ε = 0.5');
  return reduced(sensitivity * epsilon.den, epsilon.num);
}

/**
 * The smallest integer k >= 0 with P(|X| <= k) >= confidence for X discrete Laplace with scale t, from the exact tail
 * P(|X| > k) = 2·e^{-(k+1)/t} / (1 + e^{-1/t}). `confidence` is a rational strictly between 0 and 1, e.g.
 * { num: 95n, den: 100n }. Rounded conservatively: never too small, at worst one more than needed when the exact bound
 * is within a relative 1e-9 of an integer. Throws RangeError if k would exceed 2^53 - 1.
 */
export function discreteLaplaceHalfWidth(scale: Readonly<Rational>, confidence: Readonly<Rational>): bigint {
  const { num, den } = checkRational(scale, 'scale', 'positive');
  const c = checkRational(confidence, 'confidence', 'positive', '{ num: 95n, den: 100n } for 95 %');
  if (c.num >= c.den) {
    throw new RangeError(
      `confidence must be below 1 (no finite interval covers all the noise); got ${String(c.num)}/${String(c.den)}. ` +
        'Pass a rational strictly between 0 and 1, e.g. { num: 95n, den: 100n }.',
    );
  }
  // Floating point is fine here: the half-width is published and depends only on public parameters, not on the noise.
  // Tail <= α = 1 - confidence  ⇔  k + 1 >= t·ln(2 / (α·(1 + q))) with q = e^{-1/t}.
  const lnT = lnRatio(num, den);
  const t = Math.exp(lnT);
  const q = Math.exp(-Math.exp(-lnT));
  const lnAlpha = lnRatio(c.den - c.num, c.den);
  const bound = t * (Math.LN2 - lnAlpha - Math.log1p(q)) - 1;
  // Rounding errors above are below ~1e-12 of t·(ln 2 + |ln α| + ln(1 + q)); pushing up by 1e-9 of that means k is
  // never too small. It exceeds the smallest k only when the exact bound lies within that margin below an integer (by
  // one, for half-widths up to about 10^8; beyond that by at most a relative 1e-9).
  const margin = 1e-9 * (t * (Math.LN2 + Math.abs(lnAlpha) + Math.log1p(q)) + 1);
  const k = Math.ceil(bound + margin);
  if (k <= 0) return 0n;
  if (!Number.isSafeInteger(k)) {
    throw new RangeError(
      `the half-width for this scale and confidence exceeds 2^53 - 1 (about ${String(k)}); pass a smaller scale.`,
    );
  }
  return BigInt(k);
}

/**
 * The variance 2·e^{-1/t} / (1 - e^{-1/t})² of the discrete Laplace with scale t, as a double: for reporting the
 * mechanism (e.g. a standard error next to a published trend) only; sampling never uses it.
 */
export function discreteLaplaceVariance(scale: Readonly<Rational>): number {
  const { num, den } = checkRational(scale, 'scale', 'positive');
  const inverseT = Math.exp(lnRatio(den, num));
  // expm1 keeps 1 - e^{-1/t} accurate when t is large.
  const oneMinusQ = -Math.expm1(-inverseT);
  return (2 * Math.exp(-inverseT)) / (oneMinusQ * oneMinusQ);
}

/** Bernoulli(num/den) for 0 <= num, 0 < den; draws nothing when the answer is certain. */
function bernoulliRational(num: bigint, den: bigint, rng: RandomSource): boolean {
  if (num <= 0n) return false;
  if (num >= den) return true;
  return rng.uniformBelow(den) < num;
}

/**
 * CKS20 Algorithm 1 for gamma = num/den in [0, 1]: K is the first k at which Bernoulli(gamma/k) fails; P(K odd) is
 * sum_k (-gamma)^k / k! = e^{-gamma}.
 */
function bernoulliExpAtMostOne(num: bigint, den: bigint, rng: RandomSource): boolean {
  let k = 1n;
  while (bernoulliRational(num, den * k, rng)) k += 1n;
  return k % 2n === 1n;
}

/**
 * CKS20 Algorithm 1 for any gamma = num/den >= 0: e^{-gamma} = (e^{-1})^{floor(gamma)}·e^{-(gamma - floor(gamma))},
 * one exact Bernoulli per factor. The loop stops at the first failure, so its expected length is below 1.6 even for a
 * huge gamma.
 */
function bernoulliExpUnchecked(num: bigint, den: bigint, rng: RandomSource): boolean {
  const whole = num / den;
  for (let i = 0n; i < whole; i += 1n) {
    if (!bernoulliExpAtMostOne(1n, 1n, rng)) return false;
  }
  return bernoulliExpAtMostOne(num - whole * den, den, rng);
}

/**
 * CKS20 Algorithm 2: discrete Laplace with scale t/s (t = num, s = den). U + t·V is geometric with ratio e^{-1/t}
 * (U uniform below t kept with probability e^{-U/t}, V geometric with ratio e^{-1}); dividing by s gives ratio e^{-s/t}.
 * A random sign, rejecting "-0" so that 0 is not counted twice, makes it two-sided.
 */
function discreteLaplaceUnchecked(t: bigint, s: bigint, rng: RandomSource): bigint {
  for (;;) {
    const u = rng.uniformBelow(t);
    if (!bernoulliExpAtMostOne(u, t, rng)) continue;
    let v = 0n;
    while (bernoulliExpAtMostOne(1n, 1n, rng)) v += 1n;
    const y = (u + t * v) / s;
    const negative = rng.uniformBelow(2n) === 1n;
    if (negative && y === 0n) continue;
    return negative ? -y : y;
  }
}

/** floor(sqrt(value)) for value >= 0, by Newton's iteration from above. */
function integerSqrt(value: bigint): bigint {
  if (value < 2n) return value;
  let x = 1n << BigInt(Math.ceil(value.toString(2).length / 2));
  for (;;) {
    const next = (x + value / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

/** ln(a/b) for positive bigints of any size, to double precision. */
function lnRatio(a: bigint, b: bigint): number {
  const ratio = Number(a) / Number(b);
  if (Number.isFinite(ratio) && ratio >= Number.MIN_VALUE * 2 ** 52) return Math.log(ratio);
  return lnBigInt(a) - lnBigInt(b);
}

/** ln(value) for a positive bigint, also beyond the range of a double. */
function lnBigInt(value: bigint): number {
  const bits = value.toString(2).length;
  if (bits <= 1000) return Math.log(Number(value));
  const shift = bits - 64;
  return Math.log(Number(value >> BigInt(shift))) + shift * Math.LN2;
}

function reduced(num: bigint, den: bigint): Rational {
  let a = num;
  let b = den;
  while (b !== 0n) [a, b] = [b, a % b];
  return { num: num / a, den: den / a };
}

type Sign = 'positive' | 'nonnegative';

const EXAMPLES: Readonly<Record<Sign, string>> = {
  positive: '{ num: 7n, den: 2n } for 3.5',
  nonnegative: '{ num: 1n, den: 2n } for 0.5 (or { num: 0n, den: 1n })',
};

function checkRational(value: unknown, name: string, sign: Sign, example = EXAMPLES[sign]): Rational {
  if (typeof value !== 'object' || value === null) {
    throw new RangeError(
      `${name} must be an exact rational { num, den } of bigints, e.g. ${example}; got ${typeof value}.`,
    );
  }
  const { num, den } = value as Partial<Record<'num' | 'den', unknown>>;
  if (typeof den !== 'bigint' || den < 1n) {
    throw new RangeError(
      `${name}.den must be a positive integer given as a bigint (1n or more); got ${describe(den)}. ` +
        `Pass ${name} as { num, den }, e.g. ${example}.`,
    );
  }
  if (typeof num !== 'bigint') {
    throw new RangeError(`${name}.num must be an integer given as a bigint; got ${describe(num)}. E.g. ${example}.`);
  }
  if (num < 0n || (sign === 'positive' && num === 0n)) {
    const needed = sign === 'positive' ? 'greater than 0' : '0 or more';
    throw new RangeError(
      `${name} must be ${needed}; got ${String(num)}/${String(den)}. Pass a ${sign} rational, e.g. ${example}.`,
    );
  }
  return { num, den };
}

function checkPositiveInteger(value: unknown, name: string, hint: string): bigint {
  if (typeof value !== 'bigint' || value < 1n) {
    throw new RangeError(`${name} must be a positive integer given as a bigint (${hint}); got ${describe(value)}.`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${String(value)}n`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  return typeof value;
}
