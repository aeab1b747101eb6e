export * from './proof-errors';
export * from './possession-proof';
export * from './replay-cache';
export * from './proof-verifier';
