// Benchmark: N http checks at a fixed interval against a local target; measures the daemon's own
// scheduler lag (p50/p99 from dvc_scheduler_lag_seconds), probe rate, CPU per probe, RSS and
// /metrics scrape time. Talks only to 127.0.0.1; stops by itself.
//   npx tsx bench/scheduler-lag.ts --checks 1000 --interval 1s --seconds 30
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { histogramQuantile, parseHistogram, subtractHistogram } from './histogram.ts';
import { readProcStats } from './proc-stats.ts';

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
const measureSeconds = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
const outDir = new URL('./out/', import.meta.url);
mkdirSync(outDir, { recursive: true });

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

function spawnNode(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

async function firstLine(child: ChildProcess): Promise<string> {
  let buffered = '';
  for await (const chunk of child.stdout!) {
    buffered += String(chunk);
    if (buffered.includes('\n')) return buffered.split('\n')[0]!;
  }
  throw new Error('child exited before printing');
}

async function scrape(url: string): Promise<{ text: string; ms: number }> {
  const started = performance.now();
  const response = await request(`${url}/metrics`);
  const text = await response.body.text();
  return { text, ms: performance.now() - started };
}

function sumSeries(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

const target = spawnNode([new URL('./target-server.ts', import.meta.url).pathname]);
const targetPort = Number(await firstLine(target));
const listenPort = await freePort();
const configFile = new URL(`lag-${checks}.yaml`, outDir).pathname;
const lines = [
  'location: bench',
  `server: { listen: "127.0.0.1:${listenPort}" }`,
  `defaults: { interval: ${values.interval}, timeout: ${values.timeout}, maxConcurrency: ${values.concurrency}, failureThreshold: 2 }`,
  'checks:',
];
for (let index = 0; index < checks; index += 1) {
  lines.push(`  - { name: target-${index}, system: bench, kind: http, url: "http://127.0.0.1:${targetPort}/c/${index}", expect: { status: [200] } }`);
}
writeFileSync(configFile, `${lines.join('\n')}\n`);

// The compiled CLI is what production (and the Docker image) runs; tsx adds source-map work to
// every Error and is measured only when dist/ is absent.
const compiled = existsSync(new URL('../dist/cli.js', import.meta.url));
const startedAt = performance.now();
const daemon = compiled
  ? spawn(process.execPath, [new URL('../dist/cli.js', import.meta.url).pathname, 'run', '--config', configFile, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] })
  : spawnNode(['src/cli.ts', 'run', '--config', configFile, '--log-level', 'warn']);
const daemonUrl = `http://127.0.0.1:${listenPort}`;
const stopAll = () => {
  daemon.kill('SIGTERM');
  target.kill('SIGTERM');
};
process.on('exit', stopAll);
try {
  for (let attempt = 0; ; attempt += 1) {
    if (attempt > 300) throw new Error('daemon did not come up within 30 s');
    try {
      const response = await request(`${daemonUrl}/healthz`);
      await response.body.dump();
      if (response.statusCode === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const upMs = performance.now() - startedAt;
  await new Promise((resolve) => setTimeout(resolve, warmupSeconds * 1000));
  const before = await scrape(daemonUrl);
  const cpuBefore = readProcStats(daemon.pid!);
  // Scraped during the window as Prometheus would: a scrape's cost shows in the lag it causes.
  const scrapes: number[] = [];
  const scrapeEveryMs = Number(values['scrape-every']) * 1000;
  const windowEnd = performance.now() + measureSeconds * 1000;
  while (performance.now() + scrapeEveryMs < windowEnd) {
    await new Promise((resolve) => setTimeout(resolve, scrapeEveryMs));
    scrapes.push((await scrape(daemonUrl)).ms);
  }
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, windowEnd - performance.now())));
  const cpuAfter = readProcStats(daemon.pid!);
  const after = await scrape(daemonUrl);
  scrapes.push(after.ms);

  const lag = subtractHistogram(parseHistogram(after.text, 'dvc_scheduler_lag_seconds'), parseHistogram(before.text, 'dvc_scheduler_lag_seconds'));
  const probes = sumSeries(after.text, 'dvc_probe_duration_seconds_count') - sumSeries(before.text, 'dvc_probe_duration_seconds_count');
  const failures = sumSeries(after.text, 'dvc_probe_failures_total') - sumSeries(before.text, 'dvc_probe_failures_total');
  const skipped = sumSeries(after.text, 'dvc_scheduler_skipped_total') - sumSeries(before.text, 'dvc_scheduler_skipped_total');
  const cpuMs = cpuAfter.cpuMs - cpuBefore.cpuMs;
  const stopStarted = performance.now();
  daemon.kill('SIGTERM');
  await once(daemon, 'exit');
  const stopMs = performance.now() - stopStarted;
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    node: process.version,
    runtime: compiled ? 'dist' : 'tsx',
    checks,
    interval: values.interval,
    measuredSeconds: measureSeconds,
    probes,
    probesPerSecond: Math.round((probes / measureSeconds) * 10) / 10,
    failures,
    skipped,
    lagP50Ms: round(histogramQuantile(lag, 0.5) * 1000),
    lagP99Ms: round(histogramQuantile(lag, 0.99) * 1000),
    lagMeanMs: round((lag.sum / Math.max(lag.count, 1)) * 1000),
    cpuMsPerProbe: round(cpuMs / Math.max(probes, 1)),
    cpuCoresBusy: round(cpuMs / 1000 / measureSeconds),
    rssMB: round(cpuAfter.rssBytes / 1e6),
    peakRssMB: round(cpuAfter.peakRssBytes / 1e6),
    scrapeMsMedian: round([...scrapes].sort((a, b) => a - b)[Math.floor(scrapes.length / 2)]!),
    startupToHealthyMs: round(upMs),
    sigtermToExitMs: round(stopMs),
  };
  const row = `| ${result.date.slice(0, 10)} | ${result.node} | ${checks} @ ${values.interval} | ${result.probesPerSecond}/s | ${result.lagP50Ms} | ${result.lagP99Ms} | ${result.cpuMsPerProbe} | ${result.rssMB} (peak ${result.peakRssMB}) | ${result.scrapeMsMedian} | ${result.failures} | ${result.skipped} |`;
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n\n| date | node | checks | rate | lag p50 ms | lag p99 ms | CPU ms/probe | RSS MB | scrape ms | failures | skipped |\n|---|---|---|---|---|---|---|---|---|---|---|\n${row}\n`);
  appendFileSync(new URL('results.jsonl', outDir), `${JSON.stringify(result)}\n`);
} finally {
  stopAll();
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
