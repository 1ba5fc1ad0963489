// The standing adversarial suite (npm run test:adversarial): the daemon under hostile endpoints,
// kill -9, broken configs, echoed secrets, floods, a full disk and wall-clock steps. Every case
// prints one line of figures (test/adversarial/figures.ts), gathered again at the end of the run.
// One file at a time in one fork: the cases measure the daemon's memory and timing, and two cores
// shared with their own target servers leave no room for a second case beside them.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Every test file of the suite; defect tests that belong here are added to this list. */
const ADVERSARIAL_TESTS = [
  'test/adversarial/**/*.test.ts',
  'test/alerting/outbox-smtp-refusals.test.ts',
  'test/alerting/daemon-mail-refusals.test.ts',
  'test/daemon-store-file.test.ts',
  'test/store/store-file-loss.test.ts',
  'test/daemon-store-full.test.ts',
  'test/checks/incident-book-store-refusal.test.ts',
  'test/checks/clock-steps.test.ts',
  'test/daemon-clock-steps.test.ts',
  'test/daemon-faketime.test.ts',
  'test/daemon-echoed-secrets.test.ts',
  'test/checks/scrub-results.test.ts',
  'test/probes/hostile-bodies.test.ts',
  'test/config/url-credentials.test.ts',
  'test/daemon-flood.test.ts',
  'test/checks/deadline-busy-loop.test.ts',
  'test/server/server-limits.test.ts',
];

// Where the figure lines go besides stdout; the global setup empties it and prints it at the end.
process.env.DVC_ADVERSARIAL_FIGURES ??= join(tmpdir(), 'dvc-sentinel-adversarial-figures.txt');
// The daemon's memory is measured compiled, as it ships (tsx alone adds about 100 MB of RSS): the
// global setup compiles src/ here once per run; node_modules/ above it resolves its packages.
process.env.DVC_ADVERSARIAL_DIST ??= fileURLToPath(new URL('node_modules/.cache/dvc-adversarial-dist', import.meta.url));

export default defineConfig({
  test: {
    include: ADVERSARIAL_TESTS,
    globalSetup: ['test/adversarial/figures-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
