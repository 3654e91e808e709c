import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'out-*/**', 'dist/**', 'tasks/*/index.js', 'tasks/*/lazy/**', 'bench/.work/**', 'tests/.artifacts/**', 'ui/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // `import { z } from 'zod'` makes esbuild keep the whole z namespace (every schema type,
      // z.fromJSONSchema, the JIT compiler: ~95 KiB more per task bundle); `import * as z` lets
      // it drop what the tasks do not use (https://github.com/colinhacks/zod/issues/4433).
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Use `import * as z from 'zod'` (tree-shakable; see scripts/build.mjs).",
        },
      ],
    },
  },
  {
    files: ['tests/**/*.ts', 'scripts/**/*.mjs'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['scripts/**/*.mjs', 'ui/*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
