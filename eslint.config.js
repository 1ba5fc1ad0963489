// ESLint over the TypeScript sources, tests and benchmarks, with type information (typescript-eslint).
// Formatting is prettier's job (`prettier --check .`), so no stylistic rules here.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', 'bench/out/', 'test/fixtures/', '**/*.js', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its error; a deliberate fire-and-forget says so with `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A switch over a union (FailureReason, Kind, notification types…) names every member, so adding
      // one (a new reason, a new kind) fails here until every switch decides what it means. A switch that
      // ends in `default:` decided that already; a `default:` after every member is named would hide the
      // next member, so it is refused.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, allowDefaultCaseForExhaustiveSwitch: false, requireDefaultForNonUnion: false },
      ],
      // `_name` marks a value taken out on purpose (`const { kind: _kind, ...rest } = check`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // An exhaustive switch's fall-through names the impossible value as `never` in its error text.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowNever: true }],
      // A `let` that a closure reads before its one assignment (a test's handle on the part it is building) stays a `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // An abort passes the signal's reason on as it is, so the caller sees the reason the aborter chose.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Off: `async` without `await` is how a function keeps the Promise signature of its interface
      // (a lookup, a route handler) and turns a throw into a rejection; the rule would only churn.
      '@typescript-eslint/require-await': 'off',
      // Off: parts are plain objects of closures made by factories (createX() returns { send, close }),
      // none reads `this`, so every report would be a false alarm.
      '@typescript-eslint/unbound-method': 'off',
      // Off: control characters in a pattern are the point where text is cleaned for mail headers and logs.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests and benchmarks read JSON bodies and log lines and assert on their shape with expect(), which
    // fails on any other shape; typing every parsed body would add casts, not safety.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      // Log fields and caught errors are stringified for failure messages, where "[object Object]" is harmless.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
