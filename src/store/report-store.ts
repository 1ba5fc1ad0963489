// The sends of reports (state/report-send.ts): recorded in the same transaction as the outbox row
// that carries the mail, so a report is queued exactly when it is recorded, and a recorded slot is
// never queued again. Accepted when the outbox marks its delivery delivered (outbox-store.ts).
// Also keeps when the report scheduler first ran on this store: slots before it are never sent.
import type Database from 'better-sqlite3';
import type { Notification } from '../state/notification.ts';
import type { ReportSend } from '../state/report-send.ts';
import type { MetaStore } from './meta-store.ts';
import type { OutboxStore } from './outbox-store.ts';
import { toEpochMs } from './serialize.ts';

export interface ReportStore {
  /**
   * Queues the mail on the email channel and records the send, in one transaction; returns the
   * outbox row id. Throws (and queues nothing) when the slot of a scheduled report is already recorded.
   */
  record(send: ReportSend, notification: Notification, route: string): number;
  /** The latest sends, newest first (by queue time). */
  recent(limit: number): ReportSend[];
  /** When a mail of this report was last accepted by the mail server. */
  lastSuccess(report: string): Date | undefined;
  /** The slot of this report's latest recorded scheduled send (sends by hand left out). */
  lastSlot(report: string): Date | undefined;
  /** The scheduled send of this slot, if recorded. */
  find(report: string, scheduledFor: Date): ReportSend | undefined;
  /** The scheduled sends of a report not yet accepted and whose deadline was not yet called missed. */
  unaccepted(report: string): ReportSend[];
  /** Says the slot's deadline passed without acceptance, so a restart does not raise it again. */
  markDeadlineMissed(report: string, scheduledFor: Date, at: Date): void;
  /** When the report scheduler first ran on this store; set to `now` on the first call. */
  firstStart(now: Date): Date;
}

interface ReportSendRow {
  readonly report: string;
  readonly scheduled_for: number;
  readonly window_from: number;
  readonly window_to: number;
  readonly queued_at: number;
  readonly accepted_at: number | null;
  readonly to_addresses: string;
  readonly cc_addresses: string;
  readonly late: number;
  readonly manual: number;
  readonly message_id: string | null;
  readonly deadline_missed_at: number | null;
}

const FIRST_START_KEY = 'reports.firstStart';

// message_id: copied at acceptance; before it, the frozen delivery's (if frozen yet).
const COLUMNS = `r.report, r.scheduled_for, r.window_from, r.window_to, r.queued_at, r.accepted_at, r.to_addresses, r.cc_addresses,
  r.late, r.manual, r.deadline_missed_at, coalesce(r.message_id, (SELECT d.message_id FROM outbox o JOIN deliveries d ON d.id = o.delivery_id WHERE o.id = r.outbox_id)) AS message_id`;

export function createReportStore(db: Database.Database, outbox: OutboxStore, meta: MetaStore): ReportStore {
  const insert = db.prepare<[string, number, number, number, number, string, string, number, number, number]>(
    `INSERT INTO report_sends (report, scheduled_for, window_from, window_to, queued_at, to_addresses, cc_addresses, late, manual, outbox_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const selectRecent = db.prepare<[number], ReportSendRow>(`SELECT ${COLUMNS} FROM report_sends r ORDER BY r.queued_at DESC, r.id DESC LIMIT ?`);
  const selectLastSuccess = db.prepare<[string], { at: number | null }>('SELECT max(accepted_at) AS at FROM report_sends WHERE report = ?');
  const selectLastSlot = db.prepare<[string], { at: number | null }>('SELECT max(scheduled_for) AS at FROM report_sends WHERE report = ? AND manual = 0');
  const selectOne = db.prepare<[string, number], ReportSendRow>(
    `SELECT ${COLUMNS} FROM report_sends r WHERE r.report = ? AND r.scheduled_for = ? AND r.manual = 0`,
  );
  const selectUnaccepted = db.prepare<[string], ReportSendRow>(
    `SELECT ${COLUMNS} FROM report_sends r
     WHERE r.report = ? AND r.manual = 0 AND r.accepted_at IS NULL AND r.deadline_missed_at IS NULL ORDER BY r.scheduled_for`,
  );
  const updateMissed = db.prepare<[number, string, number]>(
    'UPDATE report_sends SET deadline_missed_at = ? WHERE report = ? AND scheduled_for = ? AND manual = 0 AND deadline_missed_at IS NULL',
  );
  const record = db.transaction((send: ReportSend, notification: Notification, route: string): number => {
    const rowId = outbox.enqueue('email', notification, route);
    insert.run(
      send.report,
      toEpochMs(send.scheduledFor, 'report send scheduledFor'),
      toEpochMs(send.window.from, 'report window from'),
      toEpochMs(send.window.to, 'report window to'),
      toEpochMs(send.queuedAt, 'report send queuedAt'),
      JSON.stringify(send.to),
      JSON.stringify(send.cc),
      send.late ? 1 : 0,
      send.manual ? 1 : 0,
      rowId,
    );
    return rowId;
  });
  const maxAt = (row: { at: number | null } | undefined) => (row?.at == null ? undefined : new Date(row.at));

  return {
    record: (send, notification, route) => record(send, notification, route),
    recent: (limit) => selectRecent.all(limit).map(decode),
    lastSuccess: (report) => maxAt(selectLastSuccess.get(report)),
    lastSlot: (report) => maxAt(selectLastSlot.get(report)),
    find(report, scheduledFor) {
      const row = selectOne.get(report, toEpochMs(scheduledFor, 'report send scheduledFor'));
      return row === undefined ? undefined : decode(row);
    },
    unaccepted: (report) => selectUnaccepted.all(report).map(decode),
    markDeadlineMissed(report, scheduledFor, at) {
      updateMissed.run(toEpochMs(at, 'deadline missed at'), report, toEpochMs(scheduledFor, 'report send scheduledFor'));
    },
    firstStart(now) {
      const stored = meta.get<Date>(FIRST_START_KEY);
      if (stored instanceof Date) return stored;
      meta.set(FIRST_START_KEY, now);
      return now;
    },
  };
}

function decode(row: ReportSendRow): ReportSend {
  return {
    report: row.report,
    scheduledFor: new Date(row.scheduled_for),
    window: { from: new Date(row.window_from), to: new Date(row.window_to) },
    queuedAt: new Date(row.queued_at),
    ...(row.accepted_at === null ? {} : { acceptedAt: new Date(row.accepted_at) }),
    to: JSON.parse(row.to_addresses) as string[],
    cc: JSON.parse(row.cc_addresses) as string[],
    late: row.late === 1,
    ...(row.message_id === null ? {} : { messageId: row.message_id }),
    ...(row.manual === 1 ? { manual: true } : {}),
    ...(row.deadline_missed_at === null ? {} : { deadlineMissedAt: new Date(row.deadline_missed_at) }),
  };
}
