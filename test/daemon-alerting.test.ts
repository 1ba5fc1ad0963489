// End to end, alerting: the real daemon as a child process, a real SMTP server receiving the mail,
// real local targets switched between healthy and failing, SIGKILL in the middle.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from './support/cli-process.ts';
import { startSmtpServer, type TestSmtpServer, dutyMailYaml } from './support/smtp-server.ts';
import { startStatusTarget, type StatusTarget } from './support/status-target.ts';

/** Path → HTTP status the target answers; anything unlisted answers 200. */
const statusOf = new Map<string, number>();
let target: StatusTarget;
let targetUrl: string;
const running: CliProcess[] = [];
const smtpServers: { close(): Promise<void> }[] = [];

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

interface Setup {
  readonly smtpPort: number;
  readonly checks: readonly string[];
  readonly alerting?: string;
  readonly groupWait?: string;
  readonly failureThreshold?: number;
}

function writeConfig(dir: string, setup: Setup): string {
  const file = join(dir, 'sentinel.yaml');
  writeFileSync(
    file,
    [
      'server: { listen: "127.0.0.1:0" }',
      `storage: { path: "${join(dir, 'state', 'sentinel.db')}" }`,
      `defaults: { interval: 200ms, timeout: 150ms, failureThreshold: ${setup.failureThreshold ?? 1}, successThreshold: 1 }`,
      'alerting:',
      `  groupWait: ${setup.groupWait ?? '300ms'}`,
      '  flapping: { recoveryHold: 0s }',
      '  groupInterval: 400ms',
      ...dutyMailYaml(setup.smtpPort),
      ...(setup.alerting ? setup.alerting.split('\n').map((line) => `  ${line}`) : []),
      'checks:',
      ...setup.checks.map((check) => `  - ${check}`),
      '',
    ].join('\n'),
  );
  return file;
}

const http = (name: string, path: string, extra = '') => `{ name: ${name}, system: national-portal, kind: http, url: "${targetUrl}${path}"${extra} }`;

function startDaemon(config: string, extraArgs: string[] = []): CliProcess {
  const daemon = startCli(['run', '--config', config, ...extraArgs]);
  running.push(daemon);
  return daemon;
}

async function started(daemon: CliProcess): Promise<void> {
  await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started');
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

const subjects = (smtp: TestSmtpServer) => smtp.mails.map((mail) => mail.parsed.subject ?? '');

describe('alert mail from the daemon', () => {
  it('sends exactly one firing and one resolved mail per outage, in one thread', async () => {
    const smtp = await startSmtpServer();
    smtpServers.push(smtp);
    const dir = mkdtempSync(join(tmpdir(), 'dvc-alert-'));
    const daemon = startDaemon(writeConfig(dir, { smtpPort: smtp.port, checks: [http('dvcqg-home', '/home')] }));
    await started(daemon);
    statusOf.set('/home', 503);
    const [firing] = await smtp.waitForMails(1, 15_000);
    expect(firing!.parsed.subject).toMatch(/^\[SỰ CỐ\] .*dvcqg-home.*\(http_status\)/);
    expect(firing!.parsed.text).toContain('dvcqg-home');
    statusOf.delete('/home');
    const mails = await smtp.waitForMails(2, 15_000);
    expect(mails[1]!.parsed.subject).toMatch(/^\[ĐÃ KHẮC PHỤC\] .*dvcqg-home/);
    await quiet(smtp, 1500);
    expect(subjects(smtp)).toHaveLength(2);
    const references = [mails[1]!.parsed.references ?? []].flat();
    const firingIds = [firing!.parsed.messageId, ...[firing!.parsed.references ?? []].flat()];
    expect(references.some((id) => firingIds.includes(id))).toBe(true);
  });

  it('hands the first firing to the mail server within failureThreshold × interval + groupWait + 1 s of the outage', async () => {
    const smtp = await startSmtpServer();
    smtpServers.push(smtp);
    const dir = mkdtempSync(join(tmpdir(), 'dvc-alert-'));
    // groupWait well above the interval: waiting it twice (settling, then the outbox) would show.
    const [intervalSeconds, failureThreshold, groupWaitSeconds] = [0.2, 2, 3];
    const daemon = startDaemon(writeConfig(dir, { smtpPort: smtp.port, checks: [http('dvcqg-home', '/home')], groupWait: '3s', failureThreshold }));
    await started(daemon);
    const outageBegan = Date.now();
    statusOf.set('/home', 503);
    const [mail] = await smtp.waitForMails(1, 15_000);
    const delaySeconds = (mail!.receivedAt.getTime() - outageBegan) / 1000;
    expect(mail!.parsed.subject).toMatch(/^\[SỰ CỐ\] .*dvcqg-home/);
    expect(delaySeconds).toBeGreaterThanOrEqual(groupWaitSeconds);
    expect(delaySeconds).toBeLessThanOrEqual(failureThreshold * intervalSeconds + groupWaitSeconds + 1);
  });

  it('groups a five-check cascade into one mail', async () => {
    const smtp = await startSmtpServer();
    smtpServers.push(smtp);
    const dir = mkdtempSync(join(tmpdir(), 'dvc-alert-'));
    const names = ['dvcqg-a', 'dvcqg-b', 'dvcqg-c', 'dvcqg-d', 'dvcqg-e'];
    const daemon = startDaemon(writeConfig(dir, { smtpPort: smtp.port, checks: names.map((name) => http(name, `/${name}`)) }));
    await started(daemon);
    for (const name of names) statusOf.set(`/${name}`, 503);
    const [mail] = await smtp.waitForMails(1, 15_000);
    await quiet(smtp, 1500);
    expect(smtp.mails).toHaveLength(1);
    for (const name of names) expect(mail!.parsed.text).toContain(name);
    expect(mail!.parsed.subject).toMatch(/5/);
  });

  it("lets a dependent check ride along in its parent's mail", async () => {
    const smtp = await startSmtpServer();
    smtpServers.push(smtp);
    const dir = mkdtempSync(join(tmpdir(), 'dvc-alert-'));
    const daemon = startDaemon(
      writeConfig(dir, { smtpPort: smtp.port, checks: [http('dvcqg-gateway', '/gateway'), http('dvcqg-api', '/api', ', dependsOn: [dvcqg-gateway]')] }),
    );
    await started(daemon);
    statusOf.set('/gateway', 503);
    statusOf.set('/api', 503);
    const [mail] = await smtp.waitForMails(1, 15_000);
    await quiet(smtp, 1500);
    expect(smtp.mails).toHaveLength(1);
    expect(mail!.parsed.subject).toContain('dvcqg-gateway');
    expect(mail!.parsed.subject).not.toContain('dvcqg-api');
    expect(mail!.parsed.text).toContain('dvcqg-api');
    // Both recover together (in whichever order the probes see it): one resolved mail, for the
    // parent, lists the child with its own duration. Suppression never hides a recovery.
    statusOf.clear();
    const mails = await smtp.waitForMails(2, 15_000);
    expect(mails[1]!.parsed.subject).toMatch(/^\[ĐÃ KHẮC PHỤC\] .*dvcqg-gateway/);
    expect(mails[1]!.parsed.text).toContain('dvcqg-api');
    await quiet(smtp, 1500);
    expect(smtp.mails).toHaveLength(2);
  });

  it('stays silent during a maintenance window and fires when it ends', async () => {
    const smtp = await startSmtpServer();
    smtpServers.push(smtp);
    const dir = mkdtempSync(join(tmpdir(), 'dvc-alert-'));
    const start = new Date(Date.now() - 60_000);
    const end = new Date(Date.now() + 6_000);
    const daemon = startDaemon(
      writeConfig(dir, {
        smtpPort: smtp.port,
        checks: [http('dvcqg-home', '/home')],
        alerting: `maintenance:\n  - { name: cutover, start: "${start.toISOString()}", end: "${end.toISOString()}", checks: ["dvcqg-*"] }`,
      }),
    );
    await started(daemon);
    statusOf.set('/home', 503);
    await daemon.waitForLog((line) => line.msg === 'incident opened');
    expect(Date.now()).toBeLessThan(end.getTime());
    const mails = await smtp.waitForMails(1, 20_000);
    expect(mails[0]!.receivedAt.getTime()).toBeGreaterThanOrEqual(end.getTime());
    await quiet(smtp, 1500);
    const text = smtp.mails.map((mail) => `${mail.parsed.subject}\n${mail.parsed.text}`).join('\n');
    expect(text).toContain('dvcqg-home');
    expect(text).toMatch(/HẾT BẢO TRÌ|cutover/);
  });

  it('keeps mail queued while the SMTP server is down and delivers each once, in order', async () => {
    const probe = await startSmtpServer();
    const port = probe.port;
    await probe.close();
    const dir = mkdtempSync(join(tmpdir(), 'dvc-alert-'));
    const daemon = startDaemon(writeConfig(dir, { smtpPort: port, checks: [http('dvcqg-home', '/home')] }));
    await started(daemon);
    statusOf.set('/home', 503);
    await daemon.waitForLog((line) => line.msg === 'incident opened');
    statusOf.delete('/home');
    await daemon.waitForLog((line) => line.msg === 'incident resolved');
    // Several failed attempts before the server comes back.
    await daemon.waitForLog(() => daemon.logs().filter((line) => line.msg === 'mail not delivered; will retry').length >= 3, 20_000);
    const smtp = await startSmtpServer({ port });
    smtpServers.push(smtp);
    await smtp.waitForMails(1, 20_000);
    await quiet(smtp, 2000);
    const all = subjects(smtp).join('\n');
    expect(all).toMatch(/SỰ CỐ|ĐÃ KHẮC PHỤC/);
    const ids = smtp.mails.map((mail) => mail.parsed.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    // Firing before resolved, whether they went as one mail or two.
    const firingAt = all.indexOf('SỰ CỐ');
    const resolvedAt = all.indexOf('KHẮC PHỤC');
    if (smtp.mails.length > 1) expect(firingAt).toBeLessThan(resolvedAt);
    expect(`${smtp.mails.map((mail) => mail.parsed.text).join('\n')}`).toContain('dvcqg-home');
  });

  it('survives SIGKILL mid-incident: no second "opened" mail, and the resolution is still mailed', async () => {
    const smtp = await startSmtpServer();
    smtpServers.push(smtp);
    const dir = mkdtempSync(join(tmpdir(), 'dvc-alert-'));
    const config = writeConfig(dir, { smtpPort: smtp.port, checks: [http('dvcqg-home', '/home')] });
    const first = startDaemon(config);
    await started(first);
    statusOf.set('/home', 503);
    await first.waitForLog((line) => line.msg === 'mail delivered');
    first.child.kill('SIGKILL');
    await first.exited;
    const second = startDaemon(config);
    await started(second);
    expect(second.logs().some((line) => line.msg === 'open incidents restored from the store')).toBe(true);
    // Still down for several probes after the restart: no new firing.
    await quiet(smtp, 2000);
    expect(smtp.mails).toHaveLength(1);
    statusOf.delete('/home');
    const mails = await smtp.waitForMails(2, 15_000);
    expect(mails[1]!.parsed.subject).toMatch(/ĐÃ KHẮC PHỤC/);
    await quiet(smtp, 1000);
    expect(smtp.mails).toHaveLength(2);
  });

  it('survives SIGKILL mid-delivery: the mail is re-sent with the same Message-ID, never as a new "opened" mail', async () => {
    // A mail server that takes the message but holds its answer until told: the daemon dies
    // between the server's acceptance and its own delivery mark.
    const received: ParsedMail[] = [];
    let release: (() => void) | undefined;
    let holding = true;
    const gotFirst = new Promise<void>((resolve) => {
      release = resolve;
    });
    let answerHeld: (() => void) | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => {
          received.push(mail);
          if (holding) {
            holding = false;
            answerHeld = () => callback();
            release?.();
          } else {
            callback();
          }
        }, callback);
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    smtpServers.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const port = (server.server.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'dvc-alert-'));
    const config = writeConfig(dir, { smtpPort: port, checks: [http('dvcqg-home', '/home')] });
    const first = startDaemon(config);
    await started(first);
    statusOf.set('/home', 503);
    await gotFirst;
    first.child.kill('SIGKILL');
    await first.exited;
    answerHeld?.();
    const second = startDaemon(config);
    await started(second);
    await second.waitForLog((line) => line.msg === 'mail delivered', 15_000);
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received[1]!.messageId).toBe(received[0]!.messageId);
    expect(received[1]!.subject).toBe(received[0]!.subject);
    // Recovery after the restart is still mailed, in the same thread.
    statusOf.delete('/home');
    await second.waitForLog((line) => line.msg === 'mail delivered' && String(line.subject).includes('KHẮC PHỤC'), 15_000);
    const firingIds = new Set(received.filter((mail) => /SỰ CỐ/.test(mail.subject ?? '')).map((mail) => mail.messageId));
    expect(firingIds.size).toBe(1);
  });
});

describe('the store file', () => {
  it('refuses a corrupt database with a clear error, and starts fresh with --fresh-store', async () => {
    const smtp = await startSmtpServer();
    smtpServers.push(smtp);
    const dir = mkdtempSync(join(tmpdir(), 'dvc-alert-'));
    const config = writeConfig(dir, { smtpPort: smtp.port, checks: [http('dvcqg-home', '/home')] });
    const first = startDaemon(config);
    await started(first);
    first.child.kill('SIGTERM');
    await first.exited;
    writeFileSync(join(dir, 'state', 'sentinel.db'), Buffer.alloc(8192, 0x5a));
    const refused = startDaemon(config);
    const { code } = await refused.exited;
    expect(code).toBe(1);
    expect(refused.stderr()).toContain(join(dir, 'state', 'sentinel.db'));
    expect(refused.stderr()).toContain('--fresh-store');
    const fresh = startDaemon(config, ['--fresh-store']);
    await started(fresh);
    const warning = fresh.logs().find((line) => line.level === 40 && JSON.stringify(line).includes('corrupt'));
    expect(warning).toBeDefined();
    expect(readdirSync(join(dir, 'state')).some((name) => name.includes('.corrupt-'))).toBe(true);
  });

  it('creates a missing database and its directory', async () => {
    const smtp = await startSmtpServer();
    smtpServers.push(smtp);
    const dir = mkdtempSync(join(tmpdir(), 'dvc-alert-'));
    const daemon = startDaemon(writeConfig(dir, { smtpPort: smtp.port, checks: [http('dvcqg-home', '/home')] }));
    await started(daemon);
    expect(existsSync(join(dir, 'state', 'sentinel.db'))).toBe(true);
  });
});
