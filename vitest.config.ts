import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2-core machines: tests start real servers, databases and child processes.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
