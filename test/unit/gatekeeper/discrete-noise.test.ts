import { expect } from 'chai';
import {
  bernoulliExp,
  discreteLaplaceHalfWidth,
  discreteLaplaceScale,
  discreteLaplaceVariance,
  sampleDiscreteGaussian,
  sampleDiscreteLaplace,
  type Rational,
} from '../../../gatekeeper/src/trends/discrete-noise';
import {
  cryptoRandomSource,
  randomSourceFromBytes,
  type RandomSource,
} from '../../../gatekeeper/src/trends/random-source';
import { seededRandomSource } from './support/seeded-random-source';

// Standard normal quantiles for the upper tail: 0.999 (the goodness-of-fit level) and 1 - 1e-6 (the unseeded test).
const Z_0_999 = 3.090232306167813;
const Z_1E_6 = 4.753424308822899;
const DRAWS = 100_000;

type Pmf = (x: number) => number;

/** P(X = x) of the discrete Laplace with scale t: (1 - q)/(1 + q)·q^|x|, q = e^{-1/t}. */
function laplacePmf(t: number): Pmf {
  const oneMinusQ = -Math.expm1(-1 / t);
  const normaliser = oneMinusQ / (2 - oneMinusQ);
  return (x) => normaliser * Math.exp(-Math.abs(x) / t);
}

/** P(X = x) of the discrete Gaussian with parameter sigma², normalised by direct summation. */
function gaussianPmf(sigmaSquared: number): Pmf {
  const weight = (x: number): number => Math.exp(-(x * x) / (2 * sigmaSquared));
  let total = 0;
  for (let x = -1000; x <= 1000; x += 1) total += weight(x);
  return (x) => weight(x) / total;
}

/**
 * Upper quantile of the chi-square distribution with `dof` degrees of freedom (Wilson-Hilferty: (X/k)^{1/3} is close
 * to normal with mean 1 - 2/(9k) and variance 2/(9k)). Within about 1 % of the tables for 5 or more degrees of freedom
 * (checked below), erring high, so a test against it fails only for a clearly wrong distribution.
 */
function chiSquareQuantile(dof: number, z: number): number {
  const v = 2 / (9 * dof);
  return dof * (1 - v + z * Math.sqrt(v)) ** 3;
}

interface Bin {
  expected: number;
  observed: number;
}

function add(into: Bin, cell: Bin): void {
  into.expected += cell.expected;
  into.observed += cell.observed;
}

/**
 * Merges adjacent cells so that every bin expects at least `minimum` draws: each tail is pooled from its end inwards,
 * the middle cells greedily from left to right (a short remainder joins the right tail).
 */
function mergeBins(cells: readonly Bin[], minimum: number): Bin[] {
  let lo = 0;
  let hi = cells.length - 1;
  const left = { expected: 0, observed: 0 };
  while (left.expected < minimum) add(left, cells[lo++]!);
  const right = { expected: 0, observed: 0 };
  while (right.expected < minimum) add(right, cells[hi--]!);
  const bins = [left];
  let current = { expected: 0, observed: 0 };
  for (let i = lo; i <= hi; i += 1) {
    add(current, cells[i]!);
    if (current.expected >= minimum) {
      bins.push(current);
      current = { expected: 0, observed: 0 };
    }
  }
  add(right, current);
  bins.push(right);
  return bins;
}

interface GoodnessOfFit {
  statistic: number;
  dof: number;
  critical: number;
}

/**
 * Pearson's chi-square of integer draws against a PMF that is symmetric and decreasing in |x| (both here are): one
 * cell per integer out to where the PMF drops below 1e-13 (the rest, under 1e-11 in all, is pooled into the tails),
 * cells merged to expected counts >= 5. No parameter is estimated from the draws, so dof = bins - 1.
 */
function goodnessOfFit(draws: readonly bigint[], pmf: Pmf, z = Z_0_999): GoodnessOfFit {
  let reach = 0;
  while (pmf(reach) > 1e-13) reach += 1;
  const cells: Bin[] = Array.from({ length: 2 * reach + 1 }, (_, i) => ({
    expected: draws.length * pmf(i - reach),
    observed: 0,
  }));
  for (const draw of draws) {
    const x = Math.min(reach, Math.max(-reach, Number(draw)));
    cells[x + reach]!.observed += 1;
  }
  const bins = mergeBins(cells, 5);
  const statistic = bins.reduce((sum, bin) => sum + (bin.observed - bin.expected) ** 2 / bin.expected, 0);
  const dof = bins.length - 1;
  return { statistic, dof, critical: chiSquareQuantile(dof, z) };
}

function drawMany(count: number, sample: () => bigint): bigint[] {
  return Array.from({ length: count }, sample);
}

function meanAndVariance(draws: readonly bigint[]): { mean: number; variance: number } {
  const values = draws.map(Number);
  const mean = values.reduce((sum, x) => sum + x, 0) / values.length;
  const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

/** P(|X| <= k) by summing the PMF term by term (Kahan summation, each term computed directly, not by recurrence). */
function coverageBySummation(t: number, k: number): number {
  const pmf = laplacePmf(t);
  let sum = pmf(0);
  let carry = 0;
  for (let x = 1; x <= k; x += 1) {
    const term = 2 * pmf(x) - carry;
    const next = sum + term;
    carry = next - sum - term;
    sum = next;
  }
  return sum;
}

/** A RandomSource that fails the test if it is asked for anything. */
const noRandomness: RandomSource = {
  uniformBelow(): bigint {
    throw new Error('no random draw expected');
  },
};

function rational(num: bigint, den = 1n): Rational {
  return { num, den };
}

function notRational(value: unknown): Rational {
  return value as Rational;
}

describe('discrete noise (Canonne, Kamath & Steinke 2020)', function () {
  describe('random sources', function () {
    it('rejects out-of-range candidates instead of reducing them modulo n', function () {
      // n = 3 needs 2 bits: 0xff masks to 3 (rejected, a modulo would have returned 0), then 0x02 gives 2.
      const stream = [0xff, 0x02];
      const rng = randomSourceFromBytes((length) => Buffer.from(stream.splice(0, length)));
      expect(rng.uniformBelow(3n)).to.equal(2n);
      expect(stream).to.be.empty;
    });

    it('cryptoRandomSource: uniformBelow(1n) is 0n, and large bounds stay in range', function () {
      const rng = cryptoRandomSource();
      expect(rng.uniformBelow(1n)).to.equal(0n);
      const big = 2n ** 70n + 1n;
      for (let i = 0; i < 1000; i += 1) {
        const value = rng.uniformBelow(big);
        expect(value >= 0n && value < big).to.be.true;
      }
    });

    it('cryptoRandomSource: uniformBelow(6n) is uniform over 60 000 draws (chi-square)', function () {
      // Unseeded, so tested at the 1e-6 level: a correct source fails once in a million runs, not once in a thousand.
      const rng = cryptoRandomSource();
      const counts = new Array<number>(6).fill(0);
      for (let i = 0; i < 60_000; i += 1) {
        const value = Number(rng.uniformBelow(6n));
        counts[value] = (counts[value] ?? 0) + 1;
      }
      const statistic = counts.reduce((sum, count) => sum + (count - 10_000) ** 2 / 10_000, 0);
      expect(statistic).to.be.below(chiSquareQuantile(5, Z_1E_6));
    });

    it('the seeded test source repeats its sequence for the same seed only', function () {
      const draws = (seed: string): bigint[] => {
        const rng = seededRandomSource(seed);
        return drawMany(50, () => rng.uniformBelow(1000n));
      };
      expect(draws('a')).to.deep.equal(draws('a'));
      expect(draws('a')).not.to.deep.equal(draws('b'));
    });

    it('the Wilson-Hilferty quantile is within 1.5 % of the tabulated 0.999 chi-square quantiles', function () {
      const table: [number, number][] = [
        [5, 20.515],
        [10, 29.588],
        [20, 45.315],
        [30, 59.703],
        [50, 86.661],
      ];
      for (const [dof, quantile] of table) {
        expect(chiSquareQuantile(dof, Z_0_999) / quantile).to.be.within(1, 1.015);
      }
    });
  });

  describe('bernoulliExp (Algorithm 1)', function () {
    it('is always true for gamma = 0 and draws nothing', function () {
      for (let i = 0; i < 100; i += 1) expect(bernoulliExp(rational(0n), noRandomness)).to.be.true;
    });

    it('is true with frequency exp(-gamma) for gamma = 1/2, 1, 5/2 and 3 (decomposition above 1)', function () {
      const rng = seededRandomSource('bernoulli-exp');
      const n = 20_000;
      for (const gamma of [rational(1n, 2n), rational(1n), rational(5n, 2n), rational(3n)]) {
        let hits = 0;
        for (let i = 0; i < n; i += 1) if (bernoulliExp(gamma, rng)) hits += 1;
        const p = Math.exp(-Number(gamma.num) / Number(gamma.den));
        // Five binomial standard errors.
        expect(Math.abs(hits / n - p), `gamma ${String(gamma.num)}/${String(gamma.den)}`).to.be.below(
          5 * Math.sqrt((p * (1 - p)) / n),
        );
      }
    });
  });

  describe('sampleDiscreteLaplace (Algorithm 2)', function () {
    let unitScale: bigint[];
    let fractionalScale: bigint[];

    before(function () {
      const rng = seededRandomSource('discrete-laplace');
      unitScale = drawMany(DRAWS, () => sampleDiscreteLaplace(rational(1n), rng));
      fractionalScale = drawMany(DRAWS, () => sampleDiscreteLaplace(rational(7n, 2n), rng));
    });

    it('fits the exact PMF for t = 1 (chi-square, 100 000 draws, level 0.999)', function () {
      const fit = goodnessOfFit(unitScale, laplacePmf(1));
      expect(fit.dof).to.be.at.least(10);
      expect(fit.statistic, `dof ${fit.dof}`).to.be.below(fit.critical);
    });

    it('fits the exact PMF for t = 7/2 (chi-square, 100 000 draws, level 0.999)', function () {
      const fit = goodnessOfFit(fractionalScale, laplacePmf(3.5));
      expect(fit.dof).to.be.at.least(30);
      expect(fit.statistic, `dof ${fit.dof}`).to.be.below(fit.critical);
    });

    it('the same check rejects a wrong distribution (scale doubled)', function () {
      const unit = goodnessOfFit(unitScale, laplacePmf(2));
      expect(unit.statistic).to.be.above(unit.critical);
      const fractional = goodnessOfFit(fractionalScale, laplacePmf(7));
      expect(fractional.statistic).to.be.above(fractional.critical);
    });

    it('is symmetric about 0 with the variance 2q/(1 - q)^2', function () {
      for (const [draws, scale] of [
        [unitScale, rational(1n)],
        [fractionalScale, rational(7n, 2n)],
      ] as const) {
        const variance = discreteLaplaceVariance(scale);
        const stats = meanAndVariance(draws);
        expect(Math.abs(stats.mean)).to.be.below(5 * Math.sqrt(variance / draws.length));
        expect(stats.variance / variance).to.be.within(0.95, 1.05);
        const positive = draws.filter((x) => x > 0n).length;
        const negative = draws.filter((x) => x < 0n).length;
        // Sign test: positive ~ Binomial(positive + negative, 1/2); five standard errors.
        expect(Math.abs(positive - negative)).to.be.below(5 * Math.sqrt(positive + negative));
      }
    });

    it('stays fast and calibrated at t = 10^6', function () {
      const rng = seededRandomSource('large-laplace');
      const scale = rational(1_000_000n);
      const stats = meanAndVariance(drawMany(4000, () => sampleDiscreteLaplace(scale, rng)));
      expect(Math.sqrt(stats.variance) / Math.sqrt(discreteLaplaceVariance(scale))).to.be.within(0.9, 1.1);
    });
  });

  describe('sampleDiscreteGaussian (Algorithm 3)', function () {
    let draws: bigint[];

    before(function () {
      const rng = seededRandomSource('discrete-gaussian');
      draws = drawMany(DRAWS, () => sampleDiscreteGaussian(rational(4n), rng));
    });

    it('fits the exact PMF for sigma² = 4 (chi-square, 100 000 draws, level 0.999)', function () {
      const fit = goodnessOfFit(draws, gaussianPmf(4));
      expect(fit.dof).to.be.at.least(10);
      expect(fit.statistic, `dof ${fit.dof}`).to.be.below(fit.critical);
    });

    it('the same check rejects a wrong distribution (sigma² 5 instead of 4)', function () {
      const fit = goodnessOfFit(draws, gaussianPmf(5));
      expect(fit.statistic).to.be.above(fit.critical);
    });

    it('has mean near 0 and the variance of its PMF', function () {
      const pmf = gaussianPmf(4);
      let variance = 0;
      for (let x = -100; x <= 100; x += 1) variance += x * x * pmf(x);
      const stats = meanAndVariance(draws);
      expect(Math.abs(stats.mean)).to.be.below(5 * Math.sqrt(variance / draws.length));
      expect(stats.variance / variance).to.be.within(0.97, 1.03);
    });

    it('takes a fractional sigma² and stays fast at sigma² = 10^12', function () {
      const rng = seededRandomSource('gaussian-scales');
      const small = meanAndVariance(drawMany(4000, () => sampleDiscreteGaussian(rational(9n, 4n), rng)));
      expect(small.variance / 2.25).to.be.within(0.9, 1.1);
      const large = meanAndVariance(drawMany(4000, () => sampleDiscreteGaussian(rational(10n ** 12n), rng)));
      expect(Math.sqrt(large.variance) / 1e6).to.be.within(0.9, 1.1);
    });
  });

  describe('calibration and published figures', function () {
    it('discreteLaplaceScale gives t = sensitivity / epsilon in lowest terms', function () {
      expect(discreteLaplaceScale({ sensitivity: 1n, epsilon: rational(1n, 2n) })).to.deep.equal(rational(2n));
      expect(discreteLaplaceScale({ sensitivity: 300n, epsilon: rational(1n) })).to.deep.equal(rational(300n));
      expect(discreteLaplaceScale({ sensitivity: 2n, epsilon: rational(4n, 6n) })).to.deep.equal(rational(3n));
      expect(discreteLaplaceScale({ sensitivity: 3n, epsilon: rational(2n) })).to.deep.equal(rational(3n, 2n));
    });

    it('discreteLaplaceHalfWidth: t = 1 at 95 % is 3 (q^3 = 0.0498 > 0.0342 >= q^4)', function () {
      expect(discreteLaplaceHalfWidth(rational(1n), rational(95n, 100n))).to.equal(3n);
    });

    it('discreteLaplaceHalfWidth is the smallest k covering the confidence (checked by summing the PMF)', function () {
      const cases: [Rational, Rational][] = [
        [rational(1n), rational(1n, 2n)],
        [rational(7n, 2n), rational(95n, 100n)],
        [rational(2n), rational(99n, 100n)],
        [rational(300n), rational(95n, 100n)],
        [rational(300n), rational(999n, 1000n)],
        [rational(12345n, 7n), rational(9n, 10n)],
        [rational(1_000_000n), rational(9n, 10n)],
      ];
      for (const [scale, confidence] of cases) {
        const t = Number(scale.num) / Number(scale.den);
        const c = Number(confidence.num) / Number(confidence.den);
        const k = Number(discreteLaplaceHalfWidth(scale, confidence));
        const label = `t = ${t}, confidence ${c}, k = ${k}`;
        const covered = coverageBySummation(t, k);
        const coveredBelow = covered - 2 * laplacePmf(t)(k);
        expect(covered, label).to.be.at.least(c);
        expect(coveredBelow, label).to.be.below(c);
        // Both gaps are far above the summation's rounding error, so the check is conclusive.
        expect(Math.min(covered - c, c - coveredBelow), label).to.be.above(1e-12);
      }
    });

    it('discreteLaplaceHalfWidth is 0 when the noise is almost always 0', function () {
      expect(discreteLaplaceHalfWidth(rational(1n, 10n), rational(9n, 10n))).to.equal(0n);
    });

    it('discreteLaplaceVariance matches the second moment of the PMF', function () {
      for (const t of [1, 3.5, 40]) {
        const pmf = laplacePmf(t);
        let moment = 0;
        for (let x = 1; x <= 60 * t; x += 1) moment += 2 * x * x * pmf(x);
        const scale = t === 3.5 ? rational(7n, 2n) : rational(BigInt(t));
        expect(discreteLaplaceVariance(scale) / moment).to.be.within(1 - 1e-9, 1 + 1e-9);
      }
    });
  });

  describe('validation', function () {
    const rng = seededRandomSource('validation');

    function expectRangeError(run: () => unknown, message: RegExp): void {
      expect(run).to.throw(RangeError, message);
    }

    it('uniformBelow refuses n < 1', function () {
      expectRangeError(() => cryptoRandomSource().uniformBelow(0n), /n as a bigint >= 1n.*got 0/);
      expectRangeError(() => rng.uniformBelow(-5n), /got -5/);
    });

    it('refuses a negative gamma', function () {
      expectRangeError(() => bernoulliExp(rational(-1n, 2n), rng), /gamma must be 0 or more; got -1\/2/);
    });

    it('refuses zero, negative and non-integer denominators', function () {
      expectRangeError(() => bernoulliExp(rational(1n, 0n), rng), /gamma\.den must be a positive integer.*got 0n/);
      expectRangeError(() => sampleDiscreteLaplace(rational(1n, -2n), rng), /scale\.den must be a positive/);
      expectRangeError(
        () => sampleDiscreteGaussian(notRational({ num: 4n, den: 1.5 }), rng),
        /sigmaSquared\.den .*got the number 1\.5/,
      );
      expectRangeError(() => discreteLaplaceVariance(notRational({ num: 1.5, den: 1n })), /scale\.num must be/);
      expectRangeError(() => sampleDiscreteLaplace(notRational(null), rng), /scale must be an exact rational/);
    });

    it('refuses a scale or sigma² that is not positive', function () {
      expectRangeError(() => sampleDiscreteLaplace(rational(0n), rng), /scale must be greater than 0/);
      expectRangeError(() => sampleDiscreteGaussian(rational(-4n), rng), /sigmaSquared must be greater than 0/);
      expectRangeError(() => discreteLaplaceHalfWidth(rational(0n), rational(1n, 2n)), /scale must be greater/);
    });

    it('refuses a zero or negative epsilon and a non-positive sensitivity', function () {
      expectRangeError(
        () => discreteLaplaceScale({ sensitivity: 1n, epsilon: rational(0n) }),
        /epsilon must be greater than 0.*num: 1n, den: 2n/,
      );
      expectRangeError(() => discreteLaplaceScale({ sensitivity: 1n, epsilon: rational(-1n) }), /epsilon must be/);
      expectRangeError(() => discreteLaplaceScale({ sensitivity: 0n, epsilon: rational(1n) }), /sensitivity must be/);
      expectRangeError(
        () => discreteLaplaceScale({ sensitivity: 1 as unknown as bigint, epsilon: rational(1n) }),
        /sensitivity must be a positive integer given as a bigint.*the number 1/,
      );
    });

    it('refuses a confidence outside (0, 1)', function () {
      expectRangeError(() => discreteLaplaceHalfWidth(rational(1n), rational(0n)), /confidence must be greater/);
      expectRangeError(() => discreteLaplaceHalfWidth(rational(1n), rational(1n)), /confidence must be below 1/);
      expectRangeError(() => discreteLaplaceHalfWidth(rational(1n), rational(3n, 2n)), /confidence must be below 1/);
    });

    it('refuses a half-width beyond 2^53', function () {
      expectRangeError(() => discreteLaplaceHalfWidth(rational(10n ** 20n), rational(99n, 100n)), /exceeds 2\^53/);
    });
  });
});
