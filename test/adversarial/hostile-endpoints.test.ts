// Hostile endpoints against the real daemon (a child process): 50 checks on endpoints that hang,
// drip, never end, send 200 KiB of headers, redirect forever, speak garbage instead of TLS, reset
// after accept, answer markup and control characters, nest JSON 100,000 deep or inflate 1,000×,
// beside 20 checks on a healthy portal. With the default limits: RSS peak < 200 MB, scheduler lag
// p99 < 50 ms, every healthy probe on time, no healthy probe failed; every hostile check critical;
// the markup and escapes reach neither the page, the API nor the mails unescaped.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCli, stopChild, type CliProcess } from '../support/cli-process.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { waitFor } from '../support/wait-for.ts';
import { histogramQuantile, parseMetrics, residentMemory, sumOf, type Sample } from './daemon-figures.ts';
import { compiledCli, reportFigures } from './figures.ts';
import { CONTROL_MARKER, SCRIPT_MARKER, startHostileEndpoints, type HostileEndpoint } from './hostile-servers.ts';
import { startTargetProcess, type TargetProcess } from './target-process.ts';

const HOSTILE = 50;
const HEALTHY = 20;
const INTERVAL_SECONDS = 2;
const WINDOW_SECONDS = 30;

let dir: string;
let endpoints: HostileEndpoint[] = [];
let target: TargetProcess;
let smtp: TestSmtpServer;
let daemon: CliProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dvc-hostile-'));
  endpoints = await startHostileEndpoints();
  target = await startTargetProcess();
  smtp = await startSmtpServer();
});

afterAll(async () => {
  if (daemon) await stopChild(daemon.child, 5000);
  for (const endpoint of endpoints) await endpoint.close();
  await target?.close();
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(): string {
  const hostile = Array.from({ length: HOSTILE }, (_, index) => {
    const endpoint = endpoints[index % endpoints.length]!;
    return `  - { name: hostile-${endpoint.kind}-${index}, system: hostile, ${endpoint.checkFields(index)} }`;
  });
  const healthy = Array.from(
    { length: HEALTHY },
    (_, index) =>
      `  - { name: healthy-${index}, system: national-portal, kind: http, url: "${target.url}/trang-chu/${index}", expect: { bodyContains: "Dịch vụ công" } }`,
  );
  const file = join(dir, 'sentinel.yaml');
  writeFileSync(
    file,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${join(dir, 'sentinel.db')}" }`,
      // Only the pace is shortened (to see many probes in a short window); every limit is the default.
      `defaults: { interval: ${INTERVAL_SECONDS}s, timeout: 1500ms }`,
      'alerting:',
      '  groupWait: 1s',
      '  email:',
      `    smtp: { host: 127.0.0.1, port: ${smtp.port}, timeout: 5s }`,
      '    from: "dvc-sentinel <giamsat@angiang.gov.vn>"',
      '    to: ["trucban@angiang.gov.vn"]',
      'checks:',
      ...hostile,
      ...healthy,
      '',
    ].join('\n'),
  );
  return file;
}

async function scrape(url: string): Promise<Sample[]> {
  return parseMetrics(await (await fetch(`${url}/metrics`)).text());
}

it('holds 50 hostile checks beside 20 healthy ones within its memory and timing limits', async () => {
  daemon = startCli(['run', '--config', writeConfig()], {}, compiledCli());
  const url = (await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started', 60_000)).url as string;
  const pid = daemon.child.pid!;

  // Warm-up: every hostile check has failed its threshold (two probes) and is critical.
  await waitFor(
    'every hostile check critical',
    () => scrape(url),
    (samples) => samples.filter((sample) => sample.name === 'dvc_check_status' && sample.labels.system === 'hostile' && sample.value === 2).length === HOSTILE,
    60_000,
    1000,
  );

  const before = await scrape(url);
  let peakSampledMb = 0;
  const windowEnd = performance.now() + WINDOW_SECONDS * 1000;
  while (performance.now() < windowEnd) {
    peakSampledMb = Math.max(peakSampledMb, residentMemory(pid).rssMb);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const after = await scrape(url);
  const { peakMb } = residentMemory(pid);

  const lagP99 = histogramQuantile(before, after, 'dvc_scheduler_lag_seconds', 0.99);
  // A slot every INTERVAL_SECONDS; one at either end of the window may fall outside it.
  const expectedPerCheck = Math.floor(WINDOW_SECONDS / INTERVAL_SECONDS) - 1;
  let onTime = 0;
  let falseFailures = 0;
  let skipped = 0;
  for (let index = 0; index < HEALTHY; index++) {
    const check = { check: `healthy-${index}` };
    const probes = sumOf(after, 'dvc_probe_duration_seconds_count', check) - sumOf(before, 'dvc_probe_duration_seconds_count', check);
    onTime += Math.min(probes, expectedPerCheck);
    falseFailures += sumOf(after, 'dvc_probe_failures_total', check);
    skipped += sumOf(after, 'dvc_scheduler_skipped_total', check);
  }
  const onTimePercent = (100 * onTime) / (HEALTHY * expectedPerCheck);
  const hostileCritical = after.filter((sample) => sample.name === 'dvc_check_status' && sample.labels.system === 'hostile' && sample.value === 2).length;
  const healthyOk = after.filter((sample) => sample.name === 'dvc_check_status' && sample.labels.system === 'national-portal' && sample.value === 0).length;

  reportFigures(
    'hostile-endpoints',
    `${HOSTILE} hostile (${endpoints.map((endpoint) => endpoint.kind).join(', ')}) + ${HEALTHY} healthy, ` +
      `rss peak ${peakMb.toFixed(0)} MB (sampled ${peakSampledMb.toFixed(0)} MB), ` +
      `lag p99 ${lagP99 === undefined ? 'n/a' : (lagP99 * 1000).toFixed(1)} ms, healthy on time ${onTimePercent.toFixed(1)} %, ` +
      `false failures ${falseFailures}, skipped slots ${skipped}, hostile critical ${hostileCritical}/${HOSTILE}`,
  );

  const page = await (await fetch(`${url}/`)).text();
  const statusResponse = await fetch(`${url}/api/status`);
  const statusText = await statusResponse.text();
  await smtp.waitForMails(1, 30_000);
  const mails = smtp.mails.map((mail) => `${String(mail.parsed.html)}\n${mail.parsed.text ?? ''}`).join('\n');

  expect(peakMb).toBeLessThan(200);
  expect(lagP99).toBeDefined();
  expect(lagP99!).toBeLessThan(0.05);
  expect(onTimePercent).toBe(100);
  expect(skipped).toBe(0);
  expect(falseFailures).toBe(0);
  expect(healthyOk).toBe(HEALTHY);
  expect(hostileCritical).toBe(HOSTILE);
  // What the endpoints said is shown as text, never as markup or raw control characters.
  expect(page).not.toContain(SCRIPT_MARKER);
  expect(page).not.toContain('<img src=x');
  expect(page).not.toMatch(/[\u0000\u0007\u0008\u001b]/);
  expect(statusResponse.headers.get('content-type')).toMatch(/^application\/json/);
  // Valid JSON with every control character escaped, and the endpoint's words in it as text.
  expect(() => JSON.parse(statusText) as unknown).not.toThrow();
  expect(statusText).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  expect(statusText).not.toContain(CONTROL_MARKER);
  expect(mails).not.toContain(SCRIPT_MARKER);
  expect(mails).not.toContain('<img src=x');
  expect(daemon.child.exitCode).toBeNull();
});
