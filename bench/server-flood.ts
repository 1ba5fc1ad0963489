// Not part of `npm run bench` (`npx tsx bench/server-flood.ts`, about a minute): what the daemon's
// own server answers at its connection cap while it probes. The compiled daemon (tsx when dist/
// is missing) probes N healthy http checks at 1 s against the bench target (its own process);
// this process keeps exactly server.maxConnections keep-alive connections busy with GET / and
// GET /api/status, no pause, for a window, then the same with 64 connections past the cap.
// Prints requests per second answered, the answers by status, the connections refused, the
// daemon's CPU, and the probes that failed meanwhile (dvc_probe_failures_total before/after).
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { startDaemon, type DaemonProcess } from './daemon-process.ts';
import { readProcStats } from './proc-stats.ts';
import { round } from './statistics.ts';
import { startTarget } from './target-process.ts';

const { values } = parseArgs({
  options: {
    checks: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '15' },
    'max-connections': { type: 'string', default: '256' },
    'past-cap': { type: 'string', default: '64' },
  },
});
const CHECKS = Number(values.checks);
const SECONDS = Number(values.seconds);
const MAX_CONNECTIONS = Number(values['max-connections']);
const PAST_CAP = Number(values['past-cap']);

function total(metrics: string, name: string): number {
  let sum = 0;
  for (const line of metrics.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

interface Window {
  readonly connections: number;
  readonly requests: number;
  readonly byStatus: Record<string, number>;
  readonly refused: number;
  readonly seconds: number;
  readonly daemonCpuMs: number;
  readonly probes: number;
  readonly probeFailures: number;
}

/** `connections` workers, each sending its next request as soon as the last is answered, for SECONDS. */
async function flood(daemon: DaemonProcess, connections: number): Promise<Window> {
  const before = (await daemon.scrape()).text;
  const cpuBefore = readProcStats(daemon.pid).cpuMs;
  const pool = new Pool(daemon.url, { connections, pipelining: 1 });
  const byStatus: Record<string, number> = {};
  let requests = 0;
  let refused = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  const worker = async (index: number): Promise<void> => {
    for (let turn = 0; performance.now() < until; turn += 1) {
      try {
        const reply = await pool.request({ path: (index + turn) % 2 === 0 ? '/' : '/api/status', method: 'GET', headersTimeout: 10_000, bodyTimeout: 10_000 });
        await reply.body.dump();
        requests += 1;
        byStatus[reply.statusCode] = (byStatus[reply.statusCode] ?? 0) + 1;
      } catch {
        // Past the cap the daemon closes the connection at once; the pool opens another.
        refused += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, index) => worker(index)));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  const cpuMs = readProcStats(daemon.pid).cpuMs - cpuBefore;
  // Two more probe intervals: every probe that ran in the window has finished and counted.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const after = (await daemon.scrape()).text;
  return {
    connections,
    requests,
    byStatus,
    refused,
    seconds,
    daemonCpuMs: cpuMs,
    probes: total(after, 'dvc_probe_duration_seconds_count') - total(before, 'dvc_probe_duration_seconds_count'),
    probeFailures: total(after, 'dvc_probe_failures_total') - total(before, 'dvc_probe_failures_total'),
  };
}

const target = await startTarget();
const daemon = await startDaemon({
  checks: CHECKS,
  interval: '1s',
  timeout: '1s',
  maxConcurrency: 64,
  protocol: 'http',
  targetPort: target.httpPort,
  server: `maxConnections: ${MAX_CONNECTIONS}`,
});
try {
  await daemon.waitHealthy();
  // Every check probed at least once before the first window.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const windows = [await flood(daemon, MAX_CONNECTIONS), await flood(daemon, MAX_CONNECTIONS + PAST_CAP)];
  for (const window of windows) {
    console.log(
      `${window.connections} connections (cap ${MAX_CONNECTIONS}), ${daemon.runtime}: ${round(window.requests / window.seconds, 0)} requests/s ` +
        `(${window.requests} in ${round(window.seconds, 1)} s; by status ${JSON.stringify(window.byStatus)}; ${window.refused} refused), ` +
        `daemon CPU ${round(window.daemonCpuMs / window.requests, 3)} ms per request, ${window.probes} probes, ${window.probeFailures} failed`,
    );
  }
  console.log(JSON.stringify({ bench: 'server-flood', checks: CHECKS, maxConnections: MAX_CONNECTIONS, windows }));
} finally {
  await daemon.stop();
  await target.stop();
}
