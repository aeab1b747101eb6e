/**
 * The MedRec contract: every shape the chaincode accepts and returns, its transaction names and its error codes,
 * in zod and nothing else (no Fabric imports), so the chaincode, the SDK, the API and the CLI share one definition.
 */
export * from './access';
export * from './audit';
export * from './consent';
export * from './delegates';
export * from './errors';
export * from './health';
export * from './incentive';
export * from './network-view';
export * from './notifications';
export * from './primitives';
export * from './records';
export * from './registrar';
export * from './results';
export * from './transactions';
export * from './trends';
