// The report scheduler with a real store, the real outbox and email channel and a real SMTP server,
// on an injected clock: a daily report at 15:30 Asia/Ho_Chi_Minh (08:30 UTC), deadline 15:55.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChannels } from '../../src/alerting/channels/registry.ts';
import { createOutbox, type Outbox } from '../../src/alerting/outbox.ts';
import type { Config } from '../../src/config/config.ts';
import { resolveReports } from '../../src/config/report-config.ts';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.ts';
import { createReportScheduler, type ReportScheduler } from '../../src/reporting/report-scheduler.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { captureLog, makeAlerting, plainSmtp } from '../support/alerting-fixtures.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';
import { createTestClocks, type TestClocks } from '../support/test-clocks.ts';
import { reportConfig } from '../report/report-fixtures.ts';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe('report scheduler', () => {
  let dir: TempDatabaseDir;
  let smtp: TestSmtpServer;
  let clocks: TestClocks;
  let config: Config;
  let store: Store;
  let metrics: Metrics;
  let outbox: Outbox;
  let scheduler: ReportScheduler;
  const log = captureLog('warn').log;

  const start = () => {
    store = openStore(dir.path(), { log, clock: clocks.clock });
    metrics = createMetrics({ version: 'test', collectProcessMetrics: false });
    outbox = createOutbox({
      store,
      alerting: config.alerting,
      clock: clocks.clock,
      log,
      channels: createChannels({ alerting: config.alerting, log }).filter((channel) => channel.name === 'email'),
    });
    outbox.start();
    scheduler = createReportScheduler({
      store,
      config: () => config,
      clock: clocks.clock,
      monotonic: clocks.monotonic,
      log,
      metrics,
      wake: () => outbox.wake(),
    });
  };
  const stop = async () => {
    await scheduler.stop();
    await outbox.stop();
    store.close();
  };
  const metric = async (name: string) => (await metrics.render()).body.split('\n').find((line) => line.startsWith(`${name}{report="daily"}`));

  beforeEach(async () => {
    dir = createTempDatabaseDir();
    smtp = await startSmtpServer();
    clocks = createTestClocks('2026-12-04T08:00:00Z');
    config = {
      ...reportConfig(),
      alerting: makeAlerting({
        email: { smtp: plainSmtp(smtp.port) },
        alertmanager: { urls: ['http://127.0.0.1:9/api/v2/alerts'], resendIntervalSeconds: 60, timeoutSeconds: 1 },
      }),
      reports: resolveReports([
        { name: 'daily', schedule: '30 15 * * *', deadline: '15:55', to: ['pc06@angiang.gov.vn'], cc: ['lanhdao@angiang.gov.vn'], unit: 'Sở KH&CN An Giang' },
      ]),
    };
    start();
  });
  afterEach(async () => {
    await stop();
    await smtp.close();
    dir.remove();
  });

  it('sends one mail at the slot with the HTML and text parts, the CSV and the .docx; a restart sends nothing again', async () => {
    await scheduler.check();
    clocks.advance(30 * 60_000 - 1);
    await scheduler.check();
    expect(store.reports.recent(5)).toEqual([]);

    clocks.advance(1);
    await scheduler.check();
    await outbox.idle();
    const [mail] = await smtp.waitForMails(1);
    expect(mail!.envelope.to).toEqual(['pc06@angiang.gov.vn', 'lanhdao@angiang.gov.vn']);
    expect(mail!.parsed.subject).toBe('[BÁO CÁO] Sở KH&CN An Giang: tình hình vận hành từ 03/12/2026 15:30:00 đến 04/12/2026 15:30:00');
    expect(mail!.parsed.messageId).toMatch(/^<report\.daily\.202612040830\.[0-9a-f]{16}@angiang\.gov\.vn>$/);
    expect(mail!.parsed.html).toContain('Sở KH&amp;CN An Giang');
    expect(mail!.parsed.text).toContain('dvcqg-home');
    expect(mail!.parsed.attachments.map((file) => [file.filename, file.contentType])).toEqual([
      ['bao-cao-daily-20261204.csv', 'text/csv'],
      ['bao-cao-daily-20261204.docx', DOCX],
    ]);
    expect(mail!.parsed.attachments[0]!.content.toString('utf8')).toContain('dvcqg-search');
    expect(mail!.parsed.attachments[1]!.content.subarray(0, 2).toString()).toBe('PK');

    const [send] = store.reports.recent(5);
    expect(send).toMatchObject({ report: 'daily', scheduledFor: new Date('2026-12-04T08:30:00Z'), late: false, messageId: mail!.parsed.messageId });
    expect(send!.acceptedAt).toBeDefined();
    await scheduler.check();
    expect(await metric('dvc_report_last_success_timestamp_seconds')).toBe(
      `dvc_report_last_success_timestamp_seconds{report="daily"} ${send!.acceptedAt!.getTime() / 1000}`,
    );

    clocks.advance(5_000);
    await scheduler.check();
    await stop();
    start();
    await scheduler.check();
    await outbox.idle();
    expect(smtp.mails).toHaveLength(1);
    // Restored from the store at start.
    expect(await metric('dvc_report_last_success_timestamp_seconds')).toBe(
      `dvc_report_last_success_timestamp_seconds{report="daily"} ${send!.acceptedAt!.getTime() / 1000}`,
    );
  });

  it('a start after a missed slot sends it once, marked late; a first start after the slot sends nothing', async () => {
    clocks.advance(60 * 60_000); // 16:00 local, after the slot
    await scheduler.check();
    await outbox.idle();
    expect(smtp.mails).toHaveLength(0);

    await stop();
    clocks.advance(24 * 60 * 60_000 - 30 * 60_000 + 40 * 60_000); // the next day, 16:10 local: down over 15:30
    start();
    await scheduler.check();
    await scheduler.check();
    await outbox.idle();
    const [mail] = await smtp.waitForMails(1);
    expect(smtp.mails).toHaveLength(1);
    expect(mail!.parsed.subject).toMatch(/\(gửi muộn\)$/);
    expect(mail!.parsed.text).toContain('Báo cáo này gửi muộn');
    expect(store.reports.recent(5)[0]).toMatchObject({ scheduledFor: new Date('2026-12-05T08:30:00Z'), late: true });
  });

  it('a mail not accepted by the deadline raises the report_late notice on every channel once, and counts it', async () => {
    await scheduler.check();
    await smtp.close();
    clocks.advance(30 * 60_000);
    await scheduler.check();
    expect(await metric('dvc_report_deadline_missed_total')).toBe('dvc_report_deadline_missed_total{report="daily"} 0');

    clocks.advance(25 * 60_000 - 1);
    await scheduler.check();
    expect(store.outbox.pending('alertmanager')).toEqual([]);

    clocks.advance(1);
    await scheduler.check();
    await scheduler.check();
    const notices = store.outbox.pending('alertmanager').map((row) => row.notification.notice);
    expect(notices).toEqual([
      { kind: 'report_late', key: 'daily.2026-12-04T08:30:00.000Z', severity: 'warning', params: { report: 'daily', deadline: '15:55' } },
    ]);
    // The notice's mail goes on a notice route of its own (alerting.email.to), queued or already frozen.
    const emailRoutes = [...store.outbox.pending('email'), ...store.outbox.undelivered('email')].map((row) => row.route);
    expect(emailRoutes.filter((route) => route.startsWith('notice:'))).toEqual(['notice:trucban@angiang.gov.vn']);
    expect(await metric('dvc_report_deadline_missed_total')).toBe('dvc_report_deadline_missed_total{report="daily"} 1');
    expect(store.reports.lastSuccess('daily')).toBeUndefined();
  });

  it('a report queued after its deadline (the monitor was down over both) raises the notice at once', async () => {
    clocks.advance(70 * 60_000); // 16:10 local: the first start, after today's slot
    await scheduler.check();
    expect(store.reports.recent(5)).toEqual([]);

    await stop();
    clocks.advance(24 * 60 * 60_000); // the next day, 16:10 local: down over 15:30 and 15:55
    start();
    await scheduler.check();
    expect(store.reports.recent(5)[0]).toMatchObject({ scheduledFor: new Date('2026-12-05T08:30:00Z'), late: true });
    expect(store.outbox.pending('alertmanager').map((row) => row.notification.notice?.key)).toEqual(['daily.2026-12-05T08:30:00.000Z']);
    expect(await metric('dvc_report_deadline_missed_total')).toBe('dvc_report_deadline_missed_total{report="daily"} 1');
  });

  it('a report whose mail cannot be made is tried again a minute later, and its deadline is still watched', async () => {
    await stop();
    start();
    let failing = true;
    const history = store.history;
    const flaky: Store = {
      ...store,
      history: {
        ...history,
        minutes: (window) => {
          if (failing) throw new Error('disk I/O error');
          return history.minutes(window);
        },
      },
    };
    scheduler = createReportScheduler({
      store: flaky,
      config: () => config,
      clock: clocks.clock,
      monotonic: clocks.monotonic,
      log,
      metrics,
      wake: () => outbox.wake(),
    });
    await scheduler.check();
    clocks.advance(30 * 60_000);
    await scheduler.check();
    expect(store.reports.recent(5)).toEqual([]);

    clocks.advance(25 * 60_000); // 15:55: the deadline, nothing recorded
    await scheduler.check();
    await scheduler.check();
    expect(store.outbox.pending('alertmanager').map((row) => row.notification.notice?.key)).toEqual(['daily.2026-12-04T08:30:00.000Z']);

    // A restart while the mail still cannot be made: the notice is not raised a second time.
    await scheduler.stop();
    scheduler = createReportScheduler({
      store: flaky,
      config: () => config,
      clock: clocks.clock,
      monotonic: clocks.monotonic,
      log,
      metrics,
      wake: () => outbox.wake(),
    });
    await scheduler.check();
    expect(store.outbox.pending('alertmanager')).toHaveLength(1);

    failing = false;
    clocks.advance(60_000);
    await scheduler.check();
    await outbox.idle();
    await smtp.waitForMails(2); // the notice's own mail, and the report
    expect(store.reports.recent(5)).toHaveLength(1);
    expect(await metric('dvc_report_deadline_missed_total')).toBe('dvc_report_deadline_missed_total{report="daily"} 1');
  });

  it('follows a reloaded config at the next check: a new schedule, a report added', async () => {
    await scheduler.check();
    config = {
      ...config,
      reports: resolveReports([
        { name: 'daily', schedule: '50 14 * * *', to: ['pc06@angiang.gov.vn'], unit: 'Sở KH&CN An Giang' },
        { name: 'weekly', schedule: '5 15 * * *', window: 'week', to: ['pc06@angiang.gov.vn'], unit: 'Sở KH&CN An Giang' },
      ]),
    };
    clocks.advance(5 * 60_000); // 15:05 local: the new 14:50 slot is before the first start, 15:05 is due
    await scheduler.check();
    expect(store.reports.recent(5).map((send) => [send.report, send.scheduledFor])).toEqual([['weekly', new Date('2026-12-04T08:05:00Z')]]);
    expect(await metric('dvc_report_deadline_missed_total')).toBe('dvc_report_deadline_missed_total{report="daily"} 0');
    expect((await metrics.render()).body).toContain('dvc_report_deadline_missed_total{report="weekly"} 0');
  });
});
