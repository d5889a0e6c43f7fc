// ESLint (flat config): the recommended rules of ESLint, typescript-eslint and eslint-plugin-svelte
// over the TypeScript, Svelte and Node scripts of the project, without type information (fast on a
// 2-core machine; `npm run typecheck` does the type checking). Formatting is Prettier's, not ESLint's.
// The few rules relaxed below are relaxed for what the codebase does on purpose, each with its reason.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'runs/', 'test-artifacts/', '.vite/', 'public/'] },
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.worker, ...globals.node },
    },
    rules: {
      // One import statement per module; a separate `import type` beside it reads best under verbatimModuleSyntax.
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
      // `_name` marks a parameter or binding kept for its position or shape ({ a, ...rest }, (_, i) => ...).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Two updates written as one comma expression in a loop body, `(lo = hi), (hi *= 2)`, are deliberate.
      '@typescript-eslint/no-unused-expressions': 'off',
      // Errors re-thrown with a message for people carry the caught error's own message in their text.
      'preserve-caught-error': 'off',
    },
  },
  {
    // A `let` read by a callback made before its one assignment (src/main.ts: the worker's failure
    // handler) stays a `let`. Svelte files have svelte/prefer-const, which knows $props.
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    ignores: ['**/*.svelte.ts'],
    rules: { 'prefer-const': ['error', { ignoreReadBeforeAssign: true }] },
  },
  {
    // NUL characters mark the slots of a prompt template: text a person writes never holds one.
    files: ['src/judge/prompt-templates.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
    rules: {
      // Names of TypeScript's DOM types (BlobPart) are checked by svelte-check; ESLint's no-undef does not know them.
      'no-undef': 'off',
      // Date, Set and Map appear in the state modules only as local values in functions; state is $state.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
);
