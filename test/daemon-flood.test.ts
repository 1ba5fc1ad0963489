// End to end, a request flood at the daemon's own server: the real daemon as a child process
// probing 20 healthy checks every second against a local target (in a worker thread, so the
// flood generated here does not slow the target), then 6 bursts of 2,000 requests at / and
// /api/status with no pause, while 30 clients hold sockets open and send nothing. No probe may
// fail for it (dvc_probe_failures_total unchanged), /metrics answers in the middle of the flood,
// and the silent sockets are closed within the header timeout.
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Pool, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from './support/cli-process.ts';

const CHECKS = 20;
const BURSTS = 6;
const BURST_REQUESTS = 2_000;
const SILENT_CLIENTS = 30;
const HEADERS_TIMEOUT_MS = 2_000;

const TARGET = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = http.createServer((request, response) => response.end('Dịch vụ công'));
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

let worker: Worker;
let daemon: CliProcess | undefined;
beforeAll(async () => {
  worker = new Worker(TARGET, { eval: true });
  const [port] = (await once(worker, 'message')) as [number];
  const dir = mkdtempSync(join(tmpdir(), 'dvc-flood-'));
  const config = join(dir, 'sentinel.yaml');
  writeFileSync(
    config,
    [
      `server: { listen: "127.0.0.1:0", headersTimeout: ${HEADERS_TIMEOUT_MS / 1000}s }`,
      `storage: { path: "${join(dir, 'sentinel.db')}" }`,
      'defaults: { interval: 1s, timeout: 1s, failureThreshold: 1, successThreshold: 1 }',
      'checks:',
      ...Array.from(
        { length: CHECKS },
        (_, index) => `  - { name: portal-${index}, system: national-portal, kind: http, url: "http://127.0.0.1:${port}/p${index}" }`,
      ),
      '',
    ].join('\n'),
  );
  daemon = startCli(['run', '--config', config]);
});

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
  await worker.terminate();
});

/** Sums every series of a counter (or a histogram's _count) in Prometheus text. */
function total(metrics: string, name: string): number {
  let sum = 0;
  for (const line of metrics.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

async function scrape(url: string): Promise<{ status: number; text: string }> {
  const reply = await request(`${url}/metrics`);
  return { status: reply.statusCode, text: await reply.body.text() };
}

/** Opens a socket that sends nothing; resolves with how long the server let it live. */
async function silentClient(port: number): Promise<number> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  // Read (nothing comes), so that the server's close is seen.
  socket.resume();
  const opened = performance.now();
  const closed = once(socket, 'close');
  // Bounded: a server that never closes it fails the test instead of holding it.
  const cut = setTimeout(() => socket.destroy(), 20_000);
  await closed;
  clearTimeout(cut);
  return performance.now() - opened;
}

describe('a request flood at the server', () => {
  it('causes no false probe failure, keeps /metrics answering and closes silent sockets within the header timeout', async () => {
    const started = await daemon!.waitForLog((entry) => entry.msg === 'dvc-sentinel started', 30_000);
    const url = started.url as string;
    const port = Number(new URL(url).port);
    // Every check has run at least twice, healthy, before the flood.
    let before = await scrape(url);
    for (let waited = 0; total(before.text, 'dvc_probe_duration_seconds_count') < 2 * CHECKS && waited < 100; waited += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      before = await scrape(url);
    }
    const failuresBefore = total(before.text, 'dvc_probe_failures_total');
    const probesBefore = total(before.text, 'dvc_probe_duration_seconds_count');
    expect(probesBefore).toBeGreaterThanOrEqual(2 * CHECKS);

    const silent = Array.from({ length: SILENT_CLIENTS }, () => silentClient(port));
    const pool = new Pool(url, { connections: 128 });
    const floodStarted = performance.now();
    let answered = 0;
    let metricsDuringFlood: number | undefined;
    try {
      for (let burst = 0; burst < BURSTS; burst += 1) {
        const path = burst % 2 === 0 ? '/' : '/api/status';
        const replies = Array.from({ length: BURST_REQUESTS }, () =>
          pool.request({ path, method: 'GET' }).then(
            async (reply) => {
              await reply.body.dump();
              if (reply.statusCode === 200) answered += 1;
            },
            () => {},
          ),
        );
        // In the middle of the first burst, as a Prometheus scrape would land.
        if (burst === 0) metricsDuringFlood = (await scrape(url)).status;
        await Promise.all(replies);
      }
    } finally {
      await pool.close();
    }
    const floodSeconds = (performance.now() - floodStarted) / 1000;
    const silentHeldMs = await Promise.all(silent);

    // Two more intervals, so that every probe that ran during the flood has finished and counted.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const after = await scrape(url);
    const falseFailures = total(after.text, 'dvc_probe_failures_total') - failuresBefore;
    const probesDuring = total(after.text, 'dvc_probe_duration_seconds_count') - probesBefore;
    console.log(
      `flood: ${answered}/${BURSTS * BURST_REQUESTS} answered in ${floodSeconds.toFixed(1)} s, ${probesDuring} probes, ${falseFailures} false failures, ` +
        `silent sockets held ${Math.round(Math.min(...silentHeldMs))}-${Math.round(Math.max(...silentHeldMs))} ms`,
    );
    expect(metricsDuringFlood).toBe(200);
    expect(answered).toBe(BURSTS * BURST_REQUESTS);
    // Probes went on during the flood (a slot may be skipped on a loaded machine; a skip is no failure).
    expect(probesDuring).toBeGreaterThanOrEqual((CHECKS * Math.floor(floodSeconds)) / 2);
    expect(falseFailures).toBe(0);
    // Checked ten times per header timeout: closed by 1.1 of it, plus this machine's slack.
    for (const held of silentHeldMs) expect(held).toBeLessThan(HEADERS_TIMEOUT_MS * 1.1 + 1_000);
  }, 180_000);
});
