// The report sends: recorded with their outbox row in one transaction, accepted with the delivery,
// and read back after a reopen (a restart).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../src/state/notification.ts';
import type { ReportSend } from '../../src/state/report-send.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

const slot = new Date('2026-12-04T08:30:00Z');
const send: ReportSend = {
  report: 'daily',
  scheduledFor: slot,
  window: { from: new Date('2026-12-03T08:30:00Z'), to: slot },
  queuedAt: new Date('2026-12-04T08:30:00.200Z'),
  to: ['pc06@example.test'],
  cc: ['lead@example.test'],
  late: false,
};
const mail: Notification = {
  type: 'report',
  riders: [],
  to: ['pc06@example.test'],
  createdAt: send.queuedAt,
  report: { name: 'daily', scheduledFor: slot, cc: ['lead@example.test'], subject: 's', text: 't', html: '<p>h</p>', attachments: [] },
};

describe('store.reports', () => {
  let dir: TempDatabaseDir;
  let store: Store;
  const open = () => openStore(dir.path(), { log: createCapturedLog().log });
  beforeEach(() => {
    dir = createTempDatabaseDir();
    store = open();
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  it('records a send with its outbox row; the delivery mark accepts it, and a reopen reads it back', () => {
    const rowId = store.reports.record(send, mail, 'report:daily');
    expect(store.outbox.pending('email').map((row) => [row.id, row.notification.type])).toEqual([[rowId, 'report']]);
    expect(store.reports.lastSlot('daily')).toEqual(slot);
    expect(store.reports.lastSuccess('daily')).toBeUndefined();
    expect(store.reports.unaccepted('daily')).toHaveLength(1);

    const delivery = store.outbox.createDelivery({
      channel: 'email',
      route: 'report:daily',
      rowIds: [rowId],
      messageId: '<report.x@d>',
      content: {},
      now: slot,
    });
    expect(store.reports.recent(5)[0]?.messageId).toBe('<report.x@d>');
    store.outbox.markDelivered(delivery.id, new Date('2026-12-04T08:30:03Z'));

    store.close();
    store = open();
    expect(store.reports.lastSuccess('daily')).toEqual(new Date('2026-12-04T08:30:03Z'));
    expect(store.reports.unaccepted('daily')).toEqual([]);
    expect(store.reports.recent(5)).toEqual([{ ...send, acceptedAt: new Date('2026-12-04T08:30:03Z'), messageId: '<report.x@d>' }]);
  });

  it('refuses a slot already recorded, and queues nothing for it', () => {
    store.reports.record(send, mail, 'report:daily');
    expect(() => store.reports.record({ ...send, queuedAt: new Date('2026-12-04T09:00:00Z') }, mail, 'report:daily')).toThrow(/UNIQUE/);
    expect(store.outbox.pending('email')).toHaveLength(1);
  });

  it('a send by hand is listed but never stands in for a slot', () => {
    store.reports.record({ ...send, manual: true }, mail, 'report:daily:manual');
    expect(store.reports.lastSlot('daily')).toBeUndefined();
    expect(store.reports.recent(5)[0]?.manual).toBe(true);
    store.reports.record(send, mail, 'report:daily');
    expect(store.reports.lastSlot('daily')).toEqual(slot);
  });

  it('a missed deadline is said once; the first start is kept', () => {
    store.reports.record(send, mail, 'report:daily');
    store.reports.markDeadlineMissed('daily', slot, new Date('2026-12-04T08:55:00Z'));
    expect(store.reports.unaccepted('daily')).toEqual([]);
    expect(store.reports.recent(1)[0]?.deadlineMissedAt).toEqual(new Date('2026-12-04T08:55:00Z'));
    const first = new Date('2026-12-01T00:00:00Z');
    expect(store.reports.firstStart(first)).toEqual(first);
    expect(store.reports.firstStart(new Date('2026-12-05T00:00:00Z'))).toEqual(first);
  });
});
