import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RetentionSeconds } from '../../src/config/config.ts';
import { pruneExpired, startPruner } from '../../src/store/prune.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { makeIncident, makeNotification } from '../support/alerting-fixtures.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';
import { createTestClocks } from '../support/test-clocks.ts';

const DAY = 86_400_000;
const NOW = new Date('2027-06-01T00:00:00.000Z');
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * DAY);
const RETENTION: RetentionSeconds = { notifications: 30 * 86400, incidents: 400 * 86400, raw: 48 * 3600, aggregates: 400 * 86400 };

let temp: TempDatabaseDir;
let store: Store;
beforeEach(() => {
  temp = createTempDatabaseDir();
  store = openStore(temp.path(), { log: createCapturedLog().log });
});
afterEach(() => {
  store.close();
  temp.remove();
});

/** A notification about `incidentOf` queued at `queuedAt`, frozen into its own mail, and delivered at `deliveredAt` unless undefined. */
function notify(incidentOf: ReturnType<typeof makeIncident>, queuedAt: Date, deliveredAt?: Date): number {
  const rowId = store.outbox.enqueue('email', makeNotification('firing', { incident: incidentOf, createdAt: queuedAt }), 'trucban@angiang.gov.vn');
  const delivery = store.outbox.createDelivery({
    channel: 'email',
    route: 'trucban@angiang.gov.vn',
    rowIds: [rowId],
    messageId: `<${rowId}@test>`,
    content: 'mail',
    now: queuedAt,
  });
  if (deliveredAt) store.outbox.markDelivered(delivery.id, deliveredAt);
  return rowId;
}

/** Rows in a table, read through a second connection: the store has no "count everything" query. */
function count(table: 'outbox' | 'deliveries' | 'incidents'): number {
  const db = new Database(temp.path(), { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('pruneExpired', () => {
  it('deletes delivered notifications older than the retention, and keeps newer and undelivered ones', async () => {
    const incident = makeIncident({ openedAt: daysAgo(50) });
    store.incidents.upsert(incident);
    notify(incident, daysAgo(50), daysAgo(45));
    notify(incident, daysAgo(40), daysAgo(31));
    notify(incident, daysAgo(29), daysAgo(29));
    const stuck = notify(incident, daysAgo(60)); // frozen, never delivered (SMTP down for two months)
    const queued = store.outbox.enqueue('email', makeNotification('reminder', { incident, createdAt: daysAgo(90) }), 'trucban@angiang.gov.vn');

    const report = await pruneExpired(store, RETENTION, NOW);

    expect(report.deleted.notifications).toBe(4); // two rows and their two deliveries
    expect(count('outbox')).toBe(3); // the recent one, the stuck one, the queued one
    expect(count('deliveries')).toBe(2);
    expect(store.outbox.undelivered('email').map((delivery) => delivery.rowIds)).toEqual([[stuck]]);
    expect(store.outbox.pending('email').map((row) => row.id)).toEqual([queued]);
    expect(store.outbox.lastDeliveredAt('email', 'trucban@angiang.gov.vn')).toEqual(daysAgo(29));
  });

  it('deletes resolved incidents older than the retention with their notifications, never an open or still-named one', async () => {
    const old = makeIncident({ check: 'old', openedAt: daysAgo(500), resolvedAt: daysAgo(401) });
    const young = makeIncident({ check: 'young', openedAt: daysAgo(500), resolvedAt: daysAgo(399) });
    const open = makeIncident({ check: 'open', openedAt: daysAgo(900) });
    const waiting = makeIncident({ check: 'waiting', openedAt: daysAgo(500), resolvedAt: daysAgo(450) });
    const held = makeIncident({
      check: 'held',
      openedAt: daysAgo(500),
      resolvedAt: daysAgo(450),
      hold: { by: 'maintenance', name: 'cutover', since: daysAgo(500) },
    });
    for (const incident of [old, young, open, waiting, held]) store.incidents.upsert(incident);
    notify(old, daysAgo(500), daysAgo(500));
    notify(young, daysAgo(500), daysAgo(500));
    notify(waiting, daysAgo(450)); // its resolved mail never went out: the incident must stay to be told
    // Notifications outlive incidents here, so the incidents rule alone removes `old`'s mail.
    const report = await pruneExpired(store, { ...RETENTION, notifications: 1000 * 86400 }, NOW);

    expect(report.deleted).toEqual({ notifications: 0, incidents: 3, raw: 0, aggregates: 0 }); // old's row, its delivery, old
    expect(store.incidents.get(old.id)).toBeUndefined();
    for (const kept of [young, open, waiting, held]) expect(store.incidents.get(kept.id)?.id).toBe(kept.id);
    expect(count('outbox')).toBe(2);
    expect(count('deliveries')).toBe(2);
  });

  it('works off a large backlog in batches of at most batchRows rows, letting other work run between them', async () => {
    const incident = makeIncident({ openedAt: daysAgo(100) });
    store.incidents.upsert(incident);
    store.transaction(() => {
      for (let index = 0; index < 1200; index += 1) notify(incident, daysAgo(100), daysAgo(90));
    });
    const batches: number[] = [];
    let turns = 0;
    const report = await pruneExpired(store, RETENTION, NOW, {
      batchRows: 500,
      onBatch: (target, deleted) => batches.push(deleted),
      yieldToLoop: async () => {
        turns += 1;
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    // Each batch: ≤ 500 rows, then ≤ 500 emptied deliveries.
    expect(batches).toEqual([1000, 1000, 400]);
    expect(report.batches).toBe(3);
    expect(turns).toBe(3);
    expect(count('outbox')).toBe(0);
    expect(count('deliveries')).toBe(0);
  });

  it('lets a timer queued before it fire before it ends', async () => {
    const incident = makeIncident({ openedAt: daysAgo(100) });
    store.transaction(() => {
      for (let index = 0; index < 50; index += 1) notify(incident, daysAgo(100), daysAgo(90));
    });
    const events: string[] = [];
    setImmediate(() => events.push('other work'));
    await pruneExpired(store, RETENTION, NOW, { batchRows: 10, onBatch: () => events.push('batch') });
    events.push('done');
    expect(events.indexOf('other work')).toBeGreaterThan(0);
    expect(events.indexOf('other work')).toBeLessThan(events.indexOf('done') - 1);
  });

  it('stops between batches when its signal aborts', async () => {
    const incident = makeIncident({ openedAt: daysAgo(100) });
    store.transaction(() => {
      for (let index = 0; index < 30; index += 1) notify(incident, daysAgo(100), daysAgo(90));
    });
    const stop = new AbortController();
    const report = await pruneExpired(store, RETENTION, NOW, { batchRows: 10, signal: stop.signal, onBatch: () => stop.abort() });
    expect(report.batches).toBe(1);
    expect(count('outbox')).toBe(20);
  });
});

describe('startPruner', () => {
  it('prunes at the wall time of the run, logs what went with the time it took, and runs no more once stopped', async () => {
    const clocks = createTestClocks(daysAgo(0));
    const captured = createCapturedLog();
    const incident = makeIncident({ openedAt: daysAgo(40) });
    notify(incident, daysAgo(40), daysAgo(35));
    const pruner = startPruner({
      store,
      retentionSeconds: () => RETENTION,
      clock: clocks.clock,
      monotonic: clocks.monotonic,
      log: captured.log,
      firstRunAfterMs: 3_600_000,
    });
    try {
      const report = await pruner.runNow();
      expect(report?.deleted.notifications).toBe(2);
      const line = captured.lines().find((each) => each.msg === 'store pruned');
      expect(line).toMatchObject({ deleted: { notifications: 2, incidents: 0 }, batches: 1, tookMs: 0 });
    } finally {
      await pruner.stop();
    }
    expect(await pruner.runNow()).toBeUndefined();
  });

  it('runs a while after start, then every `everyMs`, reading the retentions anew each time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clocks = createTestClocks(daysAgo(0));
    const incident = makeIncident({ openedAt: daysAgo(40) });
    notify(incident, daysAgo(40), daysAgo(35));
    notify(incident, daysAgo(20), daysAgo(15));
    let retention: RetentionSeconds = RETENTION;
    const pruner = startPruner({
      store,
      retentionSeconds: () => retention,
      clock: clocks.clock,
      monotonic: clocks.monotonic,
      log: createCapturedLog().log,
      firstRunAfterMs: 60_000,
      everyMs: 3_600_000,
    });
    try {
      await vi.advanceTimersByTimeAsync(59_000);
      expect(count('outbox')).toBe(2);
      await vi.advanceTimersByTimeAsync(1_000);
      await vi.waitFor(() => expect(count('outbox')).toBe(1));
      retention = { ...RETENTION, notifications: 10 * 86400 }; // a reload shortened it
      await vi.advanceTimersByTimeAsync(3_599_000);
      expect(count('outbox')).toBe(1);
      await vi.advanceTimersByTimeAsync(1_000);
      await vi.waitFor(() => expect(count('outbox')).toBe(0));
    } finally {
      await pruner.stop();
      vi.useRealTimers();
    }
  });
});
