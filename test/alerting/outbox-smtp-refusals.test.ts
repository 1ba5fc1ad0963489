// SMTP semantics per recipient and permanent failures, against a real smtp-server on 127.0.0.1:
// a recipient deferred (451) gets the very same mail on the retry and nobody else gets it twice; a
// recipient refused (550) is given up, counted and told on the other channels while the others get
// the mail; a mail every recipient refuses, or one the server refuses for the password (535), ends
// as failed without holding up the next mail, shows on the status page, and a changed password
// sends it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmailChannel, createMailSender } from '../../src/alerting/channels/email.ts';
import { createRefusalNotifier, recentMailRefusals, reopenAfterSmtpChange } from '../../src/alerting/mail-refusals.ts';
import { createOutbox, type Outbox, type Refusal } from '../../src/alerting/outbox.ts';
import { systemClock } from '../../src/clock.ts';
import type { AlertingConfig, SmtpConfig } from '../../src/config/alerting-config.ts';
import { renderStatusPage, type StatusPageSnapshot } from '../../src/server/status-page.ts';
import type { Notification, NotificationType } from '../../src/state/notification.ts';
import { routeKey } from '../../src/state/recipients.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { captureLog, makeAlerting, makeIncident, makeNotification, plainSmtp, type CapturedLog } from '../support/alerting-fixtures.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';

const TRUCBAN = 'trucban@angiang.gov.vn';
const VNPT = 'vnpt-ag@example.vn';
const PC06 = 'pc06@angiang.gov.vn';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function openTempStore(log: CapturedLog): Promise<Store> {
  const dir = await mkdtemp(join(tmpdir(), 'dvc-refusals-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const store = openStore(join(dir, 'sentinel.db'), { log: log.log });
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
  readonly results: Array<{ type: NotificationType; result: string }>;
  readonly refusals: Refusal[];
  /** Resolves once `predicate` holds, checked after every delivery attempt and refusal. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function startOutbox(store: Store, smtp: SmtpConfig, alerting: AlertingConfig, log: CapturedLog, onRefused?: (refusal: Refusal) => void): Harness {
  const sender = createMailSender({ smtp, from: alerting.email.from, outboxDir: '/nonexistent', log: log.log });
  const results: Harness['results'] = [];
  const refusals: Refusal[] = [];
  const waiters = new Set<() => void>();
  const outbox = createOutbox({
    store,
    alerting,
    clock: systemClock,
    log: log.log,
    channels: [createEmailChannel({ sender, alerting, location: 'an-giang', log: log.log })],
    backoff: { firstSeconds: 0.2, capSeconds: 0.4 },
    onDelivered: (_channel, type, result) => {
      results.push({ type, result });
      for (const wake of waiters) wake();
    },
    onRefused: (refusal) => {
      refusals.push(refusal);
      onRefused?.(refusal);
      for (const wake of waiters) wake();
    },
  });
  outbox.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await outbox.stop();
    sender.close();
  };
  cleanups.push(stop);
  return {
    outbox,
    results,
    refusals,
    stop,
    waitFor(predicate, timeoutMs = 10_000) {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`not reached within ${timeoutMs} ms; results so far: ${JSON.stringify(results)}`));
        }, timeoutMs);
        const check = () => {
          if (!predicate()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
  };
}

function enqueue(store: Store, outbox: Outbox, notification: Notification): void {
  store.transaction(() => store.outbox.enqueue('email', notification, routeKey(notification.to)));
  outbox.wake();
}

function firing(check: string, to: readonly string[]): Notification {
  return makeNotification('firing', { incident: makeIncident({ check }), to: [...to], createdAt: new Date() });
}

const alerting = makeAlerting({ groupWaitSeconds: 0.05, groupIntervalSeconds: 0.05 });

describe('SMTP answers per recipient', () => {
  it('sends the same mail again to a recipient deferred with 451, and to nobody else', async () => {
    const server = await smtpServer({ deferRecipients: { [VNPT]: 1 } });
    const log = captureLog();
    const store = await openTempStore(log);
    const harness = startOutbox(store, plainSmtp(server.port), alerting, log);
    enqueue(store, harness.outbox, firing('dvcqg-home', [TRUCBAN, VNPT, PC06]));

    const [first, second] = await server.waitForMails(2, 8000);
    await harness.outbox.idle();
    expect(server.mails).toHaveLength(2);
    expect([...first!.envelope.to].sort()).toEqual([PC06, TRUCBAN]);
    expect(second!.envelope.to).toEqual([VNPT]);
    // The very same mail: one Message-ID, byte for byte, all three in its To header.
    expect(second!.parsed.messageId).toBe(first!.parsed.messageId);
    expect(second!.raw.equals(first!.raw)).toBe(true);
    expect(server.rcptAnswers.filter(({ address }) => address === TRUCBAN)).toHaveLength(1);
    expect(server.rcptAnswers.filter(({ address }) => address === VNPT).map(({ code }) => code)).toEqual([451, 250]);

    // Counted: sent to two and deferred for one, then sent to the third; closed only then.
    expect(harness.results.map((entry) => entry.result)).toEqual(['sent', 'failed', 'sent']);
    const [delivery] = store.outbox.refusals('email', new Date(0));
    expect(delivery).toBeUndefined();
    expect(store.outbox.undelivered('email')).toEqual([]);
    expect(store.outbox.countQueued('email')).toBe(0);
    expect(harness.refusals).toEqual([]);
    expect(log.lines().find((line) => line.msg === 'mail deferred for some recipients; will retry them only')).toMatchObject({
      deferred: [{ address: VNPT, response: expect.stringMatching(/^451 /) }],
    });
  });

  it('gives up a recipient refused with 550: counted as rejected, told on the other channels, the others get the mail once', async () => {
    const server = await smtpServer({ refuseRecipients: [VNPT] });
    const log = captureLog();
    const store = await openTempStore(log);
    const withAlertmanager = makeAlerting({
      groupWaitSeconds: 0.05,
      groupIntervalSeconds: 0.05,
      alertmanager: { urls: ['http://127.0.0.1:9/'], resendIntervalSeconds: 60, timeoutSeconds: 1 },
    });
    const notify = createRefusalNotifier({ store, alerting: () => withAlertmanager, clock: systemClock, log: log.log, wake: () => {} });
    const harness = startOutbox(store, plainSmtp(server.port), withAlertmanager, log, notify);
    enqueue(store, harness.outbox, firing('dvcqg-home', [TRUCBAN, VNPT]));

    await harness.waitFor(() => harness.refusals.length === 1);
    await harness.outbox.idle();
    expect(server.mails).toHaveLength(1);
    expect(server.mails[0]!.envelope.to).toEqual([TRUCBAN]);
    expect(harness.results.map((entry) => entry.result)).toEqual(['sent', 'rejected']);
    expect(store.outbox.undelivered('email')).toEqual([]);
    expect(harness.refusals[0]).toMatchObject({ channel: 'email', refused: [{ address: VNPT, response: expect.stringMatching(/^550 /) }] });
    expect(harness.refusals[0]!.failure).toBeUndefined();

    // Kept in the store for the page, and a notice queued on Alertmanager (not on the refusing mail).
    const [line] = recentMailRefusals(store.outbox, new Date());
    expect(line).toMatchObject({ kind: 'recipients', recipients: [VNPT], answer: expect.stringMatching(/^550 /) });
    expect(store.outbox.pending('email')).toEqual([]);
    const notices = store.outbox.pending('alertmanager').map((row) => row.notification.notice);
    expect(notices).toEqual([expect.objectContaining({ kind: 'mail_refused', params: expect.objectContaining({ failure: 'recipients', recipients: VNPT }) })]);

    // A second refusal within the quiet hour raises no second notice.
    enqueue(store, harness.outbox, firing('dvcqg-search', [TRUCBAN, VNPT]));
    await harness.waitFor(() => harness.refusals.length === 2);
    await harness.outbox.idle();
    expect(server.mails).toHaveLength(2);
    expect(store.outbox.pending('alertmanager')).toHaveLength(1);
  });
});

describe('permanent SMTP failures', () => {
  it('ends a mail every recipient refuses (550) as failed, and the next mail on that route goes out', async () => {
    const server = await smtpServer({ refuseRecipients: [TRUCBAN, VNPT] });
    const log = captureLog();
    const store = await openTempStore(log);
    const harness = startOutbox(store, plainSmtp(server.port), alerting, log);
    enqueue(store, harness.outbox, firing('dvcqg-home', [TRUCBAN, VNPT]));
    await harness.waitFor(() => harness.refusals.length === 1);
    await harness.outbox.idle();

    const [failed] = store.outbox.refusals('email', new Date(0));
    expect(failed).toMatchObject({ failed: 'refused', attempts: 1, deliveredAt: expect.any(Date) });
    expect(failed!.recipients?.refused.map(({ address }) => address).sort()).toEqual([TRUCBAN, VNPT].sort());
    expect(harness.refusals[0]).toMatchObject({ failure: 'refused' });
    expect(harness.results.map((entry) => entry.result)).toEqual(['rejected']);
    expect(store.outbox.countQueued('email')).toBe(0);

    // The mailboxes are back; the refused mail is not tried again, the next one on the route goes at once.
    server.refuse([]);
    enqueue(store, harness.outbox, firing('dvcqg-search', [TRUCBAN, VNPT]));
    const [mail] = await server.waitForMails(1, 8000);
    await harness.outbox.idle();
    expect(server.mails).toHaveLength(1);
    expect(mail!.parsed.text).toContain('dvcqg-search');
    expect(mail!.parsed.text).not.toContain('dvcqg-home');
    expect(harness.results.map((entry) => entry.result)).toEqual(['rejected', 'sent']);
  });

  it('ends a mail refused for the password (535) as failed auth, shows it on the status page, and sends it once the password is fixed', async () => {
    const server = await smtpServer({ auth: { user: 'giamsat', pass: 'mat-khau-dung' } });
    const log = captureLog();
    const store = await openTempStore(log);
    const wrong = plainSmtp(server.port, { auth: { user: 'giamsat', pass: 'mat-khau-sai' } });
    const harness = startOutbox(store, wrong, alerting, log);
    enqueue(store, harness.outbox, firing('dvcqg-home', [TRUCBAN]));
    await harness.waitFor(() => harness.refusals.length === 1);
    // Not blocked behind the first: the next mail on the route is attempted (and refused the same way).
    enqueue(store, harness.outbox, firing('dvcqg-search', [TRUCBAN]));
    await harness.waitFor(() => harness.refusals.length === 2);
    await harness.outbox.idle();

    expect(harness.results.map((entry) => entry.result)).toEqual(['gave_up', 'gave_up']);
    expect(harness.refusals.map((refusal) => refusal.failure)).toEqual(['auth', 'auth']);
    const failed = store.outbox.refusals('email', new Date(0));
    expect(failed.map((delivery) => delivery.failed)).toEqual(['auth', 'auth']);
    expect(failed[0]!.lastError).toMatch(/^535 /);
    expect(log.text()).not.toContain('mat-khau-sai');

    const html = renderStatusPage(pageWith(recentMailRefusals(store.outbox, new Date())));
    expect(html).toMatch(/<p class="deadline-alert mail-refused" role="alert"><a href="#mail-refusals">Máy chủ thư từ chối: sai mật khẩu \(2\)<\/a><\/p>/);
    expect(html).toContain('<h2 id="mail-refusals">Thư bị máy chủ thư từ chối (24 giờ qua)</h2>');
    expect(html).toContain(TRUCBAN);

    // The same settings re-open nothing; the fixed password re-opens both, and they go out with their Message-IDs.
    await harness.stop();
    expect(reopenAfterSmtpChange(store.outbox, wrong, { ...wrong }, new Date())).toBe(0);
    const right = plainSmtp(server.port, { auth: { user: 'giamsat', pass: 'mat-khau-dung' } });
    expect(reopenAfterSmtpChange(store.outbox, wrong, right, new Date())).toBe(2);
    const fixed = startOutbox(store, right, alerting, log);
    const mails = await server.waitForMails(2, 8000);
    await fixed.outbox.idle();
    expect(mails.map((mail) => mail.parsed.messageId).sort()).toEqual(failed.map((delivery) => delivery.messageId).sort());
    expect(mails.every((mail) => mail.user === 'giamsat')).toBe(true);
    expect(fixed.results.map((entry) => entry.result)).toEqual(['sent', 'sent']);
    expect(store.outbox.refusals('email', new Date(0))).toEqual([]);
    expect(renderStatusPage(pageWith(recentMailRefusals(store.outbox, new Date())))).not.toContain('mail-refused');
  });
});

function pageWith(mailRefusals: StatusPageSnapshot['mailRefusals']): StatusPageSnapshot {
  const now = new Date().toISOString();
  return {
    version: '0.1.0',
    startedAt: now,
    generatedAt: now,
    summary: { ok: 0, warning: 0, critical: 0, unknown: 0 },
    checks: [],
    incidents: [],
    mailRefusals,
  };
}
