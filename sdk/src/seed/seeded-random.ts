/**
 * A deterministic random source for synthetic data: xoroshiro128+ from pure-rand, seeded with a 32-bit integer. The same
 * seed always yields the same sequence on every platform (it is integer arithmetic, no Math.random, no clock).
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { InvalidSeedOptionError } from './seed-errors';

export interface SeededRandom {
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability numerator/denominator. */
  chance(numerator: number, denominator: number): boolean;
  /** `bytes` random bytes as lowercase hex (for ids). */
  hex(bytes: number): string;
}

export const MAX_SEED = 2 ** 32 - 1;

export function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new InvalidSeedOptionError({
      option: 'seed',
      message: `seed must be a whole number from 0 to ${MAX_SEED}.`,
    });
  }
  return seed;
}

export function createSeededRandom(seed: number): SeededRandom {
  const rng = xoroshiro128plus(checkSeed(seed));
  const int = (min: number, max: number): number => uniformInt(rng, min, max);
  return {
    int,
    pick<T>(items: readonly T[]): T {
      const item = items[int(0, items.length - 1)];
      if (item === undefined) throw new RangeError('pick() needs a non-empty list');
      return item;
    },
    chance: (numerator, denominator) => int(1, denominator) <= numerator,
    hex: (bytes) => Array.from({ length: bytes }, () => int(0, 255).toString(16).padStart(2, '0')).join(''),
  };
}
