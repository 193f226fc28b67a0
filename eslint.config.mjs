// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

/** Node's built-in modules under both spellings (`fs`, `node:fs`). */
const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

/**
 * Process boundaries (DESIGN.md, CONVENTIONS.md §1), kept by the linter:
 * - renderer/ runs in Chromium: no electron, no Node built-ins, no main-process or preload code;
 * - preload/ exposes window.station: only electron's contextBridge/ipcRenderer and the contracts;
 * - contracts/ is shared by every process: zod and its own files, nothing platform-specific;
 * - electron/: only main.ts and adapters/ touch the electron module, so services run in plain Node.
 */
const boundaries = [
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer never imports electron; use window.station.' }],
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in Chromium: no Node built-ins.' },
            { group: nodeBuiltins.filter((n) => !n.startsWith('node:')), message: 'The renderer runs in Chromium: no Node built-ins.' },
            { group: ['**/electron/**', '**/preload/**', '**/devstack/**', '**/proxy-service/**'], message: 'The renderer reaches main only through window.station.' },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              allowImportNames: ['contextBridge', 'ipcRenderer'],
              message: 'The preload may use only contextBridge and ipcRenderer.',
            },
          ],
          patterns: [
            {
              regex: '^(?!electron$|@interview-station/contracts$)',
              message: 'The preload imports only electron (contextBridge, ipcRenderer) and the contracts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['contracts/**/*.ts'],
    ignores: ['contracts/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!zod$|\\./[A-Za-z]+$)', message: 'contracts/ is shared by every process: zod and its own files only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/adapters/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only electron/main.ts and electron/adapters/ use Electron APIs; services run in plain Node.' }],
        },
      ],
    },
  },
];

/**
 * Supabase edge functions run on Deno and are deployed as they are: Deno's globals, and imports
 * only of the names mapped in supabase/functions/deno.json or of files inside supabase/functions/
 * (with their `.ts` extension); no Node built-ins, `jsr:` or URL imports (unreachable here), and
 * nothing from outside the folder, which would not be deployed.
 */
const edgeFunctions = {
  files: ['supabase/functions/**/*.ts'],
  languageOptions: { globals: { ...globals.worker, Deno: 'readonly' } },
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '^(?!(zod|postgres|jose)$|(?!.*\\.\\./\\.\\./)\\.\\.?/.*\\.ts$)',
            message: 'Edge functions import zod, postgres, jose (see deno.json) or their own .ts files inside supabase/functions/.',
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-results/**', '.devstack/**'] },
  // The token service's esbuild bundle (npm run build -w proxy-service).
  { ignores: ['proxy-service/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'preload/web.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  ...boundaries,
  edgeFunctions,
);
