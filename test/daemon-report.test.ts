// End to end, scheduled reports: the real daemon as a child process probing the portal simulator,
// and a real SMTP server. A
// schedule with seconds, a few seconds ahead, keeps it short. The store's first start is written
// before the daemon starts where a story needs the monitor to have run earlier.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/sim/simulator.ts';
import { openStore } from '../src/store/store.ts';
import { toWallClock } from '../src/time-zone.ts';
import { startCli, type CliProcess } from './support/cli-process.ts';
import { startSmtpServer, type TestSmtpServer } from './support/smtp-server.ts';
import { createCapturedLog } from './support/temp-database.ts';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
let sim: Simulator;
let simDir: string;
const running: CliProcess[] = [];
const closers: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  simDir = mkdtempSync(join(tmpdir(), 'dvc-report-sim-'));
  sim = await startSimulator({ basePort: 0, certDir: join(simDir, 'certs') });
});

afterAll(async () => {
  await sim.close();
  rmSync(simDir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const daemon of running.splice(0)) if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
  for (const close of closers.splice(0)) await close();
});

/** `s m h * * *` in Asia/Ho_Chi_Minh for the instant `offsetMs` from now (whole seconds). */
function cronAt(offsetMs: number): { schedule: string; at: Date } {
  const at = new Date(Math.floor((Date.now() + offsetMs) / 1000) * 1000);
  const wall = toWallClock(at, 'Asia/Ho_Chi_Minh');
  return { schedule: `${Number(wall.second)} ${Number(wall.minute)} ${Number(wall.hour)} * * *`, at };
}

function localHourMinute(at: Date): string {
  const wall = toWallClock(at, 'Asia/Ho_Chi_Minh');
  return `${wall.hour}:${wall.minute}`;
}

interface Setup {
  readonly smtpPort: number;
  readonly schedule: string;
  readonly deadline?: string;
  /** When the monitor first ran on this store; absent = the daemon's own first start. */
  readonly firstStart?: Date;
}

function prepare(setup: Setup): string {
  const dir = mkdtempSync(join(tmpdir(), 'dvc-report-'));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  const storePath = join(dir, 'state', 'sentinel.db');
  if (setup.firstStart) {
    mkdirSync(join(dir, 'state'));
    const store = openStore(storePath, { log: createCapturedLog().log });
    store.meta.set('reports.firstStart', setup.firstStart);
    store.close();
  }
  const file = join(dir, 'sentinel.yaml');
  writeFileSync(
    file,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${storePath}" }`,
      'defaults: { interval: 1s, timeout: 500ms }',
      'alerting:',
      '  groupWait: 300ms',
      '  flapping: { recoveryHold: 0s }',
      '  email:',
      `    smtp: { host: 127.0.0.1, port: ${setup.smtpPort}, timeout: 2s }`,
      '    from: "dvc-sentinel <giamsat@angiang.gov.vn>"',
      '    to: ["trucban@angiang.gov.vn"]',
      '    retry: { first: 200ms, max: 500ms }',
      'reports:',
      `  - { name: daily, schedule: "${setup.schedule}", ${setup.deadline ? `deadline: "${setup.deadline}", ` : ''}to: [pc06@angiang.gov.vn], cc: [lanhdao@angiang.gov.vn], unit: "Sở KH&CN An Giang" }`,
      'checks:',
      `  - { name: dvcqg-home, system: national-portal, kind: http, url: "${sim.urls.national}/", expect: { bodyContains: "Dịch vụ công" } }`,
      `  - { name: motcua-home, system: provincial, kind: http, url: "${sim.urls.provincial}/" }`,
      '  - name: hoso-sync',
      '    system: sync',
      '    kind: sync',
      `    source: { url: "${sim.urls.syncProvincial}/api/sync/status", headers: { Authorization: "Bearer report-test" }, watermark: "$.data.lastUpdated" }`,
      `    target: { url: "${sim.urls.syncNational}/api/sync/status", watermark: "$.lastSyncedAt" }`,
      '    backlog: "$.data.pending"',
      '    expect: { lag: { warn: 30s, critical: 90s } }',
      '',
    ].join('\n'),
  );
  return file;
}

async function startDaemon(config: string): Promise<{ daemon: CliProcess; url: string }> {
  const daemon = startCli(['run', '--config', config]);
  running.push(daemon);
  const line = await daemon.waitForLog((entry) => entry.msg === 'dvc-sentinel started');
  return { daemon, url: String(line.url) };
}

async function smtpServer(port?: number): Promise<TestSmtpServer> {
  const server = await startSmtpServer(port === undefined ? {} : { port });
  closers.push(() => server.close());
  return server;
}

async function metricLine(url: string, name: string): Promise<string | undefined> {
  const body = await (await fetch(`${url}/metrics`)).text();
  return body.split('\n').find((line) => line.startsWith(`${name}{`) && line.includes('report="daily"'));
}

/** Waits until nothing new has arrived for quietMs: proves no extra mail follows. */
async function quiet(smtp: TestSmtpServer, quietMs: number): Promise<void> {
  let seen = smtp.mails.length;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    if (smtp.mails.length === seen) return;
    seen = smtp.mails.length;
  }
}

describe('scheduled reports, end to end', () => {
  it('sends one report mail at its time with the HTML part, the CSV and the .docx; kill -9 and a restart send nothing more', async () => {
    const smtp = await smtpServer();
    const slot = cronAt(4_000);
    const config = prepare({ smtpPort: smtp.port, schedule: slot.schedule, firstStart: new Date(Date.now() - 1_000) });
    const { daemon } = await startDaemon(config);
    const [mail] = await smtp.waitForMails(1, 20_000);
    expect(mail!.parsed.subject).toMatch(/^\[BÁO CÁO\] Sở KH&CN An Giang: tình hình vận hành từ .* đến .*$/);
    expect(mail!.parsed.subject).not.toMatch(/gửi muộn/);
    expect(mail!.parsed.messageId).toMatch(/^<report\.daily\.\d{12}\.[0-9a-f]{16}@angiang\.gov\.vn>$/);
    for (const check of ['dvcqg-home', 'motcua-home', 'hoso-sync']) {
      expect(mail!.parsed.html).toContain(check);
      expect(mail!.parsed.text).toContain(check);
    }
    expect(mail!.parsed.attachments.map((file) => file.contentType)).toEqual(['text/csv', DOCX]);
    expect(mail!.envelope.to).toEqual(['pc06@angiang.gov.vn', 'lanhdao@angiang.gov.vn']);
    await daemon.waitForLog((line) => line.msg === 'mail delivered');

    daemon.child.kill('SIGKILL');
    await daemon.exited;
    const { daemon: again, url } = await startDaemon(config);
    await quiet(smtp, 2_000);
    expect(smtp.mails).toHaveLength(1);
    // Restored from the store at start.
    expect(await metricLine(url, 'dvc_report_last_success_timestamp_seconds')).toMatch(/ 1\d{9}(\.\d+)?$/);
    again.child.kill('SIGTERM');
    await again.exited;
  }, 45_000);

  it('a start after a missed slot sends it once, marked late', async () => {
    const smtp = await smtpServer();
    const missed = cronAt(-120_000);
    const config = prepare({ smtpPort: smtp.port, schedule: missed.schedule, firstStart: new Date(Date.now() - 600_000) });
    const { daemon } = await startDaemon(config);
    const [mail] = await smtp.waitForMails(1, 20_000);
    expect(mail!.parsed.subject).toMatch(/\(gửi muộn\)$/);
    expect(mail!.parsed.text).toContain('Báo cáo này gửi muộn');
    await quiet(smtp, 1_500);
    expect(smtp.mails).toHaveLength(1);
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }, 30_000);

  it('with the mail server down over the deadline: the report_late notice and the metric; both mails once the server is back', async () => {
    const probe = await startSmtpServer();
    const port = probe.port;
    await probe.close();
    const missed = cronAt(-120_000);
    const deadline = localHourMinute(new Date(Date.now() - 60_000));
    const config = prepare({ smtpPort: port, schedule: missed.schedule, deadline, firstStart: new Date(Date.now() - 600_000) });
    const { url, daemon } = await startDaemon(config);
    await daemon.waitForLog((line) => line.msg === 'report not accepted by its deadline; notice queued');
    expect(await metricLine(url, 'dvc_report_deadline_missed_total')).toBe('dvc_report_deadline_missed_total{report="daily"} 1');

    const smtp = await smtpServer(port);
    const mails = await smtp.waitForMails(2, 20_000);
    const subjects = mails.map((mail) => mail.parsed.subject ?? '').sort();
    expect(subjects).toEqual([
      expect.stringMatching(/^\[BÁO CÁO\].*\(gửi muộn\)$/),
      expect.stringMatching(/^\[THÔNG BÁO\] Báo cáo daily chưa gửi được trước hạn /),
    ]);
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }, 40_000);
});
