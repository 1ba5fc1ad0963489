// Benchmark: N http checks at a fixed interval against a local target; measures the daemon's own
// scheduler lag (p50/p99 from dvc_scheduler_lag_seconds), probe rate, CPU per probe, RSS and
// /metrics scrape time. Talks only to 127.0.0.1; stops by itself. Prints a Markdown table and
// its result as one JSON line.
//   npx tsx bench/scheduler-lag.ts --checks 1000 --interval 1s --seconds 30
import { parseArgs } from 'node:util';
import type { LagResult } from './bench-results.ts';
import { startDaemon } from './daemon-process.ts';
import { measureDaemonWindow } from './daemon-window.ts';
import { describeMachine, renderLagTable } from './results-file.ts';
import { round } from './statistics.ts';
import { startTarget } from './target-process.ts';

const { values } = parseArgs({
  options: {
    checks: { type: 'string', default: '1000' },
    interval: { type: 'string', default: '1s' },
    timeout: { type: 'string', default: '900ms' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '256' },
    'scrape-every': { type: 'string', default: '15' },
  },
});
const checks = Number(values.checks);

const target = await startTarget();
try {
  const daemon = await startDaemon({
    checks,
    interval: values.interval,
    timeout: values.timeout,
    maxConcurrency: Number(values.concurrency),
    protocol: 'http',
    targetPort: target.httpPort,
  });
  try {
    const startupToHealthyMs = await daemon.waitHealthy();
    await new Promise((resolve) => setTimeout(resolve, Number(values.warmup) * 1000));
    const window = await measureDaemonWindow(daemon, { seconds: Number(values.seconds), scrapeEverySeconds: Number(values['scrape-every']) });
    const sigtermToExitMs = await daemon.stop();
    const result: LagResult = {
      bench: 'lag',
      date: new Date().toISOString(),
      runtime: daemon.runtime,
      protocol: 'http',
      checks,
      interval: values.interval,
      timeout: values.timeout,
      window,
      startupToHealthyMs: round(startupToHealthyMs),
      sigtermToExitMs: round(sigtermToExitMs),
    };
    const { machine, node } = describeMachine();
    process.stdout.write(`${JSON.stringify(result)}\n\n${machine}, Node ${node}, daemon from ${daemon.runtime}\n\n${renderLagTable([result])}\n`);
  } finally {
    await daemon.stop();
  }
} finally {
  await target.stop();
}
