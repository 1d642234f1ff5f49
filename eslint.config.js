import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Only these three files may import electron; everything else must run under plain Node.
const ELECTRON_FILES = ['electron/main.ts', 'electron/preload.ts', 'electron/transport/ipc.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only electron/main.ts, electron/preload.ts and electron/transport/ipc.ts may import electron.' }] },
      ],
    },
  },
  { files: ELECTRON_FILES, rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer is sandboxed: talk to the backend through window.enclave.' }],
          patterns: [{ group: ['node:*', '../../electron/*', '../electron/*'], message: 'The renderer runs sandboxed in a browser: no Node modules, no backend code.' }],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
