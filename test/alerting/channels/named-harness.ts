// A real store, the outbox and one named channel, fed through the routing as the daemon feeds it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/clock.ts';
import type { DeliveryChannel } from '../../../src/alerting/channel.ts';
import { enqueueOnNamedChannels } from '../../../src/alerting/named-queue.ts';
import { createOutbox, type Outbox } from '../../../src/alerting/outbox.ts';
import type { AlertingConfig } from '../../../src/config/alerting-config.ts';
import type { Notification, NotificationType } from '../../../src/state/notification.ts';
import { openStore, type Store } from '../../../src/store/store.ts';
import type { CapturedLog } from '../../support/alerting-fixtures.ts';

export interface NamedHarness {
  readonly outbox: Outbox;
  readonly store: Store;
  readonly counted: Array<{ channel: string; type: NotificationType; result: string }>;
  readonly queued: Map<string, number>;
  enqueue(notification: Notification): void;
  /** Resolves once `predicate` holds, checked after every attempt. */
  waitForCounts(predicate: (counted: NamedHarness['counted']) => boolean): Promise<void>;
}

export async function tempDir(cleanups: Array<() => unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dvc-named-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function startNamedOutbox(
  path: string,
  alerting: AlertingConfig,
  channel: DeliveryChannel,
  log: CapturedLog,
  cleanups: Array<() => unknown>,
  backoff = { firstSeconds: 0.05, capSeconds: 0.2 },
): NamedHarness {
  const store = openStore(path, { log: log.log });
  const counted: NamedHarness['counted'] = [];
  const queued = new Map<string, number>();
  const waiters = new Set<() => void>();
  const outbox = createOutbox({
    store,
    alerting,
    clock: systemClock,
    log: log.log,
    channels: [channel],
    backoff,
    onQueued: (name, count) => queued.set(name, count),
    onDelivered: (name, type, result) => {
      counted.push({ channel: name, type, result });
      for (const wake of waiters) wake();
    },
  });
  outbox.start();
  cleanups.push(() => store.close());
  cleanups.push(() => outbox.stop());
  return {
    outbox,
    store,
    counted,
    queued,
    enqueue(notification) {
      store.transaction(() => enqueueOnNamedChannels(store.outbox, alerting, notification));
      outbox.wake();
    },
    waitForCounts: (predicate) =>
      new Promise((resolve) => {
        const check = () => {
          if (!predicate(counted)) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}
