// Request floods at the status page and the API while healthy checks run: 6 bursts of 2,000
// requests (alternating / and /api/status, 256 at a time, no pause) against the real daemon
// (compiled) probing 20 healthy checks on a portal in its own process. The server may refuse or
// slow the flood, but never the probes: 0 false failures, every healthy slot run.
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCli, stopChild, type CliProcess } from '../support/cli-process.ts';
import { histogramQuantile, parseMetrics, residentMemory, sumOf, type Sample } from './daemon-figures.ts';
import { compiledCli, reportFigures } from './figures.ts';
import { startTargetProcess, type TargetProcess } from './target-process.ts';

const HEALTHY = 20;
const BURSTS = 6;
const PER_BURST = 2000;
const AT_ONCE = 256;
// A burst not sent within this is cut short (the rest counted as not sent): a server that cannot
// keep up must not hold the suite past its 10 minutes.
const BURST_LIMIT_MS = 15_000;

let dir: string;
let target: TargetProcess;
let daemon: CliProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dvc-flood-'));
  target = await startTargetProcess();
});

afterAll(async () => {
  if (daemon) await stopChild(daemon.child, 5000);
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(): string {
  const file = join(dir, 'sentinel.yaml');
  const checks = Array.from(
    { length: HEALTHY },
    (_, index) =>
      `  - { name: healthy-${index}, system: national-portal, kind: http, url: "${target.url}/trang-chu/${index}", expect: { bodyContains: "Dịch vụ công" } }`,
  );
  writeFileSync(
    file,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${join(dir, 'sentinel.db')}" }`,
      'defaults: { interval: 1s, timeout: 800ms }',
      'checks:',
      ...checks,
      '',
    ].join('\n'),
  );
  return file;
}

/** One request; resolves with the status code, or 0 when the connection failed. */
function request(agent: http.Agent, url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent, timeout: 30_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

async function scrape(url: string): Promise<Sample[]> {
  return parseMetrics(await (await fetch(`${url}/metrics`)).text());
}

it(`keeps every healthy probe on time through ${BURSTS} bursts of ${PER_BURST} requests`, async () => {
  daemon = startCli(['run', '--config', writeConfig()], {}, compiledCli());
  const url = (await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started', 60_000)).url as string;
  // Every check has run at least twice before the flood.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const before = await scrape(url);
  const pid = daemon.child.pid!;

  const agent = new http.Agent({ keepAlive: true, maxSockets: AT_ONCE });
  const statuses = new Map<number, number>();
  let peakMb = 0;
  let notSent = 0;
  const started = performance.now();
  for (let burst = 0; burst < BURSTS; burst++) {
    let next = 0;
    const cutAt = performance.now() + BURST_LIMIT_MS;
    await Promise.all(
      Array.from({ length: AT_ONCE }, async () => {
        while (next < PER_BURST && performance.now() < cutAt) {
          const path = next++ % 2 === 0 ? '/' : '/api/status';
          const status = await request(agent, `${url}${path}`);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    notSent += PER_BURST - next;
    peakMb = Math.max(peakMb, residentMemory(pid).rssMb);
  }
  const floodSeconds = (performance.now() - started) / 1000;
  agent.destroy();
  // One more interval so that a probe the flood delayed has finished and been judged.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const after = await scrape(url);

  let falseFailures = 0;
  let probes = 0;
  let skipped = 0;
  for (let index = 0; index < HEALTHY; index++) {
    const check = { check: `healthy-${index}` };
    falseFailures += sumOf(after, 'dvc_probe_failures_total', check);
    skipped += sumOf(after, 'dvc_scheduler_skipped_total', check);
    probes += sumOf(after, 'dvc_probe_duration_seconds_count', check) - sumOf(before, 'dvc_probe_duration_seconds_count', check);
  }
  const expectedProbes = HEALTHY * Math.floor(floodSeconds + 1.5 - 1);
  const lagP99 = histogramQuantile(before, after, 'dvc_scheduler_lag_seconds', 0.99);
  const answered = [...statuses.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([status, count]) => `${status === 0 ? 'failed' : status} ×${count}`)
    .join(', ');
  const healthyCritical = after.filter((sample) => sample.name === 'dvc_check_status' && sample.value === 2).length;
  const sent = BURSTS * PER_BURST - notSent;
  reportFigures(
    'request-floods',
    `${BURSTS}×${PER_BURST} requests (${AT_ONCE} at once) in ${floodSeconds.toFixed(1)} s = ${(sent / floodSeconds).toFixed(0)} req/s (${answered}${notSent > 0 ? `, ${notSent} not sent: bursts cut at ${BURST_LIMIT_MS / 1000} s` : ''}), ` +
      `${HEALTHY} healthy checks: false failures ${falseFailures}, critical ${healthyCritical}, probes ${probes} of ≥${expectedProbes} slots, skipped ${skipped}, ` +
      `lag p99 ${lagP99 === undefined ? 'n/a' : (lagP99 * 1000).toFixed(1)} ms, rss ${peakMb.toFixed(0)} MB`,
  );

  expect(falseFailures).toBe(0);
  expect(healthyCritical).toBe(0);
  expect(skipped).toBe(0);
  expect(probes).toBeGreaterThanOrEqual(expectedProbes);
  expect(daemon.child.exitCode).toBeNull();
});
