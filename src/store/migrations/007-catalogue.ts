// Schema version 7: procedure catalogue snapshots (src/catalogue). A record is stored once per
// version: a crawl that finds it unchanged only marks it seen, so a month of nightly snapshots of
// an unchanged catalogue costs one copy plus a row per snapshot.
// Released: never edit this text; change the schema in a new numbered file.
//
// - catalogue_snapshots: one row per crawl. `running` until the crawl has read every page; its
//   position (the cursor of the page being read and how many of its items are stored) is written
//   with each record, so a crawl killed or blocked resumes where it stopped.
// - catalogue_records: versions. A version belongs to snapshots from_snapshot ≤ S < to_snapshot
//   (to_snapshot NULL = still current). A running crawl only ever closes versions at its own id,
//   which is above every complete snapshot, so readers of complete snapshots never see it.
// - catalogue_seen: the codes the running crawl has read; emptied when it completes.
// - catalogue_crawl_locks: one crawl per check at a time, across the daemon and the CLI.
export const version = 7;
export const name = 'catalogue';

export const sql = `
CREATE TABLE catalogue_snapshots (
  id           INTEGER PRIMARY KEY,
  check_name   TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('running', 'complete')),
  started_at   INTEGER NOT NULL,
  completed_at INTEGER,
  items        INTEGER NOT NULL DEFAULT 0,
  requests     INTEGER NOT NULL DEFAULT 0,
  cursor       TEXT NOT NULL DEFAULT '',
  page_done    INTEGER NOT NULL DEFAULT 0,
  reason       TEXT
) STRICT;
CREATE INDEX catalogue_snapshots_by_check ON catalogue_snapshots (check_name, state, id);
CREATE TABLE catalogue_records (
  check_name    TEXT NOT NULL,
  code          TEXT NOT NULL,
  from_snapshot INTEGER NOT NULL,
  to_snapshot   INTEGER,
  hash          TEXT NOT NULL,
  record        TEXT NOT NULL,
  PRIMARY KEY (check_name, code, from_snapshot)
) STRICT, WITHOUT ROWID;
CREATE INDEX catalogue_records_current ON catalogue_records (check_name, code) WHERE to_snapshot IS NULL;
CREATE TABLE catalogue_seen (
  snapshot_id INTEGER NOT NULL,
  code        TEXT NOT NULL,
  PRIMARY KEY (snapshot_id, code)
) STRICT, WITHOUT ROWID;
CREATE TABLE catalogue_crawl_locks (
  check_name   TEXT PRIMARY KEY,
  owner        TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  host         TEXT NOT NULL,
  heartbeat_at INTEGER NOT NULL
) STRICT;
`;
