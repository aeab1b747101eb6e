// ESLint flat config: typescript-eslint strictTypeChecked + stylisticTypeChecked, Prettier owns formatting.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-*/',
      '.cc-build/',
      'node_modules/',
      '.medrec/',
      'coverage/',
      'reports/',
      '.stryker-tmp/',
      'network/builder/',
      'bin/',
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
    // The API is an application of the SDK: it imports sdk/src/index.ts (the public surface), never the SDK's
    // internals, the chaincode's or the network tooling's.
    files: ['api/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sdk/src/*', '**/sdk/src/**/*', '**/chaincode/src/**', '**/network/src/**'],
              message: "Import the SDK's public entry point (sdk/src); export what you need from sdk/src/index.ts.",
            },
          ],
        },
      ],
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
