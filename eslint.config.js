// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import { noImportCycle } from './scripts/eslint/noImportCycle.js';

// Only the sandbox, the local stack and `finetune emulate` may import the emulators: they are test
// doubles, and the worker, workflows, providers and client must never reach them.
const EMULATOR_FENCE = {
  group: ['**/emulators/**'],
  message:
    'Only src/sandbox, src/localStack and the emulate commands import the emulators (docs/architecture.md#layers).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'bin/**', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: [
      'src/emulators/**',
      'src/sandbox/**',
      'src/localStack/**',
      'src/cli/commands/emulate*.ts',
      'src/workflows/**', // has its own no-restricted-imports, fence included
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [EMULATOR_FENCE] }] },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O, no clocks.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...builtinModules.flatMap((m) => [m, `node:${m}`]),
            '@temporalio/activity',
            '@temporalio/client',
            '@temporalio/worker',
          ],
          patterns: [EMULATOR_FENCE],
        },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'process'],
      'no-restricted-syntax': [
        'error',
        {
          // A plain Error fails the workflow *task*, which Temporal retries forever.
          selector: 'ThrowStatement > NewExpression[callee.name=/^(Error|TypeError|RangeError)$/]',
          message:
            'Only typed failures leave workflow code: throw ApplicationFailure.nonRetryable(message naming what to fix, ErrorType.X).',
        },
        {
          selector:
            'CatchClause:not(:has(CallExpression[callee.name=/^(rethrowCancellation|isCancellation)$/]))',
          message:
            'Cancellation is never swallowed: start the catch with rethrowCancellation(err) (src/workflows/failures.ts).',
        },
      ],
    },
  },
  {
    // One home per type, and layers that stay layers: no import cycle, type-only imports included.
    files: ['src/shared/**/*.ts', 'src/workflows/**/*.ts'],
    plugins: { local: { rules: { 'no-import-cycle': noImportCycle } } },
    rules: { 'local/no-import-cycle': 'error' },
  },
  {
    // The unit and scale tiers run no subprocess, server or socket (vitest.config.ts): those go to the
    // cli, http, emulators or integration tiers.
    files: ['test/unit/**/*.ts', 'test/scale/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['child_process', 'http', 'https', 'net', 'http2', 'worker_threads']
            .flatMap((m) => [m, `node:${m}`])
            .concat(['@temporalio/testing', '@temporalio/worker', 'undici'])
            .map((name) => ({
              name,
              message:
                'The unit tier runs no subprocess, server or socket: use the cli or http tier.',
            })),
          patterns: [
            {
              group: [
                '**/src/emulators/*/index.js',
                '**/src/emulators/*/server.js',
                '**/src/localStack/**',
              ],
              message: 'The unit tier starts no emulator: use the http or emulators tier.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
