// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const CONTEXTS = [
  'events',
  'lineage',
  'governance',
  'data',
  'features',
  'tracking',
  'registry',
  'models',
  'pipelines',
  'serving',
  'monitoring',
  'llm',
]
const EDGES = ['api', 'cli', 'sdk']

const any = (names) => `(${names.join('|')})`

/** A context is imported only through its index.ts (no deep imports into another folder's files). */
const noDeepImports = {
  regex: `^(\\.\\./)+${any([...CONTEXTS, 'store'])}/(?!index\\.js$)`,
  message: 'Import another context only through its index.ts (STYLE.md §1).',
}

/** The layering rule of STYLE.md §2 as import restrictions, one block per layer. */
const layers = [
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./', message: 'shared/ imports nothing of ours.' }] },
      ],
    },
  },
  {
    files: ['src/stats/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(?!shared/)[^.]',
              message: 'stats/ is pure: it imports nothing of ours but shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+${any([...CONTEXTS, ...EDGES])}/`,
              message: 'store/ never imports a context or an edge.',
            },
          ],
        },
      ],
    },
  },
  {
    files: CONTEXTS.map((c) => `src/${c}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${EDGES.join('|')}/|main\\.js$|config\\.js$)`,
              message: 'A domain context never imports api, cli, sdk or the composition root.',
            },
            noDeepImports,
          ],
        },
      ],
    },
  },
  {
    files: EDGES.map((e) => `src/${e}/**/*.ts`),
    rules: { 'no-restricted-imports': ['error', { patterns: [noDeepImports] }] },
  },
]

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.scratch/**',
      'node_modules/**',
      'web/dist/**',
      'test/artifacts/**',
      '.lathe/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...layers,
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
)
