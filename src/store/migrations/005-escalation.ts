// Schema version 5: the escalation steps fired per incident (state/escalation.ts), each written in
// the same transaction as its outbox rows, so a restart or a crash never fires a step twice.
// Released: never edit this text; change the schema in a new numbered file.
//
// A step is known by its `after` in seconds. The index on outbox finds when an incident's firing
// notification was queued, the moment its steps count from.
export const version = 5;
export const name = 'escalation';

export const sql = `
CREATE TABLE escalation_steps (
  incident_id   TEXT NOT NULL,
  after_seconds INTEGER NOT NULL,
  fired_at      INTEGER NOT NULL,
  PRIMARY KEY (incident_id, after_seconds)
) STRICT, WITHOUT ROWID;
CREATE INDEX outbox_by_incident ON outbox (incident_id, type) WHERE incident_id IS NOT NULL;
`;
