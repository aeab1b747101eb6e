// Mutation testing (StrykerJS) of the security rules: who may do what on the ledger (chaincode permission, consent,
// access and registrar code) and what the gatekeeper accepts (tickets and possession proofs). Run with
// `npm run test:mutation`; it is not part of `npm test` or CI. See docs/mutation-testing.md.
//
// How it runs: Stryker copies the project into .stryker-tmp/sandbox-*, writes every mutant into the .ts sources at once
// (mutation switching: each mutant is guarded by a runtime check, and type checking is switched off in the copies),
// compiles the copy with tsc into its own dist/, and runs the compiled chaincode and gatekeeper unit tests with mocha,
// once to learn which test reaches which mutant (perTest coverage) and then once per mutant with only those tests.
// Mutants are reported against the .ts files because that is where Stryker placed them.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  packageManager: 'npm',
  mutate: [
    // Whole folders, so that a file added to them later is mutated too; the schemas are declarations, not rules.
    'chaincode/src/{access,consent,registrar}/**/*.ts',
    'chaincode/src/common/caller.ts',
    'chaincode/src/common/permissions.ts',
    'chaincode/src/records/records-contract.ts',
    'gatekeeper/src/gatekeeper.ts',
    'gatekeeper/src/proof-verifier.ts',
    // Split out of caller.ts and gatekeeper.ts (the certificate's enrolment behind authorize(); the meaning of a failed
    // ledger call for a retrieval): still the same rules, so still mutated. A missing file only logs a warning.
    'chaincode/src/common/enrolled-identity.ts',
    'gatekeeper/src/ledger-failures.ts',
  ],
  // Only what the build and the tests need goes into the sandbox (node_modules is symlinked, /reports is always left out).
  ignorePatterns: [
    '/.medrec',
    '/dist',
    '/dist-*',
    '/coverage',
    '/.nyc_output',
    '/.cc-build',
    '/.it-build',
    '/.sdk-build',
    '/.api-build',
  ],
  // Gives the sandbox its own node_modules, in which @medrec/* are the sandbox's (mutated) packages, then runs tsc.
  buildCommand: 'node scripts/stryker-sandbox-modules.js',
  // Mutated code does not type-check; Stryker puts // @ts-nocheck atop the copies so tsc still emits them.
  disableTypeChecks: true,
  testRunner: 'mocha',
  mochaOptions: {
    spec: ['dist/test/unit/chaincode/**/*.test.js', 'dist/test/unit/gatekeeper/**/*.test.js'],
    'no-config': true,
    'no-package': true,
    'no-opts': true,
  },
  coverageAnalysis: 'perTest',
  // The machine has 2 cores and other work runs on it.
  concurrency: 1,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  thresholds: { high: 85, low: 70, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};

export default config;
