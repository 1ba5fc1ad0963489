// Report slots against a step of the wall clock, wired as the daemon wires them: the scheduler reads
// the wall clock (slots are wall times) and the monotonic clock (its one wait), the store and the
// outbox the steady clock. A real store, the real outbox and email channel and a real SMTP server,
// on an injected wall + monotonic clock. A daily report at 15:30 Asia/Ho_Chi_Minh (08:30 UTC).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChannels } from '../../src/alerting/channels/registry.ts';
import { createOutbox, type Outbox } from '../../src/alerting/outbox.ts';
import { createSteadyClock } from '../../src/clock.ts';
import type { Config } from '../../src/config/config.ts';
import { resolveReports } from '../../src/config/report-config.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { createReportScheduler, type ReportScheduler } from '../../src/reporting/report-scheduler.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { captureLog, makeAlerting, plainSmtp } from '../support/alerting-fixtures.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';
import { createTestClocks, type TestClocks } from '../support/test-clocks.ts';
import { reportConfig } from '../report/report-fixtures.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

describe('report slots across a step of the wall clock', () => {
  let dir: TempDatabaseDir;
  let smtp: TestSmtpServer;
  let clocks: TestClocks;
  let config: Config;
  let store: Store;
  let outbox: Outbox;
  let scheduler: ReportScheduler;
  /** How many more times the report's figures fail to be read (the mail cannot be made). */
  let failures = 0;
  const log = captureLog('warn').log;

  const reportMails = () => smtp.mails.filter((mail) => mail.parsed.subject?.startsWith('[BÁO CÁO]'));
  /** One look of the scheduler, then whatever it queued is delivered. */
  const look = async () => {
    await scheduler.check();
    await outbox.idle();
  };

  beforeEach(async () => {
    dir = createTempDatabaseDir();
    smtp = await startSmtpServer();
    clocks = createTestClocks('2026-12-04T08:00:00Z'); // 15:00 local
    failures = 0;
    config = {
      ...reportConfig(),
      alerting: makeAlerting({ email: { smtp: plainSmtp(smtp.port) } }),
      reports: resolveReports([{ name: 'daily', schedule: '30 15 * * *', to: ['pc06@angiang.gov.vn'], unit: 'Sở KH&CN An Giang' }]),
    };
    const steady = createSteadyClock(clocks.clock, clocks.monotonic);
    store = openStore(dir.path(), { log, clock: steady });
    outbox = createOutbox({
      store,
      alerting: config.alerting,
      clock: steady,
      wall: clocks.clock,
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
      metrics: createMetrics({ version: 'test', collectProcessMetrics: false }),
      wake: () => outbox.wake(),
      objectives: () => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('objectives unreadable');
        }
        return undefined;
      },
    });
    await look();
  });
  afterEach(async () => {
    await scheduler.stop();
    await outbox.stop();
    store.close();
    await smtp.close();
    dir.remove();
  });

  it('a slot sent before a step back of one hour is not sent again when its time comes round again', async () => {
    clocks.advance(30 * MINUTE_MS); // 15:30
    await look();
    expect(reportMails()).toHaveLength(1);
    clocks.advance(10 * MINUTE_MS);
    clocks.stepWall(-HOUR_MS); // 14:40
    for (let minute = 0; minute < 60; minute += 5) {
      clocks.advance(5 * MINUTE_MS); // past 15:30 again
      await look();
    }
    expect(reportMails()).toHaveLength(1);
    expect(store.reports.recent(5)).toHaveLength(1);
  });

  it('a slot a step forward of one hour jumped over is sent once, marked late', async () => {
    clocks.advance(20 * MINUTE_MS); // 15:20
    await look();
    clocks.stepWall(HOUR_MS); // 16:20: 15:30 never came
    await look();
    clocks.advance(MINUTE_MS);
    await look();
    expect(reportMails()).toHaveLength(1);
    expect(reportMails()[0]!.parsed.subject).toMatch(/\(gửi muộn\)$/);
    expect(store.reports.recent(5)).toEqual([expect.objectContaining({ scheduledFor: new Date('2026-12-04T08:30:00Z'), late: true })]);
  });

  it('a mail that could not be made waits its minute on the monotonic clock, not the wall clock', async () => {
    clocks.advance(30 * MINUTE_MS); // 15:30
    failures = 1;
    await look();
    expect(reportMails()).toHaveLength(0);
    clocks.stepWall(HOUR_MS);
    clocks.advance(59_000);
    await look();
    expect(reportMails()).toHaveLength(0);
    clocks.advance(1_000);
    await look();
    expect(reportMails()).toHaveLength(1);
  });
});
