// Mutation testing (StrykerJS) of what one operator's host accepts from another's as files: founding definitions,
// signed channel updates and their signatures, a consenter's new certificate. Run with `npm run test:mutation:network`;
// like `npm run test:mutation` (stryker.config.mjs, whose settings it shares) it is not part of `npm test` or CI.
// A run of its own: the network unit tests build certificates with openssl, and Stryker runs every test for each
// static mutant, so one run with the chaincode's and gatekeeper's mutants would take about ten times as long.
// See docs/mutation-testing.md.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  ...base,
  mutate: [
    'network/src/founding-definition.ts',
    'network/src/config-update-signatures.ts',
    'network/src/config-update-summary.ts',
    'network/src/consenter-certificates.ts',
    'network/src/certificate-host.ts',
  ],
  mochaOptions: { ...base.mochaOptions, spec: ['dist/test/unit/network/**/*.test.js'] },
  htmlReporter: { fileName: 'reports/mutation-network/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation-network/mutation.json' },
};

export default config;
