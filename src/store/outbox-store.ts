// The notification outbox. A notification row is written in the same transaction as the state
// change that causes it; the delivery worker later freezes a batch of rows into a delivery (the
// exact content and Message-ID, stored before the first send attempt), sends it, and marks it.
// After a crash, undelivered deliveries are re-sent as they were frozen, never re-rendered.
//
// A delivery ends in one of two ways: delivered (every recipient accepted it or refused it for
// good), or failed (nobody took it and trying again would fail the same way: a wrong password, every
// recipient refused). Both close it, so it never holds up the route's later deliveries; a failed
// one keeps its reason in `failed`, is listed by refusals() and can be re-opened (reopenFailed).
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import type { Notification } from '../state/notification.ts';
import { deserialize, serialize, toEpochMs } from './serialize.ts';

/** A delivery channel's name (alerting/channels/registry.ts): email, alertmanager. */
export type Channel = string;

export interface OutboxRow {
  readonly id: number;
  readonly channel: string;
  readonly route: string;
  readonly notification: Notification;
  readonly createdAt: Date;
}

export interface DeliveryRow {
  readonly id: number;
  readonly channel: string;
  readonly route: string;
  /** The outbox rows it carries, ascending. */
  readonly rowIds: number[];
  readonly messageId: string;
  readonly content: unknown;
  readonly createdAt: Date;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError?: string;
  /** Set when closed, delivered or failed. */
  readonly deliveredAt?: Date;
  /** What the recipients answered so far; absent = nothing yet, every recipient still pending. */
  readonly recipients?: DeliveryRecipients;
  /** Why a closed delivery was not delivered. */
  readonly failed?: DeliveryFailure;
}

/** auth: the server refused our credentials; refused: every recipient refused for good; gave_up: any other final refusal. */
export type DeliveryFailure = 'auth' | 'refused' | 'gave_up';

/** A recipient the server refused for good, with its answer ("550 5.1.1 Mailbox unavailable"). */
export interface RefusedRecipient {
  readonly address: string;
  readonly response: string;
}

/** Per-recipient progress of one delivery (mail): only `pending` is tried again, with the same frozen bytes. */
export interface DeliveryRecipients {
  readonly pending: readonly string[];
  readonly accepted: readonly string[];
  readonly refused: readonly RefusedRecipient[];
}

export interface CreateDeliveryInput {
  readonly channel: string;
  readonly route: string;
  readonly rowIds: readonly number[];
  readonly messageId: string;
  /** JSON-representable; Dates and Uint8Arrays (revived as Buffer) survive. */
  readonly content: unknown;
  readonly now: Date;
}

export interface OutboxStore {
  /**
   * Returns the row id. `route` is the recipient set the rows are grouped and ordered by
   * (state/recipients.ts routeKey); who is told is decided before the store sees it.
   */
  enqueue(channel: Channel, notification: Notification, route: string): number;
  /** Rows not yet in a delivery, oldest first. */
  pending(channel: string): OutboxRow[];
  /**
   * Freezes a batch: the exact rendered content and Message-ID are stored BEFORE the first send
   * attempt, so a re-send after a crash sends the very same mail. Every row must be pending on
   * this channel and route; otherwise nothing changes and an Error is thrown.
   */
  createDelivery(input: CreateDeliveryInput): DeliveryRow;
  /** Created, not delivered, oldest first: what to send after a restart, and what awaits a retry. */
  undelivered(channel: string): DeliveryRow[];
  /** Also marks its rows delivered, and keeps what the recipients answered. Marking a delivered delivery again changes nothing. */
  markDelivered(deliveryId: number, at: Date, recipients?: DeliveryRecipients): void;
  /** attempts + 1, and when to try again; with `recipients`, what they answered (only the pending ones are tried again). */
  markAttemptFailed(deliveryId: number, error: string, nextAttemptAt: Date, recipients?: DeliveryRecipients): void;
  /**
   * attempts + 1 and closes the delivery undelivered: its rows count as done (they block nothing),
   * a report it carries is not accepted, and it stays listed by refusals(). Closing a closed one changes nothing.
   */
  markFailed(deliveryId: number, failure: DeliveryFailure, error: string, at: Date, recipients?: DeliveryRecipients): void;
  /** Closed since `since`, newest first: failed deliveries and delivered ones some recipient refused. */
  refusals(channel: string, since: Date): DeliveryRow[];
  /** Opens again the deliveries closed for `failure` (a fixed password): due at `at`, rows undelivered again. Returns how many. */
  reopenFailed(channel: string, failure: DeliveryFailure, at: Date): number;
  /** For groupInterval: when this route last got a delivery on this channel. */
  lastDeliveredAt(channel: string, route: string): Date | undefined;
  /** Rows not delivered: pending ones and those in undelivered deliveries. */
  countQueued(channel: string): number;
}

interface OutboxTableRow {
  readonly id: number;
  readonly channel: string;
  readonly route: string;
  readonly notification: string;
  readonly created_at: number;
}

interface DeliveryTableRow {
  readonly id: number;
  readonly channel: string;
  readonly route: string;
  readonly row_ids: string;
  readonly message_id: string;
  readonly content: string;
  readonly created_at: number;
  readonly attempts: number;
  readonly next_attempt_at: number;
  readonly last_error: string | null;
  readonly delivered_at: number | null;
  readonly recipients: string | null;
  readonly failed: string | null;
}

const DELIVERY_COLUMNS = `d.id, d.channel, d.route, d.message_id, d.content, d.created_at, d.attempts, d.next_attempt_at,
  d.last_error, d.delivered_at, d.recipients, d.failed,
  (SELECT json_group_array(id) FROM (SELECT id FROM outbox WHERE delivery_id = d.id ORDER BY id)) AS row_ids`;

export function createOutboxStore(db: Database.Database, clock: Clock): OutboxStore {
  const insertRow = db.prepare<[string, string, string, string | null, string, number]>(
    'INSERT INTO outbox (channel, route, type, incident_id, notification, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const selectPending = db.prepare<[string], OutboxTableRow>(
    'SELECT id, channel, route, notification, created_at FROM outbox WHERE channel = ? AND delivery_id IS NULL ORDER BY id',
  );
  const insertDelivery = db.prepare<[string, string, string, string, number, number]>(
    `INSERT INTO deliveries (channel, route, message_id, content, created_at, next_attempt_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const claimRow = db.prepare<[number, number, string, string]>(
    'UPDATE outbox SET delivery_id = ? WHERE id = ? AND channel = ? AND route = ? AND delivery_id IS NULL',
  );
  const selectDelivery = db.prepare<[number], DeliveryTableRow>(`SELECT ${DELIVERY_COLUMNS} FROM deliveries d WHERE d.id = ?`);
  const selectUndelivered = db.prepare<[string], DeliveryTableRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM deliveries d WHERE d.channel = ? AND d.delivered_at IS NULL ORDER BY d.id`,
  );
  const markDeliveryDelivered = db.prepare<[number, number]>('UPDATE deliveries SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL');
  const markRowsDelivered = db.prepare<[number, number]>('UPDATE outbox SET delivered_at = ? WHERE delivery_id = ? AND delivered_at IS NULL');
  // A report's send is accepted when the delivery carrying its row is (migration 003).
  const markReportsAccepted = db.prepare<[number, number, number]>(
    `UPDATE report_sends SET accepted_at = ?, message_id = (SELECT message_id FROM deliveries WHERE id = ?)
     WHERE outbox_id IN (SELECT id FROM outbox WHERE delivery_id = ?) AND accepted_at IS NULL`,
  );
  const markFailedAttempt = db.prepare<[string, number, number]>(
    'UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?',
  );
  const markFailedOnce = db.prepare<[string, string, number, number]>(
    'UPDATE deliveries SET attempts = attempts + 1, last_error = ?, failed = ?, delivered_at = ? WHERE id = ? AND delivered_at IS NULL',
  );
  const updateRecipients = db.prepare<[string, number]>('UPDATE deliveries SET recipients = ? WHERE id = ?');
  const selectRefusals = db.prepare<[string, number], DeliveryTableRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM deliveries d
     WHERE d.channel = ? AND d.delivered_at >= ? AND (d.failed IS NOT NULL OR json_array_length(d.recipients, '$.refused') > 0)
     ORDER BY d.delivered_at DESC, d.id DESC`,
  );
  const reopenDeliveries = db.prepare<[number, string, string]>(
    'UPDATE deliveries SET delivered_at = NULL, failed = NULL, next_attempt_at = ? WHERE channel = ? AND failed = ? RETURNING id',
  );
  const reopenRows = db.prepare<[number]>('UPDATE outbox SET delivered_at = NULL WHERE delivery_id = ?');
  const selectExists = db.prepare<[number], { id: number }>('SELECT id FROM deliveries WHERE id = ?');
  const selectLastDelivered = db.prepare<[string, string], { at: number | null }>(
    'SELECT max(delivered_at) AS at FROM deliveries WHERE channel = ? AND route = ? AND delivered_at IS NOT NULL',
  );
  const selectQueued = db.prepare<[string], { count: number }>('SELECT count(*) AS count FROM outbox WHERE channel = ? AND delivered_at IS NULL');

  const readDelivery = (id: number): DeliveryRow => {
    const row = selectDelivery.get(id);
    if (row === undefined) throw new Error(`no outbox delivery with id ${id}`);
    return decodeDelivery(row);
  };

  // Each is atomic on its own and joins the caller's transaction (as a savepoint) when inside one.
  const createDelivery = db.transaction((input: CreateDeliveryInput): DeliveryRow => {
    const now = toEpochMs(input.now, 'createDelivery now');
    const { lastInsertRowid } = insertDelivery.run(input.channel, input.route, input.messageId, serialize(input.content), now, now);
    const deliveryId = Number(lastInsertRowid);
    for (const rowId of input.rowIds) {
      if (claimRow.run(deliveryId, rowId, input.channel, input.route).changes !== 1) {
        throw new Error(
          `outbox row ${rowId} cannot join a delivery on ${input.channel} to "${input.route}": ` +
            'it does not exist, belongs to another channel or route, or is already in a delivery',
        );
      }
    }
    return readDelivery(deliveryId);
  });
  const markDelivered = db.transaction((deliveryId: number, at: Date, recipients: DeliveryRecipients | undefined): void => {
    const atMs = toEpochMs(at, 'markDelivered at');
    if (markDeliveryDelivered.run(atMs, deliveryId).changes === 0) {
      if (selectExists.get(deliveryId) === undefined) throw new Error(`no outbox delivery with id ${deliveryId}`);
      return;
    }
    if (recipients) updateRecipients.run(JSON.stringify(recipients), deliveryId);
    markRowsDelivered.run(atMs, deliveryId);
    markReportsAccepted.run(atMs, deliveryId, deliveryId);
  });
  const markFailed = db.transaction(
    (deliveryId: number, failure: DeliveryFailure, error: string, at: Date, recipients: DeliveryRecipients | undefined): void => {
      const atMs = toEpochMs(at, 'markFailed at');
      if (markFailedOnce.run(error, failure, atMs, deliveryId).changes === 0) {
        if (selectExists.get(deliveryId) === undefined) throw new Error(`no outbox delivery with id ${deliveryId}`);
        return;
      }
      if (recipients) updateRecipients.run(JSON.stringify(recipients), deliveryId);
      markRowsDelivered.run(atMs, deliveryId);
    },
  );
  const reopenFailed = db.transaction((channel: string, failure: DeliveryFailure, at: Date): number => {
    const reopened = reopenDeliveries.all(toEpochMs(at, 'reopenFailed at'), channel, failure) as { id: number }[];
    for (const { id } of reopened) reopenRows.run(id);
    return reopened.length;
  });
  const markAttemptFailed = db.transaction((deliveryId: number, error: string, nextAttemptAt: Date, recipients: DeliveryRecipients | undefined): void => {
    if (markFailedAttempt.run(error, toEpochMs(nextAttemptAt, 'markAttemptFailed nextAttemptAt'), deliveryId).changes === 0) {
      throw new Error(`no outbox delivery with id ${deliveryId}`);
    }
    if (recipients) updateRecipients.run(JSON.stringify(recipients), deliveryId);
  });

  return {
    enqueue(channel, notification, route) {
      const { lastInsertRowid } = insertRow.run(
        channel,
        route,
        notification.type,
        notification.incident?.id ?? null,
        serialize(notification),
        clock().getTime(),
      );
      return Number(lastInsertRowid);
    },
    pending: (channel) =>
      selectPending.all(channel).map((row) => ({
        id: row.id,
        channel: row.channel,
        route: row.route,
        notification: deserialize<Notification>(row.notification),
        createdAt: new Date(row.created_at),
      })),
    createDelivery: (input) => createDelivery(input),
    undelivered: (channel) => selectUndelivered.all(channel).map(decodeDelivery),
    markDelivered: (deliveryId, at, recipients) => markDelivered(deliveryId, at, recipients),
    markAttemptFailed: (deliveryId, error, nextAttemptAt, recipients) => markAttemptFailed(deliveryId, error, nextAttemptAt, recipients),
    markFailed: (deliveryId, failure, error, at, recipients) => markFailed(deliveryId, failure, error, at, recipients),
    refusals: (channel, since) => selectRefusals.all(channel, toEpochMs(since, 'refusals since')).map(decodeDelivery),
    reopenFailed: (channel, failure, at) => reopenFailed(channel, failure, at),
    lastDeliveredAt(channel, route) {
      const { at } = selectLastDelivered.get(channel, route)!;
      return at === null ? undefined : new Date(at);
    },
    countQueued: (channel) => selectQueued.get(channel)!.count,
  };
}

function decodeDelivery(row: DeliveryTableRow): DeliveryRow {
  return {
    id: row.id,
    channel: row.channel,
    route: row.route,
    rowIds: JSON.parse(row.row_ids) as number[],
    messageId: row.message_id,
    content: deserialize<unknown>(row.content),
    createdAt: new Date(row.created_at),
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.delivered_at === null ? {} : { deliveredAt: new Date(row.delivered_at) }),
    ...(row.recipients === null ? {} : { recipients: JSON.parse(row.recipients) as DeliveryRecipients }),
    ...(row.failed === null ? {} : { failed: row.failed as DeliveryFailure }),
  };
}
