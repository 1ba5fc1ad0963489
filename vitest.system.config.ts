// System tests (npm run test:system): real Prometheus, Alertmanager or browsers next to the daemon.
// Slow and heavy, so never part of `npm test`; one file at a time so they do not compete for the CPU.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/system/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
