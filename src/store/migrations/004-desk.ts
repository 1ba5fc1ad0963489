// Schema version 4: what the duty desk records. Released: never edit this text; change the schema
// in a new numbered file.
//
// - desk_acknowledgements: one row per incident (the first acknowledgement wins).
// - desk_notes: append-only; a change to a field is a new row, never an update, so the history of
//   cause, plan, expected fix and result stays with who wrote each and when.
// - people_incidents: incidents no probe sees. A table of their own, beside `incidents`: the
//   incident rules, the Alertmanager loop and the availability figures read `incidents` only, so a
//   person's report never opens, resolves or counts as a check's down time.
// - desk_maintenance: windows opened through the API; desk_silences: mutes with an expiry.
// - audit_log: every write through the desk, and logins; pruned with incidents' retention.
export const version = 4;
export const name = 'desk';

export const sql = `
CREATE TABLE desk_acknowledgements (
  incident_id TEXT PRIMARY KEY,
  by_user     TEXT NOT NULL,
  at          INTEGER NOT NULL
) STRICT;

CREATE TABLE desk_notes (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id TEXT NOT NULL,
  author      TEXT NOT NULL,
  at          INTEGER NOT NULL,
  notify      INTEGER NOT NULL,
  -- JSON of the NoteFields given (cause, plan, expectedFixAt, result, text).
  fields      TEXT NOT NULL
) STRICT;
CREATE INDEX desk_notes_by_incident ON desk_notes (incident_id, id);

CREATE TABLE people_incidents (
  id          TEXT PRIMARY KEY,
  opened_at   INTEGER NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT,
  -- JSON of the PeopleReport, and of the Incident it is shown as.
  report      TEXT NOT NULL,
  incident    TEXT NOT NULL
) STRICT;
CREATE INDEX people_incidents_by_time ON people_incidents (opened_at, resolved_at);

CREATE TABLE desk_maintenance (
  id         TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,
  -- When it stops counting: ended_at, else the planned end; NULL = open-ended.
  ends_at    INTEGER,
  ended_at   INTEGER,
  record     TEXT NOT NULL
) STRICT;

CREATE TABLE desk_silences (
  id         TEXT PRIMARY KEY,
  check_name TEXT,
  system     TEXT,
  until      INTEGER NOT NULL,
  silence    TEXT NOT NULL
) STRICT;
CREATE INDEX desk_silences_by_until ON desk_silences (until);

CREATE TABLE audit_log (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at      INTEGER NOT NULL,
  user    TEXT NOT NULL,
  address TEXT NOT NULL,
  action  TEXT NOT NULL,
  target  TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_by_time ON audit_log (at);
`;
