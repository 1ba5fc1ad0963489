// End to end: the real CLI as a child process against real local servers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.ts';
import { runCli, startCli, type CliProcess } from './support/cli-process.ts';

const SECRET = 'tok-3f9a1c7e5b2d';
let target: Server;
let targetUrl: string;
let seenAuthorization: string | undefined;
const dir = mkdtempSync(join(tmpdir(), 'dvc-daemon-'));

beforeAll(async () => {
  target = createServer((req, res) => {
    if (req.url === '/down') {
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<h1>Hệ thống đang bảo trì</h1>');
      return;
    }
    if (req.url === '/secure') seenAuthorization = req.headers.authorization;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<h1>Cổng Dịch vụ công quốc gia</h1>');
  });
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
  targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}`;
});

afterAll(async () => {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
});

function writeConfig(name: string, checks: string[], extra = ''): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      'location: test-lab',
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${join(dir, 'sentinel.db')}" }`,
      'defaults: { interval: 300ms, timeout: 250ms, failureThreshold: 1, successThreshold: 1 }',
      extra,
      'checks:',
      ...checks.map((check) => `  - ${check}`),
      '',
    ].join('\n'),
  );
  return file;
}

const HOME = () => `{ name: home, system: national-portal, kind: http, url: "${targetUrl}/", expect: { bodyContains: "Dịch vụ công" } }`;
const DOWN = () => `{ name: down, system: provincial, kind: http, url: "${targetUrl}/down" }`;
const SECURE = () => `{ name: secure, system: sync, kind: http, url: "${targetUrl}/secure", headers: { Authorization: "Bearer \${DVC_TEST_TOKEN}" } }`;

async function getJson(url: string): Promise<any> {
  const response = await request(url);
  return { status: response.statusCode, body: await response.body.json() };
}

async function getText(url: string): Promise<string> {
  const response = await request(url);
  return response.body.text();
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('dvc-sentinel run', () => {
  let daemon: CliProcess;
  let url: string;
  const config = () => join(dir, 'run.yaml');

  beforeAll(async () => {
    writeConfig('run.yaml', [HOME(), DOWN(), SECURE()], 'objectives: [{ system: provincial, target: 99.5% }]');
    daemon = startCli(['run', '--config', config()], { DVC_TEST_TOKEN: SECRET });
    const started = await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started');
    url = String(started.url);
  });

  afterAll(async () => {
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
  });

  it('probes on schedule and reports each check in /api/status', async () => {
    const status = await until(
      () => getJson(`${url}/api/status`),
      ({ body }) => body.checks.every((check: any) => check.status !== 'unknown'),
    );
    const byName = Object.fromEntries(status.body.checks.map((check: any) => [check.name, check]));
    expect(byName.home.status).toBe('ok');
    expect(byName.down.status).toBe('critical');
    expect(byName.down.last.reason).toBe('http_status');
    expect(byName.down.last.httpStatus).toBe(503);
    expect(status.body.location).toBe('test-lab');
  });

  it('exports the contract metrics with the location label', async () => {
    const text = await until(
      () => getText(`${url}/metrics`),
      (body) => body.includes('dvc_probe_failures_total{'),
    );
    expect(text).toMatch(/dvc_probe_success\{[^}]*check="home"[^}]*\} 1/);
    expect(text).toMatch(/dvc_probe_success\{[^}]*check="down"[^}]*\} 0/);
    expect(text).toMatch(/dvc_check_status\{[^}]*check="down"[^}]*\} 2/);
    expect(text).toMatch(/dvc_probe_failures_total\{[^}]*reason="http_status"[^}]*\} [1-9]/);
    expect(text).toMatch(/dvc_http_status_code\{[^}]*check="down"[^}]*\} 503/);
    expect(text).toMatch(/location="test-lab"/);
    expect(text).toContain('dvc_scheduler_lag_seconds_bucket');
    expect(text).toMatch(/dvc_build_info\{[^}]*version="/);
  });

  it('exports the objective’s error budget and serves the report for a window from its own store', async () => {
    const text = await until(
      () => getText(`${url}/metrics`),
      (body) => /dvc_objective_budget_remaining_seconds\{/.test(body),
    );
    const budget = /dvc_objective_budget_remaining_seconds\{([^}]*)\} (\S+)/.exec(text)!;
    expect(budget[1]).toContain('objective="provincial"');
    expect(budget[1]).toContain('scope="system"');
    // At most 0.5 % of a month (31 days: 13,392 s).
    expect(Number(budget[2])).toBeGreaterThan(0);
    expect(Number(budget[2])).toBeLessThanOrEqual(13_392);

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const report = await getJson(`${url}/api/report?${new URLSearchParams({ from, to }).toString()}`);
    expect(report.status).toBe(200);
    expect(report.body.checks.map((check: any) => check.name)).toEqual(['home', 'down', 'secure']);
    expect((await getJson(`${url}/api/report?from=yesterday&to=${to}`)).status).toBe(400);
    expect((await getJson(`${url}/api/reports`)).body).toEqual({ reports: [] });
    expect(await getText(`${url}/`)).toContain('<h2 id="reports">Báo cáo</h2>');
  });

  it('sends secrets from the environment but never shows them', async () => {
    await until(
      async () => seenAuthorization,
      (value) => value !== undefined,
    );
    expect(seenAuthorization).toBe(`Bearer ${SECRET}`);
    const surfaces = [await getText(`${url}/metrics`), await getText(`${url}/api/status`), daemon.stdout(), daemon.stderr()];
    for (const surface of surfaces) expect(surface).not.toContain(SECRET);
  });

  it('refuses an invalid config on SIGHUP and keeps running the old one', async () => {
    writeFileSync(config(), 'checks:\n  - { name: Bad Name, system: x, kind: http, url: "not a url" }\n');
    daemon.child.kill('SIGHUP');
    const refused = await daemon.waitForLog((line) => line.msg === 'config reload refused; the running config stays');
    expect(JSON.stringify(refused.errors)).toContain('checks[0].name');
    const metrics = await getText(`${url}/metrics`);
    expect(metrics).toMatch(/dvc_config_last_reload_success(\{[^}]*\})? 0/);
    const status = await getJson(`${url}/api/status`);
    expect(status.body.checks.map((check: any) => check.name)).toEqual(['home', 'down', 'secure']);
  });

  it('applies a valid config on SIGHUP: new checks start, removed ones stop', async () => {
    writeConfig('run.yaml', [HOME(), `{ name: added, system: quantricong, kind: tcp, host: 127.0.0.1, port: ${new URL(targetUrl).port} }`]);
    daemon.child.kill('SIGHUP');
    await daemon.waitForLog((line) => line.msg === 'config reloaded');
    const status = await until(
      () => getJson(`${url}/api/status`),
      ({ body }) => body.checks.some((check: any) => check.name === 'added' && check.status === 'ok'),
    );
    expect(status.body.checks.map((check: any) => check.name)).toEqual(['home', 'added']);
    const metrics = await getText(`${url}/metrics`);
    expect(metrics).not.toMatch(/check="down"/);
    expect(metrics).toMatch(/dvc_config_last_reload_success(\{[^}]*\})? 1/);
  });

  it('stops cleanly on SIGTERM well within 10 s', async () => {
    const started = Date.now();
    daemon.child.kill('SIGTERM');
    const { code } = await daemon.exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(daemon.logs().some((line) => line.msg === 'dvc-sentinel stopped')).toBe(true);

    // The stop wrote history: every probe result the daemon logged, and the unfinished minute.
    const store = openStore(join(dir, 'sentinel.db'), { log: pino({ level: 'silent' }) });
    try {
      const window = { from: new Date(started - 3_600_000), to: new Date(Date.now() + 60_000) };
      const down = store.history.raw('down', window);
      expect(down.length).toBeGreaterThan(0);
      expect(down.every((result) => result.status === 'critical' && result.reason === 'http_status' && result.httpStatus === 503)).toBe(true);
      const minutes = store.history.minutes(window).filter((minute) => minute.check === 'down');
      expect(minutes.reduce((sum, minute) => sum + minute.probes, 0)).toBe(down.length);
      expect(minutes.reduce((sum, minute) => sum + (minute.failuresByReason.http_status ?? 0), 0)).toBe(down.length);
    } finally {
      store.close();
    }
  });
});

describe('dvc-sentinel once', () => {
  it('prints a table and exits 1 when a check is critical', async () => {
    const file = writeConfig('once.yaml', [HOME(), DOWN()]);
    const { code, stdout } = await runCli(['once', '--config', file]);
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^KIỂM TRA\s+HỆ THỐNG\s+LOẠI\s+TÌNH TRẠNG\s+ĐỘ TRỄ\s+ĐỒNG BỘ\s+CÁC BƯỚC\s+LÝ DO\s+DIỄN GIẢI$/);
    expect(lines.find((line) => line.startsWith('home'))).toMatch(/national-portal\s+http\s+BÌNH THƯỜNG\s+\d+ ms\s+-\s+.*tcp \d+ ms/);
    expect(lines.find((line) => line.startsWith('down'))).toMatch(/SỰ CỐ.*http_status/);
    expect(stdout).toContain('2 kiểm tra: 1 bình thường, 0 cảnh báo, 1 sự cố');
  });

  it('exits 0 with --json when every check passes', async () => {
    const file = writeConfig('once-ok.yaml', [HOME()]);
    const { code, stdout } = await runCli(['once', '--config', file, '--json']);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ check: 'home', status: 'ok', httpStatus: 200, reason: null });
    expect(rows[0].phases.connect).toBeGreaterThan(0);
  });
});

describe('dvc-sentinel check', () => {
  it('names file, line and path of every error and exits 2', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'checks:\n  - name: ok-name\n    system: x\n    kind: http\n    url: "http://127.0.0.1/"\n    interval: 10 seconds\n');
    const { code, stderr, stdout } = await runCli(['check', '--config', file]);
    expect(code).toBe(2);
    expect(`${stdout}${stderr}`).toMatch(new RegExp(`${file.replace(/[.]/g, '\\.')}:6:\\d+ checks\\[0\\]\\.interval`));
  });

  it('accepts the shipped config without touching the network', async () => {
    const { code, stdout } = await runCli(['check', '--config', 'config/monitor.yaml']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/OK/);
  });
});
