// End to end, the store file lost under the running daemon: the real daemon as a child process, a
// real SMTP server, a real local target failing. The file is deleted (or replaced by another SQLite
// file) during an open incident; the daemon must notice within 10 s, say so (log, /healthz,
// /metrics, the status page), write its state into a fresh file, and after a kill -9 and a restart
// continue the same incident: no second "opened" mail, the resolved mail in the first thread.
// Also the `backup` command beside the running daemon, and storage.backup's rotated copies.
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, type CliProcess } from './support/cli-process.ts';
import { startSmtpServer, type TestSmtpServer, dutyMailYaml } from './support/smtp-server.ts';
import { startStatusTarget, type StatusTarget } from './support/status-target.ts';

const statusOf = new Map<string, number>();
let target: StatusTarget;
let targetUrl: string;
const running: CliProcess[] = [];
const smtpServers: TestSmtpServer[] = [];

beforeAll(async () => {
  target = await startStatusTarget(statusOf);
  targetUrl = target.url;
});

afterAll(() => target.close());

afterEach(async () => {
  for (const daemon of running.splice(0)) if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
  for (const server of smtpServers.splice(0)) await server.close();
  statusOf.clear();
});

function writeConfig(dir: string, smtpPort: number, options: { checks?: number; storage?: string } = {}): { config: string; store: string } {
  const file = join(dir, 'sentinel.yaml');
  const store = join(dir, 'state', 'sentinel.db');
  const checks = Array.from({ length: options.checks ?? 1 }, (_, index) =>
    index === 0
      ? `  - { name: dvcqg-home, system: national-portal, kind: http, url: "${targetUrl}/home" }`
      : `  - { name: dvcqg-extra-${index}, system: national-portal, kind: http, url: "${targetUrl}/extra-${index}" }`,
  );
  writeFileSync(
    file,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${store}"${options.storage ?? ''} }`,
      'defaults: { interval: 200ms, timeout: 150ms, failureThreshold: 1, successThreshold: 1 }',
      'alerting:',
      '  groupWait: 300ms',
      '  flapping: { recoveryHold: 0s }',
      '  groupInterval: 400ms',
      ...dutyMailYaml(smtpPort),
      'checks:',
      ...checks,
      '',
    ].join('\n'),
  );
  return { config: file, store };
}

function startDaemon(config: string): CliProcess {
  const daemon = startCli(['run', '--config', config]);
  running.push(daemon);
  return daemon;
}

async function started(daemon: CliProcess): Promise<string> {
  const line = await daemon.waitForLog((entry) => entry.msg === 'dvc-sentinel started');
  return line.url as string;
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

function integrityOf(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

/** The daemon loses its store file during an open incident; `lose` does it and names the cause. */
async function lossStory(lose: (store: string, dir: string) => void, cause: 'deleted' | 'replaced'): Promise<{ dir: string; store: string }> {
  const smtp = await startSmtpServer();
  smtpServers.push(smtp);
  const dir = mkdtempSync(join(tmpdir(), 'dvc-storefile-'));
  const { config, store } = writeConfig(dir, smtp.port);
  const first = startDaemon(config);
  const url = await started(first);
  statusOf.set('/home', 503);
  const [firing] = await smtp.waitForMails(1, 15_000);
  expect(firing!.parsed.subject).toMatch(/^\[SỰ CỐ\] .*dvcqg-home/);

  const lostAt = performance.now();
  lose(store, dir);
  const found = await first.waitForLog(
    (line) => line.msg === (cause === 'deleted' ? 'store file deleted while running' : 'store file replaced by another file while running'),
  );
  const noticedSeconds = (performance.now() - lostAt) / 1000;
  expect(found.level).toBe(50);
  expect(noticedSeconds).toBeLessThan(10);
  await first.waitForLog(
    (line) => line.msg === 'store written into a fresh file at its path; open incidents, check states and undelivered notifications carry on',
  );

  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(503);
  const body = (await health.json()) as { reasons: string[] };
  expect(body.reasons.join('\n')).toContain(cause === 'deleted' ? 'was deleted' : 'was replaced by another file');
  const metrics = await (await fetch(`${url}/metrics`)).text();
  expect(metrics).toMatch(new RegExp(`^dvc_store_replaced_total\\{cause="${cause}"\\} 1$`, 'm'));
  expect(metrics).toMatch(/^dvc_store_ok 1$/m);
  const page = await (await fetch(`${url}/`)).text();
  expect(page).toContain(cause === 'deleted' ? 'đã bị xoá khi hệ thống đang chạy' : 'đã bị thay bằng một tệp khác');
  const status = (await (await fetch(`${url}/api/status`)).json()) as { storeFile?: { cause: string; rewritten: boolean } };
  expect(status.storeFile).toMatchObject({ cause, rewritten: true });
  expect(integrityOf(store)).toBe('ok');

  first.child.kill('SIGKILL');
  await first.exited;
  const second = startDaemon(config);
  await started(second);
  expect(second.logs().some((line) => line.msg === 'open incidents restored from the store')).toBe(true);
  // Still down for several probes after the restart: no second firing.
  await quiet(smtp, 2000);
  expect(smtp.mails).toHaveLength(1);
  statusOf.delete('/home');
  const mails = await smtp.waitForMails(2, 15_000);
  expect(mails[1]!.parsed.subject).toMatch(/^\[ĐÃ KHẮC PHỤC\] .*dvcqg-home/);
  const references = [mails[1]!.parsed.references ?? []].flat();
  // In the first thread: the resolved mail refers to the firing or to the thread it started.
  const firingIds = [firing!.parsed.messageId, ...[firing!.parsed.references ?? []].flat()];
  expect(references.some((id) => firingIds.includes(id))).toBe(true);
  await quiet(smtp, 1000);
  expect(smtp.mails).toHaveLength(2);
  return { dir, store };
}

describe('the store file lost while the daemon runs', () => {
  it('deleted during an open incident: noticed, written afresh, and a restart continues the same incident', async () => {
    await lossStory((store) => rmSync(store), 'deleted');
  }, 60_000);

  it('replaced by another SQLite file: the stranger is kept aside, the state written afresh, the incident continues', async () => {
    const { dir } = await lossStory((store, directory) => {
      const stranger = join(directory, 'other.db');
      const other = new Database(stranger);
      other.exec('CREATE TABLE unrelated (x); INSERT INTO unrelated VALUES (7)');
      other.close();
      renameSync(stranger, store);
    }, 'replaced');
    const aside = readdirSync(join(dir, 'state')).filter((name) => /^sentinel\.db\.replaced-/.test(name));
    expect(aside).toHaveLength(1);
    const kept = new Database(join(dir, 'state', aside[0]!), { readonly: true });
    expect(kept.prepare('SELECT x FROM unrelated').get()).toEqual({ x: 7 });
    kept.close();
  }, 60_000);
});

describe('store backups', () => {
  it('`backup` copies the store while the daemon writes; each copy passes integrity_check', async () => {
    const smtp = await startSmtpServer();
    smtpServers.push(smtp);
    const dir = mkdtempSync(join(tmpdir(), 'dvc-storefile-'));
    // 20 checks every 200 ms: raw results are written every second while the copies are made.
    const { config } = writeConfig(dir, smtp.port, { checks: 20 });
    const daemon = startDaemon(config);
    await started(daemon);
    statusOf.set('/extra-3', 503);
    await daemon.waitForLog((line) => line.msg === 'incident opened');
    for (let copy = 1; copy <= 3; copy++) {
      const out = join(dir, `copy-${copy}.db`);
      const result = await runCli(['backup', '--config', config, '--out', out]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(out);
      expect(integrityOf(out)).toBe('ok');
      expect(existsSync(`${out}.partial`)).toBe(false);
      const db = new Database(out, { readonly: true });
      // The open incident is in every copy (on a loaded machine other checks may time out too).
      expect(db.prepare("SELECT check_name FROM incidents WHERE resolved_at IS NULL AND check_name = 'dvcqg-extra-3'").all()).toHaveLength(1);
      db.close();
    }
    expect(daemon.child.exitCode).toBeNull();
  }, 90_000);

  it('`backup` exits 2 on usage and config mistakes, 1 when there is no store, 0 with --help', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dvc-storefile-'));
    const { config } = writeConfig(dir, 2525);
    const noOut = await runCli(['backup', '--config', config]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('backup needs --out PATH');
    const badConfig = join(dir, 'broken.yaml');
    writeFileSync(badConfig, 'storage: { path: 3 }\nchecks: []\n');
    expect((await runCli(['backup', '--config', badConfig, '--out', join(dir, 'x.db')])).code).toBe(2);
    const missing = await runCli(['backup', '--config', config, '--out', join(dir, 'x.db')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    const help = await runCli(['backup', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('dvc-sentinel backup');
  }, 60_000);

  it('storage.backup makes a copy every `every` and keeps the newest `keep`', async () => {
    const smtp = await startSmtpServer();
    smtpServers.push(smtp);
    const dir = mkdtempSync(join(tmpdir(), 'dvc-storefile-'));
    const backups = join(dir, 'backups');
    const { config } = writeConfig(dir, smtp.port, { storage: `, backup: { path: "${backups}", every: 1s, keep: 3 }` });
    const daemon = startDaemon(config);
    await started(daemon);
    await daemon.waitForLog(() => daemon.logs().filter((line) => line.msg === 'store backup written').length >= 5, 20_000);
    const copies = readdirSync(backups).filter((name) => name.endsWith('.db'));
    // The fifth copy's rotation has run: three kept, named by the local time (UTC+7) they were made.
    expect(copies.length).toBe(3);
    for (const name of copies) {
      expect(name).toMatch(/^sentinel-\d{8}-\d{6}\.db$/);
      expect(integrityOf(join(backups, name))).toBe('ok');
    }
    const newest = copies.sort().at(-1)!;
    const stamp = /(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(newest)!.slice(1).map(Number) as [number, number, number, number, number, number];
    const madeAt = Date.UTC(stamp[0], stamp[1] - 1, stamp[2], stamp[3] - 7, stamp[4], stamp[5]);
    expect(Math.abs(Date.now() - madeAt)).toBeLessThan(10_000);
  }, 60_000);
});
