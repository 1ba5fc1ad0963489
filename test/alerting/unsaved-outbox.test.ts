// The unsaved outbox: notifications decided while the store refused writes are delivered from
// memory, and moved into the store in the caller's catch-up transaction with their frozen
// Message-ID, closed as they were closed. A send still in flight at that moment ends on the stored
// delivery, and the store's side never sends it a second time; a catch-up that is rolled back
// leaves everything in memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryChannel, FrozenContent } from '../../src/alerting/channel.ts';
import { createOutbox, type Outbox } from '../../src/alerting/outbox.ts';
import { createUnsavedOutbox, type UnsavedOutbox } from '../../src/alerting/unsaved-outbox.ts';
import { systemClock } from '../../src/clock.ts';
import { routeKey } from '../../src/state/recipients.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { captureLog, makeIncident, makeNotification } from '../support/alerting-fixtures.ts';

const ROUTE = routeKey(['trucban@angiang.gov.vn']);
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A channel whose sends wait until released, so a test can act while one is in flight. */
function heldChannel() {
  const sent: string[] = [];
  let release: () => void = () => {};
  let started: () => void = () => {};
  let gate = new Promise<void>((resolve) => (release = resolve));
  let inFlight = new Promise<void>((resolve) => (started = resolve));
  const channel: DeliveryChannel = {
    name: 'email',
    noun: 'mail',
    target: 'test',
    render: (batch, context) => ({ id: `<dvc.${context.seed}@angiang.gov.vn>`, content: { version: 1, types: batch.map((item) => item.type) } }),
    read: (content) => content as FrozenContent,
    async send(delivery) {
      sent.push(delivery.id);
      started();
      await gate;
      return {};
    },
    classify: () => 'retry',
    describe: () => ({}),
    describeFailure: () => ({}),
    close: () => {},
  };
  return {
    channel,
    sent,
    started: () => inFlight,
    release() {
      release();
      gate = Promise.resolve();
      inFlight = Promise.resolve();
    },
  };
}

function setup(): { store: Store; unsaved: UnsavedOutbox; start: (channel: DeliveryChannel) => Outbox; log: ReturnType<typeof captureLog> } {
  const dir = mkdtempSync(join(tmpdir(), 'dvc-unsaved-'));
  const log = captureLog('info');
  const store = openStore(join(dir, 'sentinel.db'), { log: log.log });
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => store.close(),
  );
  const unsaved = createUnsavedOutbox(systemClock);
  const start = (channel: DeliveryChannel) => {
    const outbox = createOutbox({
      store,
      unsaved,
      alerting: { groupWaitSeconds: 0, groupIntervalSeconds: 0 },
      clock: systemClock,
      log: log.log,
      channels: [channel],
    });
    outbox.start();
    cleanups.push(() => outbox.stop());
    return outbox;
  };
  return { store, unsaved, start, log };
}

/** The catch-up: the unsaved outbox moved into the store in one transaction, the move kept only if it committed. */
function catchUp(store: Store, unsaved: UnsavedOutbox, refuse = false): void {
  let commit: (() => void) | undefined;
  store.transaction(() => {
    commit = unsaved.drainInto(store.outbox);
    if (refuse) throw new Error('SQLITE_FULL: database or disk is full');
  });
  commit?.();
}

describe('the unsaved outbox', () => {
  it('sends from memory, then records the sent mail as delivered in the store with its Message-ID', async () => {
    const { store, unsaved, start, log } = setup();
    const held = heldChannel();
    held.release();
    const outbox = start(held.channel);
    unsaved.enqueue('email', makeNotification('firing', { incident: makeIncident() }), ROUTE);
    outbox.wake();
    await outbox.idle();
    expect(held.sent).toHaveLength(1);
    expect(log.lines().some((line) => line.msg === 'mail delivered (not yet saved)')).toBe(true);
    expect(unsaved.countQueued('email')).toBe(0);

    // A refused catch-up changes nothing, here or there.
    expect(() => catchUp(store, unsaved, true)).toThrow(/disk is full/);
    expect(unsaved.size()).toBe(2);
    expect(store.outbox.countQueued('email') + store.outbox.pending('email').length + store.outbox.undelivered('email').length).toBe(0);

    catchUp(store, unsaved);
    expect(unsaved.size()).toBe(0);
    expect(store.outbox.countQueued('email')).toBe(0);
    expect(store.outbox.lastDeliveredAt('email', ROUTE)).toBeInstanceOf(Date);
    outbox.wake();
    await outbox.idle();
    expect(held.sent).toEqual([held.sent[0]]);
  });

  it('lets a send in flight during the catch-up end on the stored delivery, and never sends it again', async () => {
    const { store, unsaved, start } = setup();
    const held = heldChannel();
    const outbox = start(held.channel);
    unsaved.enqueue('email', makeNotification('firing', { incident: makeIncident() }), ROUTE);
    outbox.wake();
    await held.started();

    catchUp(store, unsaved);
    const [frozen] = store.outbox.undelivered('email');
    expect(frozen?.messageId).toBe(held.sent[0]);
    // The store's side sees the frozen delivery due now, but its route is in flight.
    outbox.wake();
    held.release();
    await outbox.idle();
    expect(held.sent).toHaveLength(1);
    expect(store.outbox.undelivered('email')).toEqual([]);
    expect(store.outbox.countQueued('email')).toBe(0);
  });

  it('keeps a mail not yet sent as a row the store then delivers', async () => {
    const { store, unsaved, start } = setup();
    unsaved.enqueue('email', makeNotification('resolved', { incident: makeIncident({ resolvedAt: new Date() }) }), ROUTE);
    catchUp(store, unsaved);
    expect(store.outbox.pending('email').map((row) => row.notification.type)).toEqual(['resolved']);
    const held = heldChannel();
    held.release();
    const outbox = start(held.channel);
    await outbox.idle();
    expect(held.sent).toHaveLength(1);
    expect(store.outbox.countQueued('email')).toBe(0);
  });
});
