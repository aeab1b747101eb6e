export * from './seed-errors';
export { MAX_SEED, createSeededRandom, type SeededRandom } from './seeded-random';
export * from './code-tables';
export * from './synthetic-data';
