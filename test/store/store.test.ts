import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../src/state/notification.ts';
import type { ProbeResult } from '../../src/probes/probe.ts';
import type { CheckState } from '../../src/state/check-state.ts';
import { incidentId, type Incident } from '../../src/state/incident.ts';
import { routeKey } from '../../src/state/recipients.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

/** As the incident book queues: the route is the recipient set. */
function enqueueRow(store: Store, channel: 'email' | 'alertmanager', notification: Notification): number {
  return store.outbox.enqueue(channel, notification, routeKey(notification.to));
}

const T0 = new Date('2026-05-29T15:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

const tlsResult: ProbeResult = {
  status: 'warning',
  reason: 'tls',
  message: 'certificate of dichvucong.gov.vn expires in 9 days',
  durationSeconds: 0.412,
  phases: { dns: 0.003, connect: 0.021, tls: 0.088, ttfb: 0.25, transfer: 0.05 },
  httpStatus: 200,
  tls: { expiresAt: new Date('2026-06-07T23:59:59.000Z'), daysLeft: 9, subject: 'CN=dichvucong.gov.vn', issuer: 'CN=Test CA' },
  dns: { addresses: ['203.0.113.10', '2001:db8::10'] },
  // An endpoint-chosen key that looks like the Date tag must come back as data.
  sync: { mode: 'parity', unit: 'items', mismatchCount: 1, comparedCount: 4, mismatchSinceByKey: { $date: 1748530800000, 'TTHC-01': 1748530000000 } },
};

const checkState: CheckState = {
  status: 'warning',
  since: at(-120),
  consecutiveFailures: 3,
  consecutiveSuccesses: 0,
  recent: [1, 1, 1],
  lastResult: tlsResult,
  lastResultAt: at(0),
};

function incident(check: string, openedAt: Date, extra: Partial<Incident> = {}): Incident {
  return {
    id: incidentId(check, openedAt),
    check,
    system: 'dvcqg',
    severity: 'critical',
    openedAt,
    firstReason: 'timeout',
    firstMessage: 'no answer within 10s',
    lastReason: 'timeout',
    lastMessage: 'no answer within 10s',
    probes: 3,
    failedProbes: 3,
    last: { at: openedAt, status: 'critical', reason: 'timeout', message: 'no answer within 10s', durationSeconds: 10, phases: { dns: 0.002 } },
    announced: true,
    lastNotifiedAt: openedAt,
    ...extra,
  };
}

function notification(subject: Incident, to: string[] = ['Trucban@AnGiang.gov.vn', 'ops@example.vn']): Notification {
  return { type: 'firing', incident: subject, riders: [], to, createdAt: subject.openedAt };
}

let temp: TempDatabaseDir;
let store: Store;
let clockNow: Date;
const reopen = (): Store => {
  store.close();
  store = openStore(temp.path(), { log: createCapturedLog().log, clock: () => clockNow });
  return store;
};

beforeEach(() => {
  temp = createTempDatabaseDir();
  clockNow = T0;
  store = openStore(temp.path(), { log: createCapturedLog().log, clock: () => clockNow });
});
afterEach(() => {
  store.close();
  temp.remove();
});

describe('checkStates', () => {
  it('round-trips a state with its last result, Dates included, across a reopen', () => {
    store.checkStates.save('dvcqg-home', checkState);
    store.checkStates.save('quantricong-login', { ...checkState, status: 'ok', lastResult: undefined, lastResultAt: undefined });
    const loaded = reopen().checkStates.loadAll();
    expect([...loaded.keys()]).toEqual(['dvcqg-home', 'quantricong-login']);
    expect(loaded.get('dvcqg-home')).toEqual(checkState);
    const tls = loaded.get('dvcqg-home')!.lastResult!.tls!;
    expect(tls.expiresAt).toBeInstanceOf(Date);
    expect(tls.expiresAt.getTime()).toBe(tlsResult.tls!.expiresAt.getTime());
    expect(loaded.get('dvcqg-home')!.since).toBeInstanceOf(Date);
  });

  it('replaces the saved state of a check and removes it', () => {
    store.checkStates.save('dvcqg-home', checkState);
    store.checkStates.save('dvcqg-home', { ...checkState, consecutiveFailures: 4 });
    expect(store.checkStates.loadAll().get('dvcqg-home')!.consecutiveFailures).toBe(4);
    store.checkStates.remove('dvcqg-home');
    store.checkStates.remove('never-saved');
    expect(store.checkStates.loadAll().size).toBe(0);
  });
});

describe('incidents', () => {
  it('round-trips an incident and lists open ones oldest first', () => {
    const later = incident('dvcqg-search', at(60), { hold: { by: 'maintenance', name: 'cutover', since: at(60) }, wasHeldBy: ['maintenance'] });
    const earlier = incident('dvcqg-home', at(0));
    store.incidents.upsert(later);
    store.incidents.upsert(earlier);
    store.incidents.upsert(incident('old', at(-3600), { resolvedAt: at(-1800) }));
    reopen();
    expect(store.incidents.loadOpen()).toEqual([earlier, later]);
    expect(store.incidents.get(later.id)).toEqual(later);
    expect(store.incidents.get(later.id)!.hold!.since).toBeInstanceOf(Date);
    expect(store.incidents.get('missing')).toBeUndefined();
  });

  it('updates by id, and a resolved incident leaves the open list', () => {
    const open = incident('dvcqg-home', at(0));
    store.incidents.upsert(open);
    store.incidents.upsert({ ...open, resolvedAt: at(300), probes: 10 });
    expect(store.incidents.loadOpen()).toEqual([]);
    expect(store.incidents.get(open.id)).toMatchObject({ resolvedAt: at(300), probes: 10 });
  });

  it('lists the incidents that overlap a window, by openedAt', () => {
    const endedBefore = incident('a', at(-7200), { resolvedAt: at(-3600) });
    const spansStart = incident('b', at(-600), { resolvedAt: at(600) });
    const inside = incident('c', at(1200), { resolvedAt: at(1300) });
    const stillOpen = incident('d', at(-86_400));
    const opensAfter = incident('e', at(3600));
    for (const each of [opensAfter, inside, stillOpen, spansStart, endedBefore]) store.incidents.upsert(each);
    expect(store.incidents.listBetween(at(0), at(3600)).map((each) => each.check)).toEqual(['d', 'b', 'c']);
  });

  it('finds resolved children by their holding parent incident, also after the hold ended', () => {
    const parent = incident('portal', at(0));
    const hold = { by: 'parent' as const, name: 'portal', incidentId: parent.id, since: at(5) };
    const child = incident('portal-search', at(5), { hold, announced: false });
    const other = incident('portal-login', at(6), { hold: { ...hold, incidentId: 'someone-else' } });
    store.incidents.upsert(parent);
    store.incidents.upsert(child);
    store.incidents.upsert(other);
    expect(store.incidents.resolvedChildrenOf(parent.id)).toEqual([]);
    // The hold is cleared when the child resolves; the column keeps the parent it rode with.
    const resolvedChild = { ...child, hold: undefined, wasHeldBy: ['parent' as const], resolvedAt: at(100) };
    store.incidents.upsert(resolvedChild);
    store.incidents.upsert({ ...other, resolvedAt: at(100) });
    expect(store.incidents.resolvedChildrenOf(parent.id)).toEqual([resolvedChild]);
  });

  it('refuses an invalid Date instead of storing NaN', () => {
    expect(() => store.incidents.upsert(incident('x', new Date(Number.NaN)))).toThrow(/openedAt is not a valid Date/);
  });
});

describe('transaction', () => {
  it('rolls back both the state save and the enqueue when the function throws', () => {
    const opened = incident('dvcqg-home', at(0));
    expect(() =>
      store.transaction(() => {
        store.checkStates.save('dvcqg-home', checkState);
        store.incidents.upsert(opened);
        enqueueRow(store, 'email', notification(opened));
        throw new Error('rendering bug');
      }),
    ).toThrow('rendering bug');
    expect(store.checkStates.loadAll().size).toBe(0);
    expect(store.incidents.get(opened.id)).toBeUndefined();
    expect(store.outbox.pending('email')).toEqual([]);
    expect(store.outbox.countQueued('email')).toBe(0);
  });

  it('commits everything and returns the function value', () => {
    const opened = incident('dvcqg-home', at(0));
    const rowId = store.transaction(() => {
      store.checkStates.save('dvcqg-home', checkState);
      return enqueueRow(store, 'email', notification(opened));
    });
    reopen();
    expect(store.outbox.pending('email').map((row) => row.id)).toEqual([rowId]);
    expect(store.checkStates.loadAll().has('dvcqg-home')).toBe(true);
  });

  it('refuses an async function and rolls back what it wrote before its first await', () => {
    expect(() =>
      store.transaction(async () => {
        store.meta.set('k', 1);
        await Promise.resolve();
      }),
    ).toThrow(/async function/);
    expect(store.meta.get('k')).toBeUndefined();
  });

  it('rolls back only the inner part of a nested transaction that throws', () => {
    store.transaction(() => {
      store.meta.set('outer', 1);
      expect(() =>
        store.transaction(() => {
          store.meta.set('inner', 2);
          throw new Error('inner failed');
        }),
      ).toThrow('inner failed');
    });
    expect(store.meta.get('outer')).toBe(1);
    expect(store.meta.get('inner')).toBeUndefined();
  });
});

describe('outbox', () => {
  it('keeps pending rows in FIFO order per channel with the route key of the recipients', () => {
    const ids = [0, 1, 2].map((n) => enqueueRow(store, 'email', notification(incident(`check-${n}`, at(n)))));
    const alertmanagerId = enqueueRow(store, 'alertmanager', notification(incident('check-9', at(9)), []));
    clockNow = at(10);
    const lastId = enqueueRow(store, 'email', notification(incident('check-3', at(3)), ['b@x.vn', 'a@x.vn']));
    const pending = reopen().outbox.pending('email');
    expect(pending.map((row) => row.id)).toEqual([...ids, lastId]);
    expect(pending[0]).toMatchObject({ channel: 'email', route: 'ops@example.vn,trucban@angiang.gov.vn', createdAt: T0 });
    expect(pending[3]).toMatchObject({ route: 'a@x.vn,b@x.vn', createdAt: at(10) });
    expect(pending[1]!.notification).toEqual(notification(incident('check-1', at(1))));
    expect(pending[1]!.notification.incident!.openedAt).toBeInstanceOf(Date);
    expect(store.outbox.pending('alertmanager').map((row) => row.id)).toEqual([alertmanagerId]);
  });

  it('freezes a delivery so that content and Message-ID are identical after a reopen', () => {
    const n = notification(incident('dvcqg-home', at(0)));
    const rows = [enqueueRow(store, 'email', n), enqueueRow(store, 'email', n)];
    const route = store.outbox.pending('email')[0]!.route;
    const content = {
      subject: '[SỰ CỐ] Cổng DVC quốc gia — dvcqg-home không truy cập được (timeout)',
      html: '<p>&lt;script&gt;</p>',
      text: 'Từ 22:00',
      headers: { 'In-Reply-To': '<a@b>' },
      date: at(1),
      raw: Buffer.from('MIME-Version: 1.0\r\n'),
    };
    const created = store.outbox.createDelivery({ channel: 'email', route, rowIds: rows, messageId: '<x1@dvc-sentinel>', content, now: at(1) });
    expect(created).toEqual({
      id: created.id,
      channel: 'email',
      route,
      rowIds: rows,
      messageId: '<x1@dvc-sentinel>',
      content,
      createdAt: at(1),
      attempts: 0,
      nextAttemptAt: at(1),
    });
    expect(store.outbox.pending('email')).toEqual([]);
    const [after] = reopen().outbox.undelivered('email');
    expect(after).toEqual(created);
    expect((after!.content as typeof content).date).toBeInstanceOf(Date);
    expect(Buffer.isBuffer((after!.content as typeof content).raw)).toBe(true);
  });

  it('refuses rows already in a delivery or of another route, and changes nothing then', () => {
    const first = enqueueRow(store, 'email', notification(incident('a', at(0)), ['a@x.vn']));
    const other = enqueueRow(store, 'email', notification(incident('b', at(0)), ['b@x.vn']));
    const freeze = (rowIds: number[]) =>
      store.outbox.createDelivery({ channel: 'email', route: 'a@x.vn', rowIds, messageId: '<m@x>', content: {}, now: at(1) });
    freeze([first]);
    expect(() => freeze([first])).toThrow(`outbox row ${first} cannot join a delivery`);
    expect(() => freeze([other])).toThrow(`outbox row ${other} cannot join a delivery`);
    expect(store.outbox.undelivered('email')).toHaveLength(1);
    expect(store.outbox.pending('email').map((row) => row.id)).toEqual([other]);
  });

  it('counts queued rows until their delivery is marked delivered, through failed attempts', () => {
    const rows = [1, 2, 3].map((n) => enqueueRow(store, 'email', notification(incident(`c${n}`, at(n)), ['a@x.vn'])));
    enqueueRow(store, 'alertmanager', notification(incident('c9', at(9)), []));
    expect(store.outbox.countQueued('email')).toBe(3);
    const delivery = store.outbox.createDelivery({
      channel: 'email',
      route: 'a@x.vn',
      rowIds: rows.slice(0, 2),
      messageId: '<m@x>',
      content: 'mail',
      now: at(5),
    });
    expect(store.outbox.countQueued('email')).toBe(3);

    store.outbox.markAttemptFailed(delivery.id, '421 try later', at(35));
    store.outbox.markAttemptFailed(delivery.id, 'ECONNREFUSED 127.0.0.1:2525', at(95));
    expect(reopen().outbox.undelivered('email')).toEqual([{ ...delivery, attempts: 2, lastError: 'ECONNREFUSED 127.0.0.1:2525', nextAttemptAt: at(95) }]);
    expect(store.outbox.lastDeliveredAt('email', 'a@x.vn')).toBeUndefined();

    store.outbox.markDelivered(delivery.id, at(96));
    store.outbox.markDelivered(delivery.id, at(200));
    expect(store.outbox.countQueued('email')).toBe(1);
    expect(store.outbox.countQueued('alertmanager')).toBe(1);
    expect(store.outbox.undelivered('email')).toEqual([]);
    expect(store.outbox.lastDeliveredAt('email', 'a@x.vn')).toEqual(at(96));
    expect(store.outbox.lastDeliveredAt('alertmanager', 'a@x.vn')).toBeUndefined();
  });

  it('lists undelivered deliveries oldest first and refuses unknown delivery ids', () => {
    const row = (route: string) => enqueueRow(store, 'email', notification(incident(route, at(0)), [route]));
    const freeze = (route: string, rowId: number) =>
      store.outbox.createDelivery({ channel: 'email', route, rowIds: [rowId], messageId: `<${route}>`, content: route, now: at(1) });
    const a = freeze('a@x.vn', row('a@x.vn'));
    const b = freeze('b@x.vn', row('b@x.vn'));
    const c = freeze('a@x.vn', row('a@x.vn'));
    store.outbox.markDelivered(b.id, at(2));
    expect(store.outbox.undelivered('email').map((each) => each.id)).toEqual([a.id, c.id]);
    expect(() => store.outbox.markDelivered(9999, at(2))).toThrow('no outbox delivery with id 9999');
    expect(() => store.outbox.markAttemptFailed(9999, 'x', at(2))).toThrow('no outbox delivery with id 9999');
  });

  it('keeps what recipients answered, closes a failed delivery without blocking, lists it, and re-opens it by its reason', () => {
    const row = (check: string) => enqueueRow(store, 'email', notification(incident(check, at(0)), ['a@x.vn']));
    const freeze = (rowId: number, messageId: string) =>
      store.outbox.createDelivery({ channel: 'email', route: 'a@x.vn', rowIds: [rowId], messageId, content: { subject: messageId }, now: at(1) });
    const partly = freeze(row('c1'), '<partly@x>');
    const deferred = { pending: ['b@x.vn'], accepted: ['a@x.vn'], refused: [{ address: 'c@x.vn', response: '550 5.1.1 no such user' }] };
    store.outbox.markAttemptFailed(partly.id, 'b@x.vn: 451 try later', at(10), deferred);
    expect(reopen().outbox.undelivered('email')[0]).toMatchObject({ id: partly.id, recipients: deferred, attempts: 1 });
    store.outbox.markDelivered(partly.id, at(11), { ...deferred, pending: [], accepted: ['a@x.vn', 'b@x.vn'] });

    const auth = freeze(row('c2'), '<auth@x>');
    store.outbox.markFailed(auth.id, 'auth', '535 5.7.8 Authentication credentials invalid', at(12));
    store.outbox.markFailed(auth.id, 'auth', 'again', at(13));
    const refused = freeze(row('c3'), '<refused@x>');
    store.outbox.markFailed(refused.id, 'refused', '550 no such user', at(14));
    expect(store.outbox.undelivered('email')).toEqual([]);
    expect(store.outbox.countQueued('email')).toBe(0);
    expect(store.outbox.refusals('email', at(0)).map((each) => [each.messageId, each.failed, each.lastError])).toEqual([
      ['<refused@x>', 'refused', '550 no such user'],
      ['<auth@x>', 'auth', '535 5.7.8 Authentication credentials invalid'],
      ['<partly@x>', undefined, 'b@x.vn: 451 try later'],
    ]);
    expect(store.outbox.refusals('email', at(12)).map((each) => each.messageId)).toEqual(['<refused@x>', '<auth@x>']);

    expect(store.outbox.reopenFailed('email', 'auth', at(20))).toBe(1);
    expect(store.outbox.reopenFailed('email', 'auth', at(21))).toBe(0);
    expect(store.outbox.undelivered('email')).toEqual([expect.objectContaining({ id: auth.id, nextAttemptAt: at(20), attempts: 1 })]);
    expect(store.outbox.undelivered('email')[0]!.failed).toBeUndefined();
    expect(store.outbox.countQueued('email')).toBe(1);
    expect(() => store.outbox.markFailed(9999, 'auth', 'x', at(2))).toThrow('no outbox delivery with id 9999');
  });
});

describe('meta', () => {
  it('keeps JSON values with Dates across a reopen, and removes a key set to undefined', () => {
    const engine = { lastVantageDownAt: at(7), windows: { cutover: { endedAt: at(9), announced: true } } };
    store.meta.set('alerting', engine);
    store.meta.set('report.lastSentDate', '2026-05-29');
    store.meta.set('gone', 1);
    store.meta.set('gone', undefined);
    reopen();
    expect(store.meta.get('alerting')).toEqual(engine);
    expect(store.meta.get<string>('report.lastSentDate')).toBe('2026-05-29');
    expect(store.meta.get('gone')).toBeUndefined();
  });
});

describe('close', () => {
  it('is idempotent', () => {
    store.close();
    expect(() => store.close()).not.toThrow();
  });
});
