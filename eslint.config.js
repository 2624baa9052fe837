// ESLint flat config: typescript-eslint's recommended rules, plus the house rules.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'src/db/migrations/**/*-*.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // The house style: named exports only, so imports are greppable and renames are safe.
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // A vendor is one folder behind its index.ts: nothing outside it reaches its internals
    // (wire types, signing, status maps). The emulators in src/sandbox are the vendor's other
    // side and may share its wire types.
    files: ['src/**/*.ts'],
    ignores: ['src/providers/**', 'src/sandbox/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)providers/(cashier|colourlife|shouqianba|yunzhanghu)/',
              message: 'A vendor is one folder behind its index.ts: import from providers/<vendor>.',
            },
          ],
        },
      ],
    },
  },
  {
    // Services, resolvers and the wiring know capabilities (src/providers/*.ts), not vendors:
    // only the composition root (services/services.ts) names a vendor, to wire it in.
    files: ['src/**/*.ts'],
    ignores: ['src/providers/**', 'src/sandbox/**', 'src/services/services.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)providers/(cashier|colourlife|shouqianba|yunzhanghu)/',
              message: 'A vendor is one folder behind its index.ts: import from providers/<vendor>.',
            },
            {
              regex: '(^|/)providers/(cashier|colourlife|shouqianba|yunzhanghu)$',
              message:
                'Services and resolvers know capabilities (providers/*.ts), not vendors: only services/services.ts wires a vendor in.',
            },
          ],
        },
      ],
    },
  },
  {
    // Providers depend on no service: what adapters receive (providers/config) lives with them.
    files: ['src/providers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(services|resolvers|graphql|http)/',
              message: 'Providers import no service, resolver or HTTP code.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read loosely-typed GraphQL responses; typing every shape would add noise, not safety.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    files: ['src/playground/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        React: 'readonly',
        ReactDOM: 'readonly',
        GraphiQL: 'readonly',
        graphqlWs: 'readonly',
        URL: 'readonly',
      },
    },
  },
);
