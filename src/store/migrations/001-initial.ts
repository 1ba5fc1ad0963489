// Schema version 1: check state, incidents, the notification outbox and its frozen deliveries, and
// a key-value table. Released: never edit this text; change the schema in a new numbered file.
//
// Conventions for every table: instants are INTEGER epoch milliseconds (comparable and indexable);
// whole domain objects live in a JSON column written by serialize.ts, and only the fields that
// queries filter or sort on are copied into their own columns.
export const version = 1;
export const name = 'initial';

export const sql = `
PRAGMA application_id = 1146504019;

CREATE TABLE check_state (
  check_name TEXT PRIMARY KEY,
  state      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE incidents (
  id                 TEXT PRIMARY KEY,
  check_name         TEXT NOT NULL,
  system             TEXT NOT NULL,
  severity           TEXT NOT NULL,
  opened_at          INTEGER NOT NULL,
  resolved_at        INTEGER,
  -- The incident of the parent check that holds (or last held) this one; kept after the hold ends.
  holder_incident_id TEXT,
  -- The hold in force now (parent | vantage | maintenance, and its key); cleared with the hold.
  hold_by            TEXT,
  hold_key           TEXT,
  incident           TEXT NOT NULL
) STRICT;
CREATE INDEX incidents_open ON incidents (opened_at) WHERE resolved_at IS NULL;
CREATE INDEX incidents_by_check ON incidents (check_name, opened_at);
CREATE INDEX incidents_by_time ON incidents (opened_at, resolved_at);
CREATE INDEX incidents_by_holder ON incidents (holder_incident_id) WHERE holder_incident_id IS NOT NULL;
CREATE INDEX incidents_held_resolved ON incidents (hold_by, hold_key) WHERE hold_by IS NOT NULL AND resolved_at IS NOT NULL;

-- AUTOINCREMENT: ids are the FIFO order and are never reused, even after old rows are pruned.
CREATE TABLE deliveries (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  channel         TEXT NOT NULL,
  route           TEXT NOT NULL,
  message_id      TEXT NOT NULL,
  content         TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  delivered_at    INTEGER
) STRICT;
CREATE INDEX deliveries_undelivered ON deliveries (channel, route, id) WHERE delivered_at IS NULL;
CREATE INDEX deliveries_delivered ON deliveries (channel, route, delivered_at) WHERE delivered_at IS NOT NULL;

CREATE TABLE outbox (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  channel      TEXT NOT NULL,
  route        TEXT NOT NULL,
  type         TEXT NOT NULL,
  incident_id  TEXT,
  notification TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  delivery_id  INTEGER REFERENCES deliveries (id),
  delivered_at INTEGER
) STRICT;
CREATE INDEX outbox_pending ON outbox (channel, id) WHERE delivery_id IS NULL;
CREATE INDEX outbox_queued ON outbox (channel) WHERE delivered_at IS NULL;
CREATE INDEX outbox_by_delivery ON outbox (delivery_id) WHERE delivery_id IS NOT NULL;

CREATE TABLE meta (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
`;
