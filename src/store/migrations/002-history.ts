// Schema version 2: probe history (every result for storage.retention.raw, per-minute figures per
// check for storage.retention.aggregates) and the columns that date an incident's down time.
// Released: never edit this text; change the schema in a new numbered file.
//
// Raw results are the bulk of the file (1,000 checks at 1 s are 172.8 million results in 48 h), so
// they are kept as one row per batch the writer flushes (a second's results), packed to about
// 8 bytes a result (raw-results-codec.ts): no text, no message (it may quote an endpoint), no
// index. Batches are appended in time order by one writer, so rowid order is time order and the
// pruner deletes from the front. Each check is a number from history_checks.
export const version = 2;
export const name = 'history';

export const sql = `
CREATE TABLE history_checks (
  id         INTEGER PRIMARY KEY,
  check_name TEXT NOT NULL UNIQUE
) STRICT;

-- first_at, last_at: the batch's first and last result, epoch ms. results: raw-results-codec.ts,
-- with status 0 ok, 1 warning, 2 critical and reasons as history-store.ts REASON_CODES (append-only).
CREATE TABLE history_raw (
  first_at INTEGER NOT NULL,
  last_at  INTEGER NOT NULL,
  count    INTEGER NOT NULL,
  results  BLOB NOT NULL
) STRICT;

-- One check's probes in one minute (state/history.ts MinuteFigures). Keyed minute first: a
-- finished minute is appended at the end, a report reads a range of minutes, the pruner deletes
-- from the front. failures: "reason:count,…"; latency and sync_lag: state/latency-sketch.ts
-- encodeSketch, in seconds and in the check's sync unit.
CREATE TABLE history_minutes (
  minute        INTEGER NOT NULL,
  check_id      INTEGER NOT NULL,
  probes        INTEGER NOT NULL,
  failures      TEXT,
  latency       TEXT NOT NULL,
  sync_lag_max  REAL,
  sync_lag      TEXT,
  backlog_max   INTEGER,
  tls_days_min  INTEGER,
  PRIMARY KEY (minute, check_id)
) STRICT, WITHOUT ROWID;

-- Down time's bounds (Incident.failingSince ?? openedAt, recoveredAt ?? resolvedAt), so a report
-- finds the incidents that overlap its window by index. Rows stored before are dated by their
-- opening and resolution, as the incident's own fallbacks do.
ALTER TABLE incidents ADD COLUMN down_from INTEGER;
ALTER TABLE incidents ADD COLUMN down_to INTEGER;
UPDATE incidents SET down_from = opened_at, down_to = resolved_at;
CREATE INDEX incidents_down ON incidents (down_from, down_to);
`;
