export * from './proof-errors';
export * from './possession-proof';
export * from './replay-cache';
export * from './proof-verifier';
export * from './durable-replay-cache';
export { createSqliteReplayCache } from './sqlite-replay-cache';
export { createPostgresReplayCache } from './postgres-replay-cache';
