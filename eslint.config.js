import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Only these three files may import electron; everything else must run under plain Node.
const ELECTRON_FILES = ['electron/main.ts', 'electron/preload.ts', 'electron/transport/ipc.ts'];

const electronOnly = 'Only electron/main.ts, electron/preload.ts and electron/transport/ipc.ts may import electron.';
/** `electron` and any of its subpaths (`electron/main`, `electron/renderer`, …). */
const electronImports = {
  paths: [{ name: 'electron', message: electronOnly }],
  patterns: [{ group: ['electron/*'], message: electronOnly }],
};
/** Node's modules under every name they answer to: `fs`, `node:fs`, `fs/promises`, … */
const nodeModules = [...builtinModules.flatMap((m) => [m, `${m}/*`]), 'node:*'];
/** A relative path into the backend, at any depth (`../../../../electron/core/x`). */
const backendPaths = { regex: '^(\\.\\.?/)+(\\.\\./)*electron(/|$)' };

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', electronImports],
    },
  },
  { files: ELECTRON_FILES, rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/**/*.test.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // The two classic rules; the React Compiler's rules (refs in render, setState in effects)
      // would flag the charts' deliberate latest-value refs, and this app does not use the compiler.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer is sandboxed: talk to the backend through window.enclave.' }],
          patterns: [
            { group: ['electron/*'], message: 'The renderer is sandboxed: talk to the backend through window.enclave.' },
            { group: nodeModules, message: 'The renderer runs sandboxed in a browser: no Node modules.' },
            { ...backendPaths, message: 'The renderer knows nothing of the backend: use shared/ and window.enclave.' },
          ],
        },
      ],
    },
  },
  {
    // The contract and its helpers run on both sides: no Node, no backend, no renderer.
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronImports,
          patterns: [
            ...electronImports.patterns,
            { group: nodeModules, message: 'shared/ runs in the renderer too: no Node modules.' },
            { ...backendPaths, message: 'shared/ may not reach into the backend.' },
            { regex: '^(\\.\\./)+renderer(/|$)', message: 'shared/ may not reach into the renderer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
