import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const boundary = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
})

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'web/dist/**', 'coverage/**', 'bin/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: boundary([
      { group: ['../*', '!../domain/*'], message: 'domain imports only from src/domain' },
      { group: ['kysely', 'pg', 'better-sqlite3', 'hono', 'pino', 'jose', '@cedar-policy/*', 'ioredis'], message: 'domain is pure' },
    ]),
  },
  {
    files: ['src/app/**/*.ts'],
    rules: boundary([
      {
        group: ['../policy/cedar/*', '../storage/kysely/*', '../storage/migrations/*', '../connectors/*/*', '../http/*', '../cli/*', '../main/*'],
        message: 'app imports only the port files, never implementations',
      },
    ]),
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: boundary([
      { group: ['../app/*', '../storage/*', '../policy/*', '../connectors/*'], message: 'the CLI is a client of the API' },
    ]),
  },
  {
    files: ['src/connectors/**/*.ts'],
    rules: boundary([
      { group: ['../../app/*', '../../storage/*', '../../http/*', '../app/*', '../storage/*', '../http/*'], message: 'connectors stand alone' },
    ]),
  },
  {
    files: ['src/http/**/*.ts'],
    rules: boundary([
      { group: ['../storage/kysely/*', '../policy/cedar/*', '../main/*', '../../storage/kysely/*', '../../policy/cedar/*', '../../main/*'], message: 'only main/ wires implementations' },
    ]),
  },
  {
    files: ['test/**/*.ts', 'src/**/*.test.ts', 'vitest.config.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      // Tests read JSON bodies as `any` on purpose: the assertions are the type check.
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
)
