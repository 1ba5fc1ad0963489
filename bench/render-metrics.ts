// Benchmark: how long /metrics takes to render at N checks, in all and in its longest piece (the
// route writes piece by piece, so the longest piece is how long one scrape blocks the event loop).
//   npx tsx bench/render-metrics.ts --checks 10000
import { parseArgs } from 'node:util';
import { resolveConfig } from '../src/config/config.ts';
import { ConfigInput } from '../src/config/schema.ts';
import { createMetrics } from '../src/metrics/metrics.ts';
import type { ProbeResult } from '../src/probes/probe.ts';
import { median, round } from './statistics.ts';

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

async function renderOnce(): Promise<{ ms: number; longestPieceMs: number; bytes: number }> {
  const started = performance.now();
  const { chunks } = metrics.renderChunks();
  let bytes = 0;
  let longestPieceMs = 0;
  let pieceStarted = performance.now();
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    const now = performance.now();
    longestPieceMs = Math.max(longestPieceMs, now - pieceStarted);
    pieceStarted = now;
  }
  return { ms: performance.now() - started, longestPieceMs, bytes };
}

const rounds: Awaited<ReturnType<typeof renderOnce>>[] = [];
for (let round = 0; round < Number(values.rounds); round += 1) rounds.push(await renderOnce());
const first = rounds[0]!;
const cached = rounds.slice(1).map((entry) => entry.ms);
// A steady scrape: a quarter of the checks probed since the last one (60 s interval, 15 s scrapes).
for (const check of config.checks.slice(0, Math.ceil(count / 4))) metrics.recordProbe(check, result, now);
const steady = await renderOnce();
const row = {
  checks: count,
  recordMicrosPerProbe: round(recordMicros),
  firstRenderMs: round(first.ms),
  unchangedRenderMsMedian: round(median(cached)),
  steadyRenderMs: round(steady.ms),
  longestPieceMs: round(Math.max(...rounds.map((entry) => entry.longestPieceMs), steady.longestPieceMs)),
  megabytes: round(first.bytes / 1e6),
  heapMB: Math.round(process.memoryUsage().heapUsed / 1e6),
};
process.stdout.write(`${JSON.stringify(row)}\n`);
