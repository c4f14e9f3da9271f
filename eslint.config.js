// Lint: typescript-eslint's recommended type-aware rules over every TypeScript file.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.mjs', 'server/web/public/*.js', 'e2e/host/*.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Lit calls template event listeners with the element as \`this\`.
    files: ['widget/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // The simulators are an independent check of the adapters: written from the providers'
    // documents, they must not share the adapters' reading of them.
    files: ['server/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/providers', '**/providers/**'],
              message:
                "Simulators follow the provider's documents, not the adapters: write it here from the documentation.",
            },
          ],
        },
      ],
    },
  },
  {
    // The sandbox is a plugin that app.ts loads for a config that uses it: no other production
    // module imports it, so a production config never loads simulator code.
    files: ['server/**/*.ts'],
    ignores: ['server/app.ts', 'server/sandbox/**', 'server/test/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sandbox', '**/sandbox/**'],
              message:
                'Only app.ts loads the sandbox (loadSandbox); take what you need of it as a parameter.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests use expect's asymmetric matchers, which are typed `any`.
    files: ['**/*.test.ts', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
