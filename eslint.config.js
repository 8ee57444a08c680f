import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default ts.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'models/build/',
      'models/tagplay-*/',
      'bench/results.*',
      'bench/out/',
      'tests/e2e/artifacts/',
      '.gl/',
      '.whl/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // Unused names are errors, but a leading underscore marks one that is unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // No line over 120 characters in the app's source, comments, strings and markup included (URLs and regular
    // expressions excepted, which cannot be wrapped):
    // Prettier wraps code at 120 but leaves long comments, strings and Svelte markup as they are.
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    rules: { 'max-len': ['error', { code: 120, tabWidth: 2, ignoreUrls: true, ignoreRegExpLiterals: true }] },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
);
