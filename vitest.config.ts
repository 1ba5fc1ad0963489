import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The system and adversarial suites have their own configs (npm run test:system, test:adversarial).
    exclude: ['test/system/**', 'test/adversarial/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Probe tests measure real socket timings; two cores are shared with the servers under test.
    maxWorkers: 2,
  },
});
