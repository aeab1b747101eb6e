// ESLint flat config: typescript-eslint strictTypeChecked + stylisticTypeChecked, Prettier owns formatting.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-*/',
      'console/dist/',
      '.cc-build/',
      'node_modules/',
      '.medrec/',
      'coverage/',
      'reports/',
      '.stryker-tmp/',
      'network/builder/',
      'bin/',
      // The workspaces' three-line CommonJS entry points (their main): no TypeScript to check.
      '*/index.js',
      'scripts/',
      '*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/explicit-function-return-type': ['error', { allowExpressions: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      complexity: ['error', 15],
      'no-console': 'error',
    },
  },
  {
    // The workspaces (contract, chaincode, sdk, gatekeeper, api, network) reach each other only by package name, through each
    // package's public src/index.ts: a relative path into another package's src/ is refused, and so is a subpath
    // of a package. Which package may depend on which is in each package.json, checked by test/unit/packages.test.ts.
    // The benchmark is an application of the packages too; only tests may reach into a package's internals.
    files: [
      'contract/src/**/*.ts',
      'chaincode/src/**/*.ts',
      'sdk/src/**/*.ts',
      'gatekeeper/src/**/*.ts',
      'api/src/**/*.ts',
      'network/src/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(contract|chaincode|sdk|gatekeeper|api|network)/',
              message:
                "Import another package by its name ('@medrec/sdk', '@medrec/contract', ...); export what you need " +
                'from its src/index.ts.',
            },
            {
              regex: '^@medrec/[a-z]+/',
              message: "Import the package's entry point ('@medrec/sdk'), not a file inside it.",
            },
          ],
        },
      ],
    },
  },
  {
    // Only the tooling runs the API and the gatekeeper; the API, the gatekeeper, the SDK and the contract never depend on
    // the tooling, and the contract depends on nothing of ours.
    files: [
      'contract/src/**/*.ts',
      'chaincode/src/**/*.ts',
      'sdk/src/**/*.ts',
      'gatekeeper/src/**/*.ts',
      'api/src/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@medrec/network', message: 'Only the network tooling and the CLI use @medrec/network.' }],
          patterns: [
            {
              regex: '^(\\.\\./)+(contract|chaincode|sdk|gatekeeper|api|network)/',
              message: "Import another package by its name ('@medrec/sdk', '@medrec/contract', ...).",
            },
            { regex: '^@medrec/[a-z]+/', message: "Import the package's entry point, not a file inside it." },
          ],
        },
      ],
    },
  },
  {
    // The web console: React's rules of hooks and effect dependencies (stale closures are the usual React bug).
    files: ['console/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      // Each section loads its data in an effect through useAction, which marks itself busy before the request: the
      // rule reads that as a cascading render. A data-fetching library (TanStack Query) would be the way to lift it.
      'react-hooks/set-state-in-effect': 'off',
    },
  },
  {
    // Tests use chai's property assertions (expect(x).to.be.true) and mocha's function style.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'off',
    },
  },
  prettier,
);
