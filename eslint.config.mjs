// The linter (typescript-eslint's recommended rules, without type information: fast enough for every `npm test`).
// Style is prettier's (.prettierrc.json); this holds what a formatter cannot see. Exceptions are written beside
// the code they excuse (`// eslint-disable-next-line rule -- why`), never here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'reports/', 'test-artifacts/', '.cache/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // k6 keeps its functions under 80 lines; so does ordeal (blank lines and comments not counted; an IIFE that is
      // a browser script's module scope is not a function to keep short).
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // TypeScript already knows every name in scope (typescript-eslint's advice: no-undef off for .ts).
    files: ['**/*.ts'],
    rules: { 'no-undef': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' },
    },
  },
  {
    // The report's chart code runs in the browser, beside uPlot.
    files: ['harness/report/html/*.browser.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        devicePixelRatio: 'readonly',
        getComputedStyle: 'readonly',
        matchMedia: 'readonly',
      },
    },
  },
  {
    // A test's describe/it callbacks are its table of cases, not functions to keep short.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'max-lines-per-function': 'off',
      // A test reads reports and replies as JSON and asserts their shape field by field: typing each first adds nothing.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
