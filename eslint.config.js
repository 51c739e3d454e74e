// House rules (DESIGN.md §2): only store/ talks SQL, only the BullMQ engine talks Redis, nothing imports http/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sqlDrivers = ['kysely', 'better-sqlite3', 'pg'];
const queueDrivers = ['bullmq', 'ioredis'];

function restrict(names, message) {
  return names.map((name) => ({ name, message }));
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'test-artifacts/**', 'src/web/assets/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', 'src/tasks/engines/bullmq/**', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...restrict(sqlDrivers, 'Only src/store/ talks SQL; inject a repository.'),
            ...restrict(queueDrivers, 'Only src/tasks/engines/bullmq/ talks to Redis.'),
          ],
          patterns: [{ group: ['**/http/*', '**/http/**'], message: 'Nothing imports http/.' }],
        },
      ],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: restrict(queueDrivers, 'Only src/tasks/engines/bullmq/ talks to Redis.') },
      ],
    },
  },
);
