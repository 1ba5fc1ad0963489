// Wall-clock steps under the whole daemon, in this process: the daemon is given a wall clock that
// runs with real time and that the test steps by an hour (as NTP or an operator would), while its
// monotonic clock is the system's. Real timers, a real SMTP server, real HTTP targets and a real
// SQLite store, so every part that waits (the incident rules, the ticker, the outbox and its
// retries) runs as in production. A step must change no wait and no duration; the mail's Date
// header follows the wall clock.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../src/clock.ts';
import { startDaemon, type Daemon } from '../src/daemon.ts';
import { startSmtpServer, type TestSmtpServer, dutyMailYaml } from './support/smtp-server.ts';
import { createCapturedLog, type CapturedLog } from './support/temp-database.ts';
import { waitFor } from './support/wait-for.ts';
import { startStatusTarget, type StatusTarget } from './support/status-target.ts';

const HOUR_MS = 3_600_000;

/** Path → HTTP status the target answers; anything unlisted answers 200. */
const statusOf = new Map<string, number>();
let target: StatusTarget;
let targetUrl: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  target = await startStatusTarget(statusOf);
  targetUrl = target.url;
});

afterAll(() => target.close());

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  statusOf.clear();
});

/** Real time, stepped by the test: what `date -s` does to a running process. */
function steppableWall(): { readonly clock: Clock; step(ms: number): void } {
  let offsetMs = 0;
  return {
    clock: () => new Date(Date.now() + offsetMs),
    step(ms) {
      offsetMs += ms;
    },
  };
}

function writeConfig(smtpPort: number, groupWait: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dvc-steps-'));
  const file = join(dir, 'sentinel.yaml');
  writeFileSync(
    file,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${join(dir, 'sentinel.db')}" }`,
      'defaults: { interval: 200ms, timeout: 150ms, failureThreshold: 1, successThreshold: 1 }',
      'alerting:',
      `  groupWait: ${groupWait}`,
      '  groupInterval: 400ms',
      '  repeatInterval: 1h',
      '  flapping: { recoveryHold: 0s }',
      ...dutyMailYaml(smtpPort),
      'checks:',
      `  - { name: dvcqg-home, system: national-portal, kind: http, url: "${targetUrl}/home" }`,
      '',
    ].join('\n'),
  );
  return file;
}

async function start(smtpPort: number, groupWait: string, wall: Clock): Promise<{ daemon: Daemon; log: CapturedLog }> {
  const log = createCapturedLog();
  const daemon = await startDaemon({ configFile: writeConfig(smtpPort, groupWait), log: log.log, clock: wall });
  cleanups.push(() => daemon.stop(1000));
  return { daemon, log };
}

async function smtpServer(): Promise<TestSmtpServer> {
  const smtp = await startSmtpServer();
  cleanups.push(() => smtp.close());
  return smtp;
}

/** Resolves with the real time the log line was first seen. */
async function logged(log: CapturedLog, msg: string, timeoutMs = 15_000): Promise<number> {
  await waitFor(
    msg,
    async () => log.lines(),
    (lines) => lines.some((line) => line.msg === msg),
    timeoutMs,
    20,
  );
  return Date.now();
}

const subjects = (smtp: TestSmtpServer) => smtp.mails.map((mail) => mail.parsed.subject ?? '');

describe('a step of the wall clock under the daemon', () => {
  it('a step back of one hour does not hold the first outage mail: it goes out groupWait after the opening', async () => {
    const smtp = await smtpServer();
    const wall = steppableWall();
    const { log } = await start(smtp.port, '2s', wall.clock);
    statusOf.set('/home', 503);
    const openedAt = await logged(log, 'incident opened');
    wall.step(-HOUR_MS);
    const [firing] = await smtp.waitForMails(1, 20_000);
    const waitedSeconds = (firing!.receivedAt.getTime() - openedAt) / 1000;
    expect(firing!.parsed.subject).toMatch(/^\[SỰ CỐ\] .*dvcqg-home/);
    // groupWait (2 s), less the time the log line took to be seen, plus a loaded machine's delay.
    expect(waitedSeconds).toBeGreaterThanOrEqual(1.5);
    expect(waitedSeconds).toBeLessThan(8);
    // The Date header is a stamp shown to people: the wall clock, an hour back.
    const shownMs = firing!.parsed.date!.getTime();
    expect(Math.abs(shownMs - (firing!.receivedAt.getTime() - HOUR_MS))).toBeLessThan(10_000);
  });

  it('a step forward of one hour sends no reminder, and the resolved mail gives the true length of the outage', async () => {
    const smtp = await smtpServer();
    const wall = steppableWall();
    const { log } = await start(smtp.port, '500ms', wall.clock);
    statusOf.set('/home', 503);
    const outageBegan = Date.now();
    await smtp.waitForMails(1, 15_000);
    wall.step(HOUR_MS);
    // The tick that saw the step also ran the reminder rule (repeatInterval is 1h), in the same breath.
    await logged(log, 'wall clock stepped; waits and durations go on unchanged, schedules follow the new time');
    statusOf.delete('/home');
    const outageEnded = Date.now();
    const mails = await smtp.waitForMails(2, 15_000);
    expect(subjects(smtp)[1]).toMatch(/^\[ĐÃ KHẮC PHỤC\] .*dvcqg-home/);
    expect(subjects(smtp).some((subject) => subject.includes('VẪN ĐANG'))).toBe(false);
    const resolved = mails[1]!.parsed.text ?? '';
    expect(resolved).not.toMatch(/\d+\s*giờ/);
    const seconds = Number(/(\d+) giây/.exec(resolved)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(Math.ceil((outageEnded - outageBegan) / 1000) + 2);
    const stepped = log.lines().find((line) => line.msg?.toString().startsWith('wall clock stepped'));
    expect(stepped?.stepSeconds).toBe(3600);
  });

  it('a step back while a mail waits for its retry does not hold the retry for an hour', async () => {
    // A port nobody listens on yet: the first attempts fail, then the server comes up there.
    const probe = await startSmtpServer();
    const port = probe.port;
    await probe.close();
    const wall = steppableWall();
    const { log } = await start(port, '200ms', wall.clock);
    statusOf.set('/home', 503);
    await logged(log, 'mail not delivered; will retry');
    wall.step(-HOUR_MS);
    const smtp = await startSmtpServer({ port });
    cleanups.push(() => smtp.close());
    const [firing] = await smtp.waitForMails(1, 15_000);
    expect(firing!.parsed.subject).toMatch(/^\[SỰ CỐ\] .*dvcqg-home/);
  });
});
