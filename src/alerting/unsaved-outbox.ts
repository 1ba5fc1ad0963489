// The notifications decided while the store refused writes (disk full, I/O error), kept in memory
// with the same rows and deliveries the store's outbox keeps, so the outbox delivers them the same
// way (grouping, per-recipient answers, backoff) and the duty team is told during the refusal.
//
// When the store accepts writes again, drainInto() copies everything here into the store's outbox
// inside the caller's catch-up transaction: rows as rows, each delivery with its frozen content and
// Message-ID, closed as it was closed here. A mail already sent is therefore recorded as delivered
// and never sent a second time; a send still in flight at that moment records its answer on the
// stored delivery once it ends. Nothing here survives a restart: memory is all there is while the
// store refuses, and a crash in that time loses what the disk could not take.
import type { Clock } from '../clock.ts';
import type { Notification } from '../state/notification.ts';
import type { DeliveryFailure, DeliveryRecipients, DeliveryRow, OutboxStore } from '../store/store.ts';
import { deserialize, serialize } from '../store/serialize.ts';
import type { CreateDeliveryInput, OutboxRow } from '../store/outbox-store.ts';

/** The part of the store's outbox the delivery loop uses, kept in memory. */
export type UnsavedOutbox = Pick<
  OutboxStore,
  'enqueue' | 'pending' | 'createDelivery' | 'undelivered' | 'markDelivered' | 'markAttemptFailed' | 'markFailed' | 'lastDeliveredAt' | 'countQueued'
> & {
  /** Rows or deliveries not yet written to the store. */
  readonly size: () => number;
  /**
   * Writes every row and delivery into `target` (call inside the catch-up transaction) and empties
   * itself. Returns the function that commits the move: call it after the transaction committed;
   * until then a failed transaction leaves everything here, as it was.
   */
  readonly drainInto: (target: OutboxStore) => () => void;
};

interface MemoryDelivery {
  id: number;
  channel: string;
  route: string;
  rowIds: number[];
  messageId: string;
  content: unknown;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string;
  deliveredAt?: Date;
  recipients?: DeliveryRecipients;
  failed?: DeliveryFailure;
}

interface MemoryRow extends OutboxRow {
  deliveryId?: number;
}

/** Ids below zero: never mistaken for a stored row's or delivery's in a log line. */
export function createUnsavedOutbox(clock: Clock): UnsavedOutbox {
  let rows: MemoryRow[] = [];
  let deliveries: MemoryDelivery[] = [];
  let lastId = 0;
  /** Deliveries already written to the store: a send that ends later marks the stored one. */
  const moved = new Map<number, { readonly target: OutboxStore; readonly id: number }>();

  const deliveryOf = (id: number): MemoryDelivery | undefined => deliveries.find((delivery) => delivery.id === id);
  const toRow = (delivery: MemoryDelivery): DeliveryRow => ({ ...delivery, rowIds: [...delivery.rowIds] });
  const isOpen = (delivery: MemoryDelivery): boolean => delivery.deliveredAt === undefined;

  return {
    enqueue(channel, notification: Notification, route) {
      lastId -= 1;
      rows.push({ id: lastId, channel, route, notification, createdAt: clock() });
      return lastId;
    },
    pending: (channel) => rows.filter((row) => row.channel === channel && row.deliveryId === undefined).map(({ deliveryId: _, ...row }) => row),
    createDelivery(input: CreateDeliveryInput) {
      const claimed = input.rowIds.map((id) => rows.find((row) => row.id === id));
      if (claimed.some((row) => row === undefined || row.deliveryId !== undefined || row.channel !== input.channel || row.route !== input.route)) {
        throw new Error(`unsaved outbox rows ${input.rowIds.join(', ')} cannot join a delivery on ${input.channel} to "${input.route}"`);
      }
      lastId -= 1;
      // Content as the store would give it back, so the channel reads the same shape either way.
      const delivery: MemoryDelivery = {
        id: lastId,
        channel: input.channel,
        route: input.route,
        rowIds: [...input.rowIds],
        messageId: input.messageId,
        content: deserialize<unknown>(serialize(input.content)),
        createdAt: input.now,
        attempts: 0,
        nextAttemptAt: input.now,
      };
      for (const row of claimed) row!.deliveryId = delivery.id;
      deliveries.push(delivery);
      return toRow(delivery);
    },
    undelivered: (channel) => deliveries.filter((delivery) => delivery.channel === channel && isOpen(delivery)).map(toRow),
    markDelivered(deliveryId, at, recipients) {
      const stored = moved.get(deliveryId);
      if (stored) return stored.target.markDelivered(stored.id, at, recipients);
      const delivery = deliveryOf(deliveryId);
      if (delivery === undefined || !isOpen(delivery)) return;
      delivery.deliveredAt = at;
      if (recipients) delivery.recipients = recipients;
    },
    markAttemptFailed(deliveryId, error, nextAttemptAt, recipients) {
      const stored = moved.get(deliveryId);
      if (stored) return stored.target.markAttemptFailed(stored.id, error, nextAttemptAt, recipients);
      const delivery = deliveryOf(deliveryId);
      if (delivery === undefined) throw new Error(`no unsaved outbox delivery with id ${deliveryId}`);
      delivery.attempts += 1;
      delivery.lastError = error;
      delivery.nextAttemptAt = nextAttemptAt;
      if (recipients) delivery.recipients = recipients;
    },
    markFailed(deliveryId, failure, error, at, recipients) {
      const stored = moved.get(deliveryId);
      if (stored) return stored.target.markFailed(stored.id, failure, error, at, recipients);
      const delivery = deliveryOf(deliveryId);
      if (delivery === undefined || !isOpen(delivery)) return;
      delivery.attempts += 1;
      delivery.lastError = error;
      delivery.failed = failure;
      delivery.deliveredAt = at;
      if (recipients) delivery.recipients = recipients;
    },
    lastDeliveredAt(channel, route) {
      const times = deliveries
        .filter((delivery) => delivery.channel === channel && delivery.route === route && delivery.deliveredAt !== undefined)
        .map((delivery) => delivery.deliveredAt!.getTime());
      return times.length === 0 ? undefined : new Date(Math.max(...times));
    },
    countQueued(channel) {
      const open = new Set(deliveries.filter(isOpen).map((delivery) => delivery.id));
      return rows.filter((row) => row.channel === channel && (row.deliveryId === undefined || open.has(row.deliveryId))).length;
    },
    size: () => rows.length + deliveries.length,
    drainInto(target) {
      const rowIds = new Map<number, number>();
      for (const row of rows) rowIds.set(row.id, target.enqueue(row.channel, row.notification, row.route));
      const written: [number, number][] = [];
      for (const delivery of deliveries) {
        const stored = target.createDelivery({
          channel: delivery.channel,
          route: delivery.route,
          rowIds: delivery.rowIds.map((id) => rowIds.get(id)!),
          messageId: delivery.messageId,
          content: delivery.content,
          now: delivery.createdAt,
        });
        // Closed as it was closed here: a sent mail is delivered, and so is never sent again.
        if (delivery.failed !== undefined) {
          target.markFailed(stored.id, delivery.failed, delivery.lastError ?? '', delivery.deliveredAt!, delivery.recipients);
        } else if (delivery.deliveredAt !== undefined) {
          target.markDelivered(stored.id, delivery.deliveredAt, delivery.recipients);
        } else if (delivery.attempts > 0) {
          target.markAttemptFailed(stored.id, delivery.lastError ?? '', delivery.nextAttemptAt, delivery.recipients);
        }
        written.push([delivery.id, stored.id]);
      }
      return () => {
        for (const [id, storedId] of written) moved.set(id, { target, id: storedId });
        rows = [];
        deliveries = [];
      };
    },
  };
}
