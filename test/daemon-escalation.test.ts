// End to end, escalation: the real daemon as a child process and a real SMTP server. An outage
// nobody acknowledges is escalated once, `after` its firing mail, to the step's address only; every
// alert mail names who is on duty; a SIGKILL and a restart after the step never send it again.
// (Email only: the named channels' receivers are tested with their channels.)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from './support/cli-process.ts';
import { startSmtpServer, type TestSmtpServer } from './support/smtp-server.ts';

const TRUCBAN = 'trucban@angiang.gov.vn';
const GIAMDOC = 'giamdoc@skhcn.angiang.gov.vn';
let failing = false;
let target: Server;
let targetUrl: string;
const running: CliProcess[] = [];
const smtpServers: TestSmtpServer[] = [];

beforeAll(async () => {
  target = createServer((_req, res) => {
    res.writeHead(failing ? 503 : 200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(failing ? 'down' : 'Dịch vụ công');
  });
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
});

afterEach(async () => {
  for (const daemon of running.splice(0)) if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
  for (const server of smtpServers.splice(0)) await server.close();
  failing = false;
});

function writeConfig(dir: string, smtpPort: number): string {
  const file = join(dir, 'sentinel.yaml');
  writeFileSync(
    file,
    `server: { listen: "127.0.0.1:0" }
storage: { path: "${join(dir, 'state', 'sentinel.db')}" }
defaults: { interval: 200ms, timeout: 150ms, failureThreshold: 1, successThreshold: 1 }
alerting:
  groupWait: 300ms
  flapping: { recoveryHold: 0s }
  groupInterval: 400ms
  repeatInterval: 1h
  email:
    smtp: { host: 127.0.0.1, port: ${smtpPort}, timeout: 2s }
    from: "dvc-sentinel <giamsat@angiang.gov.vn>"
    to: ["${TRUCBAN}"]
    retry: { first: 200ms, max: 1s }
  escalation:
    - after: 3s
      notify: ["${GIAMDOC}"]
roster:
  organisations:
    - name: Công an tỉnh PC06
      focalPoints: [{ name: Trực ban PC06, phone: "+84296111222" }]
  shifts:
    - { name: Ca sáng, from: "00:00", to: "12:00", people: [{ name: Nguyễn Văn An, phone: "+84912000001" }] }
    - { name: Ca chiều, from: "12:00", to: "00:00", people: [{ name: Nguyễn Văn An, phone: "+84912000001" }] }
checks:
  - { name: dvcqg-home, system: national-portal, kind: http, url: "${targetUrl}" }
`,
  );
  return file;
}

async function startDaemon(config: string): Promise<CliProcess> {
  const daemon = startCli(['run', '--config', config]);
  running.push(daemon);
  await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started');
  return daemon;
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

describe('escalation from the daemon', () => {
  it('escalates once, after the step, to its address only; a kill -9 and a restart do not repeat it', async () => {
    const smtp = await startSmtpServer();
    smtpServers.push(smtp);
    const dir = mkdtempSync(join(tmpdir(), 'dvc-escalation-'));
    const config = writeConfig(dir, smtp.port);
    const daemon = await startDaemon(config);
    failing = true;
    const [firing] = await smtp.waitForMails(1, 15_000);
    expect(firing!.envelope.to).toEqual([TRUCBAN]);
    expect(firing!.parsed.text).toContain('Đang trực');
    expect(firing!.parsed.text).toMatch(/Ca (sáng|chiều): Nguyễn Văn An · \+84912000001/);
    expect(firing!.parsed.text).toContain('Công an tỉnh PC06: Trực ban PC06 · +84296111222');

    const mails = await smtp.waitForMails(2, 15_000);
    const escalation = mails[1]!;
    expect(escalation.envelope.to).toEqual([GIAMDOC]);
    expect(escalation.parsed.text).toContain('Sau 3 giây sự cố chưa được tiếp nhận xử lý');
    const afterSeconds = (escalation.receivedAt.getTime() - firing!.receivedAt.getTime()) / 1000;
    expect(afterSeconds).toBeGreaterThanOrEqual(2.5);
    expect(afterSeconds).toBeLessThanOrEqual(3 + 2);

    // The test server holds a mail before it answers 250: a kill before the daemon's delivery mark
    // would allow the one frozen resend (the same Message-ID), which is not a second escalation.
    await daemon.waitForLog((line) => line.msg === 'mail delivered' && JSON.stringify(line.to) === JSON.stringify([GIAMDOC]));
    daemon.child.kill('SIGKILL');
    await once(daemon.child, 'exit');
    await startDaemon(config);
    await quiet(smtp, 2000);
    expect(smtp.mails.map((mail) => mail.envelope.to)).toEqual([[TRUCBAN], [GIAMDOC]]);
  });
});
