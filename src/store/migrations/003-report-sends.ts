// Schema version 3: the sends of scheduled reports (state/report-send.ts ReportSend), each written
// in the same transaction as its outbox row, so a report is recorded exactly when it is queued.
// Released: never edit this text; change the schema in a new numbered file.
//
// A slot of a report is recorded at most once (the unique index): a restart, or two schedulers by
// mistake, cannot queue it twice. A send asked for by hand (`report --send`) is not a slot
// (manual = 1) and never stands in for one. accepted_at and message_id are copied from the
// delivery when it is marked delivered (outbox-store.ts), so they outlive the pruned outbox rows.
export const version = 3;
export const name = 'report-sends';

export const sql = `
CREATE TABLE report_sends (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  report             TEXT NOT NULL,
  scheduled_for      INTEGER NOT NULL,
  window_from        INTEGER NOT NULL,
  window_to          INTEGER NOT NULL,
  queued_at          INTEGER NOT NULL,
  accepted_at        INTEGER,
  -- JSON arrays of addresses.
  to_addresses       TEXT NOT NULL,
  cc_addresses       TEXT NOT NULL,
  late               INTEGER NOT NULL,
  manual             INTEGER NOT NULL,
  outbox_id          INTEGER NOT NULL,
  message_id         TEXT,
  deadline_missed_at INTEGER
) STRICT;
CREATE UNIQUE INDEX report_sends_slot ON report_sends (report, scheduled_for) WHERE manual = 0;
CREATE INDEX report_sends_by_outbox ON report_sends (outbox_id);
CREATE INDEX report_sends_by_time ON report_sends (queued_at);
`;
