// A real daemon process whose wall clock is stepped from outside, as `date -s` or NTP would do it:
// Debian's libfaketime preloaded into it, reading the offset from a file at every call
// (FAKETIME_TIMESTAMP_FILE, FAKETIME_NO_CACHE=1) and leaving CLOCK_MONOTONIC alone
// (FAKETIME_DONT_FAKE_MONOTONIC=1), with a real SMTP server and a real HTTP target. The wall clock
// steps back an hour while an outage settles, then forward two hours while it lasts: the first mail
// still goes out at groupWait, no reminder follows, and the resolved mail gives the true length.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from './support/cli-process.ts';
import { startSmtpServer, type TestSmtpServer, dutyMailYaml } from './support/smtp-server.ts';

/** libfaketime from Debian's faketime package (under the multiarch directory), if installed. */
function findLibfaketime(): string | undefined {
  for (const dir of readdirSync('/usr/lib')) {
    const candidate = join('/usr/lib', dir, 'faketime', 'libfaketime.so.1');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const libfaketime = findLibfaketime();
if (libfaketime === undefined) console.log('daemon-faketime: skipped, libfaketime not installed (apt-get install faketime; .ci/run installs it)');

let failing = false;
let target: Server;
let targetUrl: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  target = createServer((_req, res) => {
    res.writeHead(failing ? 503 : 200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(failing ? 'down' : 'Dịch vụ công');
  });
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/home`;
});

afterAll(async () => {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  failing = false;
});

const STEPPED = 'wall clock stepped; waits and durations go on unchanged, schedules follow the new time';

describe.skipIf(libfaketime === undefined)('a real daemon under faketime', () => {
  it('a step back then forward while an outage is open changes no wait and no duration', async () => {
    const smtp: TestSmtpServer = await startSmtpServer();
    cleanups.push(() => smtp.close());
    const dir = mkdtempSync(join(tmpdir(), 'dvc-faketime-'));
    const offsetFile = join(dir, 'faketime-offset');
    writeFileSync(offsetFile, '+0\n');
    const config = join(dir, 'sentinel.yaml');
    writeFileSync(
      config,
      [
        'server: { listen: "127.0.0.1:0" }',
        `storage: { path: "${join(dir, 'sentinel.db')}" }`,
        'defaults: { interval: 200ms, timeout: 150ms, failureThreshold: 1, successThreshold: 1 }',
        'alerting:',
        '  groupWait: 3s',
        '  groupInterval: 400ms',
        '  repeatInterval: 1h',
        '  flapping: { recoveryHold: 0s }',
        ...dutyMailYaml(smtp.port),
        'checks:',
        `  - { name: dvcqg-home, system: national-portal, kind: http, url: "${targetUrl}" }`,
        '',
      ].join('\n'),
    );
    const daemon: CliProcess = startCli(['run', '--config', config], {
      LD_PRELOAD: libfaketime,
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
      FAKETIME_TIMESTAMP_FILE: offsetFile,
      FAKETIME_NO_CACHE: '1',
    });
    cleanups.push(() => {
      if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
    });
    await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started', 30_000);

    failing = true;
    const outageBegan = Date.now();
    await daemon.waitForLog((line) => line.msg === 'incident opened');
    const openedAt = Date.now();
    writeFileSync(offsetFile, '-3600\n');
    const [firing] = await smtp.waitForMails(1, 30_000);
    const waitedSeconds = (firing!.receivedAt.getTime() - openedAt) / 1000;
    expect(firing!.parsed.subject).toMatch(/^\[SỰ CỐ\] .*dvcqg-home/);
    expect(waitedSeconds).toBeGreaterThanOrEqual(2);
    expect(waitedSeconds).toBeLessThan(10);
    expect((await daemon.waitForLog((line) => line.msg === STEPPED)).stepSeconds).toBe(-3600);
    // The Date header shows the process's wall clock: an hour behind the real one.
    expect(Math.abs(firing!.parsed.date!.getTime() - (firing!.receivedAt.getTime() - 3_600_000))).toBeLessThan(15_000);

    writeFileSync(offsetFile, '+3600\n');
    // The tick that saw the step ran the reminder rule in the same breath (repeatInterval 1h).
    await daemon.waitForLog((line) => line.msg === STEPPED && line.stepSeconds === 7200);
    failing = false;
    const outageEnded = Date.now();
    const mails = await smtp.waitForMails(2, 30_000);
    const subjects = smtp.mails.map((mail) => mail.parsed.subject ?? '');
    expect(subjects[1]).toMatch(/^\[ĐÃ KHẮC PHỤC\] .*dvcqg-home/);
    expect(subjects.some((subject) => subject.includes('VẪN ĐANG'))).toBe(false);
    const text = mails[1]!.parsed.text ?? '';
    expect(text).not.toMatch(/\d+ giờ/);
    const seconds = Number(/(\d+) giây/.exec(text)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(3);
    expect(seconds).toBeLessThanOrEqual(Math.ceil((outageEnded - outageBegan) / 1000) + 2);
    const outageSeconds = ((mails[1]!.receivedAt.getTime() - outageBegan) / 1000).toFixed(1);
    console.log(
      `clock steps under faketime (-1 h, then +2 h): first mail ${waitedSeconds.toFixed(1)} s after the opening (groupWait 3 s), ` +
        `resolved mail says ${seconds} s for an outage of ${((outageEnded - outageBegan) / 1000).toFixed(1)} s (to the resolved mail ${outageSeconds} s), 0 reminders`,
    );
    // A child process through tsx on a loaded machine: starting it alone can take seconds.
  }, 90_000);
});
