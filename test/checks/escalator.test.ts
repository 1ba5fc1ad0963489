// The escalator against a real store file: a step's rows go to the named channels with their
// targets, and a step whose transaction fails is neither recorded nor half-queued, so it fires on
// the next tick instead of never (or twice).
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueOnNamedChannels } from '../../src/alerting/named-queue.ts';
import { createEscalator } from '../../src/checks/escalator.ts';
import { resolveEscalation, resolveRoster } from '../../src/config/roster-config.ts';
import type { Notification } from '../../src/state/notification.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { makeAlerting, makeIncident } from '../support/alerting-fixtures.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

const OPENED = new Date('2026-06-01T22:00:00+07:00');
const dirs: TempDatabaseDir[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

const ALERTING = makeAlerting({
  escalation: resolveEscalation([{ after: 600, notify: ['ioc', 'onDuty'] }]),
  roster: resolveRoster({
    shifts: [{ name: 'Ca đêm', from: '17:00', to: '07:30', people: [{ name: 'Cường', email: 'cuong@vnpt.vn', zalo: 'zl-cuong', phone: '+84980000001' }] }],
  }),
  webhooks: [
    { kind: 'webhook', name: 'ioc', routes: [], url: 'http://127.0.0.1:9/hook', method: 'POST', headers: {}, timeoutSeconds: 10, tls: { verify: true } },
  ],
  zalo: [{ kind: 'zalo', name: 'zalo-truc', routes: [], token: 'zalo-token', chatIds: ['c1'], apiBase: 'http://127.0.0.1:9', timeoutSeconds: 10 }],
  sms: [
    {
      kind: 'sms',
      name: 'sms-modem',
      routes: [],
      to: ['0912345678'],
      template: 'DVC {severity}: {check}',
      ascii: true,
      maxSegments: 1,
      via: { kind: 'gammu', outbox: '/nonexistent' },
    },
  ],
});

function setup() {
  const dir = createTempDatabaseDir();
  dirs.push(dir);
  const { log } = createCapturedLog();
  const store = openStore(dir.path(), { log, clock: () => OPENED });
  stores.push(store);
  const incident = makeIncident({ openedAt: OPENED });
  // The firing row the incident rules queued when it opened: escalation counts from it.
  store.outbox.enqueue('email', { type: 'firing', incident, riders: [], to: ['trucban@angiang.gov.vn'], createdAt: OPENED }, 'trucban@angiang.gov.vn');
  return { store, incident, escalator: createEscalator({ store, log }) };
}

const at = (seconds: number) => new Date(OPENED.getTime() + seconds * 1000);
const targetsOn = (store: Store, channel: string): Notification['targets'][] => store.outbox.pending(channel).map((row) => row.notification.targets);

describe('createEscalator', () => {
  it("queues a step per channel with the targets it names: a channel's own, and the shift's chat id and phone", () => {
    const { store, incident, escalator } = setup();
    expect(escalator.tick(at(599), [incident], ALERTING)).toEqual([]);
    expect(escalator.tick(at(600), [incident], ALERTING)).toHaveLength(4);
    expect(targetsOn(store, 'ioc')).toEqual([{ channel: 'ioc', to: [], defaults: true }]);
    expect(targetsOn(store, 'zalo-truc')).toEqual([{ channel: 'zalo-truc', to: ['zl-cuong'], defaults: false }]);
    expect(targetsOn(store, 'sms-modem')).toEqual([{ channel: 'sms-modem', to: ['+84980000001'], defaults: false }]);
    // What each channel sends to, in the rows' own `to`, as the ordinary routing does (one row per chat or phone).
    const toOn = (channel: string) => store.outbox.pending(channel).map((row) => row.notification.to);
    expect(toOn('ioc')).toEqual([[]]);
    expect(toOn('zalo-truc')).toEqual([['zl-cuong']]);
    expect(toOn('sms-modem')).toEqual([['+84980000001']]);
    const mail = store.outbox.pending('email').filter((row) => row.notification.escalation !== undefined);
    expect(mail.map((row) => row.notification.to)).toEqual([['cuong@vnpt.vn']]);
    expect(escalator.tick(at(601), [incident], ALERTING)).toEqual([]);
  });

  it('a channel named only by an escalation step receives no ordinary notification, a routed one does', () => {
    const { store, incident } = setup();
    const firing: Notification = { type: 'firing', incident, riders: [], to: ['trucban@angiang.gov.vn'], createdAt: OPENED };
    enqueueOnNamedChannels(store.outbox, ALERTING, firing);
    // ioc is named by the step and has no route: only its escalations; zalo-truc and sms-modem are not named by it.
    expect(store.outbox.pending('ioc')).toEqual([]);
    expect(store.outbox.pending('zalo-truc').map((row) => row.notification.to)).toEqual([['c1']]);
    expect(store.outbox.pending('sms-modem').map((row) => row.notification.to)).toEqual([['0912345678']]);
  });

  it('keeps nothing of a step whose transaction failed, and fires it on the next tick', () => {
    const { store, incident, escalator } = setup();
    const enqueue = store.outbox.enqueue.bind(store.outbox);
    let fail = true;
    (store.outbox as { enqueue: Store['outbox']['enqueue'] }).enqueue = (channel, notification, route) => {
      if (fail && channel === 'sms-modem') {
        fail = false;
        throw new Error('SQLITE_FULL: database or disk is full');
      }
      return enqueue(channel, notification, route);
    };
    expect(() => escalator.tick(at(600), [incident], ALERTING)).toThrow(/disk is full/);
    expect(store.escalation.firedSteps(incident.id)).toEqual(new Set());
    expect(store.outbox.pending('ioc')).toEqual([]);
    expect(escalator.tick(at(601), [incident], ALERTING)).toHaveLength(4);
    expect(store.escalation.firedSteps(incident.id)).toEqual(new Set([600]));
    expect(store.outbox.pending('ioc')).toHaveLength(1);
  });
});
