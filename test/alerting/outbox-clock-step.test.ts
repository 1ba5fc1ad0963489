// The outbox after a restart that follows a step back of the wall clock: the earlier run stamped
// its rows and retry times on a clock an hour ahead of this one. Those instants are read as now,
// so nothing is held back for the hour. A real store file, the email channel and a real SMTP server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmailChannel, createMailSender } from '../../src/alerting/channels/email.ts';
import { createOutbox } from '../../src/alerting/outbox.ts';
import { systemClock, type Clock } from '../../src/clock.ts';
import type { AlertingConfig } from '../../src/config/alerting-config.ts';
import { routeKey } from '../../src/state/recipients.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { captureLog, makeAlerting, makeIncident, makeNotification, plainSmtp } from '../support/alerting-fixtures.ts';
import { findClosedPort } from '../support/http-servers.ts';
import { startSmtpServer } from '../support/smtp-server.ts';

const HOUR_MS = 3_600_000;
/** The earlier run's clock: an hour ahead of this one. */
const ahead: Clock = () => new Date(Date.now() + HOUR_MS);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function storePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dvc-outbox-step-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'sentinel.db');
}

function startOutbox(store: Store, alerting: AlertingConfig, clock: Clock) {
  const log = captureLog('warn').log;
  const sender = createMailSender({
    smtp: plainSmtp(alerting.email.smtp!.port, { timeoutSeconds: 2 }),
    from: alerting.email.from,
    outboxDir: '/nonexistent',
    log,
  });
  const outbox = createOutbox({
    store,
    alerting,
    clock,
    log,
    channels: [createEmailChannel({ sender, alerting, location: 'an-giang', log })],
    backoff: alerting.email.retry,
  });
  outbox.start();
  return {
    outbox,
    async stop() {
      await outbox.stop();
      sender.close();
    },
  };
}

const resolved = () => makeNotification('resolved', { incident: makeIncident({ resolvedAt: new Date() }) });

describe('the outbox after a restart that follows a step back of the clock', () => {
  it('a resolved mail queued by the earlier run waits groupWait, not an hour', async () => {
    const smtp = await startSmtpServer();
    cleanups.push(() => smtp.close());
    const alerting = makeAlerting({ groupWaitSeconds: 0.3, email: { smtp: plainSmtp(smtp.port) } });
    const path = storePath();
    const before = openStore(path, { log: captureLog('warn').log, clock: ahead });
    const notification = resolved();
    before.transaction(() => before.outbox.enqueue('email', notification, routeKey(notification.to)));
    before.close();

    const store = openStore(path, { log: captureLog('warn').log, clock: systemClock });
    cleanups.push(() => store.close());
    const run = startOutbox(store, alerting, systemClock);
    cleanups.push(() => run.stop());
    const [mail] = await smtp.waitForMails(1, 10_000);
    expect(mail!.parsed.subject).toMatch(/^\[ĐÃ KHẮC PHỤC\]/);
  });

  it('a retry planned by the earlier run comes within the back-off cap, not an hour later', async () => {
    const port = await findClosedPort();
    const alerting = makeAlerting({ groupWaitSeconds: 0, email: { smtp: plainSmtp(port), retry: { firstSeconds: 0.2, capSeconds: 1 } } });
    const path = storePath();
    const before = openStore(path, { log: captureLog('warn').log, clock: ahead });
    const first = startOutbox(before, alerting, ahead);
    const notification = resolved();
    before.transaction(() => before.outbox.enqueue('email', notification, routeKey(notification.to)));
    first.outbox.wake();
    for (let round = 0; round < 100 && before.outbox.undelivered('email')[0]?.attempts !== 1; round += 1)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await first.stop();
    const [failed] = before.outbox.undelivered('email');
    expect(failed!.attempts).toBe(1);
    expect(failed!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + HOUR_MS - 60_000);
    before.close();

    const smtp = await startSmtpServer({ port });
    cleanups.push(() => smtp.close());
    const store = openStore(path, { log: captureLog('warn').log, clock: systemClock });
    cleanups.push(() => store.close());
    const run = startOutbox(store, alerting, systemClock);
    cleanups.push(() => run.stop());
    const [mail] = await smtp.waitForMails(1, 10_000);
    expect(mail!.parsed.subject).toMatch(/^\[ĐÃ KHẮC PHỤC\]/);
  });
});
