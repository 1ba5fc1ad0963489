// A full disk under the running daemon: the store on a 16 MiB tmpfs (mounted here, so root only;
// skipped with the reason printed otherwise), filled to the last byte during an outage. The outage
// must still be seen and told: the check critical on /api/status, /healthz 503, write errors
// counted, the "opened" mail sent. When space returns, what was decided meanwhile is written once:
// one "opened" and one "resolved" mail in all, and a clean integrity check.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { startCli, stopChild, type CliProcess } from '../support/cli-process.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer, dutyMailYaml } from '../support/smtp-server.ts';
import { compiledCli, reportFigures } from './figures.ts';

let dir: string | undefined;
let mounted: string | undefined;
let target: Server | undefined;
let smtp: TestSmtpServer | undefined;
let daemon: CliProcess | undefined;
let down = false;

afterAll(async () => {
  if (daemon) await stopChild(daemon.child, 5000);
  if (target) {
    target.closeAllConnections();
    await new Promise((resolve) => target!.close(resolve));
  }
  await smtp?.close();
  if (mounted) execFileSync('umount', [mounted]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Mounts a small tmpfs, or says why it cannot. */
function mountSmallDisk(at: string): string | undefined {
  if (process.getuid?.() !== 0) return `needs root to mount a tmpfs (running as uid ${process.getuid?.()})`;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', at], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mount -t tmpfs refused: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
}

/** Writes zeros until the file system refuses; returns the bytes written. */
function fill(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch {
    return written;
  } finally {
    closeSync(fd);
  }
}

/** Seconds from now until `seen` holds (polled every 200 ms), or undefined when it did not within timeoutMs. */
async function within(timeoutMs: number, seen: () => Promise<boolean>): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (await seen().catch(() => false)) return (performance.now() - start) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}

const isFiring = (mail: ReceivedMail): boolean => /^\[SỰ CỐ\]/.test(mail.parsed.subject ?? '');
const isResolved = (mail: ReceivedMail): boolean => /ĐÃ KHẮC PHỤC/.test(mail.parsed.subject ?? '');

it('sees and tells an outage while the store cannot be written, and writes it once space returns', async (context) => {
  dir = mkdtempSync(join(tmpdir(), 'dvc-diskfull-'));
  const disk = join(dir, 'disk');
  mkdirSync(disk);
  const refused = mountSmallDisk(disk);
  if (refused !== undefined) {
    reportFigures('disk-full', `skipped: ${refused}`);
    context.skip(refused);
    return;
  }
  mounted = disk;

  target = createServer((_request, response) => {
    response.writeHead(down ? 503 : 200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(down ? 'bảo trì' : 'Dịch vụ công');
  });
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
  smtp = await startSmtpServer();
  const store = join(disk, 'sentinel.db');
  const config = join(dir, 'sentinel.yaml');
  writeFileSync(
    config,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${store}" }`,
      'defaults: { interval: 300ms, timeout: 250ms, failureThreshold: 1, successThreshold: 1 }',
      'alerting:',
      '  groupWait: 300ms',
      // The resolved mail follows the firing within groupInterval (default 1m): shorter than the case's wait.
      '  groupInterval: 200ms',
      '  flapping: { recoveryHold: 0s }',
      ...dutyMailYaml(smtp.port),
      'checks:',
      `  - { name: dvcqg-home, system: national-portal, kind: http, url: "http://127.0.0.1:${(target.address() as AddressInfo).port}/home" }`,
      '',
    ].join('\n'),
  );
  daemon = startCli(['run', '--config', config], {}, compiledCli());
  const url = (await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started', 60_000)).url as string;
  await new Promise((resolve) => setTimeout(resolve, 1000));

  const filler = join(disk, 'filler');
  const filled = fill(filler);
  down = true;
  const seenCritical = await within(20_000, async () => {
    const status = (await (await fetch(`${url}/api/status`)).json()) as { checks: { name: string; status: string }[] };
    return status.checks.some((check) => check.name === 'dvcqg-home' && check.status === 'critical');
  });
  const health = await fetch(`${url}/healthz`);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const writeErrors = Number(/^dvc_store_write_errors_total(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? 0);
  const mailedAfter = await within(20_000, () => Promise.resolve(smtp!.mails.some(isFiring)));

  rmSync(filler);
  down = false;
  // No resolved mail can follow an opened mail that never went.
  if (mailedAfter !== undefined) await within(30_000, () => Promise.resolve(smtp!.mails.some(isResolved)));
  for (let seen = smtp.mails.length; ; seen = smtp.mails.length) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    if (smtp.mails.length === seen) break;
  }
  await stopChild(daemon.child, 5000);
  const db = new Database(store, { readonly: true, fileMustExist: true });
  const integrity = db.pragma('integrity_check', { simple: true }) as string;
  db.close();
  const firing = new Set(smtp.mails.filter(isFiring).map((mail) => mail.parsed.messageId)).size;
  const resolved = new Set(smtp.mails.filter(isResolved).map((mail) => mail.parsed.messageId)).size;
  const after = (seconds: number | undefined): string => (seconds === undefined ? 'never (20 s)' : `after ${seconds.toFixed(1)} s`);

  reportFigures(
    'disk-full',
    `16 MiB tmpfs filled (${(filled / 1048576).toFixed(1)} MiB), critical ${after(seenCritical)}, /healthz ${health.status}, ` +
      `write errors ${writeErrors}, opened mail ${after(mailedAfter)}; space back: ${firing} opened + ${resolved} resolved mails, integrity_check ${integrity}`,
  );
  expect(seenCritical).toBeDefined();
  expect(health.status).toBe(503);
  expect(writeErrors).toBeGreaterThan(0);
  expect(firing).toBe(1);
  expect(resolved).toBe(1);
  expect(integrity).toBe('ok');
});
