import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/system/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Probe tests measure real socket timings; two cores are shared with the servers under test.
    maxWorkers: 2,
  },
});
