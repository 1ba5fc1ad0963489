// Benchmark: how long /metrics takes to render (and so blocks the event loop) at N checks.
//   npx tsx bench/render-metrics.ts --checks 10000
import { parseArgs } from 'node:util';
import { resolveConfig } from '../src/config/config.ts';
import { ConfigInput } from '../src/config/schema.ts';
import { createMetrics } from '../src/metrics/metrics.ts';
import type { ProbeResult } from '../src/probes/probe.ts';

const { values } = parseArgs({ options: { checks: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '7' } } });
const count = Number(values.checks);
const input = ConfigInput.parse({
  location: 'bench',
  checks: Array.from({ length: count }, (_, index) => ({ name: `target-${index}`, system: 'bench', kind: 'http', url: `http://127.0.0.1:1/${index}` })),
});
const config = resolveConfig('bench.yaml', input, () => '');
const metrics = createMetrics({ location: 'bench', version: 'bench', collectProcessMetrics: true });
metrics.setChecks(config.checks);
const result: ProbeResult = {
  status: 'ok',
  message: 'HTTP 200',
  durationSeconds: 0.004,
  phases: { connect: 0.0004, ttfb: 0.002, transfer: 0.0001 },
  httpStatus: 200,
};
const now = new Date();
const recordStarted = performance.now();
for (let round = 0; round < 3; round += 1) for (const check of config.checks) metrics.recordProbe(check, result, now);
const recordMicros = ((performance.now() - recordStarted) * 1000) / (3 * count);
for (const check of config.checks) metrics.recordCheckStatus(check, 'ok');
const times: number[] = [];
let bytes = 0;
for (let round = 0; round < Number(values.rounds); round += 1) {
  const started = performance.now();
  bytes = (await metrics.render()).body.length;
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const row = { checks: count, recordMicrosPerProbe: Math.round(recordMicros * 100) / 100, renderMsMin: Math.round(times[0]!), renderMsMedian: Math.round(times[Math.floor(times.length / 2)]!), renderMsMax: Math.round(times.at(-1)!), megabytes: Math.round(bytes / 1e4) / 100, heapMB: Math.round(process.memoryUsage().heapUsed / 1e6) };
process.stdout.write(`${JSON.stringify(row)}\n`);

// A steady scrape: a quarter of the checks probed since the last one (60 s interval, 15 s scrapes).
for (const check of config.checks.slice(0, Math.ceil(count / 4))) metrics.recordProbe(check, result, now);
const steadyStarted = performance.now();
await metrics.render();
process.stdout.write(`${JSON.stringify({ checks: count, steadyRenderMs: Math.round(performance.now() - steadyStarted) })}\n`);
