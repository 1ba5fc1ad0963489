// Notices about the monitor itself: queued by enqueueNotice, delivered by the real outbox over the
// channels the registry builds, to a real SMTP server and an Alertmanager stand-in on 127.0.0.1.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createChannels } from '../../src/alerting/channels/registry.ts';
import { noticeAnchorId } from '../../src/alerting/message-id.ts';
import { enqueueNotice } from '../../src/alerting/notices.ts';
import { createOutbox, type Outbox } from '../../src/alerting/outbox.ts';
import { systemClock } from '../../src/clock.ts';
import type { AlertingConfig } from '../../src/config/alerting-config.ts';
import type { NotificationType } from '../../src/state/notification.ts';
import { routeKey } from '../../src/state/recipients.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { captureLog, makeAlerting, makeIncident, makeNotification, plainSmtp, type CapturedLog } from '../support/alerting-fixtures.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { createTempDatabaseDir } from '../support/temp-database.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

interface PostedAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
}

/** Answers POST /api/v2/alerts with the next status of `statuses` (the last one repeats). */
async function fakeAlertmanager(statuses: number[] = [200]): Promise<{ url: string; posts: PostedAlert[][] }> {
  const posts: PostedAlert[][] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      posts.push(JSON.parse(Buffer.concat(chunks).toString()) as PostedAlert[]);
      const status = statuses[Math.min(posts.length, statuses.length) - 1]!;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? '' : 'bad alert');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts };
}

interface Harness {
  readonly store: Store;
  readonly outbox: Outbox;
  readonly log: CapturedLog;
  readonly counted: string[];
  /** Resolves once `predicate` holds, checked after every delivery attempt. */
  attempts(predicate: (counted: readonly string[]) => boolean): Promise<void>;
}

async function start(alerting: AlertingConfig): Promise<Harness> {
  const dir = createTempDatabaseDir();
  cleanups.push(() => dir.remove());
  const log = captureLog();
  const store = openStore(dir.path(), { log: log.log });
  cleanups.push(() => store.close());
  const counted: string[] = [];
  const waiters = new Set<() => void>();
  const channels = createChannels({ alerting, location: 'an-giang', log: log.log });
  const outbox = createOutbox({
    store,
    alerting,
    clock: systemClock,
    log: log.log,
    channels,
    backoff: { firstSeconds: 0.05, capSeconds: 0.1 },
    onDelivered: (channel: string, type: NotificationType, result: string) => {
      counted.push(`${channel}:${type}:${result}`);
      for (const wake of waiters) wake();
    },
  });
  outbox.start();
  cleanups.push(async () => {
    await outbox.stop();
    for (const channel of channels) channel.close();
  });
  const attempts = (predicate: (counted: readonly string[]) => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!predicate(counted)) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  return { store, outbox, log, counted, attempts };
}

function withSmtp(smtp: TestSmtpServer, alertmanagerUrl?: string): AlertingConfig {
  return makeAlerting({
    groupWaitSeconds: 0.05,
    email: { smtp: plainSmtp(smtp.port) },
    ...(alertmanagerUrl ? { alertmanager: { urls: [alertmanagerUrl], resendIntervalSeconds: 60, timeoutSeconds: 2 } } : {}),
  });
}

const reportLate = {
  kind: 'report_late',
  key: '2026-05-29',
  severity: 'warning',
  params: { report: 'Báo cáo nhanh <ngày 29/05>', deadline: '16:00' },
} as const;

describe('enqueueNotice', () => {
  it('mails a notice in Vietnamese with its own Message-ID scheme, and posts it to Alertmanager', async () => {
    const smtp = await startSmtpServer();
    cleanups.push(() => smtp.close());
    const alertmanager = await fakeAlertmanager();
    const alerting = withSmtp(smtp, alertmanager.url);
    const harness = await start(alerting);

    const rows = enqueueNotice(harness.store, alerting, reportLate, new Date());
    expect(rows).toHaveLength(2);
    harness.outbox.wake();
    const [mail] = await smtp.waitForMails(1);
    await harness.outbox.idle();

    expect(mail!.envelope.to).toEqual(['trucban@angiang.gov.vn']);
    expect(mail!.parsed.subject).toBe('[THÔNG BÁO] Báo cáo Báo cáo nhanh <ngày 29/05> chưa gửi được trước hạn 16:00');
    expect(mail!.parsed.messageId).toMatch(/^<notice\.report_late\.\d+\.[0-9a-f]{16}@angiang\.gov\.vn>$/);
    expect([mail!.parsed.references ?? []].flat()).toEqual([noticeAnchorId('report_late', '2026-05-29', 'angiang.gov.vn')]);
    expect(mail!.parsed.text).toContain('Mức độ: Cảnh báo');
    expect(mail!.parsed.text).toContain('Điểm giám sát: an-giang');
    // A parameter is shown, never interpreted.
    expect(String(mail!.parsed.html)).toContain('&lt;ngày 29/05&gt;');
    expect(String(mail!.parsed.html)).not.toContain('<ngày');

    expect(alertmanager.posts).toHaveLength(1);
    const [alert] = alertmanager.posts[0]!;
    expect(alert!.labels).toEqual({ alertname: 'DvcNotice', kind: 'report_late', key: '2026-05-29', severity: 'warning', location: 'an-giang' });
    expect(alert!.annotations.summary).toBe('Báo cáo Báo cáo nhanh <ngày 29/05> chưa gửi được trước hạn 16:00');
    expect(Date.parse(alert!.endsAt)).toBeGreaterThan(Date.parse(alert!.startsAt));

    expect(harness.counted.sort()).toEqual(['alertmanager:notice:sent', 'email:notice:sent']);
    expect(harness.store.outbox.countQueued('email') + harness.store.outbox.countQueued('alertmanager')).toBe(0);
  });

  it('gathers notices arising together into one mail of their own, apart from incident mail, in the configured locale', async () => {
    const smtp = await startSmtpServer();
    cleanups.push(() => smtp.close());
    const alerting = { ...withSmtp(smtp), locale: 'en' as const };
    const harness = await start(alerting);
    enqueueNotice(
      harness.store,
      alerting,
      { kind: 'store_unwritable', key: 'sentinel.db', severity: 'critical', params: { path: '/var/lib/dvc', error: 'ENOSPC' } },
      new Date(),
    );
    enqueueNotice(
      harness.store,
      alerting,
      { kind: 'token_renewal_failed', key: 'igate', severity: 'warning', params: { token: 'igate', error: 'HTTP 401' } },
      new Date(),
    );
    const firing = makeNotification('firing', { incident: makeIncident({ openedAt: new Date(Date.now() - 60_000) }) });
    harness.store.transaction(() => harness.store.outbox.enqueue('email', firing, routeKey(firing.to)));
    harness.outbox.wake();
    await smtp.waitForMails(2);
    await harness.outbox.idle();
    expect(smtp.mails).toHaveLength(2);
    const mail = smtp.mails.find((received) => received.parsed.subject?.startsWith('[NOTICE]'));
    expect(smtp.mails.find((received) => received !== mail)!.parsed.text).not.toMatch(/ENOSPC|igate/);
    expect(mail!.parsed.subject).toBe('[NOTICE] 2 notices: Monitoring data cannot be written; Access token igate could not be renewed');
    expect(mail!.parsed.text).toContain('Writing to the store /var/lib/dvc failed (ENOSPC).');
    expect(mail!.parsed.text).toContain('Severity: Critical');
    expect(harness.store.outbox.pending('email')).toEqual([]);
  });

  it('retries an Alertmanager that is failing, and gives up on one that refuses the alert as malformed', async () => {
    const smtp = await startSmtpServer();
    cleanups.push(() => smtp.close());
    const flaky = await fakeAlertmanager([503, 503, 200]);
    let harness = await start(withSmtp(smtp, flaky.url));
    enqueueNotice(harness.store, withSmtp(smtp, flaky.url), reportLate, new Date());
    harness.outbox.wake();
    await smtp.waitForMails(1);
    await harness.attempts((counted) => counted.includes('alertmanager:notice:sent'));
    await harness.outbox.idle();
    expect(flaky.posts).toHaveLength(3);
    expect(harness.counted.filter((entry) => entry.startsWith('alertmanager'))).toEqual([
      'alertmanager:notice:failed',
      'alertmanager:notice:failed',
      'alertmanager:notice:sent',
    ]);
    expect(harness.store.outbox.undelivered('alertmanager')).toEqual([]);

    const refusing = await fakeAlertmanager([400]);
    harness = await start(withSmtp(smtp, refusing.url));
    enqueueNotice(harness.store, withSmtp(smtp, refusing.url), reportLate, new Date());
    harness.outbox.wake();
    await smtp.waitForMails(2);
    await harness.outbox.idle();
    expect(refusing.posts).toHaveLength(1);
    expect(harness.store.outbox.undelivered('alertmanager')).toEqual([]);
    expect(harness.store.outbox.countQueued('alertmanager')).toBe(0);
    const refused = harness.log.lines().find((line) => line.msg === 'alertmanager post refused for good; not retried');
    expect(refused).toMatchObject({ level: 50 });
    expect(String(refused!.error)).toContain('HTTP 400');
  });
});
