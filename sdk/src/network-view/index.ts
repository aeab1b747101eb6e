export * from './channel-discovery';
export * from './orderer-probe';
