import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { createEmailChannel, createMailSender, type MailSender } from '../../src/alerting/channels/email.ts';
import { incidentAnchorId } from '../../src/alerting/message-id.ts';
import type { Notification, NotificationType } from '../../src/state/notification.ts';
import { createOutbox, type Outbox, type OutboxOptions } from '../../src/alerting/outbox.ts';
import type { AlertingConfig } from '../../src/config/alerting-config.ts';
import type { Incident } from '../../src/state/incident.ts';
import { routeKey } from '../../src/state/recipients.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { captureLog, makeAlerting, makeIncident, makeNotification, plainSmtp, type CapturedLog } from '../support/alerting-fixtures.ts';
import { findClosedPort } from '../support/http-servers.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';

const DOMAIN = 'angiang.gov.vn';
const TRUCBAN = ['trucban@angiang.gov.vn'];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function tempStorePath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dvc-outbox-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'sentinel.db');
}

function openTestStore(path: string, log: CapturedLog): Store {
  const store = openStore(path, { log: log.log });
  cleanups.push(() => store.close());
  return store;
}

async function smtpServer(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const server = await startSmtpServer(options);
  cleanups.push(() => server.close());
  return server;
}

interface Harness {
  readonly outbox: Outbox;
  readonly store: Store;
  readonly log: CapturedLog;
  readonly delivered: Array<{ type: NotificationType; result: string; at: number }>;
  readonly queued: number[];
  enqueue(notification: Notification): void;
  /** Resolves once `predicate` holds, checked after every delivery attempt. */
  waitForAttempts(predicate: (attempts: Harness['delivered']) => boolean, timeoutMs?: number): Promise<void>;
}

function startOutbox(store: Store, channel: MailSender, log: CapturedLog, alerting: AlertingConfig, extra: Partial<OutboxOptions> = {}): Harness {
  const delivered: Harness['delivered'] = [];
  const queued: number[] = [];
  const waiters = new Set<() => void>();
  const outbox = createOutbox({
    store,
    alerting,
    clock: systemClock,
    log: log.log,
    channels: [createEmailChannel({ sender: channel, alerting, location: 'an-giang', log: log.log })],
    onQueued: (_channel, count) => queued.push(count),
    onDelivered: (_channel, type, result) => {
      delivered.push({ type, result, at: performance.now() });
      for (const wake of waiters) wake();
    },
    ...extra,
  });
  outbox.start();
  cleanups.push(() => outbox.stop());
  return {
    outbox,
    store,
    log,
    delivered,
    queued,
    enqueue(notification) {
      store.transaction(() => store.outbox.enqueue('email', notification, routeKey(notification.to)));
      outbox.wake();
    },
    waitForAttempts(predicate, timeoutMs = 15_000) {
      if (predicate(delivered)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`delivery attempts did not reach the expected state within ${timeoutMs} ms: ${JSON.stringify(delivered)}`));
        }, timeoutMs);
        const check = () => {
          if (!predicate(delivered)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
  };
}

function smtpChannel(port: number, log: CapturedLog, alerting: AlertingConfig): MailSender {
  const channel = createMailSender({
    smtp: plainSmtp(port, { timeoutSeconds: 2 }),
    from: alerting.email.from,
    outboxDir: alerting.email.outboxDir,
    log: log.log,
  });
  cleanups.push(() => channel.close());
  return channel;
}

function firing(incident: Incident, to = TRUCBAN): Notification {
  return makeNotification('firing', { incident, to, createdAt: new Date() });
}

function referencesOf(mail: ParsedMail): string[] {
  const references = mail.references;
  return references === undefined ? [] : Array.isArray(references) ? references : references.split(/\s+/).filter(Boolean);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createOutbox: grouping', () => {
  it('sends 5 notifications of one route arising within groupWait as ONE mail, and holds a later one for groupInterval', async () => {
    const server = await smtpServer();
    const log = captureLog();
    const alerting = makeAlerting({ groupWaitSeconds: 0.8, groupIntervalSeconds: 1.2 });
    const store = openTestStore(await tempStorePath(), log);
    const harness = startOutbox(store, smtpChannel(server.port, log, alerting), log, alerting);

    const checks = ['dvcqg-home', 'dvcqg-search', 'dvcqg-login', 'dvcqg-payment', 'dvcqg-api'];
    const incidents = checks.map((check, index) => makeIncident({ check, openedAt: new Date(Date.now() - 600_000 - index * 1000) }));
    const firstEnqueuedAt = Date.now();
    // A cascade of recoveries: the checks come back one after another, all within groupWait of the first.
    for (const incident of incidents) {
      harness.enqueue(makeNotification('resolved', { incident: { ...incident, resolvedAt: new Date() }, to: TRUCBAN, createdAt: new Date() }));
      await pause(100);
    }

    const [first] = await server.waitForMails(1);
    await harness.outbox.idle();
    expect(server.mails).toHaveLength(1);
    expect(first!.receivedAt.getTime() - firstEnqueuedAt).toBeGreaterThanOrEqual(750);
    for (const check of checks) expect(first!.parsed.text).toContain(check);
    expect(first!.envelope.to).toEqual(TRUCBAN);
    expect(referencesOf(first!.parsed)).toEqual(incidents.map((incident) => incidentAnchorId(incident.id, DOMAIN)));

    const later = makeIncident({ check: 'sync-hoso', openedAt: new Date(Date.now() - 60_000) });
    harness.enqueue(makeNotification('resolved', { incident: { ...later, resolvedAt: new Date() }, to: TRUCBAN, createdAt: new Date() }));
    const [, second] = await server.waitForMails(2);
    await harness.outbox.idle();
    expect(server.mails).toHaveLength(2);
    expect(second!.receivedAt.getTime() - first!.receivedAt.getTime()).toBeGreaterThanOrEqual(1150);
    expect(second!.parsed.text).toContain('sync-hoso');
    expect(second!.parsed.text).not.toContain('dvcqg-search');

    expect(store.outbox.countQueued('email')).toBe(0);
    expect(store.outbox.undelivered('email')).toEqual([]);
    expect(harness.queued.at(-1)).toBe(0);
    expect(harness.delivered.map(({ type, result }) => `${type}:${result}`)).toEqual([...checks.map(() => 'resolved:sent'), 'resolved:sent']);
  });

  it('sends a firing the moment it is queued: the incident rules already waited its groupWait while it settled', async () => {
    const server = await smtpServer();
    const log = captureLog();
    const alerting = makeAlerting({ groupWaitSeconds: 5, groupIntervalSeconds: 60 });
    const store = openTestStore(await tempStorePath(), log);
    const harness = startOutbox(store, smtpChannel(server.port, log, alerting), log, alerting);
    // Settled: opened groupWait ago, announced now. Its short outage's resolution rides in the same mail.
    const incident = makeIncident({ openedAt: new Date(Date.now() - 5000) });
    const enqueuedAt = Date.now();
    harness.enqueue(firing(incident));
    harness.enqueue(makeNotification('resolved', { incident: { ...incident, resolvedAt: new Date() }, to: TRUCBAN, createdAt: new Date() }));
    const [mail] = await server.waitForMails(1);
    expect(mail!.receivedAt.getTime() - enqueuedAt).toBeLessThan(2000);
    await harness.outbox.idle();
    expect(server.mails).toHaveLength(1);
    expect(harness.delivered.map(({ type }) => type)).toEqual(['firing', 'resolved']);
  });

  it('keeps routes apart: each recipient set gets its own mail', async () => {
    const server = await smtpServer();
    const log = captureLog();
    const alerting = makeAlerting({ groupWaitSeconds: 0.2 });
    const store = openTestStore(await tempStorePath(), log);
    const harness = startOutbox(store, smtpChannel(server.port, log, alerting), log, alerting);
    harness.enqueue(firing(makeIncident({ check: 'dvcqg-home' })));
    harness.enqueue(firing(makeIncident({ check: 'sync-hoso' }), ['trucban@angiang.gov.vn', 'vnpt-ag@example.vn']));
    await server.waitForMails(2);
    await harness.outbox.idle();
    const byRecipients = new Map(server.mails.map((mail) => [mail.envelope.to.join(','), mail.parsed.text ?? '']));
    expect([...byRecipients.keys()].sort()).toEqual(['trucban@angiang.gov.vn', 'trucban@angiang.gov.vn,vnpt-ag@example.vn']);
    expect(byRecipients.get('trucban@angiang.gov.vn')).toContain('dvcqg-home');
    expect(byRecipients.get('trucban@angiang.gov.vn,vnpt-ag@example.vn')).toContain('sync-hoso');
  });
});

describe('createOutbox: mail server down', () => {
  it('retries with growing backoff, then delivers every queued mail exactly once, in order', async () => {
    const port = await findClosedPort();
    const log = captureLog();
    const alerting = makeAlerting({ groupWaitSeconds: 0.1, groupIntervalSeconds: 0.3 });
    const store = openTestStore(await tempStorePath(), log);
    const harness = startOutbox(store, smtpChannel(port, log, alerting), log, alerting, { backoff: { firstSeconds: 0.2, capSeconds: 0.8 } });

    const home = makeIncident({ check: 'dvcqg-home' });
    const search = makeIncident({ check: 'dvcqg-search' });
    harness.enqueue(firing(home));
    const failures = () => harness.delivered.filter((entry) => entry.result === 'failed');
    await harness.waitForAttempts(() => failures().length >= 2);
    harness.enqueue(firing(search)); // arrives while the first mail is still stuck
    await harness.waitForAttempts(() => failures().length >= 4);

    const server = await smtpServer({ port });
    const mails = await server.waitForMails(2);
    await harness.outbox.idle();
    expect(server.mails).toHaveLength(2);
    expect(mails[0]!.parsed.text).toContain('dvcqg-home');
    expect(mails[0]!.parsed.text).not.toContain('dvcqg-search');
    expect(mails[1]!.parsed.text).toContain('dvcqg-search');
    expect(mails[0]!.parsed.messageId).not.toBe(mails[1]!.parsed.messageId);
    expect(store.outbox.countQueued('email')).toBe(0);

    // Gaps between attempts follow the backoff (0.2 s, 0.4 s, then the 0.8 s cap, each ±20 %).
    const failedAt = failures().map((entry) => entry.at);
    const gaps = failedAt.slice(1).map((at, index) => at - failedAt[index]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(150);
    expect(gaps[1]).toBeGreaterThanOrEqual(300);
    expect(gaps[2]).toBeGreaterThanOrEqual(600);

    const warnings = log.lines().filter((line) => line.msg === 'mail not delivered; will retry');
    expect(warnings.length).toBe(failures().length);
    expect(warnings[0]).toMatchObject({ level: 40, code: 'ESOCKET', command: 'CONN', attempt: 1, to: TRUCBAN });
    expect(String(warnings[0]!.error)).toContain('ECONNREFUSED');
    expect(harness.delivered.filter((entry) => entry.result === 'sent').map((entry) => entry.type)).toEqual(['firing', 'firing']);
  });

  it('delivers what queued while a running mail server was stopped, once it is back on its port', async () => {
    const first = await startSmtpServer();
    const port = first.port;
    const log = captureLog();
    const alerting = makeAlerting({ groupWaitSeconds: 0.05, groupIntervalSeconds: 0.1 });
    const store = openTestStore(await tempStorePath(), log);
    const harness = startOutbox(store, smtpChannel(port, log, alerting), log, alerting, { backoff: { firstSeconds: 0.1, capSeconds: 0.3 } });
    harness.enqueue(firing(makeIncident({ check: 'dvcqg-home' })));
    await first.waitForMails(1);
    await harness.outbox.idle();
    await first.close();

    harness.enqueue(firing(makeIncident({ check: 'dvcqg-search' })));
    await harness.waitForAttempts((attempts) => attempts.filter((entry) => entry.result === 'failed').length >= 3);
    expect(store.outbox.countQueued('email')).toBe(1);
    const second = await smtpServer({ port });
    const [mail] = await second.waitForMails(1);
    await harness.outbox.idle();
    expect(second.mails).toHaveLength(1);
    expect(mail!.parsed.text).toContain('dvcqg-search');
    expect(store.outbox.countQueued('email')).toBe(0);
    expect(store.outbox.undelivered('email')).toEqual([]);
  });

  it('never logs the SMTP password', async () => {
    const server = await smtpServer({ auth: { user: 'giamsat', pass: 's3cret-smtp-pass' } });
    const log = captureLog();
    const alerting = makeAlerting({ groupWaitSeconds: 0.05 });
    const store = openTestStore(await tempStorePath(), log);
    const channel = createMailSender({
      smtp: plainSmtp(server.port, { auth: { user: 'giamsat', pass: 'wrong-pass-1234' } }),
      from: alerting.email.from,
      outboxDir: alerting.email.outboxDir,
      log: log.log,
    });
    const harness = startOutbox(store, channel, log, alerting, { backoff: { firstSeconds: 0.1, capSeconds: 0.2 } });
    harness.enqueue(firing(makeIncident()));
    await harness.waitForAttempts((attempts) => attempts.length >= 1);
    await harness.outbox.stop();
    // A refused password is final until the settings change (outbox-smtp-refusals.test.ts).
    const error = log.lines().find((line) => line.msg === 'mail refused for good; not retried');
    expect(error).toMatchObject({ code: 'EAUTH', responseCode: 535, failure: 'auth' });
    expect(log.text()).not.toContain('wrong-pass-1234');
    expect(log.text()).not.toContain('s3cret-smtp-pass');
  });
});

describe('createOutbox: restart', () => {
  it('re-sends a frozen undelivered mail with the same Message-ID and the same bytes after a restart', async () => {
    const server = await smtpServer();
    const path = await tempStorePath();
    const log = captureLog();
    const alerting = makeAlerting({ groupWaitSeconds: 0.05 });
    const store = openStore(path, { log: log.log });
    let crashed: Outbox | undefined;
    // The crash falls between the server's 250 and the delivery mark.
    const crashingStore = {
      outbox: {
        ...store.outbox,
        markDelivered: () => {
          void crashed?.stop();
          throw new Error('killed before the delivery mark');
        },
      },
    };
    const first = createOutbox({
      store: crashingStore,
      alerting,
      clock: systemClock,
      log: log.log,
      channels: [createEmailChannel({ sender: smtpChannel(server.port, log, alerting), alerting, log: log.log })],
    });
    crashed = first;
    first.start();
    store.transaction(() => store.outbox.enqueue('email', firing(makeIncident()), routeKey(TRUCBAN)));
    first.wake();
    const [sent] = await server.waitForMails(1);
    await first.stop();
    store.close();

    const reopened = openTestStore(path, log);
    const [frozen] = reopened.outbox.undelivered('email');
    expect(frozen?.messageId).toBe(sent!.parsed.messageId);

    const harness = startOutbox(reopened, smtpChannel(server.port, log, alerting), log, alerting);
    const [, resent] = await server.waitForMails(2);
    await harness.outbox.idle();
    expect(server.mails).toHaveLength(2);
    expect(resent!.parsed.messageId).toBe(sent!.parsed.messageId);
    expect(resent!.raw.equals(sent!.raw)).toBe(true);
    expect(reopened.outbox.undelivered('email')).toEqual([]);
    expect(log.lines().some((line) => line.msg === 'resuming mails frozen before the last stop')).toBe(true);
  });
});

describe('createOutbox: damaged stored mail', () => {
  it('keeps a delivery it cannot read, retries it slowly, and goes on with other routes', async () => {
    const server = await smtpServer();
    const log = captureLog();
    const alerting = makeAlerting({ groupWaitSeconds: 0.05 });
    const store = openTestStore(await tempStorePath(), log);
    const other = ['vnpt-ag@example.vn'];
    const damaged = store.transaction(() => {
      const rowId = store.outbox.enqueue('email', firing(makeIncident({ check: 'dvcqg-home' })), routeKey(TRUCBAN));
      return store.outbox.createDelivery({
        channel: 'email',
        route: 'trucban@angiang.gov.vn',
        rowIds: [rowId],
        messageId: '<dvc.1.x@angiang.gov.vn>',
        content: { version: 99 },
        now: new Date(),
      });
    });
    const harness = startOutbox(store, smtpChannel(server.port, log, alerting), log, alerting, { backoff: { firstSeconds: 0.1, capSeconds: 60 } });
    harness.enqueue(firing(makeIncident({ check: 'sync-hoso' }), other));
    const [mail] = await server.waitForMails(1);
    await harness.outbox.idle();
    expect(mail!.envelope.to).toEqual(other);
    const [kept] = store.outbox.undelivered('email');
    expect(kept).toMatchObject({ id: damaged.id, attempts: 1, lastError: 'stored mail unreadable' });
    expect(kept!.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(50_000);
    expect(log.lines().find((line) => line.msg === 'stored mail unreadable; will try again later')).toMatchObject({ level: 50, deliveryId: damaged.id });
  });
});

describe('createOutbox: threading', () => {
  it('threads firing → reminder → resolved of one incident', async () => {
    const server = await smtpServer();
    const log = captureLog();
    const alerting = makeAlerting({ groupWaitSeconds: 0.05, groupIntervalSeconds: 0.1 });
    const store = openTestStore(await tempStorePath(), log);
    const harness = startOutbox(store, smtpChannel(server.port, log, alerting), log, alerting);
    const incident = makeIncident();
    const steps: Notification[] = [
      firing(incident),
      makeNotification('reminder', { incident, to: TRUCBAN }),
      makeNotification('resolved', { incident: { ...incident, resolvedAt: new Date() }, to: TRUCBAN }),
    ];
    for (const [index, step] of steps.entries()) {
      harness.enqueue({ ...step, createdAt: new Date() });
      await server.waitForMails(index + 1);
    }
    await harness.outbox.idle();
    const [opened, reminder, resolved] = server.mails.map((mail) => mail.parsed);
    const anchor = incidentAnchorId(incident.id, DOMAIN);
    const threadIds = new Set([opened!.messageId, ...referencesOf(opened!)]);
    expect(opened!.inReplyTo).toBeUndefined();
    for (const later of [reminder!, resolved!]) {
      expect(referencesOf(later).some((id) => threadIds.has(id))).toBe(true);
      expect(later.inReplyTo).toBe(anchor);
    }
    expect(new Set(server.mails.map((mail) => mail.parsed.messageId)).size).toBe(3);
    for (const mail of server.mails) expect(mail.parsed.messageId).toMatch(/^<dvc\.\d+\.[0-9a-f]{16}@angiang\.gov\.vn>$/);
  });
});

describe('createOutbox: without smtp', () => {
  it('writes each mail as an .eml file and counts it delivered', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dvc-outbox-eml-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const log = captureLog();
    const alerting = makeAlerting({ groupWaitSeconds: 0.05, email: { outboxDir: join(dir, 'outbox-mail') } });
    const store = openTestStore(join(dir, 'sentinel.db'), log);
    const channel = createMailSender({ from: alerting.email.from, outboxDir: alerting.email.outboxDir, log: log.log });
    const harness = startOutbox(store, channel, log, alerting);
    harness.enqueue(firing(makeIncident()));
    await harness.waitForAttempts((attempts) => attempts.length === 1);
    await harness.outbox.idle();
    const files = await readdir(alerting.email.outboxDir);
    expect(files).toHaveLength(1);
    const [delivery] = store.outbox.undelivered('email');
    expect(delivery).toBeUndefined();
    expect(files[0]).toMatch(/^\d{8}-\d{6}-\d+\.eml$/);
    const parsed = await simpleParser(await readFile(join(alerting.email.outboxDir, files[0]!)));
    expect(parsed.subject).toContain('dvcqg-home');
    expect(parsed.to).toMatchObject({ text: 'trucban@angiang.gov.vn' });
    expect(harness.delivered).toMatchObject([{ type: 'firing', result: 'sent' }]);
  });
});
